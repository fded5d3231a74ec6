// Waiting for a job the command line started, with its progress bar: the first Ctrl-C cancels
// the job cleanly, a second one leaves at once.
import { JobCancelled, cancelJob } from '../jobs/jobs.ts';
import type { Db } from '../store/store.ts';
import type { ProgressBar } from './progress.ts';

/**
 * Starts a cancellable job and waits for its result, stopping `bar` when it ends. On Ctrl-C the
 * job is asked to stop (it removes what it wrote and ends cancelled); this then says so on
 * stderr, sets exit code 130 and answers null. A second Ctrl-C exits at once (the job is then
 * failed when the file is next opened, `recoverInterruptedWork`).
 */
export async function untilDone<S extends { jobId: string; done: Promise<unknown> }>(
  db: Db,
  by: string,
  bar: ProgressBar,
  start: () => Promise<S>,
  what: (started: S) => string,
): Promise<{ started: S; result: Awaited<S['done']> } | null> {
  let jobId: string | null = null;
  let interrupted = false;
  const cancel = () => void cancelJob(db, jobId!, by, true).catch(() => undefined);
  const stop = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    if (jobId) cancel();
  };
  // listening before the job starts: a press at any moment is caught
  process.on('SIGINT', stop);
  let started: S | null = null;
  try {
    started = await start();
    jobId = started.jobId;
    if (interrupted) cancel();
    return { started, result: (await started.done) as Awaited<S['done']> };
  } catch (error) {
    if (!(error instanceof JobCancelled) || !started) throw error;
    bar.stop();
    console.error(`Cancelled: ${what(started)} stopped and what it had written was removed.`);
    process.exitCode = 130;
    return null;
  } finally {
    bar.stop();
    process.off('SIGINT', stop);
  }
}
