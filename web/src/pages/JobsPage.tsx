// 任务: tracked long jobs (GET /api/jobs), refreshed every 2 s while any of them runs.
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Table, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { isActive, useJobs, type Job } from '../api/platform.ts';
import { JobStatusTag } from '../components/CodeTags.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { CancelJobButton, JobProgress } from '../components/JobProgress.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { jobKindLabel } from '../i18n/jobKind.ts';
import { useLabels } from '../i18n/labels.ts';
import { usePaging } from '../components/paging.ts';

/** '2026-11-25 21:18:48.509167' → '2026-11-25 21:18:48' */
const toSecond = (timestamp: string | null) => (timestamp ? timestamp.slice(0, 19) : '—');

export default function JobsPage() {
  const { t } = useLabels();
  const { paging, pagination } = usePaging();
  const [running, setRunning] = useState(false);
  const { data, error, loading, reload } = useJobs(paging, running ? 2000 : undefined);
  const anyRunning = (data?.items ?? []).some(isActive);
  useEffect(() => setRunning(anyRunning), [anyRunning]);

  return (
    <>
      <PageHeader
        title={t('jobs.title')}
        extra={
          <Button icon={<ReloadOutlined />} onClick={reload}>
            {t('common.refresh')}
          </Button>
        }
      />
      {running && <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('jobs.autoRefresh')} />}
      <ErrorAlert error={error} onRetry={reload} />
      <Card size="small">
        <Table<Job>
          rowKey="jobId"
          size="middle"
          loading={loading && !data}
          dataSource={data?.items ?? []}
          locale={{ emptyText: t('common.empty') }}
          scroll={{ x: 'max-content' }}
          data-testid="jobs-table"
          pagination={pagination(data?.total ?? 0)}
          columns={[
            { title: t('jobs.kind'), dataIndex: 'kind', render: (v: string) => jobKindLabel(t, v) },
            { title: t('jobs.status'), dataIndex: 'status', render: (v: string) => <JobStatusTag status={v} /> },
            { title: t('jobs.progress'), key: 'progress', width: 200, render: (_, job) => <JobProgress job={job} size="small" /> },
            {
              title: t('jobs.message'),
              key: 'message',
              render: (_, job) => (job.error ? <Typography.Text type="danger">{job.error}</Typography.Text> : job.message ?? '—'),
            },
            { title: t('jobs.createdBy'), dataIndex: 'createdBy', render: (v: string | null) => v ?? '—' },
            { title: t('jobs.createdAt'), dataIndex: 'createdAt', render: toSecond },
            { title: t('jobs.startedAt'), dataIndex: 'startedAt', render: toSecond },
            { title: t('jobs.finishedAt'), dataIndex: 'finishedAt', render: toSecond },
            {
              title: t('jobs.actions'),
              key: 'actions',
              render: (_, job) => (job.cancellable ? <CancelJobButton jobId={job.jobId} createdBy={job.createdBy} onAsked={reload} /> : null),
            },
          ]}
        />
      </Card>
    </>
  );
}
