// What a process that died part-way leaves behind is put right at the next open: its jobs fail,
// its model runs fail without scores, its tariff runs lose their partial results; finished work
// is left alone. The CLI does it too, since DuckDB lets only one process write the file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recoverInterruptedWork } from '../src/jobs/recover.ts';
import { Store } from '../src/store/store.ts';
import { tempDbPath, yiti } from './builders.ts';

const file = tempDbPath('recover');
let store: Store;

/** A job in `status` with a tariff run (two results) and a model run (one score) under it. */
async function workUnder(jobId: string, status: string, runStatus: string): Promise<{ tariffRun: number; modelRun: number }> {
  await store.run(`INSERT INTO jobs (job_id, kind, status, created_by) VALUES ($id, 'tariff.simulate', $status, 'planner')`, { id: jobId, status });
  const tariff = await store.one<{ id: number }>(
    `INSERT INTO tariff_runs (name, job_id, plan_ids, filter, months, target_count, created_by, finished_at)
     VALUES ($id, $id, ['GT58'], '{}', ['2026-10'], 2, 'planner', CASE WHEN $status = 'running' THEN NULL ELSE current_localtimestamp() END) RETURNING run_id AS id`,
    { id: jobId, status },
  );
  for (const sid of [1, 2]) {
    await store.run(
      `INSERT INTO tariff_run_results (run_id, subscriber_id, current_plan_id, months_billed, current_fen, costs, outcome, best_plan_ids, recommended, saving_fen, revenue_change_fen)
       VALUES ($run, $sid, 'GT58', 1, 100, [90], 'better', ['GT58'], ['GT58'], 10, -10)`,
      { run: tariff!.id, sid },
    );
  }
  const model = await store.one<{ id: number }>(
    `INSERT INTO model_runs (model, target, version, status, params, job_id, created_by) VALUES ('lift', $id, 1, $runStatus, '{}', $id, 'analyst') RETURNING run_id AS id`,
    { id: jobId, runStatus },
  );
  await store.run('INSERT INTO model_scores (run_id, subscriber_id, score) VALUES ($run, 1, 50)', { run: model!.id });
  return { tariffRun: tariff!.id, modelRun: model!.id };
}

const count = async (sql: string, run: number) => (await store.one<{ n: number }>(sql, { run }))!.n;

beforeAll(async () => {
  store = await Store.open(file);
});
afterAll(async () => store?.close());

describe('recovering interrupted work', () => {
  it('fails what was running and removes its partial output, leaving finished work alone', async () => {
    const died = await workUnder('died', 'running', 'running');
    const finished = await workUnder('finished', 'succeeded', 'succeeded');
    await recoverInterruptedWork(store);

    expect(await store.one('SELECT status, error FROM jobs WHERE job_id = $id', { id: 'died' })).toEqual({ status: 'failed', error: 'interrupted: the process stopped while this job ran' });
    expect(await store.one('SELECT status FROM jobs WHERE job_id = $id', { id: 'finished' })).toEqual({ status: 'succeeded' });
    expect(await count('SELECT count(*) AS n FROM tariff_run_results WHERE run_id = $run', died.tariffRun)).toBe(0);
    expect(await count('SELECT count(*) AS n FROM tariff_runs WHERE run_id = $run AND finished_at IS NOT NULL', died.tariffRun)).toBe(1);
    expect(await count('SELECT count(*) AS n FROM tariff_run_results WHERE run_id = $run', finished.tariffRun)).toBe(2);
    expect(await store.one('SELECT status, error FROM model_runs WHERE run_id = $run', { run: died.modelRun })).toEqual({
      status: 'failed',
      error: 'interrupted: the process stopped while this training ran',
    });
    expect(await count('SELECT count(*) AS n FROM model_scores WHERE run_id = $run', died.modelRun)).toBe(0);
    expect(await count('SELECT count(*) AS n FROM model_scores WHERE run_id = $run', finished.modelRun)).toBe(1);
  });

  it('is done by the CLI when it opens the file', async () => {
    await workUnder('cli-died', 'running', 'running');
    await store.close();
    try {
      const jobs = await yiti('jobs', '--db', file);
      expect(jobs.code, jobs.stderr).toBe(0);
      expect(jobs.stdout).toMatch(/tariff\.simulate\s+failed/);
      expect(jobs.stdout).not.toMatch(/running/);
    } finally {
      store = await Store.open(file);
    }
  }, 60_000);
});
