// 业务-渠道适配: grades A/B/C of every business on every channel, computed from the business and
// channel attribute parameters (editable here) — a planner's override wins and is audited.
import { useState } from 'react';
import { App as AntApp, Card, Form, Input, InputNumber, Modal, Radio, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import { saveFitChannel, saveFitBusiness, setFitOverride, useFit, type FitCell, type FitMatrix } from '../api/fit.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { ErrorAlert, describeError } from '../components/ErrorAlert.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useLabels } from '../i18n/labels.ts';

const gradeColor: Record<string, string> = { A: 'green', B: 'blue', C: 'default' };

type Editing = { kind: 'business' | 'channel'; id: string; nameZh: string; nameEn: string; attributes: Record<string, number> };

export default function FitPage() {
  const { t, name } = useLabels();
  const { can } = useAuth();
  const { message } = AntApp.useApp();
  const { data, error, reload } = useFit();
  const [override, setOverride] = useState<FitCell | null>(null);
  const [grade, setGrade] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [editing, setEditing] = useState<Editing | null>(null);
  const editable = can('models.settings');

  const saveOverride = async () => {
    if (!override) return;
    try {
      await setFitOverride(override.businessId, override.channelId, grade, reason || null);
      setOverride(null);
      reload();
    } catch (e) {
      void message.error(describeError(e));
    }
  };

  const saveParameters = async () => {
    if (!editing) return;
    try {
      if (editing.kind === 'business') await saveFitBusiness(editing.id, { nameZh: editing.nameZh, nameEn: editing.nameEn, attributes: editing.attributes });
      else await saveFitChannel(editing.id, editing.attributes);
      setEditing(null);
      reload();
    } catch (e) {
      void message.error(describeError(e));
    }
  };

  const grid = (m: FitMatrix) => {
    const cell = (b: string, c: string) => m.cells.find((x) => x.businessId === b && x.channelId === c);
    return (
      <Table
        rowKey="businessId"
        size="small"
        pagination={false}
        scroll={{ x: 'max-content' }}
        dataSource={m.businesses}
        data-testid="fit-grid"
        columns={[
          { title: t('fit.business'), key: 'business', fixed: 'left', render: (_, b) => name(b.nameZh, b.nameEn) },
          ...m.channels.map((c) => ({
            title: name(c.nameZh, c.nameEn),
            key: c.channelId,
            align: 'center' as const,
            render: (_: unknown, b: FitMatrix['businesses'][number]) => {
              const x = cell(b.businessId, c.channelId);
              if (!x) return '—';
              const tip = `${t('fit.score')} ${x.score} · ${t('fit.computed')} ${x.computed}${x.override ? ` · ${t('fit.overriddenBy', { user: x.override.updatedBy })}${x.override.reason ? `: ${x.override.reason}` : ''}` : ''}`;
              return (
                <Tooltip title={tip}>
                  <Tag
                    color={gradeColor[x.grade]}
                    style={{ cursor: editable ? 'pointer' : undefined, borderStyle: x.override ? 'dashed' : undefined }}
                    data-testid={`fit-${b.businessId}-${c.channelId}`}
                    onClick={() => {
                      if (!editable) return;
                      setOverride(x);
                      setGrade(x.override?.grade ?? null);
                      setReason(x.override?.reason ?? '');
                    }}
                  >
                    {x.grade}
                    {x.override ? '*' : ''}
                  </Tag>
                </Tooltip>
              );
            },
          })),
        ]}
      />
    );
  };

  const parameters = (m: FitMatrix, kind: 'business' | 'channel') => {
    const rows = kind === 'business'
      ? m.businesses.map((b) => ({ id: b.businessId, nameZh: b.nameZh, nameEn: b.nameEn, attributes: b.attributes }))
      : m.channels.map((c) => ({ id: c.channelId, nameZh: c.nameZh, nameEn: c.nameEn, attributes: c.attributes }));
    return (
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        scroll={{ x: 'max-content' }}
        dataSource={rows}
        columns={[
          { title: kind === 'business' ? t('fit.business') : t('fit.channel'), key: 'name', render: (_, r) => name(r.nameZh, r.nameEn) },
          ...m.dimensions.map((d) => ({ title: name(d.labelZh, d.labelEn), key: d.key, align: 'right' as const, render: (_: unknown, r: (typeof rows)[number]) => r.attributes[d.key] })),
          ...(editable
            ? [{ title: '', key: 'edit', render: (_: unknown, r: (typeof rows)[number]) => <Typography.Link onClick={() => setEditing({ kind, ...r })}>{t('fit.edit')}</Typography.Link> }]
            : []),
        ]}
      />
    );
  };

  return (
    <>
      <PageHeader title={t('fit.title')}>
        <Typography.Text type="secondary">{t('fit.hint', { a: data?.thresholds.a ?? 85, b: data?.thresholds.b ?? 65 })}</Typography.Text>
      </PageHeader>
      <ErrorAlert error={error} onRetry={reload} />
      {data && (
        <Card size="small">
          <Tabs
            items={[
              { key: 'grades', label: t('fit.grades'), children: grid(data) },
              { key: 'businesses', label: t('fit.businessParameters'), children: parameters(data, 'business') },
              { key: 'channels', label: t('fit.channelParameters'), children: parameters(data, 'channel') },
            ]}
          />
        </Card>
      )}
      <Modal open={!!override} title={t('fit.overrideTitle')} onOk={saveOverride} onCancel={() => setOverride(null)} okText={t('common.save')} cancelText={t('common.cancel')}>
        {override && (
          <Form layout="vertical">
            <Typography.Paragraph>{t('fit.computedIs', { grade: override.computed, score: override.score })}</Typography.Paragraph>
            <Form.Item label={t('fit.grade')}>
              <Radio.Group value={grade} onChange={(e) => setGrade(e.target.value)} data-testid="fit-override-grade">
                <Radio value={null}>{t('fit.noOverride')}</Radio>
                <Radio value="A">A</Radio>
                <Radio value="B">B</Radio>
                <Radio value="C">C</Radio>
              </Radio.Group>
            </Form.Item>
            <Form.Item label={t('fit.reason')}>
              <Input.TextArea value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
            </Form.Item>
          </Form>
        )}
      </Modal>
      <Modal open={!!editing} title={t('fit.editParameters')} onOk={saveParameters} onCancel={() => setEditing(null)} okText={t('common.save')} cancelText={t('common.cancel')}>
        {editing && data && (
          <Form layout="vertical">
            {editing.kind === 'business' && (
              <>
                <Form.Item label={t('fit.nameZh')}>
                  <Input value={editing.nameZh} onChange={(e) => setEditing({ ...editing, nameZh: e.target.value })} />
                </Form.Item>
                <Form.Item label={t('fit.nameEn')}>
                  <Input value={editing.nameEn} onChange={(e) => setEditing({ ...editing, nameEn: e.target.value })} />
                </Form.Item>
              </>
            )}
            {data.dimensions.map((d) => (
              <Form.Item key={d.key} label={name(d.labelZh, d.labelEn)}>
                <InputNumber min={0} max={5} step={1} value={editing.attributes[d.key]} onChange={(v) => setEditing({ ...editing, attributes: { ...editing.attributes, [d.key]: v ?? 0 } })} />
              </Form.Item>
            ))}
          </Form>
        )}
      </Modal>
    </>
  );
}
