// 客户: search by number or id, filter by brand, city, status and saved segment; sorting and paging
// run on the server (GET /api/customers), and the whole selection exports as CSV. The query lives in
// the URL so that Back returns to it.
import { useMemo, useState } from 'react';
import { App as AntApp, Button, Card, Input, Select, Space, Table } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import type { ColumnsType, SorterResult } from 'antd/es/table/interface.js';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { downloadCustomersCsv, useCustomers, type CustomerSummary } from '../api/customers.ts';
import { useSegments } from '../api/segments.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { useCities } from '../api/platform.ts';
import { BrandTag, StatusTag } from '../components/CodeTags.tsx';
import { ErrorAlert, describeError } from '../components/ErrorAlert.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { serverPagination } from '../components/paging.ts';
import { useLabels } from '../i18n/labels.ts';
import { count as formatCount, yuan } from '../money.ts';

const brands = ['gotone', 'mzone', 'easyown'] as const;
const statuses = ['active', 'suspended', 'arrears', 'cancelled'] as const;
const sortable = ['subscriberId', 'arpuFen', 'age', 'tenureMonths', 'vipLevel'] as const;
type SortField = (typeof sortable)[number];

export default function CustomersPage() {
  const { t, label, name } = useLabels();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const page = Number(params.get('page') ?? 1) || 1;
  const pageSize = Number(params.get('pageSize') ?? 20) || 20;
  const sort = (sortable as readonly string[]).includes(params.get('sort') ?? '') ? (params.get('sort') as SortField) : 'subscriberId';
  const order = params.get('order') === 'desc' ? 'desc' : 'asc';
  const query = {
    q: params.get('q') ?? undefined,
    brand: (params.get('brand') ?? undefined) as CustomerSummary['brand'] | undefined,
    cityCode: params.get('cityCode') ?? undefined,
    status: (params.get('status') ?? undefined) as CustomerSummary['status'] | undefined,
    segmentId: Number(params.get('segmentId')) || undefined,
    page,
    pageSize,
    sort,
    order: order as 'asc' | 'desc',
  };
  const { data, error, loading, reload } = useCustomers(query);
  const cities = useCities();
  const segments = useSegments();
  const { message } = AntApp.useApp();
  const { can } = useAuth();
  const [exporting, setExporting] = useState(false);

  const exportCsv = async () => {
    setExporting(true);
    try {
      const { page: _page, pageSize: _size, ...filters } = query;
      await downloadCustomersCsv(filters);
    } catch (e) {
      void message.error(describeError(e));
    } finally {
      setExporting(false);
    }
  };

  const update = (changes: Record<string, string | number | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined || value === '') next.delete(key);
      else next.set(key, String(value));
    }
    setParams(next, { replace: true });
  };

  const sortOrderOf = (field: SortField) => (sort === field ? (order === 'desc' ? 'descend' : 'ascend') : null);

  const columns: ColumnsType<CustomerSummary> = useMemo(
    () => [
      { title: t('customers.subscriberId'), dataIndex: 'subscriberId', key: 'subscriberId', sorter: true, sortOrder: sortOrderOf('subscriberId'), width: 120 },
      { title: t('customers.msisdn'), dataIndex: 'msisdn', key: 'msisdn', render: (v: string) => <span className="msisdn" style={{ fontFamily: 'monospace' }}>{v}</span> },
      { title: t('customers.brand'), dataIndex: 'brand', key: 'brand', render: (v: string) => <BrandTag brand={v} /> },
      { title: t('customers.plan'), key: 'plan', render: (_: unknown, r) => name(r.planNameZh, r.planNameEn) ?? r.planId },
      { title: t('customers.city'), key: 'city', render: (_: unknown, r) => name(r.cityNameZh, r.cityNameEn) ?? r.cityCode },
      { title: t('customers.status'), dataIndex: 'status', key: 'status', render: (v: string) => <StatusTag status={v} /> },
      { title: t('customers.age'), dataIndex: 'age', key: 'age', sorter: true, sortOrder: sortOrderOf('age'), align: 'right' },
      { title: t('customers.arpu'), dataIndex: 'arpuFen', key: 'arpuFen', sorter: true, sortOrder: sortOrderOf('arpuFen'), align: 'right', render: (v: number) => yuan(v) },
      { title: t('customers.vip'), dataIndex: 'vipLevel', key: 'vipLevel', sorter: true, sortOrder: sortOrderOf('vipLevel'), align: 'right' },
      { title: t('customers.tenure'), dataIndex: 'tenureMonths', key: 'tenureMonths', sorter: true, sortOrder: sortOrderOf('tenureMonths'), align: 'right' },
    ],
    [t, label, name, sort, order],
  );

  return (
    <>
      <PageHeader title={t('customers.title')} />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Space wrap>
          <Input.Search
            key={params.get('q') ?? ''}
            allowClear
            defaultValue={query.q}
            placeholder={t('customers.searchPlaceholder')}
            style={{ width: 260 }}
            enterButton={t('common.search')}
            onSearch={(q) => update({ q: q.trim() || undefined, page: undefined })}
            data-testid="customer-search"
          />
          <Select
            allowClear
            placeholder={t('customers.brand')}
            style={{ width: 140 }}
            value={query.brand}
            onChange={(v) => update({ brand: v, page: undefined })}
            options={brands.map((b) => ({ value: b, label: label('brand', b) }))}
          />
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            placeholder={t('customers.city')}
            style={{ width: 160 }}
            value={query.cityCode}
            onChange={(v) => update({ cityCode: v, page: undefined })}
            options={(cities ?? []).map((c) => ({ value: c.cityCode, label: name(c.nameZh, c.nameEn) }))}
          />
          <Select
            allowClear
            placeholder={t('customers.status')}
            style={{ width: 140 }}
            value={query.status}
            onChange={(v) => update({ status: v, page: undefined })}
            options={statuses.map((s) => ({ value: s, label: label('status', s) }))}
          />
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            placeholder={t('customers.segment')}
            style={{ width: 220 }}
            value={query.segmentId}
            loading={segments.loading}
            onChange={(v?: number) => update({ segmentId: v, page: undefined })}
            options={(segments.data ?? []).map((s) => ({ value: s.segmentId, label: s.name }))}
            data-testid="customer-segment"
          />
          <Button onClick={() => setParams(new URLSearchParams(), { replace: true })}>{t('common.reset')}</Button>
          {can('customers.export') && (
            <Button icon={<DownloadOutlined />} loading={exporting} disabled={!data?.total} onClick={() => void exportCsv()} data-testid="customers-export">
              {t('customers.export', { n: formatCount(data?.total ?? 0) })}
            </Button>
          )}
        </Space>
      </Card>
      <ErrorAlert error={error} onRetry={reload} />
      <Card size="small">
        <Table<CustomerSummary>
          rowKey="subscriberId"
          size="middle"
          data-testid="customers-table"
          loading={loading}
          columns={columns}
          dataSource={data?.items ?? []}
          locale={{ emptyText: t('common.empty') }}
          onRow={(record) => ({ onClick: () => navigate(`/customers/${record.subscriberId}`), style: { cursor: 'pointer' } })}
          pagination={serverPagination(t, { page, pageSize, total: data?.total ?? 0 })}
          onChange={(pagination, _filters, sorter) => {
            const s = (Array.isArray(sorter) ? sorter[0] : sorter) as SorterResult<CustomerSummary> | undefined;
            const field = s?.order ? (s.columnKey as SortField) : undefined;
            update({
              page: pagination.current === 1 ? undefined : pagination.current,
              pageSize: pagination.pageSize === 20 ? undefined : pagination.pageSize,
              sort: field,
              order: s?.order === 'descend' ? 'desc' : undefined,
            });
          }}
          scroll={{ x: 'max-content' }}
        />
      </Card>
    </>
  );
}
