// A campaign's marketing resources (gifted prepaid credit, gifts, materials): a planner applies for
// them against the budget, an approver other than the applicant approves or rejects with a note,
// and the use is recorded as it happens. The server checks roles, budgets and self-approval.
import { useState } from 'react';
import { App, Button, Card, Form, Input, InputNumber, Modal, Progress, Select, Space, Table, Tag } from 'antd';
import { resourceKinds } from '../../../src/campaigns/types.ts';
import { applyForResource, decideResource, recordResourceUsage, useCampaignResources, type Campaign, type Resource, type ResourceApplication } from '../api/campaigns.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { useLabels } from '../i18n/labels.ts';
import { count, yuan } from '../money.ts';
import { ErrorAlert } from './ErrorAlert.tsx';

const statusColor: Record<Resource['status'], string> = { applied: 'processing', approved: 'success', rejected: 'error' };

export function CampaignResources({ campaign }: { campaign: Campaign }) {
  const { t, label } = useLabels();
  const { can, user } = useAuth();
  const { message } = App.useApp();
  const { data, error, loading, reload } = useCampaignResources(campaign.campaignId);
  const [applying, setApplying] = useState(false);
  const [usage, setUsage] = useState<Resource | null>(null);
  const [failure, setFailure] = useState<Error | undefined>();

  const act = async (work: () => Promise<unknown>, done: string) => {
    setFailure(undefined);
    try {
      await work();
      message.success(done);
      reload();
      return true;
    } catch (e) {
      setFailure(e as Error);
      return false;
    }
  };

  const decide = (r: Resource, decision: 'approve' | 'reject') => {
    let note = '';
    Modal.confirm({
      title: t(`campaign.resources.${decision}Title`, { description: r.description }),
      content: <Input.TextArea rows={3} placeholder={t('campaign.resources.note')} onChange={(e) => (note = e.target.value)} data-testid="resource-note" />,
      onOk: () => act(() => decideResource(campaign.campaignId, r.resourceId, decision, note || undefined), t(decision === 'approve' ? 'campaign.resources.approved' : 'campaign.resources.rejected')),
    });
  };

  return (
    <Card
      size="small"
      extra={
        can('campaigns.write') && (
          <Button type="primary" onClick={() => setApplying(true)} data-testid="resource-apply">
            {t('campaign.resources.apply')}
          </Button>
        )
      }
    >
      <ErrorAlert error={error ?? failure} onRetry={reload} />
      <Table<Resource>
        rowKey="resourceId"
        size="small"
        loading={loading}
        dataSource={data ?? []}
        pagination={false}
        locale={{ emptyText: t('campaign.resources.empty') }}
        data-testid="resources"
        columns={[
          { title: t('campaign.resources.kind'), dataIndex: 'kind', render: (v: string) => label('campaign.resourceKinds', v) },
          { title: t('campaign.resources.description'), dataIndex: 'description' },
          { title: t('campaign.resources.quantity'), dataIndex: 'quantity', align: 'right', render: (v: number) => count(v) },
          { title: t('campaign.resources.unitValue'), dataIndex: 'unitValueFen', align: 'right', render: (v: number) => yuan(v) },
          { title: t('campaign.resources.amount'), dataIndex: 'amountFen', align: 'right', render: (v: number) => yuan(v) },
          {
            title: t('campaign.resources.status'),
            dataIndex: 'status',
            render: (v: Resource['status'], r) => (
              <Tag color={statusColor[v]} title={r.decisionNote ?? undefined}>
                {t(`campaign.resources.statuses.${v}`)}
              </Tag>
            ),
          },
          {
            title: t('campaign.resources.used'),
            key: 'used',
            width: 200,
            render: (_: unknown, r) => (
              <Space direction="vertical" size={0} style={{ width: '100%' }}>
                <Progress percent={r.quantity ? Math.round((r.usedQuantity / r.quantity) * 100) : 0} size="small" />
                <span>{`${count(r.usedQuantity)} / ${count(r.quantity)} · ${yuan(r.usedFen)}`}</span>
              </Space>
            ),
          },
          { title: t('campaign.resources.appliedBy'), dataIndex: 'appliedBy' },
          {
            title: t('campaign.resources.actions'),
            key: 'actions',
            render: (_: unknown, r) => (
              <Space>
                {r.status === 'applied' && can('campaigns.approve') && r.appliedBy !== user?.username && (
                  <>
                    <Button size="small" type="link" onClick={() => decide(r, 'approve')} data-testid={`resource-approve-${r.resourceId}`}>
                      {t('campaign.resources.approve')}
                    </Button>
                    <Button size="small" type="link" danger onClick={() => decide(r, 'reject')}>
                      {t('campaign.resources.reject')}
                    </Button>
                  </>
                )}
                {r.status === 'approved' && can('campaigns.write') && (
                  <Button size="small" type="link" onClick={() => setUsage(r)}>
                    {t('campaign.resources.recordUse')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <ApplyModal
        open={applying}
        onCancel={() => setApplying(false)}
        onApply={async (body) => {
          if (await act(() => applyForResource(campaign.campaignId, body), t('campaign.resources.applied'))) setApplying(false);
        }}
      />
      <Modal
        open={usage !== null}
        title={t('campaign.resources.recordUse')}
        onCancel={() => setUsage(null)}
        destroyOnClose
        footer={null}
      >
        {usage && (
          <Form
            layout="vertical"
            initialValues={{ usedQuantity: usage.usedQuantity }}
            onFinish={async (v: { usedQuantity: number }) => {
              if (await act(() => recordResourceUsage(campaign.campaignId, usage.resourceId, v.usedQuantity), t('campaign.resources.useRecorded'))) setUsage(null);
            }}
          >
            <Form.Item name="usedQuantity" label={t('campaign.resources.usedSoFar', { quantity: count(usage.quantity) })} rules={[{ required: true }]}>
              <InputNumber min={0} max={usage.quantity} precision={0} style={{ width: '100%' }} />
            </Form.Item>
            <Button type="primary" htmlType="submit">
              {t('common.save')}
            </Button>
          </Form>
        )}
      </Modal>
    </Card>
  );
}

function ApplyModal({ open, onCancel, onApply }: { open: boolean; onCancel: () => void; onApply: (body: ResourceApplication) => Promise<void> }) {
  const { t, label } = useLabels();
  const [form] = Form.useForm<ResourceApplication & { unitValueYuan: number }>();
  return (
    <Modal open={open} title={t('campaign.resources.apply')} onCancel={onCancel} onOk={() => form.submit()} destroyOnClose okButtonProps={{ 'data-testid': 'resource-apply-ok' } as never}>
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ kind: 'prepaid_credit', quantity: 100, unitValueYuan: 10 }}
        onFinish={(v) => onApply({ kind: v.kind, description: v.description, quantity: v.quantity, unitValueFen: Math.round(v.unitValueYuan * 100) })}
      >
        <Form.Item name="kind" label={t('campaign.resources.kind')}>
          <Select data-testid="resource-kind" options={resourceKinds.map((k) => ({ value: k, label: label('campaign.resourceKinds', k) }))} />
        </Form.Item>
        <Form.Item name="description" label={t('campaign.resources.description')} rules={[{ required: true, message: t('campaign.resources.descriptionRequired') }]}>
          <Input maxLength={500} data-testid="resource-description" />
        </Form.Item>
        <Form.Item name="quantity" label={t('campaign.resources.quantity')} rules={[{ required: true }]}>
          <InputNumber min={1} precision={0} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="unitValueYuan" label={t('campaign.resources.unitValueYuan')} rules={[{ required: true }]}>
          <InputNumber min={0} precision={2} style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
