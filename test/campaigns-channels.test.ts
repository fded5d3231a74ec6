// Channel priority per customer: by the planner's rules, or by the channel-preference model weighed
// by the business–channel fit of the offer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setFitOverride } from '../src/models/fit.ts';
import { startModelRun } from '../src/models/runs.ts';
import type { Store } from '../src/store/store.ts';
import { tempStore } from './builders.ts';
import { basePlan, campaignApp, campaignIn, smallProvince, type Client } from './campaign-builders.ts';

let store: Store;
let client: Client;

const byPreference = (extra: Record<string, unknown> = {}) =>
  basePlan({
    channels: [{ channelId: 'account_mgr', segment: 'am' }, { channelId: 'outbound', segment: 'ob' }],
    channelPriority: { by: 'preference', ...extra },
    controlPercent: 0,
  });

async function channelsOf(campaignId: number): Promise<Map<number, string>> {
  const rows = await store.query<{ s: number; c: string }>('SELECT subscriber_id AS s, channel_id AS c FROM campaign_targets WHERE campaign_id = $id', { id: campaignId });
  return new Map(rows.map((r) => [r.s, r.c]));
}

beforeAll(async () => {
  store = await tempStore('campaign-channels');
  await smallProvince(store, 60);
  client = await campaignApp(store);
});

afterAll(async () => {
  await client?.app.close();
  await store?.close();
});

describe('channel priority per customer', () => {
  it('refuses to submit a plan choosing channels by preference before any channel-preference model exists', async () => {
    const created = await client.call('planner', 'POST', '/api/campaigns', byPreference());
    const res = await client.call('planner', 'POST', `/api/campaigns/${created.body.campaignId}/submit`, { version: created.body.version });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'NO_MODEL_RUN', field: 'channelPriority.runId' });
  });

  it('gives each customer the channel they prefer, among the rules that take them', async () => {
    // even ids prefer the account manager, odd ids the outbound call
    const run = await startModelRun(store, { model: 'channel_preference', target: 'channels', params: {}, createdBy: 'analyst' }, async ({ runId }) => {
      await store.run(
        `INSERT INTO model_scores (run_id, subscriber_id, label, score)
         SELECT $run, id, 'account_mgr', CASE WHEN id % 2 = 0 THEN 90 ELSE 10 END FROM range(1, 61) r(id)
         UNION ALL SELECT $run, id, 'outbound', CASE WHEN id % 2 = 0 THEN 20 ELSE 80 END FROM range(1, 61) r(id)`,
        { run: runId },
      );
      return { metrics: {} };
    });
    await run.done;
    for (const channel of ['account_mgr', 'outbound']) await setFitOverride(store, 'FETION', channel, 'A', 'both fit Fetion', 'admin');

    const { id } = await campaignIn(client, 'scheduled', byPreference());
    const channels = await channelsOf(id);
    expect(channels.size).toBeGreaterThan(30);
    for (const [subscriber, channel] of channels) expect(channel).toBe(subscriber % 2 === 0 ? 'account_mgr' : 'outbound');

    // by rules, the first rule takes everyone
    const ruled = await campaignIn(client, 'scheduled', byPreference({ by: 'rules' }));
    expect(new Set((await channelsOf(ruled.id)).values())).toEqual(new Set(['account_mgr']));
  });

  it('never uses a channel graded C for the offer', async () => {
    await setFitOverride(store, 'FETION', 'account_mgr', 'C', 'account managers do not sell Fetion', 'admin');
    const { id } = await campaignIn(client, 'scheduled', byPreference());
    expect(new Set((await channelsOf(id)).values())).toEqual(new Set(['outbound']));
    await setFitOverride(store, 'FETION', 'account_mgr', 'A', null, 'admin');
  });

  it('refuses a pinned run that is not a channel-preference run', async () => {
    const other = await startModelRun(store, { model: 'propensity', target: 'FETION', params: {}, createdBy: 'analyst' }, async () => ({ metrics: {} }));
    await other.done;
    const res = await client.call('planner', 'POST', '/api/campaigns', byPreference({ runId: other.runId }));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'UNKNOWN_MODEL_RUN', field: 'channelPriority.runId' });
  });
});
