// Simulate before launch, on the page of a campaign not yet scheduled: how many targets remain after
// eligibility and the contact policy (and why the others were removed), the expected responses,
// the expected cost against the budget and each channel's load per day against its capacity.
import { useState } from 'react';
import { Alert, Button, Card, Col, Empty, Row, Statistic, Table, Tag } from 'antd';
import { ExperimentOutlined } from '@ant-design/icons';
import { simulateCampaign, type Campaign, type CampaignSimulation } from '../api/campaigns.ts';
import { useChannels } from '../api/platform.ts';
import { useLabels } from '../i18n/labels.ts';
import { count, yuan } from '../money.ts';
import { ErrorAlert } from './ErrorAlert.tsx';

type Removed = CampaignSimulation['removed'][number];
type Load = CampaignSimulation['channelLoad'][number];

export function CampaignSimulationPanel({ campaign }: { campaign: Campaign }) {
  const { t, label, name } = useLabels();
  const channels = useChannels();
  const [result, setResult] = useState<CampaignSimulation | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const channelName = (id: string) => {
    const c = channels.data?.find((x) => x.channelId === id);
    return c ? name(c.nameZh, c.nameEn) : id;
  };

  const run = async () => {
    setRunning(true);
    setError(undefined);
    try {
      setResult(await simulateCampaign(campaign.campaignId));
    } catch (e) {
      setError(e as Error);
    } finally {
      setRunning(false);
    }
  };

  return (
    <Card
      size="small"
      title={t('campaign.simulation.help')}
      extra={
        <Button type="primary" icon={<ExperimentOutlined />} loading={running} onClick={() => void run()} data-testid="simulate">
          {t(result ? 'campaign.simulation.again' : 'campaign.simulation.run')}
        </Button>
      }
    >
      <ErrorAlert error={error} />
      {!result ? (
        <Empty description={t('campaign.simulation.empty')} />
      ) : (
        <div data-testid="simulation">
          {result.warnings.map((w) => (
            <Alert key={w.code} type="warning" showIcon style={{ marginBottom: 8 }} message={t(`campaign.simulation.warnings.${w.code}`, { defaultValue: w.code })} description={w.message} />
          ))}
          <Row gutter={16} style={{ marginBottom: 16 }}>
            <Col span={4}><Statistic title={t('campaign.simulation.named')} value={result.targets.named} /></Col>
            <Col span={4}><Statistic title={t('campaign.simulation.eligible')} value={result.targets.eligible} /></Col>
            <Col span={4}><Statistic title={t('campaign.treatment')} value={result.targets.treatment} /></Col>
            <Col span={4}><Statistic title={t('campaign.control')} value={result.targets.control} /></Col>
            <Col span={4}><Statistic title={t('campaign.simulation.afterPolicy')} value={result.targets.afterPolicy} valueStyle={{ color: '#1677ff' }} /></Col>
            <Col span={4}>
              <Statistic
                title={t('campaign.simulation.expectedResponders', { source: t(`campaign.simulation.sources.${result.expected.source}`) })}
                value={result.expected.responders === null ? '—' : Math.round(result.expected.responders)}
                suffix={result.expected.responseRate === null ? undefined : `(${(result.expected.responseRate * 100).toFixed(1)}%)`}
              />
            </Col>
          </Row>
          <Row gutter={16}>
            <Col xs={24} lg={12}>
              <Card size="small" title={t('campaign.simulation.removed')} style={{ marginBottom: 16 }}>
                <Table<Removed>
                  rowKey={(r) => `${r.stage}-${r.reason}`}
                  size="small"
                  pagination={false}
                  dataSource={result.removed}
                  locale={{ emptyText: t('campaign.simulation.noneRemoved') }}
                  columns={[
                    { title: t('campaign.simulation.stage'), dataIndex: 'stage', render: (v: string) => <Tag>{t(`campaign.simulation.stages.${v}`)}</Tag> },
                    { title: t('campaign.simulation.reason'), dataIndex: 'reason', render: (v: string, r) => label(r.stage === 'policy' ? 'policy.reason' : 'campaign.exclusion', v) },
                    { title: t('campaign.simulation.customers'), dataIndex: 'subscribers', align: 'right', render: (v: number) => count(v) },
                  ]}
                />
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card size="small" title={t('campaign.simulation.cost', { expected: yuan(result.cost.expectedFen), budget: yuan(result.cost.budgetFen) })} style={{ marginBottom: 16 }}>
                <Table
                  rowKey="channelId"
                  size="small"
                  pagination={false}
                  dataSource={result.cost.byChannel}
                  columns={[
                    { title: t('campaign.simulation.channel'), dataIndex: 'channelId', render: (v: string) => channelName(v) },
                    { title: t('campaign.simulation.contacts'), dataIndex: 'contacts', align: 'right', render: (v: number) => count(v) },
                    { title: t('campaign.simulation.unitCost'), dataIndex: 'unitFen', align: 'right', render: (v: number) => yuan(v) },
                    { title: t('campaign.simulation.contactCost'), dataIndex: 'costFen', align: 'right', render: (v: number) => yuan(v) },
                  ]}
                />
              </Card>
            </Col>
          </Row>
          <Card size="small" title={t('campaign.simulation.load')}>
            <Table<Load>
              rowKey={(r) => `${r.channelId}-${r.date}`}
              size="small"
              dataSource={result.channelLoad}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              columns={[
                { title: t('campaign.simulation.date'), dataIndex: 'date' },
                { title: t('campaign.simulation.channel'), dataIndex: 'channelId', render: (v: string) => channelName(v) },
                { title: t('campaign.simulation.contacts'), dataIndex: 'contacts', align: 'right', render: (v: number) => count(v) },
                { title: t('campaign.simulation.capacity'), dataIndex: 'capacity', align: 'right', render: (v: number | null) => (v === null ? t('campaign.simulation.unbounded') : count(v)) },
                { title: '', dataIndex: 'overCapacity', render: (v: boolean) => (v ? <Tag color="error">{t('campaign.simulation.over')}</Tag> : null) },
              ]}
            />
          </Card>
        </div>
      )}
    </Card>
  );
}
