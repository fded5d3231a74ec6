// The seed's Fetion case (Heilongjiang, 2008) on a demo province: customers without Fetion are
// marketed by account managers (key accounts), outbound calls (handsets that cannot run Fetion:
// the PC client is offered) and the store desk (everyone else, when they come in to pay). The
// outcomes fed here reproduce the seed's rates; the report must put them side by side.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateProvince } from '../src/demo/generate.ts';
import type { Store } from '../src/store/store.ts';
import { tempStore } from './builders.ts';
import { campaignApp, campaignIn, type Client } from './campaign-builders.ts';

let store: Store;
let client: Client;
let id = 0;

const fetionCampaign = {
  name: '奥运梦想、飞信传情 Olympic dreams, Fetion love',
  category: 'new_service',
  goal: '发展飞信活跃用户 Grow active Fetion users',
  kpis: { targetResponders: 150, targetSuccessRate: 0.4, valuePerResponseFen: 1_500 },
  budget: [
    { item: 'gifts_materials', plannedFen: 2_000_000, note: 'Olympic tickets, one a week for ten weeks' },
    { item: 'channel_commission', plannedFen: 500_000 },
  ],
  offers: [
    {
      productId: 'FETION',
      scripts: {
        account_mgr: '尊敬的客户，飞信让您和同事随时沟通……',
        outbound: '您好，您的手机暂不支持飞信，推荐您使用电脑版飞信……',
        store: '缴费的同时开通飞信，每周发送 5 条以上即可参加奥运门票抽奖。',
      },
    },
  ],
  target: { kind: 'filter', filter: { not: { holds: { productId: 'FETION' } } } },
  channels: [
    { channelId: 'account_mgr', segment: '大客户 key accounts', when: { field: 'vipLevel', op: 'gte', value: 2 } },
    { channelId: 'outbound', segment: '终端不支持飞信 no Fetion handset', when: { field: 'handsetWap', op: 'isFalse' } },
    { channelId: 'store', segment: '营业厅缴费 store visitors' },
  ],
  waveMode: 'parallel',
  waves: [{ name: '第一波 wave 1', startDate: '2026-11-01', endDate: '2026-11-30' }],
  controlPercent: 10,
  promotion: {
    advertising: [{ medium: 'tv', content: '奥运梦想、飞信传情', startDate: '2026-10-25', endDate: '2026-11-30' }],
    materials: [{ kind: 'poster', quantity: 500, destination: '全省营业厅 all stores' }],
  },
};

// what the channels report back: per channel, how many accept, refuse and do not answer
const fed = {
  account_mgr: { accepted: 81, refused: 19, no_answer: 10 },
  outbound: { accepted: 50, refused: 50, no_answer: 40 },
  store: { accepted: 25, refused: 75, no_answer: 0 },
} as const;

beforeAll(async () => {
  store = await tempStore('campaigns-fetion');
  await generateProvince(store, { subscribers: 2000, seed: 8 });
  client = await campaignApp(store);
  ({ id } = await campaignIn(client, 'running', fetionCampaign));
  const targets = await store.query<{ subscriber_id: number; channel_id: keyof typeof fed }>(
    "SELECT subscriber_id, channel_id FROM campaign_targets WHERE campaign_id = $id AND grp = 'treatment' ORDER BY subscriber_id",
    { id },
  );
  const outcomes: Array<{ subscriberId: number; channel: string; outcome: string; at: string }> = [];
  for (const [channel, counts] of Object.entries(fed) as Array<[keyof typeof fed, (typeof fed)[keyof typeof fed]]>) {
    const mine = targets.filter((t) => t.channel_id === channel).map((t) => t.subscriber_id);
    const plan = [...Array(counts.accepted).fill('accepted'), ...Array(counts.refused).fill('refused'), ...Array(counts.no_answer).fill('no_answer')];
    expect(mine.length, channel).toBeGreaterThanOrEqual(plan.length);
    plan.forEach((outcome, i) => outcomes.push({ subscriberId: mine[i], channel, outcome, at: `2026-11-${String(1 + (i % 28)).padStart(2, '0')} 10:${String(i % 60).padStart(2, '0')}` }));
  }
  const res = await client.call('operator', 'POST', `/api/campaigns/${id}/outcomes`, { outcomes });
  expect(res.body).toEqual({ recorded: outcomes.length, duplicates: 0 });
});

afterAll(async () => {
  await client?.app.close();
  await store?.close();
});

describe('the Fetion case', () => {
  it('routes key accounts to account managers, handsets without Fetion to outbound, the rest to the store', async () => {
    const wrong = await store.one<{ n: number }>(
      `SELECT count(*) AS n FROM campaign_targets t JOIN subscribers s USING (subscriber_id)
       WHERE t.campaign_id = $id AND t.channel_id <> CASE WHEN s.vip_level >= 2 THEN 'account_mgr' WHEN NOT s.handset_wap THEN 'outbound' ELSE 'store' END`,
      { id },
    );
    expect(wrong!.n).toBe(0);
    const holders = await store.one<{ n: number }>(
      `SELECT count(*) AS n FROM campaign_targets t JOIN holdings h USING (subscriber_id)
       WHERE t.campaign_id = $id AND h.product_id = 'FETION' AND h.end_date IS NULL`,
      { id },
    );
    expect(holders!.n).toBe(0);
  });

  it('reports the per-channel success rates side by side: account managers 81%, outbound 50%, store desk 25%', async () => {
    const report = (await client.call('analyst', 'GET', `/api/campaigns/${id}/report`)).body;
    const rows = report.byChannel.map((c: { key: string; label: string; attempted: number; contacted: number; accepted: number; successRate: number }) => [
      c.key, c.label, c.attempted, c.contacted, c.accepted, c.successRate,
    ]);
    expect(rows).toEqual([
      ['account_mgr', '客户经理', 110, 100, 81, 0.81],
      ['outbound', '外呼中心', 140, 100, 50, 0.5],
      ['store', '营业厅', 100, 100, 25, 0.25],
    ]);
    expect(report.bySegment.map((s: { key: string; successRate: number }) => [s.key, s.successRate])).toEqual([
      ['大客户 key accounts', 0.81],
      ['终端不支持飞信 no Fetion handset', 0.5],
      ['营业厅缴费 store visitors', 0.25],
    ]);
    expect(report.overall).toMatchObject({ attempted: 350, contacted: 300, accepted: 156 });
    expect(report.overall.successRate).toBeCloseTo(156 / 300, 12);
    // contact rates are the reached share of each channel's assigned targets
    const assigned = await store.query<{ channel_id: string; n: number }>(
      "SELECT channel_id, count(*) AS n FROM campaign_targets WHERE campaign_id = $id AND grp = 'treatment' GROUP BY 1",
      { id },
    );
    for (const c of report.byChannel) {
      const n = assigned.find((a) => a.channel_id === c.key)!.n;
      expect(c.targets).toBe(n);
      expect(c.contactRate).toBeCloseTo(100 / n, 12);
    }
    // the account managers beat the target success rate; the store desk is flagged
    const low = report.warnings.filter((w: { code: string }) => w.code === 'LOW_SUCCESS_RATE').map((w: { key: string }) => w.key);
    expect(low).toEqual(['store']);
  });

  it('shows the campaign contacts in the customer’s contact timeline', async () => {
    const one = await store.one<{ s: number }>("SELECT min(subscriber_id) AS s FROM contact_events WHERE campaign_id = $key AND channel_id = 'account_mgr'", { key: String(id) });
    const timeline = (await client.call('analyst', 'GET', `/api/customers/${one!.s}/contacts?type=marketing`)).body;
    expect(timeline.items.some((i: { channelId: string; business: string; outcome: string }) => i.channelId === 'account_mgr' && i.business === 'FETION' && i.outcome === 'accepted')).toBe(true);
  });

  it('exports the side-by-side rates in the CSV', async () => {
    const csv = (await client.call('analyst', 'GET', `/api/campaigns/${id}/report.csv`)).text;
    const rate = (key: string) => csv.split('\r\n').find((l) => l.startsWith(`channel,${key},`))!.split(',')[8];
    expect([rate('account_mgr'), rate('outbound'), rate('store')]).toEqual(['0.81', '0.5', '0.25']);
  });
});
