// Tracked long jobs (generation, imports, later re-rating and training): a row in `jobs`
// with status and progress that the API, console and CLI all read.
import { randomUUID } from 'node:crypto';
import type { Db, Store } from '../store/store.ts';
import { Conflict, Forbidden, NotFound } from '../store/errors.ts';
import { Filters } from '../store/filters.ts';

/** Reports progress of long work: fraction in [0, 1] and an optional human message. */
export type Progress = (fraction: number, message?: string) => void;

export const noProgress: Progress = () => undefined;

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Job {
  job_id: string;
  kind: string;
  status: JobStatus;
  progress: number;
  message: string | null;
  params: unknown;
  result: unknown;
  error: string | null;
  created_by: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

const jobColumns = `job_id, kind, status, progress, message, params, result, error, created_by,
  created_at, started_at, finished_at`;

function parseJob(row: Job): Job {
  const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
  return { ...row, params: parse(row.params), result: parse(row.result) };
}

export async function findJob(db: Db, jobId: string): Promise<Job | undefined> {
  const row = await db.one<Job>(`SELECT ${jobColumns} FROM jobs WHERE job_id = $id`, { id: jobId });
  return row && parseJob(row);
}

export async function getJob(db: Db, jobId: string): Promise<Job> {
  const job = await findJob(db, jobId);
  if (!job) throw new NotFound('Job', jobId);
  return job;
}

export async function listJobs(db: Db, opts: { limit: number; offset: number; kind?: string }): Promise<{ total: number; items: Job[] }> {
  const { where, params } = new Filters().when(opts.kind, 'kind', 'kind = $kind');
  const total = await db.one<{ n: number }>(`SELECT count(*) AS n FROM jobs ${where}`, params);
  const items = await db.query<Job>(
    `SELECT ${jobColumns} FROM jobs ${where} ORDER BY created_at DESC, job_id LIMIT $limit OFFSET $offset`,
    { ...params, limit: opts.limit, offset: opts.offset },
  );
  return { total: total?.n ?? 0, items: items.map(parseJob) };
}

/** Jobs left 'running' by a process that died are marked failed at start-up. */
export async function failInterruptedJobs(db: Db): Promise<void> {
  await db.run(`UPDATE jobs SET status = 'failed', error = 'interrupted: the process stopped while this job ran',
    finished_at = current_localtimestamp() WHERE status IN ('queued', 'running')`);
}

export interface JobHandle<T> {
  jobId: string;
  done: Promise<T>;
}

/** Why a cancelled job's work stopped: its `done` rejects with this. */
export class JobCancelled extends Error {
  constructor(readonly by: string) {
    super(`cancelled by ${by}`);
    this.name = 'JobCancelled';
  }
}

/**
 * The jobs of this process that stop when asked: their work watches the signal it is given
 * (a tariff run between chunks, a model training at its progress reports, an import between
 * its phases). Other jobs run to their end.
 */
const cancellable = new Map<string, { controller: AbortController; createdBy: string | null }>();

export const isCancellable = (jobId: string): boolean => cancellable.has(jobId);

/**
 * Asks a running job to stop: its starter may, and others when `mayCancelOthers`. The signal
 * is aborted at once (before this returns its promise); the work ends at its next check of it,
 * undoes what it wrote, and the job is marked cancelled.
 */
export async function cancelJob(db: Db, jobId: string, by: string, mayCancelOthers: boolean): Promise<Job> {
  const forbidden = (startedBy: string | null) =>
    new Forbidden(`Job ${jobId} was started by ${startedBy ?? 'the system'}; only they or an administrator may cancel it`, { field: 'jobId' });
  const live = cancellable.get(jobId);
  if (live) {
    if (live.createdBy !== by && !mayCancelOthers) throw forbidden(live.createdBy);
    if (!live.controller.signal.aborted) live.controller.abort(new JobCancelled(by));
    return getJob(db, jobId);
  }
  const job = await getJob(db, jobId);
  if (job.created_by !== by && !mayCancelOthers) throw forbidden(job.created_by);
  if (job.status !== 'running' && job.status !== 'queued') {
    throw new Conflict(`Job ${jobId} has already ended (${job.status}); there is nothing to cancel`, { code: 'JOB_ENDED' });
  }
  throw new Conflict(`Job ${jobId} (${job.kind}) cannot be stopped part-way; it runs to its end`, { code: 'JOB_NOT_CANCELLABLE' });
}

/**
 * Starts work as a tracked job and returns at once. Progress is written at most every
 * 500 ms; the final status, result or error when the work ends. With `cancellable`, the work is
 * given a signal that `cancelJob` aborts; work that then throws ends the job as cancelled.
 */
export async function startJob<T>(
  store: Store,
  kind: string,
  params: unknown,
  createdBy: string | null,
  work: (progress: Progress, signal: AbortSignal) => Promise<T>,
  onProgress: Progress = noProgress,
  options: { cancellable?: boolean } = {},
): Promise<JobHandle<T>> {
  const jobId = randomUUID();
  const controller = new AbortController();
  if (options.cancellable) cancellable.set(jobId, { controller, createdBy });
  await store.run(
    `INSERT INTO jobs (job_id, kind, status, params, created_by, started_at)
     VALUES ($id, $kind, 'running', $params, $by, current_localtimestamp())`,
    { id: jobId, kind, params: JSON.stringify(params ?? null), by: createdBy },
  );
  let last = 0;
  let pending: Promise<void> = Promise.resolve();
  const progress: Progress = (fraction, message) => {
    onProgress(fraction, message);
    const now = Date.now();
    if (now - last < 500) return;
    last = now;
    const value = Math.max(0, Math.min(1, fraction));
    pending = pending
      .then(() => store.run('UPDATE jobs SET progress = $p, message = $m WHERE job_id = $id', { p: value, m: message ?? null, id: jobId }))
      .catch(() => undefined);
  };
  const done = (async () => {
    try {
      const result = await work(progress, controller.signal);
      await pending;
      await store.run(
        `UPDATE jobs SET status = 'succeeded', progress = 1, message = NULL, result = $result,
           finished_at = current_localtimestamp() WHERE job_id = $id`,
        { result: JSON.stringify(result ?? null), id: jobId },
      );
      return result;
    } catch (error) {
      await pending;
      // whatever the work threw once asked to stop, it stopped because it was asked
      const stopped = controller.signal.aborted ? (controller.signal.reason as JobCancelled) : null;
      await store.run(
        `UPDATE jobs SET status = $status, error = $error, finished_at = current_localtimestamp() WHERE job_id = $id`,
        { status: stopped ? 'cancelled' : 'failed', error: (stopped ?? (error as Error)).message, id: jobId },
      );
      throw stopped ?? error;
    } finally {
      cancellable.delete(jobId);
    }
  })();
  done.catch(() => undefined);
  return { jobId, done };
}
