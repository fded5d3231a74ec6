// 客户标签: every tag with its members, marketing advice and rating; a tag's detail shows its rule,
// the users' ratings and comments (wiki style) and its validation against finished campaigns.
import { useEffect, useState } from 'react';
import { App as AntApp, Alert, Button, Card, Col, Descriptions, Drawer, Input, List, Popconfirm, Rate, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined, SyncOutlined } from '@ant-design/icons';
import { isActive, useJob } from '../api/platform.ts';
import { commentOnTag, deleteTag, rateTag, recomputeTags, useTagComments, useTags, useTagValidation, type Tag as TagRow } from '../api/tags.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { ErrorAlert, describeError } from '../components/ErrorAlert.tsx';
import { useFilterText } from '../components/FilterEditor.tsx';
import { JobProgress } from '../components/JobProgress.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { TagEditor } from '../components/TagEditor.tsx';
import { useLabels } from '../i18n/labels.ts';
import { percent } from '../money.ts';

const kindColor: Record<string, string> = { standard: 'blue', value_tier: 'gold', custom: 'purple' };

function TagDetail({ tag, onChanged, onEdit, onDeleted }: { tag: TagRow; onChanged: () => void; onEdit: () => void; onDeleted: () => void }) {
  const { t, name, label } = useLabels();
  const { can } = useAuth();
  const { message } = AntApp.useApp();
  const comments = useTagComments(tag.tagId);
  const validation = useTagValidation(tag.tagId);
  const filterText = useFilterText();
  const [text, setText] = useState('');
  const v = validation.data;

  const rate = async (value: number) => {
    try {
      await rateTag(tag.tagId, value);
      onChanged();
    } catch (e) {
      void message.error(describeError(e));
    }
  };
  const comment = async () => {
    try {
      await commentOnTag(tag.tagId, text);
      setText('');
      comments.reload();
      onChanged();
    } catch (e) {
      void message.error(describeError(e));
    }
  };

  const remove = async () => {
    try {
      await deleteTag(tag.tagId);
      void message.success(t('tags.deleted', { name: name(tag.nameZh, tag.nameEn) }));
      onDeleted();
    } catch (e) {
      void message.error(describeError(e));
    }
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      {can('models.settings') && (
        <Space>
          <Button icon={<EditOutlined />} onClick={onEdit} data-testid="tag-edit">
            {t('tags.edit')}
          </Button>
          {tag.kind === 'custom' && (
            <Popconfirm title={t('tags.confirmDelete', { name: name(tag.nameZh, tag.nameEn) })} onConfirm={() => void remove()}>
              <Button danger icon={<DeleteOutlined />} data-testid="tag-delete">
                {t('tags.delete')}
              </Button>
            </Popconfirm>
          )}
        </Space>
      )}
      <Descriptions size="small" column={1} bordered>
        <Descriptions.Item label={t('tags.description')}>{name(tag.descriptionZh, tag.descriptionEn)}</Descriptions.Item>
        <Descriptions.Item label={t('tags.rule')}>
          <span data-testid="tag-rule">{filterText(tag.rule)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('tags.script')}>{tag.advice?.script || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('tags.timing')}>{tag.advice?.timing || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('tags.channel')}>{tag.advice?.channelId ? label('tags.channels', tag.advice.channelId) : '—'}</Descriptions.Item>
      </Descriptions>
      <Card size="small" title={t('tags.validation')} data-testid="tag-validation">
        <ErrorAlert error={validation.error} onRetry={validation.reload} />
        {v && (v.pValue === null ? (
          <Alert type="info" showIcon message={t('tags.noValidation', { campaigns: v.campaigns })} />
        ) : (
          <Row gutter={16}>
            <Col span={8}><Statistic title={t('tags.taggedRate')} value={percent(v.tagged.rate, 1)} suffix={<small>({v.tagged.accepted}/{v.tagged.contacted})</small>} /></Col>
            <Col span={8}><Statistic title={t('tags.untaggedRate')} value={percent(v.untagged.rate, 1)} suffix={<small>({v.untagged.accepted}/{v.untagged.contacted})</small>} /></Col>
            <Col span={8}>
              <Statistic title={t('tags.pValue')} value={v.pValue < 0.0001 ? '< 0.0001' : v.pValue.toFixed(4)} />
              <Tag color={v.significant ? 'green' : 'default'}>{v.significant ? t('tags.significant') : t('tags.notSignificant')}</Tag>
            </Col>
          </Row>
        ))}
      </Card>
      <Card size="small" title={t('tags.ratingsAndComments')}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space>
            <Rate disabled allowHalf value={tag.rating ?? 0} />
            <Typography.Text type="secondary">{t('tags.ratingCount', { n: tag.ratings, avg: tag.rating?.toFixed(1) ?? '—' })}</Typography.Text>
          </Space>
          {can('tags.comment') && (
            <>
              <Space>
                {t('tags.yourRating')}
                <Rate onChange={rate} data-testid="tag-rate" />
              </Space>
              <Input.TextArea value={text} onChange={(e) => setText(e.target.value)} maxLength={2000} rows={2} placeholder={t('tags.commentPlaceholder')} />
              <Button onClick={comment} disabled={!text.trim()} data-testid="tag-comment">{t('tags.comment')}</Button>
            </>
          )}
          <List
            size="small"
            dataSource={comments.data ?? []}
            locale={{ emptyText: t('tags.noComments') }}
            renderItem={(c) => (
              <List.Item>
                <List.Item.Meta title={<Space><strong>{c.username}</strong><Typography.Text type="secondary">{c.createdAt}</Typography.Text></Space>} description={c.body} />
              </List.Item>
            )}
          />
        </Space>
      </Card>
    </Space>
  );
}

export default function TagsPage() {
  const { t, name, label } = useLabels();
  const { can } = useAuth();
  const { message } = AntApp.useApp();
  const { data, error, loading, reload } = useTags();
  const [jobId, setJobId] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  // the tag being edited; null for a new one, undefined when the editor is closed
  const [editing, setEditing] = useState<TagRow | null | undefined>(undefined);
  const job = useJob(jobId, 1000);
  const finished = job.data && !isActive(job.data);
  useEffect(() => {
    if (finished) reload();
  }, [finished, reload]);
  const selected = data?.find((x) => x.tagId === open) ?? null;

  const recompute = async () => {
    try {
      setJobId((await recomputeTags()).jobId);
    } catch (e) {
      void message.error(describeError(e));
    }
  };

  return (
    <>
      <PageHeader
        title={t('tags.title')}
        extra={
          <Space>
            {can('models.settings') && (
              <Button icon={<PlusOutlined />} onClick={() => setEditing(null)} data-testid="tag-new">
                {t('tags.new')}
              </Button>
            )}
            {can('models.train') && (
              <Button icon={<SyncOutlined />} onClick={recompute} loading={!!jobId && !finished} data-testid="tags-recompute">{t('tags.recompute')}</Button>
            )}
          </Space>
        }
      >
        <Typography.Text type="secondary">{t('tags.hint')}</Typography.Text>
      </PageHeader>
      {jobId && job.data && !finished && <JobProgress job={job.data} />}
      <ErrorAlert error={error} onRetry={reload} />
      <Card size="small">
        <Table<TagRow>
          rowKey="tagId"
          size="middle"
          loading={loading && !data}
          dataSource={data ?? []}
          pagination={false}
          scroll={{ x: 'max-content' }}
          data-testid="tags-table"
          onRow={(r) => ({ onClick: () => setOpen(r.tagId), style: { cursor: 'pointer' } })}
          columns={[
            { title: t('tags.name'), key: 'name', render: (_, r) => <strong>{name(r.nameZh, r.nameEn)}</strong> },
            { title: t('tags.kind'), dataIndex: 'kind', render: (v: string) => <Tag color={kindColor[v]}>{t(`tags.kinds.${v}`)}</Tag> },
            { title: t('tags.members'), dataIndex: 'members', align: 'right', render: (v: number | null) => (v === null ? '—' : v.toLocaleString()) },
            { title: t('tags.channel'), key: 'channel', render: (_, r) => (r.advice?.channelId ? label('tags.channels', r.advice.channelId) : '—') },
            { title: t('tags.script'), key: 'script', render: (_, r) => <Typography.Text ellipsis style={{ maxWidth: 280 }}>{r.advice?.script || '—'}</Typography.Text> },
            { title: t('tags.rating'), key: 'rating', render: (_, r) => <Space><Rate disabled allowHalf value={r.rating ?? 0} style={{ fontSize: 12 }} /><small>({r.ratings})</small></Space> },
            { title: t('tags.comments'), dataIndex: 'comments', align: 'right' },
            { title: t('tags.computedAt'), dataIndex: 'computedAt', render: (v: string | null) => v ?? '—' },
          ]}
        />
      </Card>
      <Drawer width={640} open={!!selected} onClose={() => setOpen(null)} title={selected ? name(selected.nameZh, selected.nameEn) : ''} destroyOnClose>
        {selected && (
          <TagDetail
            tag={selected}
            onChanged={reload}
            onEdit={() => setEditing(selected)}
            onDeleted={() => {
              setOpen(null);
              reload();
            }}
          />
        )}
      </Drawer>
      {editing !== undefined && (
        <TagEditor
          key={editing?.tagId ?? 'new'}
          tag={editing}
          open
          canRecompute={can('models.train')}
          onClose={() => setEditing(undefined)}
          onSaved={(saved) => {
            setEditing(undefined);
            setOpen(saved.tagId);
            reload();
            // members follow the new rule at the next recomputation: start it when the user may
            if (can('models.train')) void recompute();
          }}
        />
      )}
    </>
  );
}
