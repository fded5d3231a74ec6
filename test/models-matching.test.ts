// Matching on hand-made model runs (the propensity and channel-preference contract: scores under
// model_runs, label '' / label = channel id). Four customers; customer 4 already holds Fetion.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchTargets } from '../src/models/matching.ts';
import { startModelRun } from '../src/models/runs.ts';
import type { Store } from '../src/store/store.ts';
import { tempStore } from './builders.ts';
import { smallProvince } from './campaign-builders.ts';

let store: Store;

async function runWithScores(model: string, target: string, rows: Array<[number, string, number]>): Promise<number> {
  const handle = await startModelRun(store, { model, target, params: {}, createdBy: 'test' }, async ({ runId }) => {
    for (const [sid, label, score] of rows) {
      await store.run('INSERT INTO model_scores (run_id, subscriber_id, label, score) VALUES ($run, $sid, $label, $score)', { run: runId, sid, label, score });
    }
    return { metrics: {} };
  });
  return (await handle.done).runId;
}

beforeAll(async () => {
  store = await tempStore('models-matching');
  await smallProvince(store, 10);
  await store.run("INSERT INTO holdings (subscriber_id, product_id, start_date) VALUES (4, 'FETION', DATE '2026-01-01')");
  await runWithScores('propensity', 'FETION', [[1, '', 90], [2, '', 60], [3, '', 80], [4, '', 99]]);
  await runWithScores('channel_preference', 'channels', [
    // customer 1 prefers the SMS hall, which is unfit (C) for Fetion by default: the app comes next
    [1, 'sms_hall', 95], [1, 'app', 50], [1, 'store', 40],
    [2, 'app', 90],
    [3, 'store', 100], [3, 'app', 70],
    [4, 'app', 100],
  ]);
});
afterAll(async () => store?.close());

describe('customer–business–channel matching', () => {
  it('ranks non-holders by propensity × preference × fit, each with the best fitting channel', async () => {
    const m = await matchTargets(store, 'FETION', { limit: 10 });
    // FETION: app is A (weight 1), store is B (0.7), sms_hall is C (excluded)
    // 1: app 90×50/100 = 45 (store 90×40×0.7/100 = 25.2); 2: app 54; 3: app 80×70 = 56 vs store 80×100×0.7 = 56 → tie, app by name
    expect(m.targets.map((t) => [t.subscriberId, t.channelId, Math.round(t.score * 10) / 10, t.grade])).toEqual([
      [3, 'app', 56, 'A'],
      [2, 'app', 54, 'A'],
      [1, 'app', 45, 'A'],
    ]);
    expect(m.targets.some((t) => t.subscriberId === 4)).toBe(false);
  });

  it('takes the top N only and a propensity floor', async () => {
    expect((await matchTargets(store, 'FETION', { limit: 1 })).targets.map((t) => t.subscriberId)).toEqual([3]);
    expect((await matchTargets(store, 'FETION', { limit: 10, minPropensity: 85 })).targets.map((t) => t.subscriberId)).toEqual([1]);
  });

  it('says which model is missing', async () => {
    await expect(matchTargets(store, 'MAIL139', { limit: 10 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(matchTargets(store, 'FETION', { limit: 0 })).rejects.toMatchObject({ field: 'limit' });
  });
});
