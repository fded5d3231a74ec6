// 省份概览: KPIs and charts of the whole province (GET /api/overview).
import { useMemo } from 'react';
import { Card, Col, Empty, Row, Skeleton, Statistic } from 'antd';
import { useOverview, type Overview } from '../api/platform.ts';
import { Chart, palette, type ChartOption } from '../charts/Chart.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useLabels } from '../i18n/labels.ts';
import { count, fenToYuan, yuan } from '../money.ts';

type Labels = ReturnType<typeof useLabels>;

function arpuBinLabel(fromFen: number, toFen: number | null): string {
  const from = fenToYuan(fromFen);
  return toFen === null ? `¥${from}+` : `¥${from}–${fenToYuan(toFen)}`;
}

function chartOptions(data: Overview, { t, label, name }: Labels): Record<string, ChartOption> {
  const tooltip = { trigger: 'axis' };
  return {
    brand: {
      color: palette,
      tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
      legend: { bottom: 0 },
      series: [
        {
          type: 'pie',
          radius: ['40%', '68%'],
          // name over share: one line each fits beside the ring at any card width
          label: { formatter: '{b}\n{d}%' },
          data: data.byBrand.map((b) => ({ name: label('brand', b.brand), value: b.subscribers })),
        },
      ],
    },
    city: {
      color: palette,
      tooltip,
      grid: { left: 48, right: 16, top: 16, bottom: 48 },
      xAxis: { type: 'category', data: data.byCity.map((c) => name(c.nameZh, c.nameEn)), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: 'value' },
      series: [{ type: 'bar', name: t('overview.subscribers'), data: data.byCity.map((c) => c.subscribers), barMaxWidth: 32 }],
    },
    arpu: {
      color: [palette[1]],
      tooltip,
      grid: { left: 48, right: 16, top: 16, bottom: 64 },
      xAxis: { type: 'category', name: t('overview.arpuBin'), nameLocation: 'middle', nameGap: 44, axisLabel: { interval: 0, rotate: 30 }, data: data.arpuHistogram.map((b) => arpuBinLabel(b.fromFen, b.toFen)) },
      yAxis: { type: 'value' },
      series: [{ type: 'bar', name: t('overview.subscribers'), data: data.arpuHistogram.map((b) => b.subscribers), barCategoryGap: '10%' }],
    },
    channels: {
      color: [palette[0], palette[3]],
      tooltip,
      legend: { top: 0 },
      grid: { left: 56, right: 16, top: 32, bottom: 64 },
      xAxis: { type: 'category', data: data.channelVolumes.map((c) => name(c.nameZh, c.nameEn)), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: 'value' },
      series: [
        { type: 'bar', name: t('overview.contacts'), data: data.channelVolumes.map((c) => c.contacts), barMaxWidth: 28 },
        { type: 'bar', name: t('overview.complaints'), data: data.channelVolumes.map((c) => c.complaints), barMaxWidth: 28 },
      ],
    },
    monthly: {
      color: palette,
      tooltip,
      legend: { top: 0 },
      grid: { left: 72, right: 72, top: 40, bottom: 32 },
      xAxis: { type: 'category', data: data.monthly.map((m) => m.month) },
      yAxis: [
        { type: 'value', name: t('overview.revenue') },
        { type: 'value', splitLine: { show: false } },
      ],
      series: [
        { type: 'line', name: t('overview.revenue'), yAxisIndex: 0, data: data.monthly.map((m) => fenToYuan(m.revenueFen)) },
        { type: 'line', name: t('overview.voiceMinutes'), yAxisIndex: 1, data: data.monthly.map((m) => m.voiceMinutes) },
        { type: 'line', name: t('overview.sms'), yAxisIndex: 1, data: data.monthly.map((m) => m.sms) },
        { type: 'line', name: t('overview.gprsMb'), yAxisIndex: 1, data: data.monthly.map((m) => m.gprsMb) },
      ],
    },
  };
}

export default function OverviewPage() {
  const labels = useLabels();
  const { t, label, name, english } = labels;
  const { data, error, loading, reload } = useOverview();
  // rebuilt only when the data or the language changes
  const options = useMemo(() => (data ? chartOptions(data, { t, label, name, english }) : null), [data, t, label, name, english]);

  if (error) return <ErrorAlert error={error} onRetry={reload} />;
  if (!data || !options) return <Skeleton active paragraph={{ rows: 12 }} />;

  const { province, monthly, byBrand } = data;
  const lastMonth = monthly[monthly.length - 1];
  const averageArpuFen = province.subscribers ? byBrand.reduce((n, b) => n + b.arpuFen * b.subscribers, 0) / province.subscribers : null;
  const months = province.months;
  const card = (title: string, chart: ChartOption, testId: string, empty: boolean, height = 300) => (
    <Card title={title} size="small" loading={loading && !data}>
      {empty ? <Empty description={t('common.empty')} /> : <Chart option={chart} height={height} testId={testId} />}
    </Card>
  );

  return (
    <>
      <PageHeader title={t('overview.title', { province: name(province.nameZh, province.nameEn) })} />
      {province.subscribers === 0 && <Empty style={{ marginBottom: 16 }} description={t('overview.noData')} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} sm={12} xl={6}>
          <Card size="small">
            <Statistic title={t('overview.subscribers')} value={province.subscribers} formatter={(v) => <span data-testid="kpi-subscribers">{count(Number(v))}</span>} />
          </Card>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Card size="small">
            <Statistic
              title={t('overview.months')}
              value={months.length}
              suffix={months.length ? <small style={{ fontSize: 13, color: '#888' }}>{t('overview.monthsRange', { from: months[0], to: months[months.length - 1] })}</small> : null}
            />
          </Card>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Card size="small">
            <Statistic
              title={t('overview.lastMonthRevenue', { month: lastMonth?.month ?? '—' })}
              value={lastMonth ? yuan(lastMonth.revenueFen) : '—'}
              valueRender={(node) => <span data-testid="kpi-revenue">{node}</span>}
            />
          </Card>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Card size="small">
            <Statistic title={t('overview.averageArpu')} value={yuan(averageArpuFen === null ? null : Math.round(averageArpuFen))} />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          {card(t('overview.byBrand'), options.brand, 'chart-brand', byBrand.length === 0)}
        </Col>
        <Col xs={24} lg={14}>
          {card(t('overview.byCity'), options.city, 'chart-city', data.byCity.length === 0)}
        </Col>
        <Col xs={24} lg={10}>
          {card(t('overview.arpuHistogram'), options.arpu, 'chart-arpu', province.subscribers === 0)}
        </Col>
        <Col xs={24} lg={14}>
          {card(t('overview.channelVolumes'), options.channels, 'chart-channels', data.channelVolumes.length === 0)}
        </Col>
        <Col span={24}>{card(t('overview.monthly'), options.monthly, 'chart-monthly', monthly.length === 0, 320)}</Col>
      </Row>
    </>
  );
}
