// Channel preference: the share rule on hand-made contacts (a complained-on channel is never
// preferred), the classifier for everyone else, and on the demo province the channel habits the
// generator plants per persona (src/demo/catalogue.ts: seniors and rural customers use the store,
// agent and IVR — 100% of their service contacts —, office workers and trendy youth mostly web,
// app, WAP and the SMS hall — 75% and 85%).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshCustomerFeatures } from '../src/customers/features.ts';
import { generateProvince } from '../src/demo/generate.ts';
import { startChannelPreference } from '../src/models/channel-preference.ts';
import type { ChannelPreferenceMetrics } from '../src/models/types.ts';
import type { Store } from '../src/store/store.ts';
import { addCity, addPlan, addSubscriber, tempStore } from './builders.ts';

async function scoresOf(store: Store, runId: number, subscriberId: number): Promise<Record<string, number>> {
  const rows = await store.query<{ label: string; score: number }>('SELECT label, score FROM model_scores WHERE run_id = $r AND subscriber_id = $s', { r: runId, s: subscriberId });
  return Object.fromEntries(rows.map((r) => [r.label, r.score]));
}

describe('channel preference on hand-made contacts', () => {
  let store: Store;
  let runId: number;
  let metrics: ChannelPreferenceMetrics;

  beforeAll(async () => {
    store = await tempStore('models-channel');
    await addCity(store);
    await addPlan(store);
    // 1–30: older store-goers (8 store visits, 4 app sessions); 31–60: young app users (12 app, 1 store);
    // 61 and 62: two contacts only, one old and one young; subscriber 1 also complained at the store
    for (let id = 1; id <= 62; id++) {
      const old = id <= 30 || id === 61;
      await addSubscriber(store, { subscriber_id: id, msisdn: `1380000${String(id).padStart(4, '0')}`, age: old ? 60 + (id % 15) : 18 + (id % 10) });
    }
    await store.run("INSERT INTO province_meta VALUES ('as_of_date', '2026-10-31')");
    await store.run(`INSERT INTO bills (subscriber_id, bill_month, item, amount_fen) SELECT i, DATE '2026-10-01', 'monthly_fee', 8800 FROM range(1, 63) t(i)`);
    const contact = (ids: string, channel: string, type: string, times: number) =>
      store.run(`INSERT INTO contact_events (subscriber_id, event_time, channel_id, event_type, business, outcome)
        SELECT s.i, TIMESTAMP '2026-09-01 10:00:00' + to_hours(CAST(k.j AS INTEGER)), '${channel}', '${type}', 'balance_query', 'resolved'
        FROM (${ids}) s(i), range(${times}) k(j)`);
    await contact('SELECT * FROM range(1, 31)', 'store', 'consultation', 8);
    await contact('SELECT * FROM range(1, 31)', 'app', 'transaction', 4);
    await contact('SELECT 1', 'store', 'complaint', 1);
    await contact('SELECT * FROM range(31, 61)', 'app', 'consultation', 12);
    await contact('SELECT * FROM range(31, 61)', 'store', 'transaction', 1);
    // outbound marketing is the operator's choice of channel: it makes 61 and 62 no frequent contacters' equals
    await contact('SELECT 61 UNION ALL SELECT 62', 'outbound', 'marketing', 2);
    await refreshCustomerFeatures(store);
    const started = await startChannelPreference(store, { holdoutShare: 0.05, features: ['age'] }, 'analyst');
    metrics = (await started.done).metrics as ChannelPreferenceMetrics;
    runId = started.runId;
  }, 60_000);

  afterAll(async () => {
    await store?.close();
  });

  it('takes a frequent contacter’s preference from their own contact shares', async () => {
    expect(metrics.frequentContacters).toBe(60);
    // 8 of 12 own contacts at the store, 4 of 12 on the app
    expect(await scoresOf(store, runId, 2)).toEqual({ store: 66.67, app: 33.33 });
    expect(await scoresOf(store, runId, 40)).toEqual({ app: 92.31, store: 7.69 });
  });

  it('never prefers a channel the customer complained on', async () => {
    // subscriber 1: 9 store contacts (one a complaint) and 4 on the app, so the store is out
    expect(await scoresOf(store, runId, 1)).toEqual({ app: 30.77 });
  });

  it('scores the other customers per channel from what frequent contacters like them prefer', async () => {
    expect(metrics.channels.map((c) => [c.channelId, c.preferredBy])).toEqual([
      ['app', 31],
      ['store', 29],
    ]);
    const old = await scoresOf(store, runId, 61);
    const young = await scoresOf(store, runId, 62);
    expect(old.store).toBeGreaterThan(80);
    expect(young.app).toBeGreaterThan(80);
    expect(old.store + old.app).toBeCloseTo(100, 1);
  });

  it('refuses when too few customers contact often enough, naming the field', async () => {
    const started = await startChannelPreference(store, { minContacts: 500 }, 'analyst');
    await expect(started.done).rejects.toMatchObject({ field: 'minContacts', message: expect.stringMatching(/Only 0 customers have 500 or more contacts/) });
  });

  it('refuses a contact attribute as a feature (the share rule reads contacts)', async () => {
    await expect(startChannelPreference(store, { features: ['age', 'contacts90d'] }, 'analyst')).rejects.toMatchObject({ field: 'features[1]' });
  });
});

describe('channel preference on the demo province: the planted persona habits', () => {
  let store: Store;
  let runId: number;
  let metrics: ChannelPreferenceMetrics;
  const electronic = ['app', 'web', 'wap', 'sms_hall', 'terminal'];

  beforeAll(async () => {
    store = await tempStore('models-channel-demo');
    await generateProvince(store, { subscribers: 5000, seed: 21 });
    const started = await startChannelPreference(store, {}, 'analyst');
    metrics = (await started.done).metrics as ChannelPreferenceMetrics;
    runId = started.runId;
  }, 120_000);

  afterAll(async () => {
    await store?.close();
  });

  it('beats always guessing the commonest channel on held-out frequent contacters', () => {
    expect(metrics.holdout).toBeGreaterThan(100);
    expect(metrics.accuracy).toBeGreaterThan(metrics.baselineAccuracy + 0.05);
    expect(metrics.top2Accuracy).toBeGreaterThan(metrics.accuracy);
    expect(metrics.scored).toBe(5000);
  });

  it('sends seniors and rural customers to counters and voice, office workers and youth to e-channels', async () => {
    const firstChannels = await store.query<{ persona: string; customers: number; electronic: number }>(
      `WITH first AS (
         SELECT subscriber_id, label FROM model_scores WHERE run_id = $run
         QUALIFY row_number() OVER (PARTITION BY subscriber_id ORDER BY score DESC, label) = 1
       )
       SELECT p.persona, count(*)::INTEGER AS customers, count(*) FILTER (WHERE f.label IN (SELECT unnest($electronic)))::INTEGER AS electronic
       FROM first f JOIN demo_personas p USING (subscriber_id) GROUP BY p.persona`,
      { run: runId, electronic },
    );
    const share = (persona: string) => {
      const row = firstChannels.find((r) => r.persona === persona)!;
      return row.electronic / row.customers;
    };
    // the classifier picks one first channel per customer, so a persona's minority channels mostly vanish
    expect(share('senior')).toBeLessThan(0.1);
    expect(share('farmer')).toBeLessThan(0.1);
    expect(share('youth')).toBeGreaterThan(0.55);
    expect(share('white_collar')).toBeGreaterThan(0.4);
  });
});
