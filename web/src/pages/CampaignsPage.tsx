// 营销活动 and 待审批: campaigns filtered by status and name, sorted and paged; the approval inbox is
// the same table over GET /api/campaigns/inbox (submitted campaigns someone else wrote).
import { useState } from 'react';
import { Button, Card, Input, Segmented, Space, Table } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router-dom';
import { campaignStatuses } from '../../../src/campaigns/lifecycle.ts';
import { useCampaigns, type CampaignStatus, type CampaignSummary } from '../api/campaigns.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { CampaignStatusTag } from '../components/CampaignStatusTag.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { HoldoutSetting } from '../components/HoldoutSetting.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { serverPagination } from '../components/paging.ts';
import { useLabels } from '../i18n/labels.ts';
import { count } from '../money.ts';

type SortKey = 'createdAt' | 'updatedAt' | 'name' | 'status' | 'startDate';
interface Query {
  page: number;
  pageSize: number;
  status?: CampaignStatus;
  q?: string;
  sort?: SortKey;
  order?: 'asc' | 'desc';
}

export default function CampaignsPage({ inbox = false }: { inbox?: boolean }) {
  const { t, label } = useLabels();
  const { can } = useAuth();
  const navigate = useNavigate();
  const [query, setQuery] = useState<Query>({ page: 1, pageSize: 20, sort: 'updatedAt', order: 'desc' });
  const { data, error, loading, reload } = useCampaigns(query, inbox);

  const sortOrder = (key: SortKey) => (query.sort === key ? (query.order === 'asc' ? 'ascend' : 'descend') : null);

  return (
    <>
      <PageHeader
        title={t(inbox ? 'campaign.inboxTitle' : 'campaign.title')}
        extra={
          !inbox &&
          can('campaigns.write') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/campaigns/new')} data-testid="campaign-create">
              {t('campaign.create')}
            </Button>
          )
        }
      />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Space wrap>
          {!inbox && (
            <Segmented
              data-testid="campaign-status-filter"
              value={query.status ?? 'all'}
              options={[{ value: 'all', label: t('common.all') }, ...campaignStatuses.map((s) => ({ value: s, label: label('campaign.status', s) }))]}
              onChange={(v) => setQuery((q) => ({ ...q, status: v === 'all' ? undefined : (v as CampaignStatus), page: 1 }))}
            />
          )}
          <Input.Search
            allowClear
            data-testid="campaign-search"
            placeholder={t('campaign.searchPlaceholder')}
            style={{ width: 240 }}
            onSearch={(v) => setQuery((q) => ({ ...q, q: v.trim() || undefined, page: 1 }))}
          />
        </Space>
      </Card>
      {!inbox && (
        <Card size="small" style={{ marginBottom: 16 }}>
          <HoldoutSetting />
        </Card>
      )}
      <ErrorAlert error={error} onRetry={reload} />
      <Card size="small">
        <Table<CampaignSummary>
          rowKey="campaignId"
          size="middle"
          loading={loading}
          dataSource={data?.items ?? []}
          locale={{ emptyText: t(inbox ? 'campaign.inboxEmpty' : 'common.empty') }}
          scroll={{ x: 'max-content' }}
          data-testid={inbox ? 'inbox-table' : 'campaigns-table'}
          onRow={(row) => ({ onClick: () => navigate(`/campaigns/${row.campaignId}`), style: { cursor: 'pointer' } })}
          pagination={serverPagination(t, { ...query, total: data?.total ?? 0 })}
          onChange={(pagination, _filters, sorter) => {
            const one = Array.isArray(sorter) ? sorter[0] : sorter;
            const field = one?.order ? (one.field as SortKey) : undefined;
            setQuery((q) => ({
              ...q,
              page: pagination.current ?? 1,
              pageSize: pagination.pageSize ?? q.pageSize,
              sort: field,
              order: field ? (one.order === 'ascend' ? 'asc' : 'desc') : undefined,
            }));
          }}
          columns={[
            { title: t('campaign.id'), dataIndex: 'campaignId', width: 80 },
            { title: t('campaign.name'), dataIndex: 'name', sorter: true, sortOrder: sortOrder('name'), render: (v: string) => <span className="campaign-name">{v}</span> },
            { title: t('campaign.category'), dataIndex: 'category', render: (v: string) => label('campaign.categories', v) },
            { title: t('campaign.statusLabel'), dataIndex: 'status', sorter: true, sortOrder: sortOrder('status'), render: (v: string) => <CampaignStatusTag status={v} /> },
            { title: t('campaign.startDate'), dataIndex: 'startDate', sorter: true, sortOrder: sortOrder('startDate'), render: (v: string | null) => v ?? '—' },
            { title: t('campaign.endDate'), dataIndex: 'endDate', render: (v: string | null) => v ?? '—' },
            { title: t('campaign.treatment'), dataIndex: 'treatment', align: 'right', render: (v: number) => count(v) },
            { title: t('campaign.control'), dataIndex: 'control', align: 'right', render: (v: number) => count(v) },
            { title: t('campaign.createdBy'), dataIndex: 'createdBy' },
            { title: t('campaign.updatedAt'), dataIndex: 'updatedAt', sorter: true, sortOrder: sortOrder('updatedAt') },
          ]}
        />
      </Card>
    </>
  );
}
