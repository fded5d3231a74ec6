// One model run: its status while it trains, then its metrics — AUC and the decile (lift) chart
// and table, the top attributes, per-channel results for channel preference, association rules
// for lift — its parameters and its log. A propensity run can be saved as the segment "score ≥ N".
import { useState } from 'react';
import { Alert, App as AntApp, Button, Card, Col, Descriptions, Empty, InputNumber, List, Row, Skeleton, Space, Statistic, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface.js';
import { SaveOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { useModelRun, type ChannelPreferenceMetrics, type DecileRow, type LiftMetrics, type ModelRun, type PropensityMetrics } from '../api/models.ts';
import { saveSegment } from '../api/segments.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { Chart, palette, type ChartOption } from '../charts/Chart.tsx';
import { JobStatusTag } from '../components/CodeTags.tsx';
import { ErrorAlert, describeError } from '../components/ErrorAlert.tsx';
import { CancelJobButton } from '../components/JobProgress.tsx';
import { PageHeader } from '../components/PageHeader.tsx';

type Coefficient = PropensityMetrics['topAttributes'][number];
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const num = (x: number | null | undefined) => (x === null || x === undefined ? '–' : Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));

function DecileChart({ deciles }: { deciles: DecileRow[] }) {
  const { t } = useTranslation();
  const option: ChartOption = {
    tooltip: { trigger: 'axis' },
    legend: { data: [t('models.lift'), t('models.capture')] },
    grid: { left: 48, right: 56, top: 40, bottom: 32 },
    xAxis: { type: 'category', data: deciles.map((d) => String(d.decile)), name: t('models.decile') },
    yAxis: [
      { type: 'value', name: t('models.lift') },
      { type: 'value', name: t('models.capture'), max: 100, axisLabel: { formatter: '{value}%' } },
    ],
    series: [
      { name: t('models.lift'), type: 'bar', data: deciles.map((d) => +d.lift.toFixed(2)), itemStyle: { color: palette[0] } },
      { name: t('models.capture'), type: 'line', yAxisIndex: 1, data: deciles.map((d) => +(d.capture * 100).toFixed(1)), itemStyle: { color: palette[1] } },
    ],
  };
  return <Chart option={option} height={300} />;
}

function DecileTable({ deciles }: { deciles: DecileRow[] }) {
  const { t } = useTranslation();
  const columns: ColumnsType<DecileRow> = [
    { title: t('models.decile'), dataIndex: 'decile' },
    { title: t('models.customers'), dataIndex: 'customers', align: 'right' },
    { title: t('models.positives'), dataIndex: 'positives', align: 'right' },
    { title: t('models.rate'), dataIndex: 'rate', align: 'right', render: pct },
    { title: t('models.lift'), dataIndex: 'lift', align: 'right', render: (v: number) => v.toFixed(2) },
    { title: t('models.capture'), dataIndex: 'capture', align: 'right', render: pct },
    { title: t('models.scores'), key: 'scores', align: 'right', render: (_: unknown, d) => `${d.minScore.toFixed(1)}–${d.maxScore.toFixed(1)}` },
  ];
  return <Table<DecileRow> rowKey="decile" size="small" pagination={false} columns={columns} dataSource={deciles} data-testid="deciles" />;
}

function AttributesTable({ rows }: { rows: Coefficient[] }) {
  const { t } = useTranslation();
  const columns: ColumnsType<Coefficient> = [
    { title: t('models.attribute'), key: 'feature', render: (_: unknown, c) => (c.level === null ? c.feature : `${c.feature} = ${c.level}`) },
    {
      title: t('models.coefficient'),
      dataIndex: 'coefficient',
      align: 'right',
      render: (v: number) => <Typography.Text type={v >= 0 ? 'success' : 'danger'}>{`${v >= 0 ? '+' : ''}${v.toFixed(3)}`}</Typography.Text>,
    },
    { title: t('models.meanPositive'), dataIndex: 'meanPositive', align: 'right', render: num },
    { title: t('models.meanNegative'), dataIndex: 'meanNegative', align: 'right', render: num },
  ];
  return <Table<Coefficient> rowKey={(c) => `${c.feature}|${c.level ?? ''}`} size="small" pagination={false} columns={columns} dataSource={rows} data-testid="top-attributes" />;
}

function SaveScoreSegment({ run }: { run: ModelRun }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [threshold, setThreshold] = useState(80);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    try {
      const name = t('models.segmentName', { target: run.target, version: run.version, threshold });
      await saveSegment(name, { modelScore: { runId: run.runId, op: 'gte', value: threshold } });
      void message.success(t('models.segmentSaved', { name }));
    } catch (error) {
      void message.error(describeError(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space>
      <span>{t('models.scoreAtLeast')}</span>
      <InputNumber min={0} max={100} value={threshold} onChange={(v) => setThreshold(v ?? 80)} />
      <Button icon={<SaveOutlined />} onClick={save} loading={busy} data-testid="save-score-segment">
        {t('models.saveSegment')}
      </Button>
    </Space>
  );
}

function PropensityView({ run, metrics }: { run: ModelRun; metrics: PropensityMetrics }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  return (
    <>
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col span={6}><Card size="small"><Statistic title={t('models.aucHoldout')} value={metrics.auc.holdout} precision={3} /></Card></Col>
        <Col span={6}><Card size="small"><Statistic title={t('models.aucTrain')} value={metrics.auc.train} precision={3} /></Card></Col>
        <Col span={6}><Card size="small"><Statistic title={t('models.baseRate')} value={metrics.baseRate * 100} precision={1} suffix="%" /></Card></Col>
        <Col span={6}><Card size="small"><Statistic title={t('models.topLift')} value={metrics.deciles[0]?.lift ?? 0} precision={2} suffix="×" /></Card></Col>
      </Row>
      <Card size="small" title={t('models.deciles')} extra={can('segments.write') && <SaveScoreSegment run={run} />} style={{ marginBottom: 16 }}>
        <Typography.Paragraph type="secondary">{t('models.scoreMeaning')}</Typography.Paragraph>
        <DecileChart deciles={metrics.deciles} />
        <DecileTable deciles={metrics.deciles} />
      </Card>
      <Card size="small" title={t('models.topAttributes')} style={{ marginBottom: 16 }}>
        <AttributesTable rows={metrics.topAttributes} />
        {metrics.dropped.length > 0 && (
          <List size="small" header={t('models.dropped')} dataSource={metrics.dropped} renderItem={(d) => <List.Item>{`${d.feature}: ${d.reason}`}</List.Item>} />
        )}
      </Card>
    </>
  );
}

function ChannelPreferenceView({ metrics }: { metrics: ChannelPreferenceMetrics }) {
  const { t } = useTranslation();
  type ChannelRow = ChannelPreferenceMetrics['channels'][number];
  const columns: ColumnsType<ChannelRow> = [
    { title: t('models.channel'), dataIndex: 'channelId' },
    { title: t('models.preferredBy'), dataIndex: 'preferredBy', align: 'right' },
    { title: 'AUC', dataIndex: 'auc', align: 'right', render: (v: number | null) => (v === null ? '–' : v.toFixed(3)) },
    {
      title: t('models.topAttributes'),
      key: 'top',
      render: (_: unknown, c) => c.topAttributes.slice(0, 3).map((a) => `${a.level === null ? a.feature : `${a.feature}=${a.level}`} ${a.coefficient >= 0 ? '+' : ''}${a.coefficient.toFixed(2)}`).join('; '),
    },
  ];
  return (
    <>
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col span={6}><Card size="small"><Statistic title={t('models.accuracy')} value={metrics.accuracy * 100} precision={1} suffix="%" /></Card></Col>
        <Col span={6}><Card size="small"><Statistic title={t('models.baselineAccuracy')} value={metrics.baselineAccuracy * 100} precision={1} suffix="%" /></Card></Col>
        <Col span={6}><Card size="small"><Statistic title={t('models.top2Accuracy')} value={metrics.top2Accuracy * 100} precision={1} suffix="%" /></Card></Col>
        <Col span={6}><Card size="small"><Statistic title={t('models.frequentContacters')} value={metrics.frequentContacters} /></Card></Col>
      </Row>
      <Card size="small" title={t('models.channels')} style={{ marginBottom: 16 }}>
        <Table<ChannelRow> rowKey="channelId" size="small" pagination={false} columns={columns} dataSource={metrics.channels} data-testid="channels" />
      </Card>
    </>
  );
}

function LiftView({ metrics }: { metrics: LiftMetrics }) {
  const { t } = useTranslation();
  type ProductRow = LiftMetrics['products'][number];
  type RuleRow = LiftMetrics['attributes'][number];
  const productColumns: ColumnsType<ProductRow> = [
    { title: t('models.product'), dataIndex: 'productId' },
    { title: t('models.both'), dataIndex: 'both', align: 'right' },
    { title: t('models.support'), dataIndex: 'support', align: 'right', render: pct },
    { title: t('models.confidenceTo', { product: metrics.productId }), dataIndex: 'confidenceTo', align: 'right', render: pct },
    { title: t('models.confidenceFrom', { product: metrics.productId }), dataIndex: 'confidenceFrom', align: 'right', render: pct },
    { title: t('models.lift'), dataIndex: 'lift', align: 'right', render: (v: number) => v.toFixed(2) },
  ];
  const ruleColumns: ColumnsType<RuleRow> = [
    { title: t('models.antecedent'), dataIndex: 'antecedent' },
    { title: t('models.customers'), dataIndex: 'customers', align: 'right' },
    { title: t('models.support'), dataIndex: 'support', align: 'right', render: pct },
    { title: t('models.confidence'), dataIndex: 'confidence', align: 'right', render: pct },
    { title: t('models.lift'), dataIndex: 'lift', align: 'right', render: (v: number) => v.toFixed(2) },
  ];
  return (
    <>
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col span={8}><Card size="small"><Statistic title="AUC" value={metrics.auc} precision={3} /></Card></Col>
        <Col span={8}><Card size="small"><Statistic title={t('models.baseRate')} value={metrics.baseRate * 100} precision={1} suffix="%" /></Card></Col>
        <Col span={8}><Card size="small"><Statistic title={t('models.topLift')} value={metrics.deciles[0]?.lift ?? 0} precision={2} suffix="×" /></Card></Col>
      </Row>
      <Card size="small" title={t('models.deciles')} style={{ marginBottom: 16 }}>
        <DecileChart deciles={metrics.deciles} />
      </Card>
      <Card size="small" title={t('models.attributeRules')} style={{ marginBottom: 16 }}>
        <Table<RuleRow> rowKey="antecedent" size="small" pagination={{ pageSize: 15 }} columns={ruleColumns} dataSource={metrics.attributes} data-testid="attribute-rules" />
      </Card>
      <Card size="small" title={t('models.productRules')} style={{ marginBottom: 16 }}>
        <Table<ProductRow> rowKey="productId" size="small" pagination={false} columns={productColumns} dataSource={metrics.products} />
      </Card>
    </>
  );
}

export default function ModelRunPage() {
  const { t } = useTranslation();
  const runId = Number(useParams().id);
  const [polling, setPolling] = useState(true);
  const detail = useModelRun(Number.isInteger(runId) ? runId : null, polling ? 1000 : undefined);
  const run = detail.data?.run;
  if (run && run.status !== 'running' && polling) setPolling(false);
  return (
    <>
      <PageHeader
        title={run ? `${t(`models.kind.${run.model}`, { defaultValue: run.model })} · ${run.target} · v${run.version}` : t('models.run')}
        extra={<Link to={`/models?model=${run?.model ?? 'propensity'}`}>{t('models.backToRuns')}</Link>}
      />
      <ErrorAlert error={detail.error} onRetry={detail.reload} />
      {!run ? (
        <Skeleton active />
      ) : (
        <>
          <Descriptions size="small" bordered column={3} style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('models.status')}>
              <Space>
                <JobStatusTag status={run.status} />
                {run.status === 'running' && run.jobId && <CancelJobButton jobId={run.jobId} createdBy={run.createdBy} onAsked={detail.reload} />}
              </Space>
            </Descriptions.Item>
            <Descriptions.Item label={t('models.startedAt')}>{run.startedAt}</Descriptions.Item>
            <Descriptions.Item label={t('models.finishedAt')}>{run.finishedAt ?? '–'}</Descriptions.Item>
            <Descriptions.Item label={t('models.createdBy')}>{run.createdBy}</Descriptions.Item>
            <Descriptions.Item label={t('models.params')} span={2}><Typography.Text code>{JSON.stringify(run.params)}</Typography.Text></Descriptions.Item>
          </Descriptions>
          {run.status === 'failed' && <ErrorAlert error={new Error(run.error ?? '')} />}
          {run.status === 'cancelled' && <Alert type="warning" showIcon message={t('jobs.cancelledNote')} data-testid="model-run-cancelled" />}
          {run.status === 'running' && <Skeleton active />}
          {run.status === 'succeeded' && run.model === 'propensity' && <PropensityView run={run} metrics={run.metrics as PropensityMetrics} />}
          {run.status === 'succeeded' && run.model === 'channel_preference' && <ChannelPreferenceView metrics={run.metrics as ChannelPreferenceMetrics} />}
          {run.status === 'succeeded' && run.model === 'lift' && <LiftView metrics={run.metrics as LiftMetrics} />}
          {run.status === 'succeeded' && run.model === 'matching_tree' && (
            <Card size="small" title={t('models.treeRules')} style={{ marginBottom: 16 }} data-testid="tree-rules">
              {((run.metrics as { rules?: string[] }).rules ?? []).map((rule) => (
                <Typography.Paragraph key={rule} style={{ marginBottom: 4 }}>
                  <Typography.Text code>{rule}</Typography.Text>
                </Typography.Paragraph>
              ))}
            </Card>
          )}
          <Card size="small" title={t('models.log')}>
            {detail.data!.log.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
            ) : (
              <List size="small" dataSource={detail.data!.log} renderItem={(l) => <List.Item data-testid="log-line">{`${l.at}  ${l.message}`}</List.Item>} />
            )}
          </Card>
        </>
      )}
    </>
  );
}
