// CPC 适配: the latest k-means segmentation — segments named from their centroids, and the CP
// (segment × product), CC (segment × channel) and PC (product × channel) fit matrices as heat maps.
import { useEffect, useMemo, useState } from 'react';
import { Alert, App as AntApp, Button, Card, Col, Descriptions, InputNumber, Row, Space, Table, Tabs, Typography } from 'antd';
import { ExperimentOutlined } from '@ant-design/icons';
import { ErrorAlert, describeError } from '../components/ErrorAlert.tsx';
import { startCpc, useCpc, type CpcResult } from '../api/cpc.ts';
import { isActive, useJob } from '../api/platform.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { Chart, type ChartOption } from '../charts/Chart.tsx';
import { JobProgress } from '../components/JobProgress.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useLabels } from '../i18n/labels.ts';

type Matrix = CpcResult['cp'];

function heatmap(matrix: Matrix, name: (zh: string, en: string) => string, t: (k: string) => string): ChartOption {
  const rows = matrix.rows;
  const columns = matrix.columns.filter((c) => matrix.cells.some((x) => x.column === c.key));
  const rowIndex = new Map(rows.map((r, i) => [r.key, i]));
  const colIndex = new Map(columns.map((c, i) => [c.key, i]));
  const data = matrix.cells
    .filter((c) => rowIndex.has(c.row) && colIndex.has(c.column) && c.ratio !== null)
    .map((c) => [colIndex.get(c.column)!, rowIndex.get(c.row)!, Math.round(c.ratio! * 100) / 100, Math.round(c.value * 1000) / 10]);
  return {
    tooltip: {
      formatter: (p: { value: number[] }) =>
        `${name(rows[p.value[1]].nameZh, rows[p.value[1]].nameEn)} × ${name(columns[p.value[0]].nameZh, columns[p.value[0]].nameEn)}<br/>${t('cpc.ratio')}: ${p.value[2]}<br/>${t('cpc.share')}: ${p.value[3]}%`,
    },
    grid: { left: 8, right: 16, top: 8, bottom: 64, containLabel: true },
    xAxis: { type: 'category', data: columns.map((c) => name(c.nameZh, c.nameEn)), axisLabel: { rotate: 40, interval: 0 }, splitArea: { show: true } },
    yAxis: { type: 'category', data: rows.map((r) => name(r.nameZh, r.nameEn)), splitArea: { show: true } },
    visualMap: { min: 0, max: 3, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, inRange: { color: ['#f5f5f5', '#bae0ff', '#1677ff', '#002c8c'] } },
    series: [{ type: 'heatmap', data, label: { show: true, formatter: (p: { value: number[] }) => p.value[2].toFixed(1) } }],
  };
}

export default function CpcPage() {
  const { t, name } = useLabels();
  const { can } = useAuth();
  const { message } = AntApp.useApp();
  const { data, error, loading, reload } = useCpc();
  const [k, setK] = useState(10);
  const [jobId, setJobId] = useState<string | null>(null);
  const job = useJob(jobId, 1000);
  const finished = job.data && !isActive(job.data);
  useEffect(() => {
    if (finished) reload();
  }, [finished, reload]);

  const train = async () => {
    try {
      setJobId((await startCpc({ k })).jobId);
    } catch (e) {
      void message.error(describeError(e));
    }
  };

  const charts = useMemo(
    () => (data ? { cp: heatmap(data.cp, name, t), cc: heatmap(data.cc, name, t), pc: heatmap(data.pc, name, t) } : null),
    [data, name, t],
  );
  const metrics = data?.metrics as { subscribers: number; iterations: number; converged: boolean; inertia: number } | undefined;
  const noRun = error?.status === 404;

  return (
    <>
      <PageHeader
        title={t('cpc.title')}
        extra={
          can('models.train') && (
            <Space>
              <span>k</span>
              <InputNumber min={2} max={30} value={k} onChange={(v) => setK(v ?? 10)} data-testid="cpc-k" />
              <Button type="primary" icon={<ExperimentOutlined />} onClick={train} loading={!!jobId && !finished} data-testid="cpc-train">
                {t('cpc.train')}
              </Button>
            </Space>
          )
        }
      >
        <Typography.Text type="secondary">{t('cpc.hint')}</Typography.Text>
      </PageHeader>
      {jobId && job.data && !finished && (
        <JobProgress job={job.data} cancel={job.data.cancellable ? { jobId: job.data.jobId, createdBy: job.data.createdBy, onAsked: job.reload } : undefined} />
      )}
      {job.data?.status === 'cancelled' && <Alert type="warning" showIcon message={t('jobs.cancelledNote')} style={{ marginBottom: 16 }} />}
      {job.data?.status === 'failed' && <Alert type="error" showIcon message={job.data.error} style={{ marginBottom: 16 }} />}
      {noRun ? <Alert type="info" showIcon message={t('cpc.noRun')} /> : <ErrorAlert error={error} onRetry={reload} />}
      {data && charts && (
        <Row gutter={[16, 16]}>
          <Col span={24}>
            <Card size="small" loading={loading && !data}>
              <Descriptions size="small" column={{ xs: 1, md: 4 }}>
                <Descriptions.Item label={t('cpc.version')}>v{data.version}</Descriptions.Item>
                <Descriptions.Item label={t('cpc.customers')}>{metrics?.subscribers.toLocaleString()}</Descriptions.Item>
                <Descriptions.Item label={t('cpc.iterations')}>
                  {metrics?.iterations} {metrics?.converged ? t('cpc.converged') : ''}
                </Descriptions.Item>
                <Descriptions.Item label={t('cpc.finishedAt')}>{data.finishedAt ?? '—'}</Descriptions.Item>
              </Descriptions>
            </Card>
          </Col>
          <Col span={24}>
            <Card size="small" title={t('cpc.segments')}>
              <Table
                rowKey="cluster"
                size="small"
                pagination={false}
                dataSource={data.segments}
                scroll={{ x: 'max-content' }}
                data-testid="cpc-segments"
                columns={[
                  { title: '#', dataIndex: 'cluster' },
                  { title: t('cpc.segment'), key: 'name', render: (_, s) => <strong>{name(s.nameZh, s.nameEn)}</strong> },
                  { title: t('cpc.customers'), dataIndex: 'subscribers', align: 'right', render: (v: number) => v.toLocaleString() },
                  {
                    title: t('cpc.traits'),
                    key: 'traits',
                    render: (_, s) =>
                      data.features
                        .map((f) => ({ f, z: s.centroid[f.name] ?? 0 }))
                        .filter((x) => Math.abs(x.z) >= 0.5)
                        .sort((a, b) => Math.abs(b.z) - Math.abs(a.z))
                        .slice(0, 5)
                        .map((x) => `${name(x.f.labelZh, x.f.labelEn)} ${x.z > 0 ? '↑' : '↓'}${Math.abs(x.z).toFixed(1)}`)
                        .join(' · '),
                  },
                ]}
              />
            </Card>
          </Col>
          <Col span={24}>
            <Card size="small" title={t('cpc.matrices')} extra={<Typography.Text type="secondary">{t('cpc.ratioHint')}</Typography.Text>}>
              <Tabs
                items={[
                  { key: 'cp', label: t('cpc.cp'), children: <Chart option={charts.cp} height={420} testId="cpc-cp" /> },
                  { key: 'cc', label: t('cpc.cc'), children: <Chart option={charts.cc} height={420} testId="cpc-cc" /> },
                  { key: 'pc', label: t('cpc.pc'), children: <Chart option={charts.pc} height={420} testId="cpc-pc" /> },
                ]}
              />
            </Card>
          </Col>
        </Row>
      )}
    </>
  );
}
