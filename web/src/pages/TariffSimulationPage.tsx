// 资费测算 (tariff communication): pick candidate plans and a target (a saved segment or the
// customers of some current plans), run the re-rating as a job with progress, then see the
// summary (savings histogram, sub-optimal share, revenue impact by plan), the per-customer
// results (paged, sorted, exported), push them to the channels, and drill into a customer.
import { useEffect, useMemo, useState } from 'react';
import { App as AntApp, Alert, Button, Card, Checkbox, Col, Descriptions, Drawer, Empty, Form, List, Modal, Popconfirm, Radio, Row, Select, Skeleton, Space, Statistic, Table, Tag, Typography } from 'antd';
import type { ColumnsType, SorterResult } from 'antd/es/table/interface.js';
import { DeleteOutlined, DownloadOutlined, PlayCircleOutlined, SendOutlined, TeamOutlined } from '@ant-design/icons';
import { Link, useSearchParams } from 'react-router-dom';
import type { Loaded } from '../api/client.ts';
import type { Job } from '../api/platform.ts';
import { saveSegment, useSegmentFields, useSegments } from '../api/segments.ts';
import {
  deleteRun,
  downloadResultsCsv,
  pushRun,
  startSimulation,
  useRunCustomer,
  useRunResults,
  useTariffPlans,
  useTariffRun,
  useTariffRuns,
  type ComparisonLine,
  type CustomerResult,
  type Note,
  type PlanProduct,
  type PushManifest,
  type SimulationSummary,
  type TariffRun,
} from '../api/tariffs.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { Chart, palette, type ChartOption } from '../charts/Chart.tsx';
import { BrandTag, JobStatusTag } from '../components/CodeTags.tsx';
import { ErrorAlert, describeError } from '../components/ErrorAlert.tsx';
import { FilterInModal, useFilterText } from '../components/FilterEditor.tsx';
import { filterOf, type GroupNode } from '../components/filterTree.ts';
import { JobProgress } from '../components/JobProgress.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { serverPagination } from '../components/paging.ts';
import { domainOfClass, useTariffLabels } from '../i18n/tariffLabels.ts';
import { count, fenToYuan, yuan } from '../money.ts';

type Labels = ReturnType<typeof useTariffLabels>;
const outcomeColor: Record<string, string> = { better: 'green', no_better: 'default', no_bill: 'orange' };

function NewRunCard({ onStarted, labels, plans }: { onStarted: (runId: number) => void; labels: Labels; plans: Loaded<PlanProduct[]> }) {
  const { t, name } = labels;
  const { message } = AntApp.useApp();
  const segments = useSegments();
  const [candidates, setCandidates] = useState<string[]>([]);
  const [mode, setMode] = useState<'plans' | 'segment' | 'filter'>('plans');
  const [segmentId, setSegmentId] = useState<number>();
  const [conditions, setConditions] = useState<GroupNode>();
  const fields = useSegmentFields();
  const specs = useMemo(() => new Map((fields.data ?? []).map((f) => [f.name, f])), [fields.data]);
  const filter = conditions ? filterOf(conditions, specs) : null;
  const [currentPlans, setCurrentPlans] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  const defined = (plans.data ?? []).filter((p) => p.defined && p.active);
  const held = (plans.data ?? []).filter((p) => p.holders > 0);
  const ready = candidates.length > 0 && (mode === 'segment' ? segmentId !== undefined : mode === 'filter' ? filter !== null : currentPlans.length > 0);

  const start = async () => {
    setBusy(true);
    try {
      const target =
        mode === 'segment' ? { segmentId: segmentId! } : mode === 'filter' ? { filter: filter! } : { filter: { field: 'planId', op: 'in', value: currentPlans } };
      const started = await startSimulation({ planIds: candidates, ...target });
      void message.success(t('tariff.started', { count: started.targetCount }));
      onStarted(started.runId);
    } catch (e) {
      void message.error(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card size="small" title={t('tariff.newRun')}>
      <ErrorAlert error={plans.error ?? segments.error} />
      <Form layout="vertical">
        <Form.Item label={t('tariff.candidates')}>
          <Select
            mode="multiple"
            value={candidates}
            onChange={setCandidates}
            placeholder={t('tariff.choosePlans')}
            optionFilterProp="label"
            options={defined.map((p) => ({ value: p.planId, label: `${name(p.nameZh, p.nameEn)} (${p.planId})` }))}
            data-testid="sim-plans"
          />
        </Form.Item>
        <Form.Item label={t('tariff.target')}>
          <Space direction="vertical" style={{ width: '100%' }}>
            <Radio.Group
              value={mode}
              onChange={(e) => setMode(e.target.value as 'plans' | 'segment' | 'filter')}
              optionType="button"
              options={[
                { value: 'plans', label: t('tariff.targetPlans') },
                { value: 'segment', label: t('tariff.targetSegment') },
                { value: 'filter', label: t('tariff.targetFilter') },
              ]}
              data-testid="sim-target-mode"
            />
            {mode === 'plans' ? (
              <Select
                mode="multiple"
                value={currentPlans}
                onChange={setCurrentPlans}
                placeholder={t('tariff.chooseCurrentPlans')}
                optionFilterProp="label"
                options={held.map((p) => ({ value: p.planId, label: `${name(p.nameZh, p.nameEn)} (${p.planId}) · ${count(p.holders)}` }))}
                data-testid="sim-current-plans"
              />
            ) : mode === 'filter' ? (
              <FilterInModal value={conditions} onChange={setConditions} fields={fields.data ?? []} testId="sim-conditions" />
            ) : (
              <Select
                value={segmentId}
                onChange={setSegmentId}
                placeholder={t('tariff.chooseSegment')}
                options={(segments.data ?? []).map((s) => ({ value: s.segmentId, label: s.name }))}
                data-testid="sim-segment"
              />
            )}
          </Space>
        </Form.Item>
        <Button type="primary" icon={<PlayCircleOutlined />} disabled={!ready} loading={busy} onClick={start} data-testid="sim-run">
          {t('tariff.run')}
        </Button>
      </Form>
    </Card>
  );
}

function SummaryCards({ run, labels }: { run: TariffRun; labels: Labels }) {
  const { t, planName } = labels;
  const s = run.summary as SimulationSummary;
  const options = useMemo((): Record<string, ChartOption> => {
    return {
      savings: {
        color: [palette[1]],
        tooltip: { trigger: 'axis' },
        grid: { left: 48, right: 16, top: 24, bottom: 48 },
        xAxis: { type: 'category', name: t('tariff.savingYuan'), nameLocation: 'middle', nameGap: 32, data: s.savings.bins.map((b) => `${fenToYuan(b.fromFen)}–${fenToYuan(b.toFen)}`) },
        yAxis: { type: 'value', name: t('tariff.customers'), minInterval: 1 },
        series: [{ type: 'bar', name: t('tariff.customers'), data: s.savings.bins.map((b) => b.customers), barMaxWidth: 36 }],
      },
      share: {
        color: [palette[1], palette[0], palette[2]],
        tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
        legend: { bottom: 0 },
        series: [
          {
            type: 'pie',
            radius: ['40%', '68%'],
            center: ['50%', '45%'],
            label: { show: false },
            data: [
              { name: t('tariff.outcomes.better'), value: s.subOptimal },
              { name: t('tariff.outcomes.no_better'), value: s.priced - s.subOptimal },
              ...(s.noBill ? [{ name: t('tariff.outcomes.no_bill'), value: s.noBill }] : []),
            ],
          },
        ],
      },
      plans: {
        color: [palette[0], palette[3]],
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        grid: [
          { left: 180, right: '52%', top: 28, bottom: 24 },
          { left: '54%', right: 32, top: 28, bottom: 24 },
        ],
        title: [
          { text: t('tariff.bestFor'), left: 180, top: 0, textStyle: { fontSize: 12, fontWeight: 'normal' } },
          { text: t('tariff.revenueIfAll'), left: '54%', top: 0, textStyle: { fontSize: 12, fontWeight: 'normal' } },
        ],
        yAxis: [
          { type: 'category', gridIndex: 0, inverse: true, data: s.byPlan.map((p) => planName(p.planId)), axisLabel: { width: 170, overflow: 'truncate' } },
          { type: 'category', gridIndex: 1, inverse: true, data: s.byPlan.map((p) => planName(p.planId)), axisLabel: { show: false } },
        ],
        xAxis: [
          { type: 'value', gridIndex: 0, minInterval: 1 },
          { type: 'value', gridIndex: 1, axisLabel: { formatter: (v: number) => `${v / 1000}k` } },
        ],
        series: [
          { type: 'bar', name: t('tariff.bestFor'), xAxisIndex: 0, yAxisIndex: 0, data: s.byPlan.map((p) => p.best), barMaxWidth: 18 },
          { type: 'bar', name: t('tariff.revenueIfAll'), xAxisIndex: 1, yAxisIndex: 1, data: s.byPlan.map((p) => fenToYuan(p.revenueChangeFen)), barMaxWidth: 18 },
        ],
      },
    };
  }, [s, t, planName]);

  return (
    <Row gutter={[16, 16]} data-testid="sim-summary">
      <Col xs={12} lg={6}>
        <Card size="small">
          <Statistic title={t('tariff.targetCount')} value={s.targetCount} formatter={(v) => <span data-testid="sim-target-count">{count(Number(v))}</span>} />
        </Card>
      </Col>
      <Col xs={12} lg={6}>
        <Card size="small">
          <Statistic
            title={t('tariff.subOptimal')}
            value={s.subOptimal}
            formatter={(v) => <span data-testid="sim-suboptimal">{count(Number(v))}</span>}
            suffix={<Typography.Text type="secondary" style={{ fontSize: 14 }}>{t('tariff.subOptimalShare', { percent: (s.subOptimalShare * 100).toFixed(1) })}</Typography.Text>}
          />
        </Card>
      </Col>
      <Col xs={12} lg={6}>
        <Card size="small">
          <Statistic title={t('tariff.saving', { months: s.months.length })} value={yuan(s.savingFen)} valueStyle={{ color: '#3f8600' }} />
        </Card>
      </Col>
      <Col xs={12} lg={6}>
        <Card size="small">
          <Statistic
            title={t('tariff.revenueImpact', { months: s.months.length })}
            value={yuan(s.revenueImpactFen)}
            valueStyle={{ color: s.revenueImpactFen < 0 ? '#cf1322' : undefined }}
            formatter={(v) => <span data-testid="sim-revenue-impact">{String(v)}</span>}
          />
        </Card>
      </Col>
      <Col xs={24} xl={16}>
        <Card size="small" title={t('tariff.savingsHistogram')}>
          {s.subOptimal ? <Chart option={options.savings} height={260} testId="chart-savings" /> : <Empty description={t('tariff.noneSuboptimal')} />}
        </Card>
      </Col>
      <Col xs={24} xl={8}>
        <Card size="small" title={t('tariff.shareChart')}>
          <Chart option={options.share} height={260} testId="chart-suboptimal" />
        </Card>
      </Col>
      <Col span={24}>
        <Card size="small" title={t('tariff.byPlan')}>
          <Chart option={options.plans} height={Math.max(140, 60 + s.byPlan.length * 36)} testId="chart-plans" />
        </Card>
      </Col>
    </Row>
  );
}

function lineLabel(line: ComparisonLine, labels: Labels): string {
  const { t, className } = labels;
  if (line.kind === 'fee') return t('billItem.monthly_fee');
  if (line.kind === 'bill') return t(`billItem.${line.key}`, { defaultValue: line.key });
  if (line.kind === 'tier') return `${t('tariff.lineKind.tier')} · ${line.key}`;
  if (line.kind === 'cap') return t('tariff.lineKind.cap');
  const suffix = line.kind === 'usage' ? '' : `${t('common.parenOpen')}${t(`tariff.lineKind.${line.kind}`)}${t('common.parenClose')}`;
  return `${className(line.key)}${suffix}`;
}

function DrillDown({ run, subscriberId, onClose, labels }: { run: TariffRun; subscriberId: number; onClose: () => void; labels: Labels }) {
  const { t, quantityText, noteText, planName } = labels;
  const [planId, setPlanId] = useState<string>();
  const { data, error, loading } = useRunCustomer(run.runId, subscriberId, planId);
  const chart = useMemo((): ChartOption | null => {
    if (!data) return null;
    return {
      color: [palette[0], palette[1]],
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 56, right: 16, top: 32, bottom: 24 },
      xAxis: { type: 'category', data: data.comparison.months.map((m) => m.month) },
      yAxis: { type: 'value', name: '¥' },
      series: [
        { type: 'bar', name: t('tariff.before'), data: data.comparison.months.map((m) => fenToYuan(m.billedFen)), barMaxWidth: 32 },
        { type: 'bar', name: t('tariff.after'), data: data.comparison.months.map((m) => fenToYuan(m.afterFen)), barMaxWidth: 32 },
      ],
    };
  }, [data, t]);
  const columns: ColumnsType<ComparisonLine> = [
    { title: t('tariff.item'), key: 'item', render: (_, l) => lineLabel(l, labels) },
    { title: t('tariff.calls'), dataIndex: 'calls', align: 'right', render: (v: number, l) => (l.kind === 'usage' || l.kind === 'carried' || l.kind === 'excluded' ? count(v) : '') },
    {
      title: t('tariff.quantity'),
      dataIndex: 'quantity',
      align: 'right',
      render: (v: number, l) => (l.kind === 'usage' || l.kind === 'carried' || l.kind === 'excluded' ? quantityText(domainOfClass(l.key), v) : l.kind === 'tier' ? count(v) : ''),
    },
    { title: t('tariff.before'), dataIndex: 'beforeFen', align: 'right', render: (v: number | null) => (v === null ? '—' : yuan(v)) },
    { title: t('tariff.after'), dataIndex: 'afterFen', align: 'right', render: (v: number) => yuan(v) },
    {
      title: t('tariff.change'),
      key: 'change',
      align: 'right',
      render: (_, l) => {
        const d = l.afterFen - (l.beforeFen ?? 0);
        return d === 0 ? '—' : <Typography.Text type={d < 0 ? 'success' : 'danger'}>{yuan(d)}</Typography.Text>;
      },
    },
  ];
  const result = data?.result;
  return (
    <Drawer open width={980} onClose={onClose} title={t('tariff.drill')} data-testid="sim-drilldown">
      <ErrorAlert error={error} />
      {!data ? (
        <Skeleton active paragraph={{ rows: 10 }} />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }} size="middle">
          <Descriptions size="small" bordered column={{ xs: 1, md: 2 }}>
            <Descriptions.Item label={t('tariff.msisdn')}>
              <Space>
                <Typography.Text code>{result!.msisdn}</Typography.Text>
                <Link to={`/customers/${subscriberId}`}>{t('tariff.open360')}</Link>
              </Space>
            </Descriptions.Item>
            <Descriptions.Item label={t('tariff.currentPlan')}>{planName(result!.currentPlanId)}</Descriptions.Item>
            <Descriptions.Item label={t('tariff.billedTotal', { months: result!.monthsBilled })}>
              <span data-testid="drill-before">{yuan(data.comparison.billedFen)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('tariff.afterTotal', { plan: planName(data.comparison.planId) })}>
              <span data-testid="drill-after">{yuan(data.comparison.afterFen)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('tariff.outcome')} span={2}>
              <Tag color={outcomeColor[result!.outcome]}>{t(`tariff.outcomes.${result!.outcome}`)}</Tag>
              {result!.recommended.map((id) => (
                <Tag key={id} color={result!.bestPlanIds.includes(id) ? 'green' : undefined}>
                  {planName(id)} · {yuan(result!.currentFen - result!.costs[id])}
                </Tag>
              ))}
            </Descriptions.Item>
            {result!.notes.length > 0 && (
              <Descriptions.Item label={t('tariff.notes')} span={2}>
                {(result!.notes as Note[])
                  .filter((n) => n.code !== 'service' || n.beforeFen !== n.afterFen)
                  .map((n, i) => (
                    <div key={i} data-testid="drill-note">
                      {noteText(n)}
                    </div>
                  ))}
              </Descriptions.Item>
            )}
          </Descriptions>
          <Space>
            <span>{t('tariff.planForDrill')}</span>
            <Select
              style={{ width: 320 }}
              value={data.comparison.planId}
              onChange={setPlanId}
              loading={loading}
              options={run.planIds.map((id) => ({ value: id, label: `${planName(id)} · ${yuan(result!.costs[id])}` }))}
              data-testid="drill-plan"
            />
          </Space>
          {chart && <Chart option={chart} height={220} testId="chart-drilldown" />}
          {data.comparison.months.map((m) => (
            <Card
              key={m.month}
              size="small"
              title={m.month}
              extra={
                <Space>
                  <span>{t('tariff.before')} {yuan(m.billedFen)}</span>
                  <span>→</span>
                  <strong>{yuan(m.afterFen)}</strong>
                </Space>
              }
            >
              <Table<ComparisonLine>
                rowKey={(l) => `${l.kind}|${l.key}`}
                size="small"
                pagination={false}
                columns={columns}
                dataSource={m.lines}
                data-testid={`drill-month-${m.month}`}
              />
            </Card>
          ))}
        </Space>
      )}
    </Drawer>
  );
}

function PushModal({ run, onClose, labels }: { run: TariffRun; onClose: () => void; labels: Labels }) {
  const { t } = labels;
  const [channels, setChannels] = useState<string[]>(['web', 'store', 'outbound']);
  const [busy, setBusy] = useState(false);
  const [pushed, setPushed] = useState<PushManifest[] | null>(null);
  const [overHttp, setOverHttp] = useState<Set<string>>(new Set());
  const [error, setError] = useState<Error>();
  const push = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const result = await pushRun(run.runId, channels);
      setOverHttp(new Set(result.deliveries.filter((d) => d.method === 'http').map((d) => d.channelId)));
      setPushed(result.manifests);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('tariff.pushTitle')}
      onCancel={onClose}
      footer={
        pushed ? (
          <Button onClick={onClose}>{t('common.confirm')}</Button>
        ) : (
          <Space>
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="primary" icon={<SendOutlined />} loading={busy} disabled={channels.length === 0} onClick={push} data-testid="push-confirm">
              {t('tariff.push')}
            </Button>
          </Space>
        )
      }
    >
      <ErrorAlert error={error} />
      {pushed ? (
        <List
          size="small"
          dataSource={pushed}
          data-testid="push-result"
          renderItem={(m) => (
            <List.Item>
              <Space direction="vertical" size={0}>
                <Space>
                  <strong>{t(`tariff.channel.${m.channel}`)}</strong>
                  {overHttp.has(m.channel) && <Tag color="blue" data-testid={`push-http-${m.channel}`}>{t('tariff.pushedHttp')}</Tag>}
                </Space>
                <Typography.Text type="secondary">
                  {t('tariff.pushedRows', { rows: m.rows })} · {m.file} · {t(`tariff.msisdnMode.${m.msisdn}`)}
                </Typography.Text>
                <Typography.Text type="secondary" copyable style={{ fontSize: 12 }}>
                  {m.sha256}
                </Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      ) : (
        <Space direction="vertical">
          <Typography.Text>{t('tariff.pushHint')}</Typography.Text>
          <Checkbox.Group value={channels} onChange={(v) => setChannels(v as string[])} options={['web', 'store', 'outbound'].map((c) => ({ value: c, label: t(`tariff.channel.${c}`) }))} />
        </Space>
      )}
    </Modal>
  );
}

function Results({ run, labels }: { run: TariffRun; labels: Labels }) {
  const { t, name, noteText } = labels;
  const { can } = useAuth();
  const { message } = AntApp.useApp();
  const plans = useTariffPlans().data;
  const [query, setQuery] = useState<{ page: number; pageSize: number; sort: string; order: 'asc' | 'desc'; outcome?: string }>({ page: 1, pageSize: 20, sort: 'savingFen', order: 'desc' });
  const { data, error, loading, reload } = useRunResults(run.runId, query as never);
  const [drill, setDrill] = useState<number | null>(null);
  const [pushing, setPushing] = useState(false);
  const planName = (id: string) => {
    const p = plans?.find((x) => x.planId === id);
    return p ? name(p.nameZh, p.nameEn) : id;
  };
  const sortOrder = (key: string) => (query.sort === key ? (query.order === 'asc' ? 'ascend' : 'descend') : null);
  const columns: ColumnsType<CustomerResult> = [
    { title: t('tariff.msisdn'), dataIndex: 'msisdn', render: (v: string) => <span className="msisdn">{v}</span> },
    { title: t('customers.brand'), dataIndex: 'brand', render: (v: string) => <BrandTag brand={v} /> },
    { title: t('tariff.currentPlan'), dataIndex: 'currentPlanId', render: (v: string) => planName(v) },
    { title: t('tariff.currentCost'), dataIndex: 'currentFen', key: 'currentFen', align: 'right', sorter: true, sortOrder: sortOrder('currentFen'), render: (v: number) => yuan(v) },
    {
      title: t('tariff.best'),
      dataIndex: 'bestPlanIds',
      render: (v: string[]) => (v.length === 0 ? '—' : v.map((id) => <Tag key={id} color="green">{planName(id)}</Tag>).concat(v.length > 1 ? [<Tag key="tie">{t('tariff.tie')}</Tag>] : [])),
    },
    { title: t('tariff.bestCost'), dataIndex: 'bestFen', key: 'bestFen', align: 'right', sorter: true, sortOrder: sortOrder('bestFen'), render: (v: number | null) => yuan(v) },
    {
      title: t('tariff.savingCol'),
      dataIndex: 'savingFen',
      key: 'savingFen',
      align: 'right',
      sorter: true,
      sortOrder: sortOrder('savingFen'),
      render: (v: number) => (v > 0 ? <Typography.Text type="success">{yuan(v)}</Typography.Text> : yuan(v)),
    },
    { title: t('tariff.revenueChange'), dataIndex: 'revenueChangeFen', key: 'revenueChangeFen', align: 'right', sorter: true, sortOrder: sortOrder('revenueChangeFen'), render: (v: number) => yuan(v) },
    { title: t('tariff.outcome'), dataIndex: 'outcome', render: (v: string) => <Tag color={outcomeColor[v]}>{t(`tariff.outcomes.${v}`)}</Tag> },
    {
      title: t('tariff.notes'),
      dataIndex: 'notes',
      render: (v: CustomerResult['notes']) => {
        const notes = v as Note[];
        const first = notes.find((n) => n.code === 'bundle') ?? notes.find((n) => n.code === 'allowance');
        return first ? <Typography.Text type="secondary">{noteText(first)}</Typography.Text> : '';
      },
    },
  ];
  const exportCsv = async () => {
    try {
      await downloadResultsCsv(run.runId, { outcome: query.outcome });
    } catch (e) {
      void message.error(describeError(e));
    }
  };
  // the recommended customers as a saved segment: a campaign's target, run through its waves, policy, feedback and report
  const [savingSegment, setSavingSegment] = useState(false);
  const saveAsSegment = async () => {
    setSavingSegment(true);
    try {
      const segment = await saveSegment(t('tariff.segmentName', { run: run.runId, name: run.name }), { tariffRecommended: { runId: run.runId } });
      void message.success(t('tariff.segmentSaved', { name: segment.name }));
    } catch (e) {
      void message.error(describeError(e));
    } finally {
      setSavingSegment(false);
    }
  };
  return (
    <Card
      size="small"
      title={t('tariff.results')}
      extra={
        <Space wrap>
          <Select
            allowClear
            size="small"
            style={{ width: 150 }}
            placeholder={t('tariff.allOutcomes')}
            value={query.outcome}
            onChange={(outcome?: string) => setQuery((q) => ({ ...q, outcome, page: 1 }))}
            options={['better', 'no_better', 'no_bill'].map((o) => ({ value: o, label: t(`tariff.outcomes.${o}`) }))}
            data-testid="sim-outcome"
          />
          <Button size="small" icon={<DownloadOutlined />} onClick={exportCsv} data-testid="sim-export">
            {t('tariff.export')}
          </Button>
          {can('segments.write') && (
            <Button size="small" icon={<TeamOutlined />} loading={savingSegment} onClick={saveAsSegment} disabled={!run.summary?.subOptimal} data-testid="sim-save-segment">
              {t('tariff.saveSegment')}
            </Button>
          )}
          {can('tariffs.push') && (
            <Button size="small" type="primary" icon={<SendOutlined />} onClick={() => setPushing(true)} disabled={!run.summary?.subOptimal} data-testid="sim-push">
              {t('tariff.push')}
            </Button>
          )}
        </Space>
      }
    >
      <ErrorAlert error={error} onRetry={reload} />
      <Table<CustomerResult>
        rowKey="subscriberId"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('common.empty') }}
        onRow={(r) => ({ onClick: () => setDrill(r.subscriberId), style: { cursor: 'pointer' } })}
        onChange={(pagination, _filters, sorter) => {
          const s = sorter as SorterResult<CustomerResult>;
          setQuery((q) => ({
            ...q,
            page: pagination.pageSize === q.pageSize ? pagination.current ?? 1 : 1,
            pageSize: pagination.pageSize ?? q.pageSize,
            sort: s.order ? String(s.columnKey ?? s.field) : 'savingFen',
            order: s.order === 'ascend' ? 'asc' : 'desc',
          }));
        }}
        pagination={serverPagination(t, { ...query, total: data?.total ?? 0 })}
        data-testid="sim-results"
      />
      {drill !== null && <DrillDown run={run} subscriberId={drill} onClose={() => setDrill(null)} labels={labels} />}
      {pushing && <PushModal run={run} onClose={() => setPushing(false)} labels={labels} />}
    </Card>
  );
}

export default function TariffSimulationPage() {
  // the catalogue, loaded once: the new-run card picks from it, the labels name plans and allowances by it
  const plans = useTariffPlans();
  const labels = useTariffLabels(plans.data);
  const { t } = labels;
  const filterText = useFilterText();
  const { can } = useAuth();
  const [params, setParams] = useSearchParams();
  const runId = params.get('run') ? Number(params.get('run')) : null;
  const [polling, setPolling] = useState(false);
  const runs = useTariffRuns(polling ? 1500 : undefined);
  const { data: run, error } = useTariffRun(runId, polling ? 1000 : undefined);
  const running = run?.status === 'running' || run?.status === 'queued';
  useEffect(() => setPolling(running), [running]);
  const select = (id: number) => setParams({ run: String(id) });
  const { message } = AntApp.useApp();
  const remove = async (id: number) => {
    try {
      await deleteRun(id);
      void message.success(t('tariff.runDeleted'));
      setParams({});
      runs.reload();
    } catch (e) {
      void message.error(describeError(e));
    }
  };

  return (
    <>
      <PageHeader title={t('tariff.simTitle')} />
      <Row gutter={[16, 16]}>
        {can('tariffs.simulate') && (
          <Col xs={24} xl={10}>
            <NewRunCard
              labels={labels}
              plans={plans}
              onStarted={(id) => {
                select(id);
                setPolling(true);
                runs.reload();
              }}
            />
          </Col>
        )}
        <Col xs={24} xl={can('tariffs.simulate') ? 14 : 24}>
          <Card
            size="small"
            title={t('tariff.runs')}
            extra={
              run &&
              !running &&
              can('tariffs.simulate') && (
                <Popconfirm title={t('tariff.deleteRunConfirm', { id: run.runId })} okText={t('common.confirm')} cancelText={t('common.cancel')} onConfirm={() => remove(run.runId)}>
                  <Button size="small" danger icon={<DeleteOutlined />} data-testid="sim-delete">
                    {t('tariff.deleteRun')}
                  </Button>
                </Popconfirm>
              )
            }
          >
            <Select
              style={{ width: '100%', marginBottom: 12 }}
              placeholder={t('tariff.chooseRun')}
              value={runId ?? undefined}
              onChange={select}
              options={(runs.data?.items ?? []).map((r) => ({ value: r.runId, label: `#${r.runId} · ${r.name} · ${r.createdAt}` }))}
              data-testid="sim-run-select"
            />
            {run ? (
              <Descriptions size="small" column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 2, xxl: 2 }} bordered>
                <Descriptions.Item label={t('tariff.runName')}>{run.name}</Descriptions.Item>
                <Descriptions.Item label={t('tariff.status')}>
                  <span data-testid="sim-status">
                    <JobStatusTag status={run.status} />
                  </span>
                </Descriptions.Item>
                <Descriptions.Item label={t('tariff.candidates')}>{run.planIds.join(t('common.listSep'))}</Descriptions.Item>
                <Descriptions.Item label={t('tariff.months')}>{run.months.join(t('common.listSep'))}</Descriptions.Item>
                <Descriptions.Item label={t('tariff.targetCount')}>{count(run.targetCount)}</Descriptions.Item>
                <Descriptions.Item label={t('tariff.target')} span={2}>
                  <span data-testid="sim-target-text">{filterText(run.filter)}</span>
                </Descriptions.Item>
                <Descriptions.Item label={t('tariff.createdBy')}>
                  {run.createdBy} · {run.createdAt}
                </Descriptions.Item>
                {run.status !== 'succeeded' && (
                  <Descriptions.Item label={t('jobs.progress')} span={2}>
                    <JobProgress job={{ status: run.status as Job['status'], progress: run.progress }} cancel={{ jobId: run.jobId, createdBy: run.createdBy }} />
                    {run.status === 'cancelled' ? (
                      <Alert type="warning" showIcon message={t('jobs.cancelledNote')} data-testid="sim-cancelled" />
                    ) : (
                      run.error && <Alert type="error" showIcon message={run.error} />
                    )}
                  </Descriptions.Item>
                )}
              </Descriptions>
            ) : (
              <Empty description={t('tariff.noRun')} />
            )}
            <ErrorAlert error={error} />
          </Card>
        </Col>
        {run?.status === 'succeeded' && run.summary && (
          <>
            <Col span={24}>
              <SummaryCards run={run} labels={labels} />
            </Col>
            <Col span={24}>
              <Results key={run.runId} run={run} labels={labels} />
            </Col>
          </>
        )}
      </Row>
    </>
  );
}
