// Model runs as versioned tracked jobs on a real temp DuckDB file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobCancelled, cancelJob, getJob } from '../src/jobs/jobs.ts';
import { findLatestModelRun, listModelRuns, modelRunLog, startModelRun } from '../src/models/runs.ts';
import type { Store } from '../src/store/store.ts';
import { tempStore } from './builders.ts';

let store: Store;
beforeAll(async () => {
  store = await tempStore('model-runs');
});
afterAll(async () => store?.close());

describe('model runs', () => {
  it('numbers the versions of one model and target, keeping params, metrics, log and scores', async () => {
    const train = (auc: number) => async ({ runId, log }: { runId: number; log: (m: string) => Promise<void> }) => {
      await log('fitting');
      await store.run('INSERT INTO model_scores (run_id, subscriber_id, score) VALUES ($id, 1, 80), ($id, 2, 20)', { id: runId });
      return { metrics: { auc } };
    };
    const first = await startModelRun(store, { model: 'propensity', target: 'VAS_FETION', params: { ridge: 1 }, createdBy: 'analyst' }, train(0.7));
    const v1 = await first.done;
    const second = await startModelRun(store, { model: 'propensity', target: 'VAS_FETION', params: { ridge: 2 }, createdBy: 'analyst' }, train(0.8));
    const v2 = await second.done;

    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(v2).toMatchObject({ status: 'succeeded', params: { ridge: 2 }, metrics: { auc: 0.8 }, jobId: second.jobId, createdBy: 'analyst' });
    expect((await getJob(store, second.jobId)).kind).toBe('model.propensity');
    expect((await findLatestModelRun(store, 'propensity', 'VAS_FETION'))?.runId).toBe(v2.runId);
    expect((await modelRunLog(store, v1.runId)).map((l) => l.message)).toEqual(['fitting']);
    const scores = await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM model_scores WHERE run_id = $id', { id: v1.runId });
    expect(scores?.n).toBe(2);
    expect((await listModelRuns(store, { model: 'propensity', limit: 10, offset: 0 })).total).toBe(2);
  });

  it('marks a failed training failed, with its error, and keeps none of its scores', async () => {
    const handle = await startModelRun(store, { model: 'cpc', target: 'k10', params: {}, createdBy: 'analyst' }, async ({ runId }) => {
      await store.run('INSERT INTO model_scores (run_id, subscriber_id, score) VALUES ($id, 1, 50)', { id: runId });
      throw new Error('no customers to cluster');
    });
    await expect(handle.done).rejects.toThrow('no customers to cluster');
    const runs = await listModelRuns(store, { model: 'cpc', limit: 10, offset: 0 });
    expect(runs.items[0]).toMatchObject({ status: 'failed', error: 'no customers to cluster' });
    expect(await findLatestModelRun(store, 'cpc', 'k10')).toBeUndefined();
    const scores = await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM model_scores WHERE run_id = $id', { id: handle.runId });
    expect(scores?.n).toBe(0);
  });
  it('stops a cancelled training at its next progress report: run and job end cancelled, with none of its scores', async () => {
    let resume!: () => void;
    const paused = new Promise<void>((resolve) => (resume = resolve));
    let reachedEnd = false;
    const handle = await startModelRun(store, { model: 'lift', target: 'VAS_MAIL', params: {}, createdBy: 'analyst' }, async ({ runId, progress }) => {
      await store.run('INSERT INTO model_scores (run_id, subscriber_id, score) VALUES ($id, 1, 50)', { id: runId });
      progress(0.5, 'half way');
      await paused;
      progress(0.9, 'storing');
      reachedEnd = true;
      return { metrics: {} };
    });
    await cancelJob(store, handle.jobId, 'analyst', false);
    resume();
    await expect(handle.done).rejects.toBeInstanceOf(JobCancelled);
    expect(reachedEnd).toBe(false);
    const runs = await listModelRuns(store, { model: 'lift', limit: 10, offset: 0 });
    expect(runs.items[0]).toMatchObject({ status: 'cancelled', error: 'cancelled by analyst' });
    expect((await getJob(store, handle.jobId)).status).toBe('cancelled');
    expect(await findLatestModelRun(store, 'lift', 'VAS_MAIL')).toBeUndefined();
    const scores = await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM model_scores WHERE run_id = $id', { id: handle.runId });
    expect(scores?.n).toBe(0);
  });
});
