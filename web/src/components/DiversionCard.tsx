// 渠道分流效果: where a diversion campaign's targets and its control group made their transactions
// before the first wave and during the waves, who moved to the e-channels, and the second round —
// the targets who did not move saved as a segment (GET /api/campaigns/:id/diversion).
import { useState } from 'react';
import { App as AntApp, Button, Card, Col, Empty, Row, Skeleton, Space, Statistic, Typography } from 'antd';
import { useNavigate } from 'react-router-dom';
import { useDiversion } from '../api/campaigns.ts';
import { useDebounced } from '../api/client.ts';
import { saveSegment } from '../api/segments.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { Chart, palette, type ChartOption } from '../charts/Chart.tsx';
import { ErrorAlert, describeError } from './ErrorAlert.tsx';
import { BusinessInput } from './ConditionInputs.tsx';
import { useLabels } from '../i18n/labels.ts';
import { count, percent } from '../money.ts';

export function DiversionCard({ campaignId, campaignName }: { campaignId: number; campaignName: string }) {
  const { t, name } = useLabels();
  const { can } = useAuth();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const [business, setBusiness] = useState<string>('');
  // the report follows the filter once typing pauses; the second round saves what it shows
  const shown = useDebounced(business);
  const { data, error, loading, reload } = useDiversion(campaignId, { business: shown || undefined });
  const [saving, setSaving] = useState(false);

  const saveSecondRound = async () => {
    setSaving(true);
    try {
      const filter = { diversion: { campaignId, ...(shown ? { business: shown } : {}) } };
      const segment = await saveSegment(t('campaign.diversion.segmentName', { name: campaignName, id: campaignId }), filter);
      void message.success(t('campaign.diversion.saved', { name: segment.name }));
      navigate(`/segments?open=${segment.segmentId}`);
    } catch (e) {
      void message.error(describeError(e));
    } finally {
      setSaving(false);
    }
  };

  const chart: ChartOption | null = data
    ? {
        color: [palette[8], palette[0], '#bfbfbf', '#8c8c8c'],
        tooltip: { trigger: 'axis' },
        legend: { top: 0 },
        grid: { left: 48, right: 16, top: 40, bottom: 56 },
        xAxis: { type: 'category', data: data.channels.map((c) => name(c.nameZh, c.nameEn)), axisLabel: { interval: 0, rotate: 30 } },
        yAxis: { type: 'value' },
        series: [
          { type: 'bar', name: t('campaign.diversion.treatmentBefore'), data: data.channels.map((c) => c.treatmentBefore) },
          { type: 'bar', name: t('campaign.diversion.treatmentAfter'), data: data.channels.map((c) => c.treatmentAfter) },
          { type: 'bar', name: t('campaign.diversion.controlBefore'), data: data.channels.map((c) => c.controlBefore) },
          { type: 'bar', name: t('campaign.diversion.controlAfter'), data: data.channels.map((c) => c.controlAfter) },
        ],
      }
    : null;
  const group = (key: 'treatment' | 'control') => {
    const g = data![key];
    return (
      <Col xs={24} md={12}>
        <Card size="small" title={t(`campaign.diversion.${key}`, { n: count(g.customers) })}>
          <Row gutter={8}>
            <Col span={6}><Statistic title={t('campaign.diversion.moved')} value={count(g.moved)} valueRender={(v) => <span data-testid={`diversion-${key}-moved`}>{v}</span>} /></Col>
            <Col span={6}><Statistic title={t('campaign.diversion.stayed')} value={count(g.stayed)} /></Col>
            <Col span={6}><Statistic title={t('campaign.diversion.inactive')} value={count(g.inactive)} /></Col>
            <Col span={6}><Statistic title={t('campaign.diversion.movedRate')} value={percent(g.movedRate, 1)} /></Col>
          </Row>
          <Typography.Text type="secondary">{t('campaign.diversion.eShare', { before: percent(g.eShareBefore, 1), after: percent(g.eShareAfter, 1) })}</Typography.Text>
        </Card>
      </Col>
    );
  };

  return (
    <Card
      title={t('campaign.diversion.title')}
      size="small"
      style={{ marginBottom: 16 }}
      data-testid="diversion-card"
      extra={
        <Space>
          <BusinessInput value={business || undefined} onChange={(v) => setBusiness(v?.trim() ?? '')} testId="diversion-business" />
          {can('segments.write') && (
            <Button onClick={() => void saveSecondRound()} loading={saving} disabled={!data || data.treatment.stayed + data.treatment.inactive === 0} data-testid="diversion-second-round">
              {t('campaign.diversion.secondRound')}
            </Button>
          )}
        </Space>
      }
    >
      <ErrorAlert error={error} onRetry={reload} />
      {data && (
        <>
          <Typography.Paragraph type="secondary">
            {t('campaign.diversion.windows', { beforeFrom: data.before.from, beforeTo: data.before.to, afterFrom: data.after.from, afterTo: data.after.to })}
          </Typography.Paragraph>
          <Row gutter={[16, 16]}>
            {group('treatment')}
            {group('control')}
            <Col span={24}>
              <Typography.Text>
                {data.uplift
                  ? t('campaign.diversion.uplift', { uplift: percent(data.uplift.absolute, 1), low: percent(data.uplift.absoluteCi[0], 1), high: percent(data.uplift.absoluteCi[1], 1), p: data.uplift.pValue?.toFixed(4) ?? '—' })
                  : t('campaign.diversion.noUplift')}
              </Typography.Text>
            </Col>
            <Col span={24}>{data.channels.some((c) => c.treatmentBefore + c.treatmentAfter + c.controlBefore + c.controlAfter > 0) && chart ? <Chart option={chart} height={300} testId="chart-diversion" /> : <Empty description={t('campaign.diversion.none')} />}</Col>
          </Row>
        </>
      )}
      {loading && !data && <Skeleton active paragraph={{ rows: 6 }} />}
    </Card>
  );
}
