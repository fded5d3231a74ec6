// The models over HTTP (Fastify inject) on a small demo province: training returns a job, the run
// carries its metrics, decile table and log, a customer's scores are readable, and bad requests
// and missing permissions are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoUsers } from '../src/auth/users.ts';
import { loadConfig } from '../src/config.ts';
import { generateProvince } from '../src/demo/generate.ts';
import { buildApp } from '../src/server/app.ts';
import type { App } from '../src/server/context.ts';
import type { Store } from '../src/store/store.ts';
import { tempStore } from './builders.ts';

let store: Store;
let app: App;
const tokens: Record<string, string> = {};

const as = (user: string) => ({ authorization: `Bearer ${tokens[user]}` });
const get = (url: string, user = 'analyst') => app.inject({ method: 'GET', url, headers: as(user) });
const post = (url: string, payload: unknown, user = 'analyst') => app.inject({ method: 'POST', url, payload: payload as object, headers: as(user) });

/** Polls the run until its job has ended, as the console does. */
async function finished(runId: number): Promise<{ run: { status: string; metrics: Record<string, unknown>; error: string | null }; log: Array<{ message: string }> }> {
  for (let i = 0; i < 600; i++) {
    const res = await get(`/api/models/runs/${runId}`);
    const body = res.json();
    if (body.run.status !== 'running') return body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`run ${runId} did not finish`);
}

beforeAll(async () => {
  store = await tempStore('models-api');
  await ensureDemoUsers(store);
  await generateProvince(store, { subscribers: 1500, seed: 11 });
  app = await buildApp({ store, config: loadConfig(), startup: { jobId: null, error: null } });
  for (const u of ['analyst', 'planner']) {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: u, password: 'yiti-demo' } });
    tokens[u] = res.json().token;
  }
}, 120_000);

afterAll(async () => {
  await app?.close();
  await store?.close();
});

describe('propensity over HTTP', () => {
  let runId: number;

  it('starts training as a job and answers 202 with the run and job ids', async () => {
    const res = await post('/api/models/propensity', { label: { productId: 'FETION' } });
    expect(res.statusCode).toBe(202);
    runId = res.json().runId;
    expect(res.json().jobId).toMatch(/^[0-9a-f-]{36}$/);
    const { run, log } = await finished(runId);
    expect(run.status).toBe('succeeded');
    const metrics = run.metrics as { auc: { holdout: number }; deciles: unknown[]; topAttributes: unknown[] };
    expect(metrics.auc.holdout).toBeGreaterThan(0.75);
    expect(metrics.deciles).toHaveLength(10);
    expect(metrics.topAttributes.length).toBeGreaterThan(0);
    expect(log.some((l) => /held-out AUC/.test(l.message))).toBe(true);
  });

  it('lists runs per model, newest first, with a version per target', async () => {
    const again = await post('/api/models/propensity', { label: { productId: 'FETION' }, features: ['age', 'sms', 'handsetSmart'] });
    await finished(again.json().runId);
    const res = await get('/api/models/runs?model=propensity&target=FETION');
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((r: { version: number }) => r.version)).toEqual([2, 1]);
  });

  it("shows a subscriber's score from the newest run", async () => {
    const res = await get('/api/models/subscribers/1/scores', 'planner');
    expect(res.statusCode).toBe(200);
    const [score] = res.json();
    expect(score).toMatchObject({ model: 'propensity', target: 'FETION', version: 2, label: '' });
    expect(score.score).toBeGreaterThanOrEqual(0);
    expect(score.score).toBeLessThanOrEqual(100);
  });

  it("lists a run's score labels with their customers, for a segment's model-score condition", async () => {
    const res = await get(`/api/models/runs/${runId}/labels`, 'planner');
    expect(res.statusCode).toBe(200);
    const scored = await store.one<{ n: number; avg: number }>('SELECT count(*)::INTEGER AS n, round(avg(score), 1)::DOUBLE AS avg FROM model_scores WHERE run_id = $run', { run: runId });
    expect(res.json()).toEqual([{ label: '', customers: scored!.n, avgScore: scored!.avg }]);
    expect((await get('/api/models/runs/99999/labels')).statusCode).toBe(404);
  });

  it('refuses an unknown product with 400 naming the field, before any job starts', async () => {
    const res = await post('/api/models/propensity', { label: { productId: 'NOPE' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'INVALID_INPUT', field: 'label.productId' });
  });

  it('refuses a file source over HTTP', async () => {
    const res = await post('/api/models/propensity', { source: { kind: 'file', path: '/etc/passwd' }, label: { column: 'root' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('source.kind');
  });

  it('lets only a role with models.train start training', async () => {
    const res = await post('/api/models/propensity', { label: { productId: 'FETION' } }, 'planner');
    expect(res.statusCode).toBe(403);
  });

  it('answers 404 for a run that does not exist', async () => {
    expect((await get('/api/models/runs/99999')).statusCode).toBe(404);
  });
});
