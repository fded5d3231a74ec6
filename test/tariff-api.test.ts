// Tariff communication over HTTP (Fastify inject) on a generated demo province of 300
// subscribers: the plan catalogue, the business-traveller simulation, its results, one
// customer's before/after, the best plans for a customer, the push to the outbox, and the
// requests it refuses.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoUsers } from '../src/auth/users.ts';
import { deleteEndpoint, setEndpoint } from '../src/channels/push.ts';
import { loadConfig } from '../src/config.ts';
import { generateProvince } from '../src/demo/generate.ts';
import { demoCandidatePlans, storeDemoTariffPlans } from '../src/demo/plans.ts';
import { JobCancelled, cancelJob } from '../src/jobs/jobs.ts';
import { buildApp } from '../src/server/app.ts';
import type { App } from '../src/server/context.ts';
import type { Store } from '../src/store/store.ts';
import { dataMonths, startSimulation, type CustomerResult, type TariffRun } from '../src/tariffs/simulation.ts';
import { tempStore } from './builders.ts';
import { basePlan } from './campaign-builders.ts';

let store: Store;
let app: App;
const tokens: Record<string, string> = {};
const businessTravellers = { field: 'planId', op: 'eq', value: 'GT_BIZ' };
const candidates = ['GT_BIZ_128', 'GT_BIZ_188', 'GT_DATA_68'];

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
const call = (method: Method, url: string, as = 'planner', payload?: unknown) =>
  app.inject({ method, url, headers: tokens[as] ? { authorization: `Bearer ${tokens[as]}` } : {}, payload: payload as never });

async function finished(jobId: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const job = (await call('GET', `/api/jobs/${jobId}`)).json();
    if (job.status === 'succeeded') return;
    if (job.status === 'failed') throw new Error(`job failed: ${job.error}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('job did not finish');
}

async function simulate(body: Record<string, unknown>): Promise<TariffRun> {
  const res = await call('POST', '/api/tariffs/simulations', 'planner', body);
  expect(res.statusCode, res.body).toBe(202);
  const { runId, jobId } = res.json();
  await finished(jobId);
  return (await call('GET', `/api/tariffs/runs/${runId}`)).json();
}

/** A small valid plan to edit in the bad-input table. */
const tinyPlan = (over: Record<string, unknown> = {}) => ({ id: 'TINY', nameZh: '测试套餐', monthlyFeeFen: 1000, rates: [{ class: 'local', groups: [{ from: 0, increment: 60, price: 10 }] }], ...over });

beforeAll(async () => {
  store = await tempStore('tariff-api');
  await generateProvince(store, { subscribers: 300, seed: 2 });
  await storeDemoTariffPlans(store);
  await ensureDemoUsers(store);
  // the outbox beside this test's database, as YITI_OUTBOX would set it
  app = await buildApp({ store, config: { ...loadConfig(), outboxDir: path.join(path.dirname(store.file), 'outbox') }, startup: { jobId: null, error: null } });
  for (const u of ['admin', 'planner', 'approver', 'analyst', 'operator']) {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: u, password: 'yiti-demo' } });
    tokens[u] = res.json().token;
  }
});

afterAll(async () => {
  await app?.close();
  await store?.close();
});

describe('the plan catalogue', () => {
  it('lists every plan with its definition, holders and whether it can be simulated', async () => {
    const res = await call('GET', '/api/tariffs/plans', 'operator');
    expect(res.statusCode).toBe(200);
    const plans = res.json() as Array<{ planId: string; defined: boolean; holders: number; brands: string[] | null; definition: { monthlyFeeFen: number } }>;
    expect(plans.every((p) => p.defined)).toBe(true);
    const biz = plans.find((p) => p.planId === 'GT_BIZ')!;
    expect(biz.holders).toBeGreaterThan(0);
    expect(biz.definition.monthlyFeeFen).toBe(15_800);
    expect(plans.find((p) => p.planId === 'GT_BIZ_128')).toMatchObject({ holders: 0, brands: ['gotone'] });
  });

  it('adds, reads, changes and deletes a plan, and audits each change', async () => {
    const created = await call('POST', '/api/tariffs/plans', 'planner', { service: 'voice', brands: ['easyown'], plan: tinyPlan() });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ planId: 'TINY', nameZh: '测试套餐', monthlyFeeFen: 1000, defined: true, brands: ['easyown'] });
    // defaults filled: the seed's exclusions and carried items
    expect(created.json().definition).toMatchObject({ exclude: ['vpmn'], carry: ['ip:12593', 'intl_ip:12593'], carryBillItems: ['other', 'vas'] });

    const changed = await call('PUT', '/api/tariffs/plans/TINY', 'planner', { plan: tinyPlan({ monthlyFeeFen: 1500 }) });
    expect(changed.statusCode).toBe(200);
    expect((await call('GET', '/api/tariffs/plans/TINY', 'analyst')).json().monthlyFeeFen).toBe(1500);

    expect((await call('DELETE', '/api/tariffs/plans/TINY')).statusCode).toBe(204);
    expect((await call('GET', '/api/tariffs/plans/TINY')).statusCode).toBe(404);
    const audit = (await call('GET', '/api/audit?pageSize=10', 'admin')).json().items.map((a: { action: string }) => a.action);
    expect(audit).toEqual(expect.arrayContaining(['tariff.plan.create', 'tariff.plan.update', 'tariff.plan.delete']));
  });

  it('checks a plan without saving it and imports a file of plans', async () => {
    const checked = await call('POST', '/api/tariffs/plans/validate', 'analyst', { plan: tinyPlan() });
    expect(checked.statusCode).toBe(200);
    expect(checked.json().plan.rounding).toEqual({ at: 'call', mode: 'up' });
    expect((await call('GET', '/api/tariffs/plans/TINY')).statusCode).toBe(404);

    const copy = { ...demoCandidatePlans()[0], plan: { ...demoCandidatePlans()[0].plan, id: 'GT_BIZ_128_WEB', nameZh: '全球通商旅畅行 128 元套餐（网厅专享）' } };
    const imported = await call('POST', '/api/tariffs/plans/import', 'planner', [copy, tinyPlan({ id: 'TINY2' })]);
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json().imported).toEqual([{ planId: 'GT_BIZ_128_WEB', created: true }, { planId: 'TINY2', created: true }]);
    const again = await call('POST', '/api/tariffs/plans/import', 'planner', tinyPlan({ id: 'TINY2', monthlyFeeFen: 0 }));
    expect(again.json().imported).toEqual([{ planId: 'TINY2', created: false }]);
  });
});

describe('the business-traveller scenario', () => {
  let run: TariffRun;
  let holders: number;

  beforeAll(async () => {
    holders = (await store.one<{ n: number }>(`SELECT count(*) AS n FROM subscribers WHERE plan_id = 'GT_BIZ'`))!.n;
    const segment = await call('POST', '/api/segments', 'planner', { name: '商旅套餐客户', filter: { all: [businessTravellers] } });
    expect(segment.statusCode).toBe(201);
    // GT_BIZ itself is a candidate too: it is every target's current plan, so it is priced but never recommended
    run = await simulate({ planIds: [...candidates, 'GT_BIZ'], segmentId: segment.json().segmentId });
  });

  it('runs as a job and summarizes: sub-optimal customers, the savings histogram, the revenue impact', async () => {
    expect(run.status).toBe('succeeded');
    expect(run.name).toBe('商旅套餐客户');
    expect(run.months).toEqual(['2026-08', '2026-09', '2026-10']);
    const s = run.summary!;
    expect(s.targetCount).toBe(holders);
    expect(s.priced + s.noBill).toBe(holders);
    expect(s.subOptimal).toBeGreaterThan(0);
    expect(s.subOptimalShare).toBeCloseTo(s.subOptimal / s.priced, 10);
    expect(s.savings.bins.reduce((n, b) => n + b.customers, 0)).toBe(s.subOptimal);
    expect(s.revenueImpactFen).toBe(-s.savingFen);
    expect(s.byPlan.map((p) => p.planId)).toEqual([...candidates, 'GT_BIZ']);
    expect(s.byPlan.find((p) => p.planId === 'GT_BIZ')).toMatchObject({ best: 0, saving: 0, revenueChangeFen: 0 });
    expect(s.referenceMonths).toBe(0);
  });

  it('pages and sorts the per-customer results with masked numbers, and filters them', async () => {
    const page1 = (await call('GET', `/api/tariffs/runs/${run.runId}/results?pageSize=5&sort=savingFen&order=desc`)).json();
    expect(page1.total).toBe(holders);
    const savings = page1.items.map((r: CustomerResult) => r.savingFen);
    expect([...savings].sort((a, b) => b - a)).toEqual(savings);
    for (const r of page1.items as CustomerResult[]) {
      expect(r.msisdn).toMatch(/^\d{3}\*{4}\d{4}$/);
      // re-rated under their own plan, they pay exactly what they were billed
      expect(r.costs.GT_BIZ).toBe(r.currentFen);
      if (r.outcome === 'better') {
        expect(r.savingFen).toBe(r.currentFen - r.costs[r.bestPlanIds[0]]);
        expect(r.recommended[0]).toBe(r.bestPlanIds[0]);
        expect(r.recommended).not.toContain('GT_BIZ');
      }
    }
    const asc = (await call('GET', `/api/tariffs/runs/${run.runId}/results?pageSize=200&sort=currentFen&order=asc`)).json().items.map((r: CustomerResult) => r.currentFen);
    expect([...asc].sort((a, b) => a - b)).toEqual(asc);
    const better = (await call('GET', `/api/tariffs/runs/${run.runId}/results?outcome=better&pageSize=200`)).json();
    expect(better.total).toBe(run.summary!.subOptimal);
  });

  it('drills into a customer: month by month and class by class, agreeing with the stored result', async () => {
    const [top] = (await call('GET', `/api/tariffs/runs/${run.runId}/results?pageSize=1&outcome=better`)).json().items as CustomerResult[];
    const res = await call('GET', `/api/tariffs/runs/${run.runId}/customers/${top.subscriberId}`);
    expect(res.statusCode, res.body).toBe(200);
    const { result, comparison } = res.json();
    expect(result.subscriberId).toBe(top.subscriberId);
    expect(comparison.planId).toBe(top.bestPlanIds[0]);
    // the drill-down rates call by call: the fast path's stored cost must agree to the fen
    expect(comparison.afterFen).toBe(top.costs[top.bestPlanIds[0]]);
    expect(comparison.billedFen).toBe(top.currentFen);
    expect(comparison.months).toHaveLength(top.monthsBilled);
    for (const m of comparison.months) {
      expect(m.lines.reduce((s: number, l: { afterFen: number }) => s + l.afterFen, 0)).toBe(m.afterFen);
      expect(m.lines.reduce((s: number, l: { beforeFen: number | null }) => s + (l.beforeFen ?? 0), 0)).toBe(m.billedFen);
      expect(m.lines.find((l: { kind: string }) => l.kind === 'fee')).toMatchObject({ beforeFen: 15_800 });
    }
    const underOwn = (await call('GET', `/api/tariffs/runs/${run.runId}/customers/${top.subscriberId}?planId=GT_BIZ`)).json().comparison;
    expect(underOwn.afterFen).toBe(top.currentFen);
  });

  it('exports the results as CSV, masked for a planner and in full for an admin (audited)', async () => {
    const planner = await call('GET', `/api/tariffs/runs/${run.runId}/results.csv`);
    expect(planner.statusCode).toBe(200);
    expect(planner.headers['content-type']).toContain('text/csv');
    const lines = planner.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toContain('cost_GT_BIZ_128_yuan');
    expect(lines).toHaveLength(holders + 1);
    expect(lines[1].split(',')[1]).toMatch(/^\d{3}\*{4}\d{4}$/);
    const admin = await call('GET', `/api/tariffs/runs/${run.runId}/results.csv?outcome=better`, 'admin');
    const adminLines = admin.body.trim().split('\r\n');
    expect(adminLines).toHaveLength(run.summary!.subOptimal + 1);
    expect(adminLines[1].split(',')[1]).toMatch(/^\d{11}$/);
    const audit = (await call('GET', '/api/audit?action=tariff.export', 'admin')).json().items;
    expect(audit[0]).toMatchObject({ actor: 'admin', target: `tariff_run:${run.runId}`, detail: { msisdn: 'full' } });
  });

  it('pushes the recommendations per channel as CSV + manifest in the outbox, masked unless allowed', async () => {
    const res = await call('POST', `/api/tariffs/runs/${run.runId}/push`, 'planner', { channels: ['web', 'store', 'outbound'] });
    expect(res.statusCode, res.body).toBe(200);
    const { folder, manifests } = res.json();
    expect(path.dirname(folder)).toBe(path.join(path.dirname(store.file), 'outbox'));
    expect(manifests.map((m: { channel: string }) => m.channel)).toEqual(['web', 'store', 'outbound']);
    const reachable = (await store.one<{ n: number }>(
      `SELECT count(*) AS n FROM tariff_run_results r JOIN subscribers s USING (subscriber_id)
       WHERE r.run_id = $run AND r.outcome = 'better' AND NOT s.dnd AND s.status = 'active'`,
      { run: run.runId },
    ))!.n;
    for (const m of manifests) {
      const bytes = fs.readFileSync(path.join(path.dirname(folder), m.file));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(m.sha256);
      const rows = bytes.toString('utf8').trim().split('\r\n').slice(1);
      expect(rows).toHaveLength(m.rows);
      expect(m.rows).toBe(m.channel === 'outbound' ? reachable : run.summary!.subOptimal);
      expect(m.msisdn).toBe('masked');
      expect(rows.every((r) => /^\d+,\d{3}\*{4}\d{4},/.test(r))).toBe(true);
      expect(JSON.parse(fs.readFileSync(path.join(folder, `${m.channel}.manifest.json`), 'utf8'))).toEqual(m);
    }
    const full = (await call('POST', `/api/tariffs/runs/${run.runId}/push`, 'admin', { channels: ['web'] })).json();
    expect(full.manifests[0].msisdn).toBe('full');
    const audit = (await call('GET', '/api/audit?action=tariff.push', 'admin')).json().items;
    expect(audit.map((a: { actor: string }) => a.actor)).toEqual(['admin', 'planner']);
  });

  it("sends a channel's list to its HTTP endpoint too, with the run in the headers, and records the delivery", async () => {
    const received: Array<{ headers: http.IncomingHttpHeaders; body: Buffer }> = [];
    const receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks) });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const { port } = receiver.address() as { port: number };
      await setEndpoint(store, 'web', { url: `http://127.0.0.1:${port}/tariff`, maxAttempts: 2, backoffMs: 10 }, 'admin');
      const res = await call('POST', `/api/tariffs/runs/${run.runId}/push`, 'planner', { channels: ['web', 'store'] });
      expect(res.statusCode, res.body).toBe(200);
      const { manifests, deliveries } = res.json();
      // a file for each channel; the web list also over HTTP (the store desk has no endpoint)
      expect(deliveries.map((d: { channelId: string; method: string }) => `${d.channelId}/${d.method}`)).toEqual(['web/file', 'web/http', 'store/file']);
      const sent = deliveries.find((d: { method: string }) => d.method === 'http');
      let status = sent.status;
      for (let i = 0; i < 200 && status === 'pending'; i++) {
        await new Promise((r) => setTimeout(r, 25));
        status = (await call('GET', `/api/deliveries/${sent.deliveryId}`)).json().delivery.status;
      }
      expect(status).toBe('delivered');
      expect(received).toHaveLength(1);
      const web = manifests.find((m: { channel: string }) => m.channel === 'web');
      expect(createHash('sha256').update(received[0].body).digest('hex')).toBe(web.sha256);
      expect(received[0].headers).toMatchObject({ 'x-yiti-tariff-run-id': String(run.runId), 'x-yiti-rows': String(web.rows), 'x-yiti-channel': 'web' });
    } finally {
      await deleteEndpoint(store, 'web');
      receiver.close();
    }
  });

  it("turns the run's recommendations into a segment a campaign can target, whole or by best plan", async () => {
    const preview = async (filter: unknown) => call('POST', '/api/segments/preview', 'planner', { filter });
    const all = await preview({ tariffRecommended: { runId: run.runId } });
    expect(all.statusCode, all.body).toBe(200);
    expect(all.json().count).toBe(run.summary!.subOptimal);
    const byPlan = await Promise.all(candidates.map(async (planId) => (await preview({ tariffRecommended: { runId: run.runId, planId } })).json().count as number));
    const best = run.summary!.byPlan.filter((p) => candidates.includes(p.planId));
    // every recommended customer has one first-ranked plan; ties go to the one listed first
    expect(byPlan.reduce((a, b) => a + b, 0)).toBe(run.summary!.subOptimal);
    byPlan.forEach((n, i) => expect(n).toBeLessThanOrEqual(best[i].best));
    // combined with other conditions, and saved for the campaign editor
    const saved = await call('POST', '/api/segments', 'planner', {
      name: `资费推荐 run ${run.runId}`,
      filter: { all: [{ tariffRecommended: { runId: run.runId } }, { field: 'dnd', op: 'isFalse' }] },
    });
    expect(saved.statusCode, saved.body).toBe(201);
    // the run cannot be deleted from under the segment
    const refused = await call('DELETE', `/api/tariffs/runs/${run.runId}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'RUN_IN_USE', message: expect.stringContaining(`saved segment "资费推荐 run ${run.runId}" (${saved.json().segmentId})`) });
    expect((await call('GET', `/api/tariffs/runs/${run.runId}`)).statusCode).toBe(200);
    expect((await call('DELETE', `/api/segments/${saved.json().segmentId}`)).statusCode).toBe(204);
    const bad = await preview({ tariffRecommended: { runId: 0, plan: 'X' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'INVALID_SEGMENT', field: 'filter.tariffRecommended.plan' });
  });

  it("runs a campaign on the run's recommendations: its targets are the recommended customers, less the ones it may not contact", async () => {
    const plan = basePlan({
      name: '商旅套餐升级 Business-traveller plan',
      category: 'tariff',
      offers: [{ productId: 'GT_BIZ_128', scripts: { web: '为您推荐更省钱的商旅套餐……' } }],
      target: { kind: 'filter', filter: { tariffRecommended: { runId: run.runId } } },
      channels: [{ channelId: 'web', segment: 'online' }],
    });
    const created = await call('POST', '/api/campaigns', 'planner', plan);
    expect(created.statusCode, created.body).toBe(201);
    let c = created.json();
    for (const [action, as] of [['submit', 'planner'], ['approve', 'approver'], ['schedule', 'planner']] as const) {
      const res = await call('POST', `/api/campaigns/${c.campaignId}/${action}`, as, { version: c.version });
      expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
      c = res.json();
    }
    const t = c.targets;
    expect(t.treatment + t.control + t.excluded).toBe(run.summary!.subOptimal);
    expect(t.treatment).toBeGreaterThan(0);
    // a draft on the run keeps it from being deleted; once a campaign's targets are chosen, it no longer needs the run
    const draft = await call('POST', '/api/campaigns', 'planner', { ...plan, name: '商旅套餐升级 draft' });
    expect(draft.statusCode, draft.body).toBe(201);
    const refused = await call('DELETE', `/api/tariffs/runs/${run.runId}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toContain(`campaign "商旅套餐升级 draft" (${draft.json().campaignId})`);
    expect(refused.json().message).not.toContain(`(${c.campaignId})`);
    expect((await call('DELETE', `/api/campaigns/${draft.json().campaignId}?version=${draft.json().version}`, 'planner')).statusCode).toBe(204);
  });

  it('ranks the best plans for one customer for the customer 360', async () => {
    const [top] = (await call('GET', `/api/tariffs/runs/${run.runId}/results?pageSize=1&outcome=better`)).json().items as CustomerResult[];
    const res = await call('GET', `/api/tariffs/customers/${top.subscriberId}/best-plans?limit=3`, 'operator');
    expect(res.statusCode, res.body).toBe(200);
    const best = res.json();
    expect(best.billedFen).toBe(top.currentFen);
    const costs = best.plans.map((p: { costFen: number }) => p.costFen);
    expect([...costs].sort((a, b) => a - b)).toEqual(costs);
    expect(best.plans.find((p: { current: boolean }) => p.current)).toMatchObject({ planId: 'GT_BIZ', costFen: top.currentFen, savingFen: 0 });
    expect(best.plans.filter((p: { current: boolean }) => !p.current)).toHaveLength(3);
    expect(best.plans.every((p: { eligible: boolean }) => p.eligible)).toBe(true);
  });

  it('handles ties and "no better plan"', async () => {
    // GT_BIZ_128_WEB (imported above) is GT_BIZ_128 under another id: every saving ties
    const tie = await simulate({ planIds: ['GT_BIZ_128', 'GT_BIZ_128_WEB'], filter: businessTravellers });
    const rows = (await call('GET', `/api/tariffs/runs/${tie.runId}/results?outcome=better&pageSize=200`)).json().items as CustomerResult[];
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.bestPlanIds).toEqual(['GT_BIZ_128', 'GT_BIZ_128_WEB']);
    expect(tie.summary!.byPlan.map((p) => p.best)).toEqual([rows.length, rows.length]);

    // an Easy-Own plan is not sold to GoTone customers: nobody gets a better plan
    const none = await simulate({ planIds: ['EO_LOCAL_8'], filter: businessTravellers });
    expect(none.summary).toMatchObject({ subOptimal: 0, savingFen: 0, revenueImpactFen: 0, savings: { bins: [] } });
    const nb = (await call('GET', `/api/tariffs/runs/${none.runId}/results?pageSize=1`)).json().items[0];
    expect(nb).toMatchObject({ outcome: 'no_better', bestPlanIds: [], recommended: [], bestFen: null, savingFen: 0 });
  });

  it('hands the customer-months whose allowance runs out in call order to the per-call rater, and says how many', async () => {
    // 100 minutes shared by three classes at three prices: what is left over depends on the order of the calls
    const shared = {
      id: 'GT_SHARED_100',
      nameZh: '全球通共享 100 分钟',
      monthlyFeeFen: 5_000,
      allowances: [{ id: 'minutes', classes: ['local', 'dld', 'roam_inter'], amount: 100, unit: 'minute' }],
      rates: [
        { class: 'local', groups: [{ from: 0, increment: 60, price: 15 }] },
        { class: 'dld', groups: [{ from: 0, increment: 60, price: 30 }] },
        { class: 'roam_inter', groups: [{ from: 0, increment: 60, price: 50 }] },
      ],
    };
    expect((await call('POST', '/api/tariffs/plans/import', 'planner', shared)).statusCode).toBe(200);
    const fallback = await simulate({ planIds: ['GT_SHARED_100'], filter: businessTravellers });
    expect(fallback.summary!.referenceMonths).toBeGreaterThan(0);
    const [row] = (await call('GET', `/api/tariffs/runs/${fallback.runId}/results?pageSize=1&sort=subscriberId&order=asc`)).json().items as CustomerResult[];
    const drill = (await call('GET', `/api/tariffs/runs/${fallback.runId}/customers/${row.subscriberId}`)).json();
    expect(drill.comparison.afterFen).toBe(row.costs.GT_SHARED_100);
  });

  it('prices on a worker thread exactly as on the job thread, per-call rater included', async () => {
    // a run of more than one chunk prices on a worker; this one is made to, and compared row by row
    const request = { planIds: [...candidates, 'GT_SHARED_100'], filter: businessTravellers };
    const here = await startSimulation(store, request, 'planner', undefined, { worker: false });
    const there = await startSimulation(store, request, 'planner', undefined, { worker: true });
    const [a, b] = [await here.done, await there.done];
    expect(b).toEqual(a);
    expect(b.referenceMonths).toBeGreaterThan(0);
    const rows = (runId: number) =>
      store.query(`SELECT * EXCLUDE (run_id) REPLACE (CAST(notes AS VARCHAR) AS notes) FROM tariff_run_results WHERE run_id = $run ORDER BY subscriber_id`, { run: runId });
    const [rowsHere, rowsThere] = [await rows(here.runId), await rows(there.runId)];
    expect(rowsThere.length).toBe(holders);
    expect(rowsThere).toEqual(rowsHere);
  });

  it('lists the runs newest first', async () => {
    const list = (await call('GET', '/api/tariffs/runs?pageSize=50', 'operator')).json();
    expect(list.total).toBeGreaterThanOrEqual(3);
    expect(list.items[list.items.length - 1].runId).toBe(run.runId);
  });
});

describe('deleting a run', () => {
  it('removes a finished run with its target and results, audited; refuses a running one, a stranger and a repeat', async () => {
    const doomed = await simulate({ planIds: ['GT_BIZ_128'], filter: businessTravellers });
    const count = async (table: string) => (await store.one<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE run_id = $run`, { run: doomed.runId }))!.n;
    expect(await count('tariff_run_results')).toBeGreaterThan(0);
    expect(await count('tariff_run_targets')).toBeGreaterThan(0);

    // an operator may read runs but not delete them
    const stranger = await call('DELETE', `/api/tariffs/runs/${doomed.runId}`, 'operator');
    expect(stranger.statusCode).toBe(403);

    const res = await call('DELETE', `/api/tariffs/runs/${doomed.runId}`);
    expect(res.statusCode, res.body).toBe(204);
    expect((await call('GET', `/api/tariffs/runs/${doomed.runId}`)).statusCode).toBe(404);
    expect(await count('tariff_run_results')).toBe(0);
    expect(await count('tariff_run_targets')).toBe(0);
    const audit = (await call('GET', '/api/audit?action=tariff.run.delete', 'admin')).json().items;
    expect(audit[0]).toMatchObject({ action: 'tariff.run.delete', target: `tariff_run:${doomed.runId}` });

    const again = await call('DELETE', `/api/tariffs/runs/${doomed.runId}`);
    expect(again.statusCode).toBe(404);

    // a run whose job is still running stays
    const jobId = crypto.randomUUID();
    await store.run(`INSERT INTO jobs (job_id, kind, status, params, created_by) VALUES ($id, 'tariff.simulate', 'running', '{}', 'planner')`, { id: jobId });
    const running = await store.one<{ id: number }>(
      `INSERT INTO tariff_runs (name, job_id, plan_ids, filter, months, min_saving_fen, target_count, created_by)
       VALUES ('running', $job, ['GT58'], '{}', ['2026-10'], 0, 0, 'planner') RETURNING run_id AS id`,
      { job: jobId },
    );
    const busy = await call('DELETE', `/api/tariffs/runs/${running!.id}`);
    expect(busy.statusCode).toBe(409);
    expect(busy.json().code).toBe('RUN_RUNNING');
    expect((await call('GET', `/api/tariffs/runs/${running!.id}`)).statusCode).toBe(200);
  });
});

describe('cancelling a run', () => {
  it('stops between chunks, removes the results stored so far and ends the job as cancelled; the run can then be deleted', async () => {
    let jobId: string | undefined;
    let asked = false;
    const started = await startSimulation(store, { planIds: candidates, filter: businessTravellers }, 'planner', (_fraction, message) => {
      // the planner cancels as soon as the first chunk is being profiled
      if (asked || !message?.startsWith('profiling')) return;
      asked = true;
      void cancelJob(store, jobId!, 'planner', false);
    });
    jobId = started.jobId;
    await expect(started.done).rejects.toBeInstanceOf(JobCancelled);
    expect(asked).toBe(true);

    const job = (await call('GET', `/api/jobs/${jobId}`)).json();
    expect(job).toMatchObject({ status: 'cancelled', error: 'cancelled by planner', cancellable: false });
    const run = (await call('GET', `/api/tariffs/runs/${started.runId}`)).json();
    expect(run.status).toBe('cancelled');
    expect(run.finishedAt).not.toBeNull();
    const results = await store.one<{ n: number }>('SELECT count(*) AS n FROM tariff_run_results WHERE run_id = $run', { run: started.runId });
    expect(results!.n).toBe(0);
    expect((await call('DELETE', `/api/tariffs/runs/${started.runId}`)).statusCode).toBe(204);
  });
});

describe('requests it refuses', () => {
  const badPlans: Array<[string, unknown, string, RegExp]> = [
    ['a negative price', tinyPlan({ rates: [{ class: 'local', groups: [{ from: 0, increment: 60, price: -1 }] }] }), 'plan.rates[0].groups[0].price', /must not be negative/],
    [
      'overlapping bands',
      tinyPlan({ bands: { rules: [{ band: 'peak', days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '20:00' }, { band: 'offpeak', days: [1, 2, 3, 4, 5, 6, 7], from: '18:00', to: '24:00' }] } }),
      'plan.bands.rules[1]',
      /overlaps/,
    ],
    [
      'tiers out of order',
      tinyPlan({ tieredCharges: [{ id: 't', classes: ['sms'], mode: 'graduated', unitSize: 1, tiers: [{ from: 0, to: 100, price: 0 }, { from: 50, to: null, price: 10 }] }] }),
      'plan.tieredCharges[0].tiers[1].from',
      /overlaps the tier before/,
    ],
    ['an unknown class', tinyPlan({ rates: [{ class: 'telepathy', groups: [{ from: 0, increment: 1, price: 1 }] }] }), 'plan.rates[0].class', /unknown class 'telepathy'/],
    ['a missing monthly fee', { id: 'X', rates: [] }, 'plan.monthlyFeeFen', /required/],
  ];
  for (const [what, plan, field, reason] of badPlans) {
    it(`refuses a plan with ${what}, naming ${field}`, async () => {
      const res = await call('POST', '/api/tariffs/plans', 'planner', { plan });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'INVALID_PLAN', field });
      expect(res.json().message).toMatch(reason);
    });
  }

  const cases: Array<[string, Method, string, unknown, number, Record<string, unknown>]> = [
    ['a second plan with the same id', 'POST', '/api/tariffs/plans', { plan: tinyPlan({ id: 'GT_BIZ_128' }) }, 409, { code: 'DUPLICATE_PLAN', field: 'plan.id' }],
    ['a change that renames the plan', 'PUT', '/api/tariffs/plans/GT_BIZ_188', { plan: tinyPlan({ id: 'OTHER' }) }, 400, { field: 'plan.id' }],
    ['deleting a plan people hold', 'DELETE', '/api/tariffs/plans/GT88', undefined, 409, { code: 'PLAN_IN_USE' }],
    ['an import whose second plan is broken', 'POST', '/api/tariffs/plans/import', [tinyPlan({ id: 'OK1' }), { id: 'BAD' }], 400, { field: '[1].monthlyFeeFen' }],
    ['a simulation of an unknown plan', 'POST', '/api/tariffs/simulations', { planIds: ['GT_BIZ_128', 'NOPE'], filter: businessTravellers }, 400, { code: 'UNKNOWN_PLAN', field: 'planIds[1]' }],
    ['a simulation over an empty segment', 'POST', '/api/tariffs/simulations', { planIds: candidates, filter: { field: 'planId', op: 'eq', value: 'NOBODY' } }, 400, { code: 'EMPTY_SEGMENT', field: 'filter' }],
    ['a simulation with both a segment and a filter', 'POST', '/api/tariffs/simulations', { planIds: candidates, segmentId: 1, filter: businessTravellers }, 400, { field: 'segmentId' }],
    ['a simulation of a saved segment that does not exist', 'POST', '/api/tariffs/simulations', { planIds: candidates, segmentId: 999 }, 400, { code: 'UNKNOWN_SEGMENT', field: 'segmentId' }],
    ['a simulation with a filter on an unknown field', 'POST', '/api/tariffs/simulations', { planIds: candidates, filter: { field: 'shoeSize', op: 'eq', value: 42 } }, 400, { code: 'INVALID_SEGMENT', field: 'filter.field' }],
    ['a simulation over months without bills', 'POST', '/api/tariffs/simulations', { planIds: candidates, filter: businessTravellers, months: ['2020-01'] }, 400, { code: 'NO_DATA', field: 'months[0]' }],
    ['a simulation without candidate plans', 'POST', '/api/tariffs/simulations', { planIds: [], filter: businessTravellers }, 400, { code: 'VALIDATION_FAILED', field: 'planIds' }],
    ['results of a run that does not exist', 'GET', '/api/tariffs/runs/9999/results', undefined, 404, { code: 'NOT_FOUND' }],
    ['results sorted by an unknown column', 'GET', '/api/tariffs/runs/1/results?sort=msisdn', undefined, 400, { code: 'VALIDATION_FAILED', field: 'sort' }],
    ['a push to an unknown channel', 'POST', '/api/tariffs/runs/1/push', { channels: ['pigeon'] }, 400, { code: 'VALIDATION_FAILED' }],
  ];
  for (const [what, method, url, body, status, expected] of cases) {
    it(`refuses ${what} with ${status}`, async () => {
      const res = await call(method, url, 'planner', body);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json()).toMatchObject(expected);
    });
  }

  it('refuses roles without the permission, and anyone without a session', async () => {
    expect((await call('POST', '/api/tariffs/plans', 'operator', { plan: tinyPlan({ id: 'OP' }) })).statusCode).toBe(403);
    expect((await call('POST', '/api/tariffs/simulations', 'operator', { planIds: candidates, filter: businessTravellers })).statusCode).toBe(403);
    expect((await call('POST', '/api/tariffs/runs/1/push', 'analyst', {})).statusCode).toBe(403);
    expect((await call('GET', '/api/tariffs/plans', 'nobody')).statusCode).toBe(401);
  });
});

describe('the data months a run re-rates', () => {
  it("are the province's, else the three latest billed months", async () => {
    const own = await tempStore('months');
    try {
      await own.run(`INSERT INTO bills (subscriber_id, bill_month, item, amount_fen) VALUES
        (1, '2026-07-01', 'monthly_fee', 100), (1, '2026-08-01', 'monthly_fee', 100), (2, '2026-08-01', 'sms', 10),
        (1, '2026-09-01', 'monthly_fee', 100), (1, '2026-10-01', 'monthly_fee', 100)`);
      expect(await dataMonths(own)).toEqual(['2026-08', '2026-09', '2026-10']);
      await own.run(`INSERT INTO province_meta VALUES ('data_months', '2026-09,2026-07,2026-08')`);
      expect(await dataMonths(own)).toEqual(['2026-07', '2026-08', '2026-09']);
    } finally {
      await own.close();
    }
  });
});
