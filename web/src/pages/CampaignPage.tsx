// A campaign's live page: its status and the lifecycle actions the signed-in user may take now
// (the server lists them), the plan at a glance, the materialized targets with exclusions by
// reason, and the audited history of every change.
import { useState } from 'react';
import { Alert, App, Button, Card, Col, Descriptions, Input, InputNumber, Modal, Popconfirm, Row, Space, Statistic, Table, Tabs, Typography } from 'antd';
import { useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../api/client.ts';
import {
  adjustCampaign,
  deleteCampaign,
  isStale,
  transitionCampaign,
  useCampaign,
  useCampaignHistory,
  type Campaign,
  type HistoryEntry,
  type TargetCounts,
  type TransitionAction,
} from '../api/campaigns.ts';
import type { BudgetItem } from '../../../src/campaigns/types.ts';
import { useChannels } from '../api/platform.ts';
import { CampaignResources } from '../components/CampaignResources.tsx';
import { CampaignSimulationPanel } from '../components/CampaignSimulationPanel.tsx';
import { CampaignStatusTag } from '../components/CampaignStatusTag.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { useFilterText } from '../components/FilterEditor.tsx';
import { FullPageSpin } from '../components/FullPageSpin.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useLabels } from '../i18n/labels.ts';
import { count, yuan } from '../money.ts';

/** The buttons, in the order a campaign meets them. */
const transitionOrder: TransitionAction[] = ['submit', 'approve', 'return', 'schedule', 'start', 'pause', 'resume', 'finish', 'evaluate'];
const withReason: Partial<Record<TransitionAction, 'required' | 'optional'>> = { return: 'required', approve: 'optional', pause: 'optional', finish: 'optional' };

export default function CampaignPage() {
  const id = Number(useParams().id);
  const { t } = useLabels();
  const { data: campaign, error, loading, reload } = useCampaign(id);
  const history = useCampaignHistory(id);
  const refresh = () => {
    reload();
    history.reload();
  };

  if (!campaign) return error ? <ErrorAlert error={error} onRetry={reload} /> : <FullPageSpin />;
  return (
    <>
      <PageHeader
        title={
          <Space>
            <span data-testid="campaign-title">{campaign.name}</span>
            <CampaignStatusTag status={campaign.status} />
            <Typography.Text type="secondary" style={{ fontSize: 14, fontWeight: 'normal' }}>
              {t('campaign.versionN', { version: campaign.version })}
            </Typography.Text>
          </Space>
        }
        extra={<Actions campaign={campaign} busy={loading} onChanged={refresh} />}
      />
      <ErrorAlert error={error} onRetry={reload} />
      {campaign.returnReason && campaign.status === 'draft' && (
        <Alert type="warning" showIcon style={{ marginBottom: 16 }} message={t('campaign.returned')} description={campaign.returnReason} data-testid="return-reason" />
      )}
      <Tabs
        items={[
          { key: 'overview', label: t('campaign.detail.overview'), children: <Overview campaign={campaign} /> },
          ...(['draft', 'submitted', 'approved'].includes(campaign.status)
            ? [{ key: 'simulation', label: t('campaign.detail.simulation'), children: <CampaignSimulationPanel campaign={campaign} /> }]
            : []),
          { key: 'targets', label: t('campaign.detail.targets'), children: <Targets targets={campaign.targets} /> },
          { key: 'resources', label: t('campaign.detail.resources'), children: <CampaignResources campaign={campaign} /> },
          {
            key: 'history',
            label: t('campaign.detail.history'),
            children: (
              <Card size="small">
                <ErrorAlert error={history.error} onRetry={history.reload} />
                <Table<HistoryEntry>
                  rowKey={(r) => `${r.occurredAt}-${r.action}`}
                  size="small"
                  loading={history.loading}
                  dataSource={history.data ?? []}
                  pagination={false}
                  data-testid="campaign-history"
                  columns={[
                    { title: t('campaign.history.at'), dataIndex: 'occurredAt', width: 180 },
                    { title: t('campaign.history.actor'), dataIndex: 'actor' },
                    { title: t('campaign.history.action'), dataIndex: 'action', render: (v: string) => t(`campaign.actions.${v.replace(/^campaign\./, '')}`, { defaultValue: v }) },
                    { title: t('campaign.history.detail'), dataIndex: 'detail', render: (v: unknown) => <HistoryDetail detail={v} /> },
                  ]}
                />
              </Card>
            ),
          },
        ]}
      />
    </>
  );
}

function HistoryDetail({ detail }: { detail: unknown }) {
  if (detail === null || detail === undefined) return <>—</>;
  const text = typeof detail === 'string' ? detail : JSON.stringify(detail);
  return (
    <Typography.Text type="secondary" ellipsis={{ tooltip: text }} style={{ maxWidth: 560 }}>
      {text}
    </Typography.Text>
  );
}

/** The lifecycle buttons the server says this user may press now. */
function Actions({ campaign, busy, onChanged }: { campaign: Campaign; busy: boolean; onChanged: () => void }) {
  const { t, label } = useLabels();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [pending, setPending] = useState<TransitionAction | null>(null);
  const [asking, setAsking] = useState<TransitionAction | null>(null);
  const [reason, setReason] = useState('');
  const [failure, setFailure] = useState<ApiError | Error | undefined>();
  const [adjusting, setAdjusting] = useState<Record<string, number | null> | null>(null);
  const allowed = new Set(campaign.allowedActions);

  async function adjustActuals() {
    if (!adjusting) return;
    setFailure(undefined);
    try {
      const budgetActuals = Object.entries(adjusting).map(([item, yuan]) => ({ item: item as BudgetItem, actualFen: Math.round((yuan ?? 0) * 100) }));
      await adjustCampaign(campaign.campaignId, { version: campaign.version, budgetActuals, ...(reason.trim() ? { reason: reason.trim() } : {}) });
      message.success(t('campaign.done', { action: t('campaign.actions.adjust') }));
      setAdjusting(null);
      setReason('');
      onChanged();
    } catch (e) {
      setFailure(e as Error);
    }
  }

  async function act(action: TransitionAction, why?: string) {
    setPending(action);
    setFailure(undefined);
    try {
      await transitionCampaign(campaign.campaignId, action, campaign.version, why?.trim() || undefined);
      message.success(t('campaign.done', { action: t(`campaign.actions.${action}`) }));
      setAsking(null);
      setReason('');
      onChanged();
    } catch (e) {
      setFailure(e as Error);
    } finally {
      setPending(null);
    }
  }

  async function remove() {
    try {
      await deleteCampaign(campaign.campaignId, campaign.version);
      navigate('/campaigns');
    } catch (e) {
      setFailure(e as Error);
    }
  }

  const failureView = failure && (
    <Modal open footer={null} onCancel={() => setFailure(undefined)} title={t(isStale(failure) ? 'campaign.stale' : 'error.title')}>
      <ErrorAlert error={failure} onRetry={isStale(failure) ? () => { setFailure(undefined); onChanged(); } : undefined} />
    </Modal>
  );

  return (
    <>
      <Space wrap>
        {allowed.has('edit') && (
          <Button onClick={() => navigate(`/campaigns/${campaign.campaignId}/edit`)} data-testid="action-edit">
            {t('campaign.actions.edit')}
          </Button>
        )}
        {allowed.has('delete') && (
          <Popconfirm title={t('campaign.confirmDelete')} onConfirm={() => void remove()}>
            <Button danger data-testid="action-delete">{t('campaign.actions.delete')}</Button>
          </Popconfirm>
        )}
        {transitionOrder
          .filter((a) => allowed.has(a))
          .map((action) => (
            <Button
              key={action}
              type={action === 'return' ? 'default' : 'primary'}
              danger={action === 'return'}
              loading={pending === action}
              disabled={busy || (pending !== null && pending !== action)}
              data-testid={`action-${action}`}
              onClick={() => (withReason[action] ? setAsking(action) : void act(action))}
            >
              {t(`campaign.actions.${action}`)}
            </Button>
          ))}
        {allowed.has('adjust') && (campaign.plan.budget ?? []).length > 0 && (
          <Button
            data-testid="action-adjust"
            onClick={() => setAdjusting(Object.fromEntries((campaign.plan.budget ?? []).map((b) => [b.item, (b.actualFen ?? 0) / 100])))}
          >
            {t('campaign.adjustActuals')}
          </Button>
        )}
        {(campaign.status === 'scheduled' || campaign.status === 'running' || campaign.status === 'paused' || campaign.status === 'finished' || campaign.status === 'evaluated') && (
          <Button onClick={() => navigate(`/campaigns/${campaign.campaignId}/report`)} data-testid="open-report">
            {t('campaign.report.open')}
          </Button>
        )}
      </Space>
      <Modal
        open={asking !== null}
        title={asking && t(`campaign.actions.${asking}`)}
        okText={t('common.confirm')}
        cancelText={t('common.cancel')}
        okButtonProps={{ disabled: asking !== null && withReason[asking] === 'required' && !reason.trim(), loading: pending !== null, 'data-testid': 'reason-ok' } as never}
        onOk={() => asking && void act(asking, reason)}
        onCancel={() => setAsking(null)}
      >
        <Typography.Paragraph type="secondary">{t(asking && withReason[asking] === 'required' ? 'campaign.reasonRequired' : 'campaign.reasonOptional')}</Typography.Paragraph>
        <Input.TextArea rows={4} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="reason-input" />
      </Modal>
      <Modal
        open={adjusting !== null}
        title={t('campaign.adjustActuals')}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        onOk={() => void adjustActuals()}
        onCancel={() => setAdjusting(null)}
      >
        {adjusting &&
          Object.entries(adjusting).map(([item, value]) => (
            <div key={item} style={{ display: 'flex', alignItems: 'center', gap: 12, marginBottom: 12 }}>
              <span style={{ width: 140 }}>{label('campaign.budgetItems', item)}</span>
              <InputNumber min={0} precision={2} prefix="¥" value={value} onChange={(v) => setAdjusting((a) => ({ ...a, [item]: v }))} style={{ width: 200 }} />
            </div>
          ))}
        <Input.TextArea rows={2} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('campaign.reasonOptional')} />
      </Modal>
      {failureView}
    </>
  );
}

function Overview({ campaign }: { campaign: Campaign }) {
  const { t, label } = useLabels();
  const plan = campaign.plan;
  const budget = plan.budget ?? [];
  const target = plan.target;
  const filterText = useFilterText();
  return (
    <Row gutter={16}>
      <Col xs={24} lg={12}>
        <Card size="small" title={t('campaign.detail.plan')} style={{ marginBottom: 16 }}>
          <Descriptions size="small" column={1} data-testid="campaign-plan">
            <Descriptions.Item label={t('campaign.category')}>{label('campaign.categories', plan.category)}</Descriptions.Item>
            <Descriptions.Item label={t('campaign.goal')}>{plan.goal || '—'}</Descriptions.Item>
            <Descriptions.Item label={t('campaign.kpi.targetResponders')}>{count(plan.kpis?.targetResponders)}</Descriptions.Item>
            <Descriptions.Item label={t('campaign.kpi.targetSuccessRate')}>
              {plan.kpis?.targetSuccessRate === undefined ? '—' : `${(plan.kpis.targetSuccessRate * 100).toFixed(1)}%`}
            </Descriptions.Item>
            <Descriptions.Item label={t('campaign.editor.steps.offers')}>{(plan.offers ?? []).map((o) => o.productId).join(t('common.clauseSep')) || '—'}</Descriptions.Item>
            <Descriptions.Item label={t('campaign.editor.steps.target')}>
              {!target
                ? t('campaign.target.none')
                : target.kind === 'segment'
                  ? `${t('campaign.target.segmentN', { id: target.segmentId })}${campaign.targetFilter ? `${t('common.colon')}${filterText(campaign.targetFilter)}` : ''}`
                  : target.kind === 'list'
                    ? t('campaign.target.listN', { count: target.subscriberIds?.length ?? 0 })
                    : <span data-testid="campaign-target-filter">{filterText(target.filter)}</span>}
            </Descriptions.Item>
            <Descriptions.Item label={t('campaign.channels.title')}>
              <span data-testid="campaign-channel-rules">
                {(plan.channels ?? []).map((c) => (c.when === undefined ? c.channelId : `${c.channelId} (${filterText(c.when)})`)).join(' → ') || '—'}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('campaign.waves.title')}>
              {t(`campaign.waves.modes.${plan.waveMode ?? 'parallel'}`)}{t('common.colon')}{(plan.waves ?? []).map((w) => `${w.startDate} ~ ${w.endDate}`).join(t('common.clauseSep')) || '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('campaign.controlPercent')}>{plan.controlPercent ?? 0}%</Descriptions.Item>
          </Descriptions>
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <Card size="small" title={t('campaign.detail.people')} style={{ marginBottom: 16 }}>
          <Descriptions size="small" column={1}>
            <Descriptions.Item label={t('campaign.createdBy')}>{`${campaign.createdBy} · ${campaign.createdAt}`}</Descriptions.Item>
            <Descriptions.Item label={t('campaign.submittedBy')}>{campaign.submittedBy ? `${campaign.submittedBy} · ${campaign.submittedAt ?? ''}` : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('campaign.approvedBy')}>{campaign.approvedBy ? `${campaign.approvedBy} · ${campaign.approvedAt ?? ''}` : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('campaign.startDate')}>{campaign.startDate ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('campaign.endDate')}>{campaign.endDate ?? '—'}</Descriptions.Item>
          </Descriptions>
        </Card>
        <Card size="small" title={t('campaign.editor.steps.budget')}>
          <Table
            rowKey="item"
            size="small"
            pagination={false}
            dataSource={budget}
            columns={[
              { title: t('campaign.budget.item'), dataIndex: 'item', render: (v: string) => label('campaign.budgetItems', v) },
              { title: t('campaign.budget.planned'), dataIndex: 'plannedFen', align: 'right', render: (v: number) => yuan(v) },
              { title: t('campaign.budget.actual'), dataIndex: 'actualFen', align: 'right', render: (v: number | undefined) => yuan(v ?? 0) },
            ]}
          />
        </Card>
      </Col>
    </Row>
  );
}

function Targets({ targets }: { targets: TargetCounts }) {
  const { t, label, name } = useLabels();
  const channels = useChannels();
  const channelName = (id: string) => {
    const c = channels.data?.find((x) => x.channelId === id);
    return c ? name(c.nameZh, c.nameEn) : id;
  };
  if (!targets.materializedAt) return <Alert type="info" showIcon message={t('campaign.targets.notYet')} data-testid="targets-not-yet" />;
  return (
    <>
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col span={6}><Card size="small"><Statistic title={t('campaign.treatment')} value={targets.treatment} /></Card></Col>
        <Col span={6}><Card size="small"><Statistic title={t('campaign.control')} value={targets.control} /></Card></Col>
        <Col span={6}><Card size="small"><Statistic title={t('campaign.targets.excluded')} value={targets.excluded} /></Card></Col>
        <Col span={6}><Card size="small"><Statistic title={t('campaign.targets.materializedAt')} value={targets.materializedAt} valueStyle={{ fontSize: 16 }} /></Card></Col>
      </Row>
      <Row gutter={16}>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('campaign.targets.byReason')}>
            <Table
              rowKey="reason"
              size="small"
              pagination={false}
              dataSource={targets.byReason}
              data-testid="exclusions-table"
              columns={[
                { title: t('campaign.targets.reason'), dataIndex: 'reason', render: (v: string) => label('campaign.exclusion', v) },
                { title: t('campaign.targets.subscribers'), dataIndex: 'subscribers', align: 'right', render: (v: number) => count(v) },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card size="small" title={t('campaign.targets.byWaveChannel')}>
            <Table
              rowKey={(r) => `${r.waveNo}-${r.channelId}-${r.segment}`}
              size="small"
              pagination={false}
              dataSource={targets.byWaveChannel}
              columns={[
                { title: t('campaign.report.wave'), dataIndex: 'waveNo' },
                { title: t('campaign.channels.channel'), dataIndex: 'channelId', render: (v: string) => channelName(v) },
                { title: t('campaign.channels.segment'), dataIndex: 'segment' },
                { title: t('campaign.treatment'), dataIndex: 'treatment', align: 'right', render: (v: number) => count(v) },
                { title: t('campaign.control'), dataIndex: 'control', align: 'right', render: (v: number) => count(v) },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
