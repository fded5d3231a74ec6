// `yiti model …` as a user runs it: a real process on a temp database file.
import { describe, expect, it } from 'vitest';
import { Store } from '../src/store/store.ts';
import { interruptedYiti, tempDbPath, yiti } from './builders.ts';

describe('yiti model', () => {
  const db = tempDbPath('models-cli');

  it('trains a propensity model on a CSV customer table with a label column and lists the run', async () => {
    const trained = await yiti('model', 'train-propensity', '--table-file', 'test/fixtures/telco-customer-churn.csv', '--label', 'Churn', '--db', db);
    expect(trained.stderr).not.toMatch(/error/i);
    expect(trained.code).toBe(0);
    expect(trained.stdout).toMatch(/Propensity run 1: Churn = true/);
    expect(trained.stdout).toMatch(/AUC held out 0\.8\d{3}/);
    expect(trained.stdout).toMatch(/left out customerID: has more than 50 distinct values/);
    const runs = await yiti('model', 'runs', '--db', db);
    expect(runs.code).toBe(0);
    expect(runs.stdout).toMatch(/propensity\s+file:telco-customer-churn\.csv:Churn v1\s+succeeded AUC 0\.8/);
  }, 60_000);

  it('refuses a label column with three values and exits non-zero', async () => {
    const run = await yiti('model', 'train-propensity', '--table-file', 'test/fixtures/telco-customer-churn.csv', '--label', 'Contract', '--db', db);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/INVALID_INPUT: The label column Contract has 3 values/);
  }, 60_000);
  it('stops a training on Ctrl-C: the run ends cancelled with no scores, and it exits 130', async () => {
    // interrupted at its first progress report
    const { code, stderr } = await interruptedYiti('train propensity:', 'model', 'train-propensity', '--table-file', 'test/fixtures/telco-customer-churn.csv', '--label', 'Churn', '--db', db);
    expect(code, stderr).toBe(130);
    const runId = Number(/Cancelled: model run (\d+) stopped and what it had written was removed/.exec(stderr)?.[1]);
    expect(runId).toBeGreaterThan(0);
    const runs = await yiti('model', 'runs', '--db', db);
    expect(runs.stdout).toMatch(/propensity\s+file:telco-customer-churn\.csv:Churn v\d+\s+cancelled/);
    const store = await Store.open(db);
    try {
      expect((await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM model_scores WHERE run_id = $run', { run: runId }))!.n).toBe(0);
    } finally {
      await store.close();
    }
  }, 60_000);
});
