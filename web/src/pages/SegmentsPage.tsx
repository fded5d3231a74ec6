// 客群: the segment builder. Conditions of every kind the segment language has, in groups that
// match all or any of them, nested and negatable (components/FilterEditor.tsx); a live count and
// composition (debounced POST /api/segments/preview); saved segments to load, change, save as
// new or delete.
import { useEffect, useMemo, useState } from 'react';
import { App as AntApp, Button, Card, Col, Empty, Input, Popconfirm, Progress, Row, Space, Spin, Statistic, Table, Tag, Tooltip, Typography } from 'antd';
import { DeleteOutlined, FileAddOutlined } from '@ant-design/icons';
import { Link, useSearchParams } from 'react-router-dom';
import type { ApiError } from '../api/client.ts';
import { useCities } from '../api/platform.ts';
import { deleteSegment, saveSegment, updateSegment, useSegmentFields, useSegments, type SavedSegment, type SegmentFilter, type SegmentPreview } from '../api/segments.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { Chart, palette } from '../charts/Chart.tsx';
import { ErrorAlert, describeError } from '../components/ErrorAlert.tsx';
import { FilterEditor, useFilterPreview, useFilterText } from '../components/FilterEditor.tsx';
import { conditionCount, filterOf, newCondition, newGroup, treeOf, type GroupNode } from '../components/filterTree.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { useLabels } from '../i18n/labels.ts';
import { count, yuan } from '../money.ts';

const blank = () => newGroup('all', [newCondition('field')]);

/** The builder's content without the keys React needs: equal when nothing was changed. */
const shapeOf = (root: GroupNode, name: string, description: string) =>
  JSON.stringify([root, name.trim(), description.trim()], (key, value: unknown) => (key === 'key' ? undefined : value));

function PreviewCard({ preview, loading, error, hint }: { preview: SegmentPreview | undefined; loading: boolean; error: ApiError | undefined; hint: string | null }) {
  const { t, label, name } = useLabels();
  const cities = useCities();
  const cityName = useMemo(() => {
    const names = new Map((cities ?? []).map((c) => [c.cityCode, name(c.nameZh, c.nameEn)]));
    return (code: string) => names.get(code) ?? code;
  }, [cities, name]);
  const options = useMemo(() => {
    if (!preview) return null;
    const cityRows = preview.byCity.slice(0, 10);
    return {
      brand: {
        color: palette,
        tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
        series: [{ type: 'pie', radius: ['35%', '65%'], data: preview.byBrand.map((b) => ({ name: label('brand', b.key), value: b.subscribers })) }],
      },
      city: {
        color: palette,
        tooltip: { trigger: 'axis' },
        grid: { left: 80, right: 16, top: 8, bottom: 24 },
        xAxis: { type: 'value' },
        yAxis: { type: 'category', inverse: true, data: cityRows.map((c) => cityName(c.key)) },
        series: [{ type: 'bar', name: t('segments.count'), data: cityRows.map((c) => c.subscribers), barMaxWidth: 16 }],
      },
    };
  }, [preview, label, cityName, t]);

  return (
    <Card title={t('segments.preview')} size="small" extra={loading && <Spin size="small" />}>
      <ErrorAlert error={error} />
      {hint || !preview || !options ? (
        <Empty description={hint ?? t('common.loading')} />
      ) : (
        <>
          <Row gutter={16}>
            <Col span={12}>
              <Statistic title={t('segments.count')} value={preview.count} formatter={(v) => <span data-testid="segment-count">{count(Number(v))}</span>} />
              <Progress percent={preview.total ? Math.round((preview.count / preview.total) * 1000) / 10 : 0} size="small" />
              <Typography.Text type="secondary">{t('segments.share', { percent: preview.total ? ((preview.count / preview.total) * 100).toFixed(1) : '0' })}</Typography.Text>
            </Col>
            <Col span={12}>
              <Statistic title={t('segments.avgArpu')} value={yuan(preview.avgArpuFen)} />
            </Col>
          </Row>
          {preview.count > 0 && (
            <Row gutter={16} style={{ marginTop: 16 }}>
              <Col xs={24} md={10}>
                <Typography.Text strong>{t('segments.byBrand')}</Typography.Text>
                <Chart option={options.brand} height={200} />
              </Col>
              <Col xs={24} md={14}>
                <Typography.Text strong>{t('segments.byCity')}</Typography.Text>
                <Chart option={options.city} height={200} />
              </Col>
            </Row>
          )}
        </>
      )}
    </Card>
  );
}

export default function SegmentsPage() {
  const { t } = useLabels();
  const { can } = useAuth();
  const { message, modal } = AntApp.useApp();
  const fieldsLoaded = useSegmentFields();
  const saved = useSegments();
  const [root, setRoot] = useState<GroupNode>(blank);
  const [editing, setEditing] = useState<SavedSegment | null>(null);
  const [segmentName, setSegmentName] = useState('');
  const [description, setDescription] = useState('');
  const [saving, setSaving] = useState(false);

  const fields = useMemo(() => new Map((fieldsLoaded.data ?? []).map((f) => [f.name, f])), [fieldsLoaded.data]);
  const filter = filterOf(root, fields) as SegmentFilter | null;
  const hint = conditionCount(root) === 0 ? t('segments.noConditions') : !filter ? t('segments.incomplete') : null;
  const preview = useFilterPreview(filter);
  const filterText = useFilterText();

  // what the builder held when it was last opened or saved: a change since asks before it is dropped
  const state = shapeOf(root, segmentName, description);
  const [baseline, setBaseline] = useState(state);
  const unlessDirty = (then: () => void) => {
    if (state === baseline) then();
    else modal.confirm({ title: t('segments.discardTitle'), content: t('segments.discardText'), okText: t('segments.discard'), onOk: then });
  };

  const open = (tree: GroupNode, segment: SavedSegment | null) => {
    setRoot(tree);
    setEditing(segment);
    setSegmentName(segment?.name ?? '');
    setDescription(segment?.description ?? '');
    setBaseline(shapeOf(tree, segment?.name ?? '', segment?.description ?? ''));
  };

  const startNew = () => open(blank(), null);

  const save = async (asNew: boolean) => {
    if (!filter) return;
    setSaving(true);
    try {
      const name = segmentName.trim();
      const text = description.trim() || undefined;
      const segment = editing && !asNew ? await updateSegment(editing.segmentId, name, filter, text) : await saveSegment(name, filter, text);
      void message.success(t('segments.saved', { name: segment.name }));
      setEditing(segment);
      setBaseline(state);
      saved.reload();
    } catch (e) {
      void message.error(describeError(e));
    } finally {
      setSaving(false);
    }
  };

  const load = (segment: SavedSegment) => {
    const tree = treeOf(segment.filter);
    if (!tree) {
      void message.warning(t('segments.notLoadable'));
      return;
    }
    open(tree, segment);
  };

  // ?open=ID (e.g. from a diversion report's second round): the saved segment opens in the builder
  const [params, setParams] = useSearchParams();
  const openId = Number(params.get('open')) || null;
  useEffect(() => {
    if (openId === null || !saved.data) return;
    const segment = saved.data.find((s) => s.segmentId === openId);
    if (segment) load(segment);
    setParams({}, { replace: true });
    // load is this render's; the effect runs once per id asked for
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [openId, saved.data]);

  const remove = async (segment: SavedSegment) => {
    try {
      await deleteSegment(segment.segmentId);
      void message.success(t('segments.deleted', { name: segment.name }));
      if (editing?.segmentId === segment.segmentId) startNew();
      saved.reload();
    } catch (e) {
      void message.error(describeError(e));
    }
  };

  const nameClash = !editing || segmentName.trim() !== editing.name ? (saved.data ?? []).some((s) => s.name === segmentName.trim()) : false;

  return (
    <>
      <PageHeader title={t('segments.title')} />
      <ErrorAlert error={fieldsLoaded.error} onRetry={fieldsLoaded.reload} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={15}>
          <Card
            title={editing ? <span data-testid="segment-editing">{t('segments.editing', { name: editing.name })}</span> : t('segments.builder')}
            size="small"
            loading={fieldsLoaded.loading && !fieldsLoaded.data}
            extra={
              <Button size="small" icon={<FileAddOutlined />} onClick={() => unlessDirty(startNew)} data-testid="segment-new">
                {t('segments.new')}
              </Button>
            }
          >
            <Space direction="vertical" style={{ width: '100%' }} size="middle">
              <FilterEditor root={root} onChange={setRoot} fields={fieldsLoaded.data ?? []} />
              {can('segments.write') && (
                <Space direction="vertical" style={{ width: '100%' }}>
                  <Input
                    placeholder={t('segments.namePlaceholder')}
                    value={segmentName}
                    maxLength={100}
                    onChange={(e) => setSegmentName(e.target.value)}
                    aria-label={t('segments.name')}
                    status={nameClash ? 'warning' : undefined}
                    data-testid="segment-name"
                  />
                  {nameClash && <Typography.Text type="warning">{t('segments.nameTaken')}</Typography.Text>}
                  <Input.TextArea
                    placeholder={t('segments.descriptionPlaceholder')}
                    value={description}
                    maxLength={1000}
                    autoSize={{ minRows: 1, maxRows: 4 }}
                    onChange={(e) => setDescription(e.target.value)}
                    aria-label={t('segments.description')}
                  />
                  <Space>
                    <Button type="primary" loading={saving} disabled={!filter || !segmentName.trim()} onClick={() => save(false)} data-testid="segment-save">
                      {editing ? t('segments.saveChanges') : t('segments.save')}
                    </Button>
                    {editing && (
                      <Button
                        loading={saving}
                        disabled={!filter || !segmentName.trim() || segmentName.trim() === editing.name}
                        title={segmentName.trim() === editing.name ? t('segments.newNameFirst') : undefined}
                        onClick={() => save(true)}
                        data-testid="segment-save-new"
                      >
                        {t('segments.saveAsNew')}
                      </Button>
                    )}
                  </Space>
                </Space>
              )}
            </Space>
          </Card>
        </Col>
        <Col xs={24} xl={9}>
          <PreviewCard preview={hint ? undefined : preview.data} loading={preview.loading} error={hint ? undefined : preview.error} hint={hint} />
        </Col>
        <Col span={24}>
          <Card title={t('segments.savedList')} size="small">
            <ErrorAlert error={saved.error} onRetry={saved.reload} />
            <Table<SavedSegment>
              rowKey="segmentId"
              size="small"
              loading={saved.loading}
              dataSource={saved.data ?? []}
              locale={{ emptyText: t('common.empty') }}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              data-testid="saved-segments"
              columns={[
                {
                  title: t('segments.name'),
                  dataIndex: 'name',
                  sorter: (a, b) => a.name.localeCompare(b.name),
                  render: (name: string, s) => (
                    <Space>
                      {name}
                      {editing?.segmentId === s.segmentId && <Tag color="blue">{t('segments.open')}</Tag>}
                    </Space>
                  ),
                },
                {
                  title: t('segments.conditions'),
                  key: 'conditions',
                  ellipsis: { showTitle: false },
                  render: (_, s) => (
                    <Tooltip title={filterText(s.filter)}>
                      <span data-testid={`segment-text-${s.segmentId}`}>{filterText(s.filter)}</span>
                    </Tooltip>
                  ),
                },
                { title: t('segments.description'), dataIndex: 'description', ellipsis: true, render: (d: string | null) => d ?? '' },
                { title: t('segments.createdBy'), dataIndex: 'createdBy' },
                { title: t('segments.updatedAt'), dataIndex: 'updatedAt', sorter: (a, b) => a.updatedAt.localeCompare(b.updatedAt), defaultSortOrder: 'descend' },
                {
                  title: '',
                  key: 'actions',
                  align: 'right',
                  render: (_, segment) => (
                    <Space>
                      <Button size="small" onClick={() => unlessDirty(() => load(segment))} data-testid={`segment-load-${segment.segmentId}`}>
                        {t('segments.load')}
                      </Button>
                      <Link to={`/customers?segmentId=${segment.segmentId}`} data-testid={`segment-members-${segment.segmentId}`}>
                        {t('segments.members')}
                      </Link>
                      {can('segments.write') && (
                        <Popconfirm title={t('segments.confirmDelete', { name: segment.name })} onConfirm={() => remove(segment)} okText={t('segments.delete')}>
                          <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('segments.delete')} data-testid={`segment-delete-${segment.segmentId}`} />
                        </Popconfirm>
                      )}
                    </Space>
                  ),
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
