// 渠道下发: the lists handed to the channel systems (outbox files with their manifest, HTTP pushes
// with every attempt, worklists), delivering a campaign wave, and sending a failed push again.
import { useState } from 'react';
import { App, Button, Card, Form, InputNumber, Modal, Space, Table, Tag, Typography } from 'antd';
import { ReloadOutlined, SendOutlined } from '@ant-design/icons';
import { deliverWave, retryDelivery, useDeliveries, useDeliveryAttempts, type Delivery, type DeliveryAttempt } from '../api/delivery.ts';
import type { ApiError } from '../api/client.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useLabels } from '../i18n/labels.ts';
import { usePaging } from '../components/paging.ts';

const statusColors: Record<string, string> = { delivered: 'green', pending: 'blue', failed: 'red' };

function Attempts({ deliveryId, onClose }: { deliveryId: number | null; onClose: () => void }) {
  const { t } = useLabels();
  const { data, error } = useDeliveryAttempts(deliveryId);
  return (
    <Modal open={deliveryId !== null} onCancel={onClose} footer={null} width={760} title={t('delivery.attemptsTitle', { id: deliveryId })}>
      <ErrorAlert error={error} />
      {data?.delivery.sha256 && (
        <Typography.Paragraph type="secondary" copyable={{ text: data.delivery.sha256 }}>
          {data.delivery.file} · SHA-256 {data.delivery.sha256.slice(0, 16)}…
        </Typography.Paragraph>
      )}
      <Table<DeliveryAttempt>
        rowKey="attempt"
        size="small"
        pagination={false}
        dataSource={data?.attempts ?? []}
        locale={{ emptyText: t('delivery.noAttempts') }}
        columns={[
          { title: '#', dataIndex: 'attempt' },
          { title: t('delivery.startedAt'), dataIndex: 'startedAt' },
          { title: t('delivery.duration'), dataIndex: 'durationMs', render: (v: number) => `${v} ms` },
          { title: t('delivery.httpStatus'), dataIndex: 'httpStatus', render: (v: number | null) => v ?? '—' },
          { title: t('delivery.result'), dataIndex: 'result', render: (v: string) => <Tag color={v === 'delivered' ? 'green' : v === 'retry' ? 'orange' : 'red'}>{t(`delivery.attemptResult.${v}`)}</Tag> },
          { title: t('delivery.error'), dataIndex: 'error', render: (v: string | null) => v ?? '—' },
        ]}
      />
    </Modal>
  );
}

export default function DeliveriesPage() {
  const { t } = useLabels();
  const { can } = useAuth();
  const { message } = App.useApp();
  const { paging, pagination } = usePaging();
  const [campaignId, setCampaignId] = useState<number | null>(null);
  const { data, error, loading, reload } = useDeliveries({ ...paging, campaignId: campaignId ?? undefined });
  const [attemptsOf, setAttemptsOf] = useState<number | null>(null);
  const [actionError, setActionError] = useState<ApiError | undefined>();
  const [form] = Form.useForm<{ campaignId: number; waveNo: number }>();
  const [delivering, setDelivering] = useState(false);

  const deliver = async ({ campaignId, waveNo }: { campaignId: number; waveNo: number }) => {
    setDelivering(true);
    setActionError(undefined);
    try {
      const result = await deliverWave(campaignId, waveNo);
      message.success(t('delivery.delivered', { count: result.deliveries.length, folder: result.folder }));
      reload();
    } catch (e) {
      setActionError(e as ApiError);
    } finally {
      setDelivering(false);
    }
  };

  const retry = async (d: Delivery) => {
    setActionError(undefined);
    try {
      await retryDelivery(d.deliveryId);
      message.info(t('delivery.retrying', { id: d.deliveryId }));
      reload();
    } catch (e) {
      setActionError(e as ApiError);
    }
  };

  return (
    <>
      <PageHeader
        title={t('delivery.title')}
        extra={
          <>
            <InputNumber min={1} placeholder={t('delivery.campaignFilter')} value={campaignId} onChange={(v) => setCampaignId(v)} style={{ width: 160 }} />
            <Button icon={<ReloadOutlined />} onClick={reload}>
              {t('common.refresh')}
            </Button>
          </>
        }
      >
        <Typography.Text type="secondary">{t('delivery.hint')}</Typography.Text>
      </PageHeader>
      {can('campaigns.write') && (
        <Card size="small" style={{ marginBottom: 16 }} title={t('delivery.deliverTitle')}>
          <Form form={form} layout="inline" onFinish={(v) => void deliver(v)} data-testid="deliver-form">
            <Form.Item name="campaignId" label={t('delivery.campaign')} rules={[{ required: true }]}>
              <InputNumber min={1} />
            </Form.Item>
            <Form.Item name="waveNo" label={t('delivery.wave')} rules={[{ required: true }]} initialValue={1}>
              <InputNumber min={1} max={100} />
            </Form.Item>
            <Button type="primary" htmlType="submit" icon={<SendOutlined />} loading={delivering}>
              {t('delivery.deliver')}
            </Button>
          </Form>
        </Card>
      )}
      <ErrorAlert error={error ?? actionError} onRetry={error ? reload : undefined} />
      <Card size="small">
        <Table<Delivery>
          rowKey="deliveryId"
          size="middle"
          loading={loading && !data}
          dataSource={data?.items ?? []}
          locale={{ emptyText: t('common.empty') }}
          scroll={{ x: 'max-content' }}
          data-testid="deliveries-table"
          pagination={pagination(data?.total ?? 0)}
          columns={[
            { title: '#', dataIndex: 'deliveryId' },
            {
              title: t('delivery.what'),
              key: 'what',
              render: (_, d) =>
                d.kind === 'wave_list' ? t('delivery.waveOf', { campaign: d.campaignId, wave: d.waveNo }) : t('delivery.tariffRun', { run: d.runId }),
            },
            { title: t('delivery.channel'), dataIndex: 'channelId' },
            { title: t('delivery.method'), dataIndex: 'method', render: (v: string) => t(`delivery.methods.${v}`) },
            { title: t('delivery.rows'), dataIndex: 'rows', align: 'right', render: (v: number) => v.toLocaleString() },
            { title: t('delivery.status'), dataIndex: 'status', render: (v: string) => <Tag color={statusColors[v]}>{t(`delivery.statuses.${v}`)}</Tag> },
            { title: t('delivery.file'), dataIndex: 'file', render: (v: string | null) => v ?? '—' },
            { title: t('delivery.createdAt'), dataIndex: 'createdAt' },
            {
              title: t('delivery.actions'),
              key: 'actions',
              render: (_, d) =>
                d.method === 'http' ? (
                  <Space>
                    <Button size="small" onClick={() => setAttemptsOf(d.deliveryId)}>
                      {t('delivery.attempts', { count: d.attempts })}
                    </Button>
                    {d.status === 'failed' && can('channels.manage') && (
                      <Button size="small" onClick={() => void retry(d)}>
                        {t('delivery.retry')}
                      </Button>
                    )}
                  </Space>
                ) : null,
            },
          ]}
        />
      </Card>
      <Attempts deliveryId={attemptsOf} onClose={() => setAttemptsOf(null)} />
    </>
  );
}
