// The multi-target decision tree on a demo province. Planted (src/demo/catalogue.ts): students
// (15–24, M-Zone, ~97 SMS a month) hold Fetion at 75% and trendy youth (18–32) at 55%, against
// 2–5% for seniors and rural customers; seniors and rural customers contact the store, IVR and the
// 10086 agent, youth the app, WAP and SMS hall. One tree on both targets must recover both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoUsers } from '../src/auth/users.ts';
import { loadConfig } from '../src/config.ts';
import { generateProvince } from '../src/demo/generate.ts';
import { startMatchingTree, validateMatchingTree, type MatchingTreeMetrics } from '../src/models/matching-tree.ts';
import { getModelRun } from '../src/models/runs.ts';
import { buildApp } from '../src/server/app.ts';
import type { Store } from '../src/store/store.ts';
import { tempStore } from './builders.ts';

let store: Store;
let runId: number;
let metrics: MatchingTreeMetrics;

beforeAll(async () => {
  store = await tempStore('models-tree');
  await generateProvince(store, { subscribers: 3000, seed: 1 });
  const started = await startMatchingTree(store, { products: ['FETION', 'ROAM_PACK', 'NEWS'], maxDepth: 4, minLeafSize: 60 }, 'analyst');
  runId = started.runId;
  await started.done;
  metrics = (await getModelRun(store, runId)).metrics as MatchingTreeMetrics;
}, 120_000);
afterAll(async () => store?.close());

/** Share of a persona's customers whose predicted channel is physical or voice. */
async function physicalOrVoiceShare(persona: string): Promise<number> {
  const row = await store.one<{ share: number }>(
    `SELECT avg(CASE WHEN c.kind IN ('physical', 'voice') THEN 1 ELSE 0 END) AS share
     FROM model_scores m JOIN demo_personas p USING (subscriber_id) JOIN channels c ON c.channel_id = split_part(m.label, '|', 2)
     WHERE m.run_id = $run AND p.persona = $persona`,
    { run: runId, persona },
  );
  return row!.share;
}

describe('matching tree on the demo province', () => {
  it('is stored as a run with its rules and one (product, channel) pair per customer', async () => {
    const run = await getModelRun(store, runId);
    expect(run).toMatchObject({ model: 'matching_tree', target: 'products', status: 'succeeded' });
    expect(metrics.leaves.length).toBeGreaterThan(3);
    expect(metrics.rules[0]).toMatch(/^IF .+ THEN \w+ \(.+%\) via \w+/);
    const scores = await store.one<{ n: number; customers: number; bad: number }>(
      `SELECT count(*)::INTEGER AS n, count(DISTINCT subscriber_id)::INTEGER AS customers,
         count(*) FILTER (WHERE score < 0 OR score > 100 OR label NOT LIKE '%|%')::INTEGER AS bad FROM model_scores WHERE run_id = $run`,
      { run: runId },
    );
    expect(scores).toEqual({ n: metrics.subscribers, customers: metrics.subscribers, bad: 0 });
  });

  it('puts Fetion takers in a young or SMS-heavy leaf, at well above the base rate', () => {
    const base = metrics.baseProducts.FETION;
    const leaf = metrics.nodes.filter((n) => !n.children).sort((a, b) => (b.products.FETION ?? 0) - (a.products.FETION ?? 0))[0];
    console.log(`Fetion base rate ${(100 * base).toFixed(1)}%; best leaf "${leaf.rule}" ${(100 * leaf.products.FETION).toFixed(1)}% of ${leaf.subscribers}`);
    expect(leaf.products.FETION).toBeGreaterThan(2 * base);
    const young = leaf.conditions.some(
      (c) => (c.feature === 'age' && c.op === '<=' && Number(c.value) <= 35) || (c.feature === 'sms' && c.op === '>') || (c.feature === 'dataMb' && c.op === '>') || (c.feature === 'brand' && c.op === '=' && c.value === 'mzone'),
    );
    expect(young).toBe(true);
  });

  it('sends seniors to physical or voice channels more often than youth', async () => {
    const seniors = await physicalOrVoiceShare('senior');
    const youth = await physicalOrVoiceShare('youth');
    const students = await physicalOrVoiceShare('student');
    console.log(`physical/voice channel predicted: seniors ${(100 * seniors).toFixed(0)}%, youth ${(100 * youth).toFixed(0)}%, students ${(100 * students).toFixed(0)}%`);
    expect(seniors).toBeGreaterThan(0.8);
    expect(seniors - youth).toBeGreaterThan(0.4);
  });

  it('refuses a depth out of range and an empty product list, naming the field', async () => {
    expect(() => validateMatchingTree({ products: ['FETION'], maxDepth: 9 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', field: 'maxDepth' }));
    expect(() => validateMatchingTree({ products: ['FETION'], maxDepth: 0 })).toThrow(expect.objectContaining({ field: 'maxDepth' }));
    await expect(startMatchingTree(store, { products: [] }, 'analyst')).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'products' });
    await expect(startMatchingTree(store, { products: ['FETION', 'NO_SUCH'] }, 'analyst')).rejects.toMatchObject({ field: 'products[1]' });
  });
});

describe('POST /api/models/matching-tree', () => {
  it('starts a run for a trainer, refuses a bad depth with its field, and refuses a reader', async () => {
    await ensureDemoUsers(store);
    const app = await buildApp({ store, config: loadConfig(), startup: { jobId: null, error: null } });
    try {
      const login = async (username: string) => (await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'yiti-demo' } })).json().token as string;
      const post = async (payload: object, user: string) =>
        app.inject({ method: 'POST', url: '/api/models/matching-tree', payload, headers: { authorization: `Bearer ${await login(user)}` } });
      const started = await post({ products: ['FETION'], maxDepth: 2 }, 'analyst');
      expect(started.statusCode).toBe(202);
      const { runId, jobId } = started.json();
      expect(typeof jobId).toBe('string');
      for (let i = 0; i < 300 && (await getModelRun(store, runId)).status === 'running'; i++) await new Promise((r) => setTimeout(r, 50));
      expect((await getModelRun(store, runId)).status).toBe('succeeded');
      const bad = await post({ products: ['FETION'], maxDepth: 12 }, 'analyst');
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ code: 'INVALID_INPUT', field: 'maxDepth' });
      expect((await post({ products: ['FETION'] }, 'planner')).statusCode).toBe(403);
    } finally {
      await app.close();
    }
  });
});
