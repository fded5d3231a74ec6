// 模型 (customer models): each model's runs with their headline metric, newest first, and a form
// to train a new version (propensity for a product or a saved segment, channel preference, lift).
import { useState } from 'react';
import { App as AntApp, Button, Card, Col, Form, InputNumber, Radio, Row, Select, Space, Table, Tabs, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface.js';
import { ExperimentOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { trainChannelPreference, trainLift, trainMatchingTree, trainPropensity, useModelRuns, type ModelKind, type ModelRun } from '../api/models.ts';
import { useSegmentFields, useSegments } from '../api/segments.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { JobStatusTag } from '../components/CodeTags.tsx';
import { ErrorAlert, describeError } from '../components/ErrorAlert.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { ProductSelect } from '../components/ProductSelect.tsx';

const kinds: ModelKind[] = ['propensity', 'channel_preference', 'lift', 'matching_tree'];

/** The figure a planner compares runs by: held-out AUC, or top-1 accuracy for channel preference. */
export function headline(run: ModelRun): string {
  const m = (run.metrics ?? {}) as { auc?: number | { holdout: number }; accuracy?: number; productAccuracy?: number; leaves?: unknown[] };
  if (m.productAccuracy !== undefined) return `${m.leaves?.length ?? 0} leaves, ${(m.productAccuracy * 100).toFixed(1)}%`;
  if (typeof m.auc === 'number') return `AUC ${m.auc.toFixed(3)}`;
  if (m.auc) return `AUC ${m.auc.holdout.toFixed(3)}`;
  if (m.accuracy !== undefined) return `${(m.accuracy * 100).toFixed(1)}%`;
  return '–';
}

function RunsTable({ model }: { model: ModelKind }) {
  const { t } = useTranslation();
  const runs = useModelRuns(model, 3000);
  const columns: ColumnsType<ModelRun> = [
    { title: t('models.run'), dataIndex: 'runId', render: (id: number) => <Link to={`/models/runs/${id}`}>#{id}</Link> },
    { title: t('models.target'), dataIndex: 'target' },
    { title: t('models.version'), dataIndex: 'version', render: (v: number) => `v${v}` },
    { title: t('models.status'), dataIndex: 'status', render: (s: string) => <JobStatusTag status={s} /> },
    { title: t('models.headline'), key: 'headline', render: (_: unknown, r) => (r.status === 'failed' || r.status === 'cancelled' ? <Typography.Text type={r.status === 'failed' ? 'danger' : 'secondary'}>{r.error}</Typography.Text> : headline(r)) },
    { title: t('models.startedAt'), dataIndex: 'startedAt' },
    { title: t('models.createdBy'), dataIndex: 'createdBy' },
  ];
  return (
    <>
      <ErrorAlert error={runs.error} onRetry={runs.reload} />
      <Table<ModelRun> rowKey="runId" size="small" columns={columns} dataSource={runs.data?.items ?? []} loading={runs.loading && !runs.data} pagination={{ pageSize: 20 }} data-testid={`runs-${model}`} />
    </>
  );
}

/** Starting a training from a form: busy while the request runs, the run page once it started, the error as a message. */
function useStartTraining(onStarted: (runId: number) => void) {
  const { message } = AntApp.useApp();
  const [busy, setBusy] = useState(false);
  const start = async (request: () => Promise<{ runId: number }>) => {
    setBusy(true);
    try {
      onStarted((await request()).runId);
    } catch (error) {
      void message.error(describeError(error));
    } finally {
      setBusy(false);
    }
  };
  return { busy, start };
}

function PropensityForm({ onStarted }: { onStarted: (runId: number) => void }) {
  const { t, i18n } = useTranslation();
  const fields = useSegmentFields();
  const segments = useSegments();
  const { busy, start } = useStartTraining(onStarted);
  const [kind, setKind] = useState<'product' | 'segment'>('product');
  const [form] = Form.useForm<{ productId?: string; segmentId?: number; features?: string[]; lambda?: number; trainShare?: number }>();
  const submit = (values: { productId?: string; segmentId?: number; features?: string[]; lambda?: number; trainShare?: number }) =>
    start(() => {
      const segment = segments.data?.find((s) => s.segmentId === values.segmentId);
      const label = kind === 'product' ? { productId: values.productId! } : { filter: segment!.filter, name: segment!.name };
      return trainPropensity({
        label,
        ...(values.features?.length ? { features: values.features } : {}),
        ...(values.lambda !== undefined && values.lambda !== null ? { lambda: values.lambda } : {}),
        ...(values.trainShare ? { trainShare: values.trainShare } : {}),
      });
    });
  return (
    <Form form={form} layout="vertical" onFinish={submit} initialValues={{ productId: 'FETION', trainShare: 0.7, lambda: 1 }} data-testid="train-propensity">
      <Form.Item label={t('models.labelKind')}>
        <Radio.Group value={kind} onChange={(e) => setKind(e.target.value)} options={[{ value: 'product', label: t('models.labelProduct') }, { value: 'segment', label: t('models.labelSegment') }]} />
      </Form.Item>
      {kind === 'product' ? (
        <Form.Item name="productId" label={t('models.productId')} rules={[{ required: true }]} extra={t('models.productHelp')}>
          <ProductSelect data-testid="product-id" />
        </Form.Item>
      ) : (
        <Form.Item name="segmentId" label={t('models.segment')} rules={[{ required: true }]} extra={t('models.segmentHelp')}>
          <Select options={(segments.data ?? []).map((s) => ({ value: s.segmentId, label: s.name }))} loading={segments.loading} />
        </Form.Item>
      )}
      <Form.Item name="features" label={t('models.features')} extra={t('models.featuresHelp')}>
        <Select mode="multiple" allowClear options={(fields.data ?? []).map((f) => ({ value: f.name, label: i18n.language === 'en' ? f.labelEn : f.labelZh }))} />
      </Form.Item>
      <Space>
        <Form.Item name="lambda" label={t('models.lambda')}>
          <InputNumber min={0} max={1e6} />
        </Form.Item>
        <Form.Item name="trainShare" label={t('models.trainShare')}>
          <InputNumber min={0.1} max={0.95} step={0.05} />
        </Form.Item>
      </Space>
      <Button type="primary" htmlType="submit" loading={busy} icon={<ExperimentOutlined />} data-testid="train-submit">
        {t('models.train')}
      </Button>
    </Form>
  );
}

function ChannelPreferenceForm({ onStarted }: { onStarted: (runId: number) => void }) {
  const { t } = useTranslation();
  const { busy, start } = useStartTraining(onStarted);
  const submit = (values: { minContacts: number; windowMonths: number }) => start(() => trainChannelPreference(values));
  return (
    <Form layout="vertical" onFinish={submit} initialValues={{ minContacts: 10, windowMonths: 3 }}>
      <Typography.Paragraph type="secondary">{t('models.channelHelp')}</Typography.Paragraph>
      <Space>
        <Form.Item name="minContacts" label={t('models.minContacts')}>
          <InputNumber min={2} max={1000} />
        </Form.Item>
        <Form.Item name="windowMonths" label={t('models.windowMonths')}>
          <InputNumber min={1} max={24} />
        </Form.Item>
      </Space>
      <Button type="primary" htmlType="submit" loading={busy} icon={<ExperimentOutlined />}>
        {t('models.train')}
      </Button>
    </Form>
  );
}

function LiftForm({ onStarted }: { onStarted: (runId: number) => void }) {
  const { t } = useTranslation();
  const { busy, start } = useStartTraining(onStarted);
  const submit = (values: { productId: string; bins: number }) => start(() => trainLift({ productId: values.productId, bins: values.bins }));
  return (
    <Form layout="vertical" onFinish={submit} initialValues={{ productId: 'FETION', bins: 5 }}>
      <Typography.Paragraph type="secondary">{t('models.liftHelp')}</Typography.Paragraph>
      <Form.Item name="productId" label={t('models.productId')} rules={[{ required: true }]}>
        <ProductSelect />
      </Form.Item>
      <Form.Item name="bins" label={t('models.bins')}>
        <InputNumber min={2} max={20} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} icon={<ExperimentOutlined />}>
        {t('models.train')}
      </Button>
    </Form>
  );
}

function MatchingTreeForm({ onStarted }: { onStarted: (runId: number) => void }) {
  const { t } = useTranslation();
  const { busy, start } = useStartTraining(onStarted);
  const submit = (values: { products: string[]; maxDepth: number; minLeafSize: number }) =>
    start(() => trainMatchingTree({ products: values.products, maxDepth: values.maxDepth, minLeafSize: values.minLeafSize }));
  return (
    <Form layout="vertical" onFinish={submit} initialValues={{ products: ['FETION', 'ROAM_PACK', 'NEWS'], maxDepth: 4, minLeafSize: 50 }}>
      <Typography.Paragraph type="secondary">{t('models.treeHelp')}</Typography.Paragraph>
      <Form.Item name="products" label={t('models.treeProducts')} rules={[{ required: true, type: 'array', min: 1 }]}>
        <ProductSelect multiple width={360} />
      </Form.Item>
      <Space>
        <Form.Item name="maxDepth" label={t('models.maxDepth')}>
          <InputNumber min={1} max={6} />
        </Form.Item>
        <Form.Item name="minLeafSize" label={t('models.minLeafSize')}>
          <InputNumber min={1} />
        </Form.Item>
      </Space>
      <Button type="primary" htmlType="submit" loading={busy} icon={<ExperimentOutlined />}>
        {t('models.train')}
      </Button>
    </Form>
  );
}

export default function ModelsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const model = (kinds.includes(params.get('model') as ModelKind) ? params.get('model') : 'propensity') as ModelKind;
  const onStarted = (runId: number) => navigate(`/models/runs/${runId}`);
  const forms: Record<ModelKind, JSX.Element> = {
    propensity: <PropensityForm onStarted={onStarted} />,
    channel_preference: <ChannelPreferenceForm onStarted={onStarted} />,
    lift: <LiftForm onStarted={onStarted} />,
    matching_tree: <MatchingTreeForm onStarted={onStarted} />,
  };
  return (
    <>
      <PageHeader title={t('models.title')}>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          {t('models.intro')}
        </Typography.Paragraph>
      </PageHeader>
      <Tabs
        activeKey={model}
        onChange={(key) => setParams({ model: key })}
        items={kinds.map((k) => ({
          key: k,
          label: <span data-testid={`tab-${k}`}>{t(`models.kind.${k}`)}</span>,
          children: (
            <Row gutter={16}>
              <Col xs={24} xl={can('models.train') ? 16 : 24}>
                <RunsTable model={k} />
              </Col>
              {can('models.train') && (
                <Col xs={24} xl={8}>
                  <Card size="small" title={t('models.trainTitle', { model: t(`models.kind.${k}`) })}>
                    {forms[k]}
                  </Card>
                </Col>
              )}
            </Row>
          ),
        }))}
      />
    </>
  );
}
