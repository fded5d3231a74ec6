// 工作清单: an account manager's or outbound agent's customers to call (GET /api/worklist), the
// campaign's script for the selected one, and buttons that record what came of the call as
// channel feedback (POST /api/worklist/:id/outcome).
import { useEffect, useState } from 'react';
import { App, Button, Card, Col, Descriptions, Empty, Row, Segmented, Space, Table, Tag, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { Link } from 'react-router-dom';
import { recordOutcome, useWorklist, worklistOutcomes, type WorklistItem, type WorklistOutcome } from '../api/delivery.ts';
import type { ApiError } from '../api/client.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useLabels } from '../i18n/labels.ts';
import { usePaging } from '../components/paging.ts';

type Filter = 'open' | 'done' | 'all';
const outcomeColors: Record<string, string> = { accepted: 'green', ordered: 'green', refused: 'red', failed: 'orange' };

export default function WorklistPage() {
  const { t, label, name } = useLabels();
  const { message } = App.useApp();
  const [filter, setFilter] = useState<Filter>('open');
  const { paging, setPaging, pagination } = usePaging();
  const { data, error, loading, reload } = useWorklist({ status: filter === 'all' ? undefined : filter, ...paging });
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [saving, setSaving] = useState<WorklistOutcome | null>(null);
  const [saveError, setSaveError] = useState<ApiError | undefined>();
  const items = data?.items ?? [];
  const selected = items.find((i) => i.itemId === selectedId) ?? null;

  useEffect(() => {
    if (!selected && items.length > 0) setSelectedId(items[0]!.itemId);
  }, [items, selected]);

  const record = async (outcome: WorklistOutcome) => {
    if (!selected) return;
    setSaving(outcome);
    setSaveError(undefined);
    try {
      await recordOutcome(selected.itemId, outcome);
      message.success(t('worklist.recorded', { outcome: t(`worklist.outcome.${outcome}`) }));
      if (outcome !== 'failed') setSelectedId(null);
      reload();
    } catch (error) {
      setSaveError(error as ApiError);
    } finally {
      setSaving(null);
    }
  };

  return (
    <>
      <PageHeader
        title={t('worklist.title')}
        extra={
          <>
            <Segmented<Filter>
              value={filter}
              onChange={(v) => {
                setFilter(v);
                setPaging((p) => ({ ...p, page: 1 }));
                setSelectedId(null);
              }}
              options={(['open', 'done', 'all'] as const).map((f) => ({ value: f, label: t(`worklist.filter.${f}`) }))}
              data-testid="worklist-filter"
            />
            <Button icon={<ReloadOutlined />} onClick={reload}>
              {t('common.refresh')}
            </Button>
          </>
        }
      >
        <Typography.Text type="secondary">{t('worklist.hint', { open: data?.open ?? 0 })}</Typography.Text>
      </PageHeader>
      <ErrorAlert error={error} onRetry={reload} />
      <Row gutter={16}>
        <Col xs={24} lg={14}>
          <Card size="small">
            <Table<WorklistItem>
              rowKey="itemId"
              size="middle"
              loading={loading && !data}
              dataSource={items}
              locale={{ emptyText: t('worklist.empty') }}
              scroll={{ x: 'max-content' }}
              data-testid="worklist-table"
              rowClassName={(r) => (r.itemId === selected?.itemId ? 'ant-table-row-selected' : '')}
              onRow={(r) => ({ onClick: () => setSelectedId(r.itemId), style: { cursor: 'pointer' } })}
              pagination={pagination(data?.total ?? 0)}
              columns={[
                { title: t('worklist.customer'), key: 'customer', render: (_, r) => <Link to={`/customers/${r.subscriberId}`}>{r.msisdn}</Link> },
                { title: t('worklist.vip'), dataIndex: 'vipLevel', render: (v: number) => (v > 0 ? <Tag color="gold">VIP {v}</Tag> : '—') },
                { title: t('worklist.campaign'), key: 'campaign', render: (_, r) => `${r.campaignName} · ${t('worklist.wave', { wave: r.waveNo })}` },
                { title: t('worklist.offer'), key: 'offer', render: (_, r) => name(r.offerNameZh, r.offerNameEn) },
                { title: t('worklist.channel'), dataIndex: 'channelId', render: (v: string) => label('worklist.channels', v) },
                {
                  title: t('worklist.lastOutcome'),
                  dataIndex: 'lastOutcome',
                  render: (v: string | null) => (v ? <Tag color={outcomeColors[v]}>{t(`worklist.outcome.${v}`)}</Tag> : '—'),
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('worklist.call')} data-testid="worklist-call">
            {!selected ? (
              <Empty description={t('worklist.pick')} />
            ) : (
              <Space direction="vertical" style={{ width: '100%' }} size="middle">
                <Descriptions size="small" column={1} bordered>
                  <Descriptions.Item label={t('worklist.customer')}>
                    {selected.msisdn} ({label('brand', selected.brand)}
                    {selected.vipLevel > 0 ? ` · VIP ${selected.vipLevel}` : ''})
                  </Descriptions.Item>
                  <Descriptions.Item label={t('worklist.offer')}>{name(selected.offerNameZh, selected.offerNameEn)}</Descriptions.Item>
                  <Descriptions.Item label={t('worklist.campaign')}>{selected.campaignName}</Descriptions.Item>
                </Descriptions>
                <div>
                  <Typography.Text strong>{t('worklist.script')}</Typography.Text>
                  <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', background: '#f6f8fa', padding: 12, marginTop: 8 }} data-testid="worklist-script">
                    {selected.script ?? t('worklist.noScript')}
                  </Typography.Paragraph>
                </div>
                <ErrorAlert error={saveError} />
                <Space wrap>
                  {worklistOutcomes.map((o) => (
                    <Button
                      key={o}
                      type={o === 'accepted' ? 'primary' : 'default'}
                      danger={o === 'refused'}
                      loading={saving === o}
                      disabled={saving !== null}
                      onClick={() => void record(o)}
                      data-testid={`outcome-${o}`}
                    >
                      {t(`worklist.outcome.${o}`)}
                    </Button>
                  ))}
                </Space>
                <Typography.Text type="secondary">{t('worklist.outcomeHint')}</Typography.Text>
              </Space>
            )}
          </Card>
        </Col>
      </Row>
    </>
  );
}
