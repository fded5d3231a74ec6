import { Progress } from 'antd';
import type { Job } from '../api/platform.ts';

const progressStatus = { queued: 'normal', running: 'active', succeeded: 'success', failed: 'exception' } as const;

/** A job's progress bar, coloured by its status. */
export function JobProgress({ job, size }: { job: Pick<Job, 'status' | 'progress'>; size?: 'small' | 'default' }) {
  const percent = job.status === 'succeeded' ? 100 : Math.floor(job.progress * 100);
  return <Progress percent={percent} status={progressStatus[job.status] ?? 'normal'} size={size} />;
}
