// 活动报告: a campaign's tracking and evaluation report — the headline KPIs, uplift against the
// control group with its confidence interval and p-value, the sample-ratio check, costs and ROI,
// success rates by channel side by side (the Fetion case), by wave and by segment, early warnings
// and the CSV export.
import { useMemo, useState, type ReactNode } from 'react';
import { Alert, Button, Card, Col, Descriptions, Row, Space, Statistic, Table, Tag, Tooltip } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useNavigate, useParams } from 'react-router-dom';
import { downloadReport, useCampaign, useCampaignReport, type BreakdownRow, type CampaignReport } from '../api/campaigns.ts';
import { useChannels } from '../api/platform.ts';
import { Chart, palette, type ChartOption } from '../charts/Chart.tsx';
import { CampaignStatusTag } from '../components/CampaignStatusTag.tsx';
import { DiversionCard } from '../components/DiversionCard.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { FullPageSpin } from '../components/FullPageSpin.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useLabels } from '../i18n/labels.ts';
import { count, percent, yuan } from '../money.ts';

const interval = (ci: readonly [number, number] | null | undefined, digits = 2) => (ci ? `[${percent(ci[0], digits)}, ${percent(ci[1], digits)}]` : '—');
const pValueText = (p: number | null | undefined) => (p === null || p === undefined ? '—' : p < 0.0001 ? '< 0.0001' : p.toFixed(4));

export default function CampaignReportPage() {
  const id = Number(useParams().id);
  const { t } = useLabels();
  const navigate = useNavigate();
  const { data: report, error, reload } = useCampaignReport(id);
  const { data: campaign } = useCampaign(id);
  const [exporting, setExporting] = useState<'csv' | 'xlsx' | null>(null);
  const [exportError, setExportError] = useState<Error | undefined>();

  const exportReport = async (format: 'csv' | 'xlsx') => {
    setExporting(format);
    setExportError(undefined);
    try {
      await downloadReport(id, format);
    } catch (e) {
      setExportError(e as Error);
    } finally {
      setExporting(null);
    }
  };

  if (!report) return error ? <ErrorAlert error={error} onRetry={reload} /> : <FullPageSpin />;
  return (
    <>
      <PageHeader
        title={
          <Space>
            <span>{t('campaign.report.title', { name: report.name })}</span>
            <CampaignStatusTag status={report.status} />
          </Space>
        }
        extra={
          <>
            <Button onClick={() => navigate(`/campaigns/${id}`)}>{t('campaign.openDetail')}</Button>
            <Button onClick={reload}>{t('common.refresh')}</Button>
            <Button icon={<DownloadOutlined />} loading={exporting === 'csv'} onClick={() => void exportReport('csv')} data-testid="report-csv">
              {t('campaign.report.exportCsv')}
            </Button>
            <Button type="primary" icon={<DownloadOutlined />} loading={exporting === 'xlsx'} onClick={() => void exportReport('xlsx')} data-testid="report-xlsx">
              {t('campaign.report.exportXlsx')}
            </Button>
          </>
        }
      />
      <ErrorAlert error={error ?? exportError} onRetry={reload} />
      <Warnings report={report} />
      <Headline report={report} />
      {campaign?.category === 'diversion' && <DiversionCard campaignId={id} campaignName={report.name} />}
      <ChannelComparison rows={report.byChannel} />
      <Row gutter={16}>
        <Col xs={24} xl={12}>
          <Breakdown title={t('campaign.report.byWave')} rows={report.byWave} testId="report-by-wave" />
        </Col>
        <Col xs={24} xl={12}>
          <Breakdown title={t('campaign.report.bySegment')} rows={report.bySegment} testId="report-by-segment" />
        </Col>
      </Row>
      <Breakdown title={t('campaign.report.byChannel')} rows={report.byChannel} testId="report-by-channel" channelNames />
      <Costs report={report} />
    </>
  );
}

function Warnings({ report }: { report: CampaignReport }) {
  const { t } = useLabels();
  if (report.warnings.length === 0) return null;
  return (
    <div data-testid="report-warnings">
      {report.warnings.map((w, i) => (
        <Alert
          key={`${w.code}-${w.key ?? i}`}
          type={w.code === 'SAMPLE_RATIO_MISMATCH' || w.code === 'BUDGET_OVERRUN' ? 'error' : 'warning'}
          showIcon
          style={{ marginBottom: 8 }}
          message={t(`campaign.warning.${w.code}`, { defaultValue: w.code })}
          description={w.message}
        />
      ))}
    </div>
  );
}

function Headline({ report }: { report: CampaignReport }) {
  const { t } = useLabels();
  const o = report.overall;
  const u = report.uplift;
  const srm = report.sampleRatio;
  const stat = (key: string, title: string, value: string, extra?: ReactNode) => (
    <Col xs={12} md={8} xl={4} key={key}>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Statistic title={title} value={value} valueRender={() => <span data-testid={`report-${key}`}>{value}</span>} />
        {extra}
      </Card>
    </Col>
  );
  return (
    <>
      <Row gutter={16}>
        {stat('targets', t('campaign.report.targets'), count(o.targets))}
        {stat('contacted', t('campaign.report.contacted'), count(o.contacted))}
        {stat('contactRate', t('campaign.report.contactRate'), percent(o.contactRate))}
        {stat('responders', t('campaign.report.responders'), count(o.responders))}
        {stat('successRate', t('campaign.report.successRate'), percent(o.successRate))}
        {stat('controlRate', t('campaign.report.controlRate'), percent(u?.controlRate ?? o.controlRate))}
      </Row>
      <Row gutter={16}>
        {stat('upliftAbs', t('campaign.report.upliftAbs'), percent(u?.absolute), <Tooltip title={t('campaign.report.ci95')}><span style={{ color: '#8c8c8c' }}>{interval(u?.absoluteCi)}</span></Tooltip>)}
        {stat('upliftRel', t('campaign.report.upliftRel'), percent(u?.relative, 1), <Tooltip title={t('campaign.report.ci95')}><span style={{ color: '#8c8c8c' }}>{interval(u?.relativeCi, 1)}</span></Tooltip>)}
        {stat(
          'pValue',
          t('campaign.report.pValue'),
          pValueText(u?.pValue),
          u && <Tag color={u.significant ? 'green' : 'default'}>{t(u.significant ? 'campaign.report.significant' : 'campaign.report.notSignificant')}</Tag>,
        )}
        {stat('incremental', t('campaign.report.incremental'), u ? u.incrementalResponders.toFixed(1) : '—', u && <span style={{ color: '#8c8c8c' }}>[{u.incrementalCi[0].toFixed(1)}, {u.incrementalCi[1].toFixed(1)}]</span>)}
        {stat('costPerIncremental', t('campaign.report.costPerIncremental'), yuan(report.costs.costPerIncrementalResponseFen))}
        {stat('roi', t('campaign.report.roi'), percent(report.costs.roi, 1))}
      </Row>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Space wrap size="large">
          <span>
            {t('campaign.report.srm')}{' '}
            <Tag color={srm.mismatch ? 'red' : 'green'} data-testid="report-srm">
              {t(srm.mismatch ? 'campaign.report.srmMismatch' : 'campaign.report.srmOk')}
            </Tag>
          </span>
          <span>{t('campaign.report.srmShares', { expected: percent(srm.expectedControlShare), observed: percent(srm.observedControlShare) })}</span>
          <span>χ² = {srm.chiSquare === null ? '—' : srm.chiSquare.toFixed(2)}{t('common.comma')}p = {pValueText(srm.pValue)}</span>
          <span>{t('campaign.report.window', { from: report.window.startDate ?? '—', to: report.window.endDate ?? '—' })}</span>
          <span>{t('campaign.report.excluded', { count: report.exclusions.excluded, share: percent(report.exclusions.share, 1) })}</span>
          <span>{t('campaign.report.generatedAt', { at: report.generatedAt })}</span>
        </Space>
      </Card>
    </>
  );
}

/** Success, response and control rates per channel, side by side (account manager vs outbound vs store desk…). */
function ChannelComparison({ rows }: { rows: BreakdownRow[] }) {
  const { t, name } = useLabels();
  const channels = useChannels();
  const labelOf = useMemo(() => {
    const names = new Map((channels.data ?? []).map((c) => [c.channelId, name(c.nameZh, c.nameEn)]));
    return (row: BreakdownRow) => names.get(row.key) ?? row.label;
  }, [channels.data, name]);
  const option = useMemo<ChartOption>(() => {
    const pct = (v: number | null) => (v === null ? null : Number((v * 100).toFixed(2)));
    const series = [
      { key: 'successRate', name: t('campaign.report.successRate') },
      { key: 'responseRate', name: t('campaign.report.responseRate') },
      { key: 'controlRate', name: t('campaign.report.controlRate') },
    ] as const;
    return {
      color: palette,
      tooltip: { trigger: 'axis', valueFormatter: (v: number | null) => (v === null ? '—' : `${v}%`) },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 40, bottom: 32 },
      xAxis: { type: 'category', data: rows.map(labelOf) },
      yAxis: { type: 'value', axisLabel: { formatter: '{value}%' } },
      series: series.map((s) => ({ type: 'bar', name: s.name, data: rows.map((r) => pct(r[s.key])), label: { show: true, position: 'top', formatter: '{c}%' } })),
    };
  }, [rows, labelOf, t]);
  return (
    <Card size="small" title={t('campaign.report.channelChart')} style={{ marginBottom: 16 }}>
      {rows.length ? <Chart option={option} height={320} testId="chart-channel-success" /> : <Alert type="info" message={t('common.empty')} />}
    </Card>
  );
}

function Breakdown({ title, rows, testId, channelNames = false }: { title: string; rows: BreakdownRow[]; testId: string; channelNames?: boolean }) {
  const { t, name } = useLabels();
  const channels = useChannels();
  const labelOf = (row: BreakdownRow) => {
    const c = channelNames ? channels.data?.find((x) => x.channelId === row.key) : undefined;
    return c ? name(c.nameZh, c.nameEn) : row.label;
  };
  return (
    <Card size="small" title={title} style={{ marginBottom: 16 }}>
      <Table<BreakdownRow>
        rowKey="key"
        size="small"
        pagination={false}
        dataSource={rows}
        scroll={{ x: 'max-content' }}
        data-testid={testId}
        columns={[
          { title: t('campaign.report.dimension'), dataIndex: 'label', render: (_: string, row) => labelOf(row) },
          { title: t('campaign.report.targets'), dataIndex: 'targets', align: 'right', render: (v: number) => count(v) },
          { title: t('campaign.report.contacted'), dataIndex: 'contacted', align: 'right', render: (v: number) => count(v) },
          { title: t('campaign.report.contactRate'), dataIndex: 'contactRate', align: 'right', render: (v: number | null) => percent(v, 1) },
          { title: t('campaign.report.accepted'), dataIndex: 'accepted', align: 'right', render: (v: number) => count(v) },
          { title: t('campaign.report.successRate'), dataIndex: 'successRate', align: 'right', render: (v: number | null) => percent(v, 1) },
          { title: t('campaign.report.responders'), dataIndex: 'responders', align: 'right', render: (v: number) => count(v) },
          { title: t('campaign.report.control'), dataIndex: 'control', align: 'right', render: (v: number) => count(v) },
          { title: t('campaign.report.controlRate'), dataIndex: 'controlRate', align: 'right', render: (v: number | null) => percent(v, 1) },
          { title: t('campaign.report.upliftAbs'), dataIndex: 'uplift', align: 'right', render: (v: number | null) => percent(v, 1) },
          { title: t('campaign.report.ci95'), dataIndex: 'upliftCi', align: 'right', render: (v: [number, number] | null) => interval(v, 1) },
          { title: t('campaign.report.pValue'), dataIndex: 'pValue', align: 'right', render: (v: number | null) => pValueText(v) },
        ]}
      />
    </Card>
  );
}

function Costs({ report }: { report: CampaignReport }) {
  const { t, label } = useLabels();
  const c = report.costs;
  return (
    <Row gutter={16}>
      <Col xs={24} xl={14}>
        <Card size="small" title={t('campaign.report.costs')} style={{ marginBottom: 16 }}>
          <Table
            rowKey="item"
            size="small"
            pagination={false}
            dataSource={c.items}
            columns={[
              { title: t('campaign.budget.item'), dataIndex: 'item', render: (v: string) => label('campaign.budgetItems', v) },
              { title: t('campaign.budget.planned'), dataIndex: 'plannedFen', align: 'right', render: (v: number) => yuan(v) },
              { title: t('campaign.budget.actual'), dataIndex: 'actualFen', align: 'right', render: (v: number) => yuan(v) },
              { title: t('campaign.report.resourcesApproved'), dataIndex: 'resourcesApprovedFen', align: 'right', render: (v: number) => yuan(v) },
              { title: t('campaign.report.resourcesUsed'), dataIndex: 'resourcesUsedFen', align: 'right', render: (v: number) => yuan(v) },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} xl={10}>
        <Card size="small" title={t('campaign.report.economics')} style={{ marginBottom: 16 }}>
          <Descriptions size="small" column={1}>
            <Descriptions.Item label={t('campaign.report.planned')}>{yuan(c.plannedFen)}</Descriptions.Item>
            <Descriptions.Item label={t('campaign.report.actual')}>{yuan(c.actualFen)}</Descriptions.Item>
            <Descriptions.Item label={t('campaign.report.costPerTarget')}>{yuan(c.costPerTargetFen)}</Descriptions.Item>
            <Descriptions.Item label={t('campaign.report.costPerResponder')}>{yuan(c.costPerResponderFen)}</Descriptions.Item>
            <Descriptions.Item label={t('campaign.report.costPerIncremental')}>{yuan(c.costPerIncrementalResponseFen)}</Descriptions.Item>
            <Descriptions.Item label={t('campaign.report.incrementalValue')}>{yuan(c.incrementalValueFen)}</Descriptions.Item>
            <Descriptions.Item label={t('campaign.report.roi')}>{percent(c.roi, 1)}</Descriptions.Item>
            <Descriptions.Item label={t('campaign.report.kpiAttainment')}>
              {t('campaign.report.kpiLine', { responders: count(report.kpis.responders), target: count(report.kpis.targetResponders), share: percent(report.kpis.respondersAttainment, 1) })}
            </Descriptions.Item>
            {report.resources.map((r) => (
              <Descriptions.Item key={r.kind} label={label('campaign.resourceKinds', r.kind)}>
                {t('campaign.report.resourceLine', { used: yuan(r.usedFen), approved: yuan(r.approvedFen), rate: percent(r.useRate, 1) })}
              </Descriptions.Item>
            ))}
          </Descriptions>
        </Card>
      </Col>
    </Row>
  );
}
