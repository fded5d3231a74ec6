// 审计: the audit trail of sensitive actions (GET /api/audit), filtered by action and actor.
import { useState } from 'react';
import { Card, Input, Space, Table, Typography } from 'antd';
import { useAudit, type AuditEntry } from '../api/platform.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { serverPagination } from '../components/paging.ts';
import { useLabels } from '../i18n/labels.ts';

export default function AuditPage() {
  const { t } = useLabels();
  const [query, setQuery] = useState<{ page: number; pageSize: number; action?: string; actor?: string }>({ page: 1, pageSize: 20 });
  const { data, error, loading, reload } = useAudit(query);

  return (
    <>
      <PageHeader title={t('audit.title')} />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Space wrap>
          <Input.Search allowClear placeholder={t('audit.actionPlaceholder')} style={{ width: 240 }} onSearch={(v) => setQuery((q) => ({ ...q, action: v.trim() || undefined, page: 1 }))} />
          <Input.Search allowClear placeholder={t('audit.actorPlaceholder')} style={{ width: 240 }} onSearch={(v) => setQuery((q) => ({ ...q, actor: v.trim() || undefined, page: 1 }))} />
        </Space>
      </Card>
      <ErrorAlert error={error} onRetry={reload} />
      <Card size="small">
        <Table<AuditEntry>
          rowKey="auditId"
          size="middle"
          loading={loading}
          dataSource={data?.items ?? []}
          locale={{ emptyText: t('common.empty') }}
          scroll={{ x: 'max-content' }}
          data-testid="audit-table"
          pagination={serverPagination(t, { ...query, total: data?.total ?? 0 }, (page, pageSize) => setQuery((q) => ({ ...q, page, pageSize })))}
          columns={[
            { title: t('audit.occurredAt'), dataIndex: 'occurredAt', width: 180 },
            { title: t('audit.actor'), dataIndex: 'actor' },
            { title: t('audit.action'), dataIndex: 'action', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
            { title: t('audit.target'), dataIndex: 'target', render: (v: string | null) => v ?? '—' },
            {
              title: t('audit.detail'),
              dataIndex: 'detail',
              render: (v: unknown) => (v === null || v === undefined ? '—' : <Typography.Text type="secondary">{typeof v === 'string' ? v : JSON.stringify(v)}</Typography.Text>),
            },
          ]}
        />
      </Card>
    </>
  );
}
