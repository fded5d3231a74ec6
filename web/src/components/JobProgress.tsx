import { useState } from 'react';
import { App as AntApp, Button, Popconfirm, Progress } from 'antd';
import { StopOutlined } from '@ant-design/icons';
import { cancelJob, type Job } from '../api/platform.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { useLabels } from '../i18n/labels.ts';
import { describeError } from './ErrorAlert.tsx';

const progressStatus = { queued: 'normal', running: 'active', succeeded: 'success', failed: 'exception', cancelled: 'normal' } as const;

/**
 * A job's progress bar, coloured by its status; with `cancel`, the job's Cancel button beside it
 * while it runs (for those who may use it).
 */
export function JobProgress({ job, size, cancel }: { job: Pick<Job, 'status' | 'progress'>; size?: 'small' | 'default'; cancel?: CancelProps }) {
  const percent = job.status === 'succeeded' ? 100 : Math.floor(job.progress * 100);
  const bar = <Progress percent={percent} status={progressStatus[job.status] ?? 'normal'} size={size} />;
  if (!cancel || (job.status !== 'running' && job.status !== 'queued')) return bar;
  return (
    <div style={{ display: 'flex', alignItems: 'center', gap: 12 }}>
      <div style={{ flex: 1 }}>{bar}</div>
      <CancelJobButton {...cancel} />
    </div>
  );
}

interface CancelProps {
  jobId: string;
  createdBy: string | null;
  onAsked?: () => void;
}

/** Stops a running job after a confirmation; shown to whoever started it and to roles with jobs.cancel. */
export function CancelJobButton({ jobId, createdBy, onAsked }: CancelProps) {
  const { t } = useLabels();
  const { user, can } = useAuth();
  const { message } = AntApp.useApp();
  const [busy, setBusy] = useState(false);
  if (createdBy !== user?.username && !can('jobs.cancel')) return null;
  const cancel = async () => {
    setBusy(true);
    try {
      await cancelJob(jobId);
      void message.info(t('jobs.cancelAsked'));
      onAsked?.();
    } catch (e) {
      void message.error(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Popconfirm title={t('jobs.cancelConfirm')} okText={t('common.confirm')} cancelText={t('common.cancel')} onConfirm={() => cancel()}>
      <Button size="small" danger icon={<StopOutlined />} loading={busy} data-testid="job-cancel">
        {t('jobs.cancel')}
      </Button>
    </Popconfirm>
  );
}
