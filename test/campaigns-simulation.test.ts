// Simulate before launch: a draft campaign's targets after eligibility and the contact policy, the
// expected responses, cost and channel load — with nothing kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelRun } from '../src/models/runs.ts';
import { wallSeconds } from '../src/policy/clock.ts';
import { policyEngine, stopPolicyEngine } from '../src/policy/engine.ts';
import type { Store } from '../src/store/store.ts';
import { tempStore } from './builders.ts';
import { basePlan, campaignApp, campaignIn, smallProvince, type Client } from './campaign-builders.ts';

let store: Store;
let client: Client;

// two days, so that the six VIPs on account managers with a capacity of one a day overflow it
const plan = basePlan({ waves: [{ name: 'W1', startDate: '2026-11-02', endDate: '2026-11-03' }] });

beforeAll(async () => {
  store = await tempStore('campaign-simulation');
  await smallProvince(store, 60);
  await store.run("UPDATE channels SET daily_capacity = 1 WHERE channel_id = 'account_mgr'");
  // everyone with id ≡ 1 (mod 5) complained a week before the wave: the policy keeps them quiet
  await store.run(`INSERT INTO contact_events (subscriber_id, event_time, channel_id, event_type, business, outcome)
    SELECT id, TIMESTAMP '2026-10-26 10:00:00', 'agent', 'complaint', 'bill_dispute', 'resolved' FROM range(1, 61, 5) r(id)`);
  await policyEngine(store, { clock: () => wallSeconds('2026-10-31 12:00:00') });
  client = await campaignApp(store);
});

afterAll(async () => {
  await client?.app.close();
  await stopPolicyEngine(store);
  await store?.close();
});

describe('simulate before launch', () => {
  it('says how many targets remain after eligibility and the policy, and why the others were removed', async () => {
    const { id } = await campaignIn(client, 'draft', plan);
    const res = await client.call('planner', 'POST', `/api/campaigns/${id}/simulate`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const sim = res.body;
    expect(sim.targets.named).toBe(60);
    const eligibility = Object.fromEntries(sim.removed.filter((r: { stage: string }) => r.stage === 'eligibility').map((r: { reason: string; subscribers: number }) => [r.reason, r.subscribers]));
    // ids ≡ 3, 7, 11 (mod 20) are suspended, in arrears, cancelled; ≡ 13 do-not-disturb; the global holdout is checked first
    const holdout = eligibility.holdout ?? 0;
    const abnormal = eligibility.status_suspended + eligibility.status_arrears + eligibility.status_cancelled + eligibility.dnd;
    expect(abnormal).toBeLessThanOrEqual(12);
    expect(abnormal + holdout).toBeGreaterThanOrEqual(12);
    expect(sim.targets.eligible).toBe(60 - abnormal - holdout);
    expect(sim.targets.eligible).toBe(sim.targets.treatment + sim.targets.control);
    const policy = sim.removed.filter((r: { stage: string }) => r.stage === 'policy');
    expect(policy.map((r: { reason: string }) => r.reason)).toEqual(['complained_recently']);
    // the complainers among the treatment targets: ids ≡ 1 (mod 5) that are eligible
    expect(policy[0].subscribers).toBeGreaterThan(0);
    expect(sim.targets.afterPolicy + policy[0].subscribers).toBe(sim.targets.treatment);
    expect(sim.byWaveChannel.reduce((n: number, r: { afterPolicy: number }) => n + r.afterPolicy, 0)).toBe(sim.targets.afterPolicy);
  });

  it('prices the contacts by channel against the budget and spreads them over the wave days against capacity', async () => {
    const { id } = await campaignIn(client, 'draft', plan);
    const sim = (await client.call('planner', 'POST', `/api/campaigns/${id}/simulate`)).body;
    const byChannel = Object.fromEntries(sim.cost.byChannel.map((c: { channelId: string; contacts: number; costFen: number }) => [c.channelId, c]));
    expect(byChannel.outbound.costFen).toBe(byChannel.outbound.contacts * 150);
    expect(byChannel.account_mgr.costFen).toBe(byChannel.account_mgr.contacts * 1000);
    expect(sim.cost.contactFen).toBe(byChannel.outbound.costFen + byChannel.account_mgr.costFen);
    expect(sim.cost.budgetFen).toBe(170_000);
    expect(sim.cost.expectedFen).toBe(sim.cost.contactFen + 150_000);

    const load = sim.channelLoad.filter((l: { channelId: string }) => l.channelId === 'account_mgr');
    expect(load.map((l: { date: string }) => l.date)).toEqual(['2026-11-02', '2026-11-03']);
    expect(load.reduce((n: number, l: { contacts: number }) => n + l.contacts, 0)).toBe(byChannel.account_mgr.contacts);
    expect(load.every((l: { capacity: number }) => l.capacity === 1)).toBe(true);
    expect(load.some((l: { overCapacity: boolean }) => l.overCapacity)).toBe(byChannel.account_mgr.contacts > 2);
    expect(sim.warnings.map((w: { code: string }) => w.code)).toContain('OVER_CAPACITY');
  });

  it('expects responses from the offer\'s history when no propensity model exists, and keeps nothing', async () => {
    const { id } = await campaignIn(client, 'draft', plan);
    const none = (await client.call('planner', 'POST', `/api/campaigns/${id}/simulate`)).body;
    expect(none.expected).toMatchObject({ source: 'none', responders: null });
    // an earlier Fetion campaign: 3 accepted of 10 reached
    await store.run(`INSERT INTO contact_events (subscriber_id, event_time, channel_id, event_type, business, outcome, campaign_id)
      SELECT id, TIMESTAMP '2026-09-10 10:00:00', 'outbound', 'marketing', 'FETION', CASE WHEN id <= 3 THEN 'accepted' ELSE 'refused' END, '999'
      FROM range(1, 11) r(id)`);
    const sim = (await client.call('planner', 'POST', `/api/campaigns/${id}/simulate`)).body;
    expect(sim.expected.source).toBe('history');
    expect(sim.expected.responseRate).toBeCloseTo(0.3, 10);
    expect(sim.expected.responders).toBeCloseTo(0.3 * sim.targets.afterPolicy, 10);

    const kept = await store.one<{ targets: number; exclusions: number; reservations: number; lists: number }>(
      `SELECT (SELECT count(*) FROM campaign_targets WHERE campaign_id = $id) AS targets,
              (SELECT count(*) FROM campaign_exclusions WHERE campaign_id = $id) AS exclusions,
              (SELECT count(*) FROM policy_reservations) AS reservations,
              (SELECT count(*) FROM wave_contacts) AS lists`,
      { id },
    );
    expect(kept).toEqual({ targets: 0, exclusions: 0, reservations: 0, lists: 0 });
    expect((await client.call('planner', 'GET', `/api/campaigns/${id}`)).body.status).toBe('draft');
  });

  it('expects responses from the latest propensity run of the offer, by the held-out hit rate of each score\'s decile', async () => {
    const run = await startModelRun(store, { model: 'propensity', target: 'FETION', params: {}, createdBy: 'analyst' }, async ({ runId }) => {
      // odd ids score 90 (a decile where half took Fetion), even ids 10 (one in twenty)
      await store.run('INSERT INTO model_scores (run_id, subscriber_id, score) SELECT $run, id, CASE WHEN id % 2 = 1 THEN 90 ELSE 10 END FROM range(1, 61) r(id)', { run: runId });
      return { metrics: { deciles: [{ minScore: 50, maxScore: 100, rate: 0.5 }, { minScore: 0, maxScore: 49.9, rate: 0.05 }] } };
    });
    await run.done;
    const { id } = await campaignIn(client, 'draft', plan);
    const sim = (await client.call('planner', 'POST', `/api/campaigns/${id}/simulate`)).body;
    expect(sim.expected).toMatchObject({ source: 'model', modelRunId: run.runId });
    // every kept target is worth 0.5 or 0.05, so the sum lies between and is a multiple of 0.05
    expect(sim.expected.responders).toBeGreaterThanOrEqual(0.05 * sim.targets.afterPolicy - 1e-9);
    expect(sim.expected.responders).toBeLessThanOrEqual(0.5 * sim.targets.afterPolicy + 1e-9);
    expect(Math.abs(sim.expected.responders / 0.05 - Math.round(sim.expected.responders / 0.05))).toBeLessThan(1e-6);
    // the KPI asks for 10 responders
    expect(sim.expected.meetsTargetResponders).toBe(sim.expected.responders >= 10);
  });

  it('refuses to simulate a campaign whose targets are already fixed, and a campaign that does not exist', async () => {
    const { id } = await campaignIn(client, 'scheduled', plan);
    const res = await client.call('planner', 'POST', `/api/campaigns/${id}/simulate`);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'NOT_SIMULATABLE', field: 'status' });
    expect((await client.call('planner', 'POST', '/api/campaigns/99999/simulate')).status).toBe(404);
  });
});
