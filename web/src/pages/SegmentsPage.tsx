// 客群: a modest segment builder — a list of field conditions joined by all/any, a live count
// and composition (debounced POST /api/segments/preview), saving by name, and the saved list.
import { useEffect, useMemo, useState } from 'react';
import { App as AntApp, Button, Card, Col, Empty, Input, InputNumber, Progress, Radio, Row, Select, Space, Spin, Statistic, Table, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { ApiError } from '../api/client.ts';
import { useCities } from '../api/platform.ts';
import {
  previewSegment,
  saveSegment,
  useSegmentFields,
  useSegments,
  type ComparisonOp,
  type FieldCondition,
  type FieldValue,
  type SavedSegment,
  type SegmentField,
  type SegmentFilter,
  type SegmentPreview,
} from '../api/segments.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { Chart, palette } from '../charts/Chart.tsx';
import { ErrorAlert, describeError } from '../components/ErrorAlert.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useLabels } from '../i18n/labels.ts';
import { count, yuan } from '../money.ts';

interface Draft {
  key: number;
  field?: string;
  op?: ComparisonOp;
  value?: FieldValue;
}

type Combinator = 'all' | 'any';

let nextKey = 1;
const newDraft = (): Draft => ({ key: nextKey++ });

/** A condition the server will accept, or null while it is being filled in. */
function toCondition(draft: Draft, field: SegmentField | undefined): FieldCondition | null {
  if (!field || !draft.op) return null;
  const { op, value } = draft;
  if (op === 'isTrue' || op === 'isFalse') return { field: field.name, op };
  if (op === 'between') {
    return Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && Number.isFinite(v)) ? { field: field.name, op, value } : null;
  }
  if (op === 'in' || op === 'notIn') return Array.isArray(value) && value.length > 0 ? { field: field.name, op, value } : null;
  if (value === undefined || value === '' || Array.isArray(value)) return null;
  return { field: field.name, op, value };
}

/** A saved filter the builder can show: one level of field conditions under all/any. */
function toDrafts(filter: unknown): { combinator: Combinator; drafts: Draft[] } | null {
  if (typeof filter !== 'object' || filter === null) return null;
  const combinator: Combinator | null = 'all' in filter ? 'all' : 'any' in filter ? 'any' : null;
  if (!combinator) return null;
  const items = (filter as Record<string, unknown>)[combinator];
  if (!Array.isArray(items) || !items.every((c) => typeof c === 'object' && c !== null && 'field' in c && 'op' in c)) return null;
  return { combinator, drafts: (items as FieldCondition[]).map((c) => ({ key: nextKey++, field: c.field, op: c.op, value: c.value })) };
}

function ValueInput({ field, draft, onChange }: { field: SegmentField; draft: Draft; onChange: (value: FieldValue | undefined) => void }) {
  const { t, label } = useLabels();
  const op = draft.op;
  if (!op || op === 'isTrue' || op === 'isFalse') return null;
  const valueLabel = (v: string) => label(field.name, v);
  if (op === 'between') {
    // a half-filled range keeps NaN in the empty end; toCondition waits for both
    const [low, high] = (Array.isArray(draft.value) ? draft.value : [NaN, NaN]).map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : null));
    const set = (l: number | null | undefined, h: number | null | undefined) => onChange([l ?? NaN, h ?? NaN]);
    return (
      <Space.Compact>
        <InputNumber placeholder={t('segments.low')} value={low} onChange={(v) => set(v, high)} style={{ width: 90 }} />
        <InputNumber placeholder={t('segments.high')} value={high} onChange={(v) => set(low, v)} style={{ width: 90 }} />
      </Space.Compact>
    );
  }
  if (op === 'in' || op === 'notIn') {
    const values = Array.isArray(draft.value) ? draft.value.map(String) : [];
    const toValue = (list: string[]) => (field.type === 'number' ? list.map(Number).filter((n) => Number.isFinite(n)) : list);
    return field.values ? (
      <Select mode="multiple" style={{ minWidth: 180 }} value={values} onChange={(list: string[]) => onChange(list)} options={field.values.map((v) => ({ value: v, label: valueLabel(v) }))} />
    ) : (
      <Select mode="tags" style={{ minWidth: 180 }} placeholder={t('segments.values')} value={values} open={false} onChange={(list: string[]) => onChange(toValue(list))} tokenSeparators={[',', ' ']} />
    );
  }
  if (field.values) {
    return (
      <Select style={{ width: 180 }} value={draft.value as string | undefined} onChange={(v: string) => onChange(v)} options={field.values.map((v) => ({ value: v, label: valueLabel(v) }))} />
    );
  }
  if (field.type === 'number') {
    return <InputNumber style={{ width: 180 }} value={draft.value as number | undefined} onChange={(v) => onChange(v ?? undefined)} />;
  }
  return <Input style={{ width: 180 }} value={draft.value as string | undefined} onChange={(e) => onChange(e.target.value)} />;
}

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
  const { t, english } = useLabels();
  const { can } = useAuth();
  const { message } = AntApp.useApp();
  const fieldsLoaded = useSegmentFields();
  const saved = useSegments();
  const [combinator, setCombinator] = useState<Combinator>('all');
  const [drafts, setDrafts] = useState<Draft[]>(() => [newDraft()]);
  const [segmentName, setSegmentName] = useState('');
  const [saving, setSaving] = useState(false);
  const [preview, setPreview] = useState<{ data?: SegmentPreview; error?: ApiError; loading: boolean }>({ loading: false });

  const fields = useMemo(() => new Map((fieldsLoaded.data ?? []).map((f) => [f.name, f])), [fieldsLoaded.data]);
  const conditions = drafts.map((d) => toCondition(d, d.field ? fields.get(d.field) : undefined));
  const complete = drafts.length > 0 && conditions.every((c) => c !== null);
  const filter: SegmentFilter | null = complete ? (combinator === 'all' ? { all: conditions as FieldCondition[] } : { any: conditions as FieldCondition[] }) : null;
  const filterKey = filter ? JSON.stringify(filter) : null;
  const hint = drafts.length === 0 ? t('segments.noConditions') : !complete ? t('segments.incomplete') : null;

  useEffect(() => {
    if (!filterKey) return;
    const controller = new AbortController();
    setPreview((p) => ({ ...p, loading: true }));
    const timer = setTimeout(() => {
      previewSegment(JSON.parse(filterKey) as SegmentFilter, controller.signal).then(
        (data) => setPreview({ data, loading: false }),
        (error: Error) => {
          if (error.name !== 'AbortError') setPreview({ error: error as ApiError, loading: false });
        },
      );
    }, 400);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [filterKey]);

  const change = (key: number, patch: Partial<Draft>) => setDrafts((list) => list.map((d) => (d.key === key ? { ...d, ...patch } : d)));

  const fieldOptions = (['profile', 'usage', 'contact'] as const).map((group) => ({
    label: t(`segments.group.${group}`),
    options: (fieldsLoaded.data ?? []).filter((f) => f.group === group).map((f) => ({ value: f.name, label: english ? f.labelEn : f.labelZh })),
  }));

  const save = async () => {
    if (!filter) return;
    setSaving(true);
    try {
      const segment = await saveSegment(segmentName.trim(), filter);
      void message.success(t('segments.saved', { name: segment.name }));
      setSegmentName('');
      saved.reload();
    } catch (e) {
      void message.error(describeError(e));
    } finally {
      setSaving(false);
    }
  };

  const load = (segment: SavedSegment) => {
    const loaded = toDrafts(segment.filter);
    if (!loaded) {
      void message.warning(t('segments.notLoadable'));
      return;
    }
    setCombinator(loaded.combinator);
    setDrafts(loaded.drafts);
  };

  return (
    <>
      <PageHeader title={t('segments.title')} />
      <ErrorAlert error={fieldsLoaded.error} onRetry={fieldsLoaded.reload} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={13}>
          <Card title={t('segments.builder')} size="small" loading={fieldsLoaded.loading && !fieldsLoaded.data}>
            <Space direction="vertical" style={{ width: '100%' }} size="middle">
              <Space>
                <span>{t('segments.match')}</span>
                <Radio.Group
                  value={combinator}
                  onChange={(e) => setCombinator(e.target.value as Combinator)}
                  optionType="button"
                  options={[
                    { value: 'all', label: t('segments.matchAll') },
                    { value: 'any', label: t('segments.matchAny') },
                  ]}
                />
              </Space>
              {drafts.map((draft) => {
                const field = draft.field ? fields.get(draft.field) : undefined;
                return (
                  <Space key={draft.key} wrap align="start" data-testid="segment-condition">
                    <Select
                      showSearch
                      optionFilterProp="label"
                      placeholder={t('segments.field')}
                      style={{ width: 190 }}
                      value={draft.field}
                      options={fieldOptions}
                      onChange={(value: string) => {
                        const next = fields.get(value);
                        change(draft.key, { field: value, op: next?.ops[0], value: undefined });
                      }}
                    />
                    <Select
                      placeholder={t('segments.operator')}
                      style={{ width: 120 }}
                      value={draft.op}
                      disabled={!field}
                      options={(field?.ops ?? []).map((op) => ({ value: op, label: t(`segments.op.${op}`) }))}
                      onChange={(op: ComparisonOp) => change(draft.key, { op, value: undefined })}
                    />
                    {field && <ValueInput field={field} draft={draft} onChange={(value) => change(draft.key, { value })} />}
                    <Button icon={<DeleteOutlined />} aria-label={t('segments.remove')} onClick={() => setDrafts((list) => list.filter((d) => d.key !== draft.key))} />
                  </Space>
                );
              })}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => setDrafts((list) => [...list, newDraft()])} block>
                {t('segments.addCondition')}
              </Button>
              {can('segments.write') && (
                <Space.Compact style={{ width: '100%' }}>
                  <Input placeholder={t('segments.namePlaceholder')} value={segmentName} maxLength={100} onChange={(e) => setSegmentName(e.target.value)} aria-label={t('segments.name')} />
                  <Button type="primary" loading={saving} disabled={!filter || !segmentName.trim()} onClick={save}>
                    {t('segments.save')}
                  </Button>
                </Space.Compact>
              )}
            </Space>
          </Card>
        </Col>
        <Col xs={24} xl={11}>
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
              columns={[
                { title: t('segments.name'), dataIndex: 'name' },
                { title: t('segments.createdBy'), dataIndex: 'createdBy' },
                { title: t('segments.updatedAt'), dataIndex: 'updatedAt' },
                {
                  title: '',
                  key: 'load',
                  align: 'right',
                  render: (_, segment) => (
                    <Button size="small" onClick={() => load(segment)}>
                      {t('segments.load')}
                    </Button>
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
