// A tag's definition as a form: names and descriptions in both languages, the rule built with the
// segment builder (with its live count) and the marketing advice for the front line. Creates a
// custom tag, or changes any tag; members follow at the next recomputation.
import { useMemo, useState } from 'react';
import { App as AntApp, Col, Divider, Form, Input, Modal, Row, Select } from 'antd';
import { useSegmentFields } from '../api/segments.ts';
import { createTag, updateTag, type Tag, type TagBody } from '../api/tags.ts';
import { useLabels } from '../i18n/labels.ts';
import { describeError } from './ErrorAlert.tsx';
import { FilterField } from './FilterEditor.tsx';
import { filterOf, newCondition, newGroup, treeOf, type GroupNode } from './filterTree.ts';

const adviceChannels = ['store', 'ivr', 'agent', 'outbound', 'sms_hall', 'web', 'wap', 'app', 'account_mgr', 'terminal'] as const;

interface TagForm {
  nameZh: string;
  nameEn: string;
  descriptionZh?: string;
  descriptionEn?: string;
  rule?: GroupNode;
  script?: string;
  timing?: string;
  channelId?: string;
}

const formOf = (tag: Tag | null): TagForm =>
  tag
    ? {
        nameZh: tag.nameZh,
        nameEn: tag.nameEn,
        descriptionZh: tag.descriptionZh ?? undefined,
        descriptionEn: tag.descriptionEn ?? undefined,
        rule: treeOf(tag.rule) ?? undefined,
        script: tag.advice?.script,
        timing: tag.advice?.timing,
        channelId: tag.advice?.channelId ?? undefined,
      }
    : { nameZh: '', nameEn: '', rule: newGroup('all', [newCondition('field')]) };

/** `tag` null creates a custom tag. */
export function TagEditor({ tag, open, onClose, onSaved, canRecompute }: { tag: Tag | null; open: boolean; onClose: () => void; onSaved: (tag: Tag) => void; canRecompute: boolean }) {
  const { t, label, name } = useLabels();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<TagForm>();
  const [saving, setSaving] = useState(false);
  const fields = useSegmentFields();
  const specs = useMemo(() => new Map((fields.data ?? []).map((f) => [f.name, f])), [fields.data]);
  const initial = useMemo(() => formOf(tag), [tag]);

  const save = async () => {
    // an invalid form shows its messages at the fields; nothing to send
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const advice = v.script?.trim() || v.timing?.trim() || v.channelId ? { script: v.script?.trim() ?? '', timing: v.timing?.trim() ?? '', channelId: v.channelId ?? null } : null;
    const body: TagBody = {
      nameZh: v.nameZh.trim(),
      nameEn: v.nameEn.trim(),
      ...(v.descriptionZh?.trim() ? { descriptionZh: v.descriptionZh.trim() } : {}),
      ...(v.descriptionEn?.trim() ? { descriptionEn: v.descriptionEn.trim() } : {}),
      rule: filterOf(v.rule!, specs),
      advice,
    };
    setSaving(true);
    try {
      const saved = tag ? await updateTag(tag.tagId, body) : await createTag(body);
      void message.success(t(canRecompute ? 'tags.savedTag' : 'tags.savedTagLater', { name: name(saved.nameZh, saved.nameEn) }));
      onSaved(saved);
    } catch (e) {
      void message.error(describeError(e));
    } finally {
      setSaving(false);
    }
  };

  const required = [{ required: true, whitespace: true, message: t('tags.required') }];
  return (
    <Modal
      open={open}
      width={1000}
      title={tag ? t('tags.editTitle', { name: name(tag.nameZh, tag.nameEn) }) : t('tags.newTitle')}
      okText={t('tags.save')}
      confirmLoading={saving}
      onOk={() => void save()}
      onCancel={onClose}
      destroyOnClose
      okButtonProps={{ 'data-testid': 'tag-save' } as never}
    >
      <Form<TagForm> form={form} layout="vertical" initialValues={initial} preserve={false} data-testid="tag-editor">
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="nameZh" label={t('tags.nameZh')} rules={required}>
              <Input maxLength={60} data-testid="tag-name-zh" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="nameEn" label={t('tags.nameEn')} rules={required} extra={tag ? undefined : t('tags.idFromName')}>
              <Input maxLength={60} data-testid="tag-name-en" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="descriptionZh" label={t('tags.descriptionZh')}>
              <Input.TextArea maxLength={500} autoSize={{ minRows: 1, maxRows: 3 }} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="descriptionEn" label={t('tags.descriptionEn')}>
              <Input.TextArea maxLength={500} autoSize={{ minRows: 1, maxRows: 3 }} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item
          name="rule"
          label={t('tags.rule')}
          rules={[{ validator: (_, rule?: GroupNode) => (rule && filterOf(rule, specs) ? Promise.resolve() : Promise.reject(new Error(t('segments.completeConditions')))) }]}
        >
          <FilterField fields={fields.data ?? []} />
        </Form.Item>
        <Divider orientation="left" plain>
          {t('tags.advice')}
        </Divider>
        <Row gutter={16}>
          <Col span={16}>
            <Form.Item name="script" label={t('tags.script')}>
              <Input.TextArea maxLength={2000} autoSize={{ minRows: 2, maxRows: 5 }} data-testid="tag-script" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="channelId" label={t('tags.channel')}>
              <Select allowClear showSearch optionFilterProp="label" options={adviceChannels.map((c) => ({ value: c, label: label('tags.channels', c) }))} data-testid="tag-channel" />
            </Form.Item>
            <Form.Item name="timing" label={t('tags.timing')}>
              <Input maxLength={500} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}
