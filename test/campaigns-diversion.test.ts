// E-channel diversion on a hand-made province of 200 subscribers: a scheduled diversion campaign,
// transactions written by hand before and after its wave for the treated and the control group,
// a report whose every count is recomputed here, and the second round as a segment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareProportions } from '../src/campaigns/stats.ts';
import type { Store } from '../src/store/store.ts';
import { tempStore } from './builders.ts';
import { basePlan, campaignApp, campaignIn, smallProvince, type Client } from './campaign-builders.ts';

let store: Store;
let client: Client;
let campaignId: number;
let treated: number[];
let control: number[];

const plan = basePlan({
  name: '缴费分流 Bill payment to e-channels',
  category: 'diversion',
  offers: [{ productId: 'MAIL139', scripts: { sms_hall: '缴费请发短信 JF 到 10086，省去到厅排队' } }],
  channels: [{ channelId: 'sms_hall', segment: 'all' }],
  waves: [{ name: 'W1', startDate: '2026-11-01', endDate: '2026-11-15' }],
});

/**
 * Where each target transacts after launch: treated i%3 = 0 move (half on the web is enough),
 * 1 stay (store, store, SMS hall), 2 go quiet; controls i%4 = 0 move.
 */
function afterLaunch(id: number, group: 'treatment' | 'control'): string[] {
  if (group === 'treatment') return [['web', 'store'], ['store', 'store', 'sms_hall'], []][id % 3];
  return id % 4 === 0 ? ['web'] : ['store'];
}

beforeAll(async () => {
  store = await tempStore('campaigns-diversion');
  await smallProvince(store, 200);
  client = await campaignApp(store);
  campaignId = (await campaignIn(client, 'scheduled', plan)).id;
  const rows = await store.query<{ id: number; grp: 'treatment' | 'control' }>(
    'SELECT DISTINCT subscriber_id AS id, grp FROM campaign_targets WHERE campaign_id = $id ORDER BY 1',
    { id: campaignId },
  );
  treated = rows.filter((r) => r.grp === 'treatment').map((r) => r.id);
  control = rows.filter((r) => r.grp === 'control').map((r) => r.id);
  const events: string[] = [];
  for (const r of rows) {
    // before: two bill payments at the store desk, one on the 10086 agent line for every fifth
    events.push(`(${r.id}, '2026-10-20 10:00:00', 'store', 'transaction', 'bill_payment', 'completed')`);
    events.push(`(${r.id}, '2026-10-25 10:00:00', '${r.id % 5 === 0 ? 'agent' : 'store'}', 'transaction', 'bill_payment', 'completed')`);
    afterLaunch(r.id, r.grp).forEach((channel, k) => events.push(`(${r.id}, '2026-11-0${k + 2} 10:00:00', '${channel}', 'transaction', 'bill_payment', 'completed')`));
    // neither counts: a transaction before the compared window, a consultation after launch
    events.push(`(${r.id}, '2026-09-01 10:00:00', 'store', 'transaction', 'bill_payment', 'completed')`);
    events.push(`(${r.id}, '2026-11-05 10:00:00', 'web', 'consultation', 'bill_query', 'resolved')`);
  }
  // a recharge after launch on the store desk by a mover, for the business filter to leave out
  events.push(`(${treated.find((id) => id % 3 === 0)}, '2026-11-06 10:00:00', 'store', 'transaction', 'recharge', 'completed')`);
  await store.run(`INSERT INTO contact_events (subscriber_id, event_time, channel_id, event_type, business, outcome) VALUES ${events.join(', ')}`);
});

afterAll(async () => {
  await client?.app.close();
  await store?.close();
});

describe('the diversion report', () => {
  it('compares the windows, classes every target and measures the move against the control group', async () => {
    const res = await client.call('analyst', 'GET', `/api/campaigns/${campaignId}/diversion?business=bill_payment`);
    expect(res.status, res.text).toBe(200);
    const r = res.body;
    expect(treated.length).toBeGreaterThan(50);
    expect(control.length).toBeGreaterThan(10);
    // the wave lasts 15 days: so does the window before it
    expect(r.before).toEqual({ from: '2026-10-17', to: '2026-10-31' });
    expect(r.after).toEqual({ from: '2026-11-01', to: '2026-11-15' });
    const byOutcome = (ids: number[], group: 'treatment' | 'control', k: 0 | 1 | 2) =>
      ids.filter((id) => {
        const after = afterLaunch(id, group);
        const e = after.filter((c) => ['web', 'app', 'sms_hall', 'wap'].includes(c)).length;
        return [after.length > 0 && e * 2 >= after.length, after.length > 0 && e * 2 < after.length, after.length === 0][k];
      }).length;
    const figures = (ids: number[], group: 'treatment' | 'control') => {
      const [moved, stayed, inactive] = [byOutcome(ids, group, 0), byOutcome(ids, group, 1), byOutcome(ids, group, 2)];
      const after = ids.flatMap((id) => afterLaunch(id, group));
      const eAfter = after.filter((c) => c !== 'store').length;
      return { customers: ids.length, moved, stayed, inactive, movedRate: moved / (moved + stayed), eShareBefore: 0, eShareAfter: eAfter / after.length };
    };
    const t = figures(treated, 'treatment');
    const c = figures(control, 'control');
    expect(r.treatment).toEqual(t);
    expect(r.control).toEqual(c);
    const expected = compareProportions(t.moved, t.moved + t.stayed, c.moved, c.moved + c.stayed);
    expect(r.uplift).toEqual({ absolute: expected.absolute, absoluteCi: expected.absoluteCi, pValue: expected.pValue });
    const channel = (id: string) => r.channels.find((x: { channelId: string }) => x.channelId === id);
    const fifths = (ids: number[]) => ids.filter((id) => id % 5 === 0).length;
    expect(channel('store')).toMatchObject({
      electronic: false,
      treatmentBefore: 2 * treated.length - fifths(treated),
      treatmentAfter: treated.flatMap((id) => afterLaunch(id, 'treatment')).filter((x) => x === 'store').length,
      controlBefore: 2 * control.length - fifths(control),
      controlAfter: control.filter((id) => id % 4 !== 0).length,
    });
    expect(channel('agent')).toMatchObject({ treatmentBefore: fifths(treated), treatmentAfter: 0 });
    expect(channel('web')).toMatchObject({ electronic: true, treatmentBefore: 0, treatmentAfter: treated.filter((id) => id % 3 === 0).length });
    // physical and voice channels first, then the e-channels
    expect(r.channels.map((x: { electronic: boolean }) => x.electronic)).toEqual([...r.channels.map((x: { electronic: boolean }) => x.electronic)].sort());
  });

  it('counts every business unless asked for one, and a shorter window when asked', async () => {
    const all = (await client.call('analyst', 'GET', `/api/campaigns/${campaignId}/diversion`)).body;
    const billOnly = (await client.call('analyst', 'GET', `/api/campaigns/${campaignId}/diversion?business=bill_payment`)).body;
    const store = (r: { channels: Array<{ channelId: string; treatmentAfter: number }> }) => r.channels.find((x) => x.channelId === 'store')!.treatmentAfter;
    expect(store(all)).toBe(store(billOnly) + 1);
    expect(all.business).toBeNull();
    const week = (await client.call('analyst', 'GET', `/api/campaigns/${campaignId}/diversion?days=7`)).body;
    expect(week.before).toEqual({ from: '2026-10-25', to: '2026-10-31' });
    const before = (r: { channels: Array<{ treatmentBefore: number }> }) => r.channels.reduce((n, x) => n + x.treatmentBefore, 0);
    expect(before(week)).toBe(treated.length); // only the payment of 10-25 falls in the week
  });

  it('refuses an unknown business, a campaign without targets yet, and an unknown campaign', async () => {
    const business = await client.call('analyst', 'GET', `/api/campaigns/${campaignId}/diversion?business=teleport`);
    expect(business.status).toBe(400);
    expect(business.body).toMatchObject({ field: 'business' });
    const days = await client.call('analyst', 'GET', `/api/campaigns/${campaignId}/diversion?days=0`);
    expect(days.status).toBe(400);
    expect(days.body.field).toBe('days');
    const draft = await campaignIn(client, 'draft', { ...plan, name: 'Not yet' });
    const early = await client.call('analyst', 'GET', `/api/campaigns/${draft.id}/diversion`);
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('NOT_SCHEDULED');
    expect((await client.call('analyst', 'GET', '/api/campaigns/9999/diversion')).status).toBe(404);
  });
});

describe('the second round', () => {
  it('selects the treated targets who did not move (by default), or the outcomes asked for, as a segment', async () => {
    const preview = async (filter: unknown) => client.call('planner', 'POST', '/api/segments/preview', { filter });
    const notMoved = treated.filter((id) => id % 3 !== 0);
    // over every business, the mover who also recharged at the store did not move (one of three on e-channels)
    expect((await preview({ diversion: { campaignId } })).body.count).toBe(notMoved.length + 1);
    expect((await preview({ diversion: { campaignId, business: 'bill_payment' } })).body.count).toBe(notMoved.length);
    expect((await preview({ diversion: { campaignId, outcomes: ['moved'], business: 'bill_payment' } })).body.count).toBe(treated.length - notMoved.length);
    expect((await preview({ diversion: { campaignId, outcomes: ['inactive'] } })).body.count).toBe(treated.filter((id) => id % 3 === 2).length);
    const saved = await client.call('planner', 'POST', '/api/segments', { name: 'Second round', filter: { diversion: { campaignId } } });
    expect(saved.status, saved.text).toBe(201);
    const bad = await preview({ diversion: { campaignId, outcomes: ['vanished'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('filter.diversion.outcomes');
  });
});
