// Contact-point analytics over HTTP (Fastify inject) on a real DuckDB file: hand-made IVR
// sessions, hotline contacts and page views whose every figure can be counted by hand, then the
// invariants the figures keep on a generated province.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoUsers } from '../src/auth/users.ts';
import { createChannelKey } from '../src/channels/keys.ts';
import { loadConfig } from '../src/config.ts';
import { refreshCustomerFeatures } from '../src/customers/features.ts';
import { generateProvince } from '../src/demo/generate.ts';
import { buildApp } from '../src/server/app.ts';
import type { App } from '../src/server/context.ts';
import type { Store } from '../src/store/store.ts';
import type { IvrAnalytics } from '../src/analytics/contact-points.ts';
import { addCity, addPlan, addSubscriber, tempStore } from './builders.ts';

let store: Store;
let app: App;
let token: string;

const get = (url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
const ok = async (url: string) => {
  const res = await get(url);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

async function start(s: Store): Promise<void> {
  await ensureDemoUsers(s);
  app = await buildApp({ store: s, config: loadConfig(), startup: { jobId: null, error: null } });
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'analyst', password: 'yiti-demo' } });
  token = res.json().token;
}

describe('contact points on hand-made rows', () => {
  beforeAll(async () => {
    store = await tempStore('contact-points');
    await addCity(store);
    await addPlan(store);
    await addSubscriber(store, { subscriber_id: 1, msisdn: '13800000001', vip_level: 3 });
    await addSubscriber(store, { subscriber_id: 2, msisdn: '13800000002', vip_level: 0 });
    await addSubscriber(store, { subscriber_id: 3, msisdn: '13800000003', vip_level: 1 });
    await store.run(`INSERT INTO ivr_menu (key_path, label_zh, label_en) VALUES ('1', '话费查询', 'Balance and bills'), ('1>1', '余额查询', 'Balance')`);
    await store.run(`INSERT INTO ivr_sessions (session_id, subscriber_id, start_time, key_path, duration_s, to_agent, abandoned) VALUES
      (1, 1, '2026-10-01 10:00:00', '1>1', 60, false, false),
      (2, 1, '2026-10-02 10:00:00', '1>1', 80, false, false),
      (3, 1, '2026-10-03 10:00:00', '1>2>1', 100, false, false),
      (4, 2, '2026-10-04 10:00:00', '1>2', 30, false, true),
      (5, 2, '2026-10-05 10:00:00', '1>0', 90, true, false),
      (6, 2, '2026-09-05 10:00:00', '0', 50, true, false),
      (7, 3, '2026-09-06 10:00:00', '2>1', 40, false, false)`);
    await store.run(`INSERT INTO contact_events (subscriber_id, event_time, channel_id, event_type, business, outcome) VALUES
      (1, '2026-09-10 10:00:00', 'agent', 'consultation', 'balance_query', 'resolved'),
      (1, '2026-10-11 10:00:00', 'ivr', 'consultation', 'balance_query', 'resolved'),
      (1, '2026-10-12 10:00:00', 'agent', 'complaint', 'bill_dispute', 'unresolved'),
      (2, '2026-10-05 10:00:00', 'agent', 'consultation', 'plan_info', 'transferred'),
      (2, '2026-10-06 10:00:00', 'store', 'transaction', 'bill_payment', 'completed'),
      (3, '2026-08-01 10:00:00', 'agent', 'consultation', 'balance_query', 'resolved')`);
    await store.run(`INSERT INTO bills (subscriber_id, bill_month, item, amount_fen) VALUES
      (1, '2026-09-01', 'monthly_fee', 8800), (1, '2026-10-01', 'monthly_fee', 8800), (1, '2026-10-01', 'sms', 120)`);
    // one call fixes the data's end (2026-11-01), and so the 90 days the customer groups look at
    await store.run(`INSERT INTO cdr_voice (subscriber_id, start_time, duration_s, direction, call_class, time_band, roam_type, charge_fen) VALUES
      (1, '2026-10-20 09:00:00', 60, 'mo', 'local', 'peak', 'none', 20)`);
    await store.run(`INSERT INTO web_browse (subscriber_id, visit_time, site, page_path, duration_s) VALUES
      (1, '2026-10-01 10:00:00', 'online_hall', '/plan/list', 30),
      (1, '2026-10-01 10:01:00', 'online_hall', '/plan/compare', 60),
      (1, '2026-10-01 10:03:00', 'online_hall', '/plan/change', 90),
      (1, '2026-10-01 10:40:00', 'online_hall', '/bill/detail', 20),
      (1, '2026-10-01 10:02:00', 'portal', '/home', 10),
      (2, '2026-10-02 09:00:00', 'online_hall', '/plan/list', 30),
      (2, '2026-10-02 09:05:00', 'online_hall', '/plan/compare', 40),
      (2, '2026-10-02 09:20:00', 'online_hall', '/plan/list', 50),
      (2, '2026-10-02 09:21:00', 'online_hall', '/plan/compare', 20),
      (2, '2026-10-02 09:22:00', 'online_hall', '/plan/change', 10)`);
    await refreshCustomerFeatures(store);
    await start(store);
  });

  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  it('counts every IVR menu node: reached, and how the sessions that ended there ended', async () => {
    const ivr: IvrAnalytics = await ok('/api/analytics/ivr');
    expect(ivr.summary).toEqual({ sessions: 7, callers: 3, selfServed: 4, toAgent: 2, abandoned: 1, averageDurationS: 450 / 7, averageDepth: 2 });
    const node = (path: string) => ivr.nodes.find((n) => n.path === path);
    expect(ivr.nodes.map((n) => n.path)).toEqual(['0', '1', '1>0', '1>1', '1>2', '1>2>1', '2', '2>1']);
    expect(node('1')).toMatchObject({ parent: null, depth: 1, labelEn: 'Balance and bills', labelZh: '话费查询', reached: 5, endedHere: 0, abandoned: 0, toAgent: 0 });
    expect(node('1>1')).toMatchObject({ parent: '1', depth: 2, labelEn: 'Balance', reached: 2, endedHere: 2, selfServed: 2, averageDurationS: 70 });
    expect(node('1>2')).toMatchObject({ reached: 2, endedHere: 1, abandoned: 1, selfServed: 0, toAgent: 0, averageDurationS: 30 });
    expect(node('1>2>1')).toMatchObject({ parent: '1>2', depth: 3, labelEn: '1>2>1', reached: 1, selfServed: 1 });
    // key 0 is the agent at any level, named so without a menu row
    expect(node('0')).toMatchObject({ labelEn: 'Agent', labelZh: '人工服务', reached: 1, toAgent: 1 });
    expect(node('1>0')).toMatchObject({ labelEn: 'Agent', reached: 1, toAgent: 1 });
  });

  it('narrows the IVR paths to a window (the last day included) and to a customer group', async () => {
    expect((await ok('/api/analytics/ivr?from=2026-10-01&to=2026-10-03')).summary).toMatchObject({ sessions: 3, callers: 1, selfServed: 3 });
    expect((await ok('/api/analytics/ivr?group=high_value')).summary).toMatchObject({ sessions: 3, callers: 1 });
    const empty = await ok('/api/analytics/ivr?from=2027-01-01');
    expect(empty).toEqual({ summary: { sessions: 0, callers: 0, selfServed: 0, toAgent: 0, abandoned: 0, averageDurationS: 0, averageDepth: 0 }, nodes: [] });
  });

  it("lists the hotline's topics by contacts, with customers, share, complaints, what was not resolved and the monthly trend", async () => {
    const all = await ok('/api/analytics/hotline');
    expect(all).toMatchObject({ months: ['2026-08', '2026-09', '2026-10'], contacts: 5, customers: 3 });
    expect(all.topics).toEqual([
      { business: 'balance_query', contacts: 3, customers: 2, share: 0.6, complaints: 0, unresolved: 0, byMonth: [1, 1, 1] },
      { business: 'bill_dispute', contacts: 1, customers: 1, share: 0.2, complaints: 1, unresolved: 1, byMonth: [0, 0, 1] },
      { business: 'plan_info', contacts: 1, customers: 1, share: 0.2, complaints: 0, unresolved: 1, byMonth: [0, 0, 1] },
    ]);
  });

  it('reads the customer groups from the last 90 days: complaining, frequent (at the asked threshold), high-value', async () => {
    // customer 1 complained on 2026-10-12; customer 3's only contact is older than 90 days
    expect(await ok('/api/analytics/hotline?group=complaint')).toMatchObject({ contacts: 3, customers: 1 });
    expect(await ok('/api/analytics/hotline?group=frequent&frequentMin=3')).toMatchObject({ contacts: 3, customers: 1 });
    expect(await ok('/api/analytics/hotline?group=frequent&frequentMin=2')).toMatchObject({ contacts: 4, customers: 2 });
    expect(await ok('/api/analytics/hotline?group=frequent')).toMatchObject({ contacts: 0, customers: 0, topics: [], months: [] });
    expect(await ok('/api/analytics/hotline?group=high_value')).toMatchObject({ contacts: 3, customers: 1 });
  });

  it('cuts page views into sessions at a 30-minute gap or another site, and counts pages, moves and paths', async () => {
    const web = await ok('/api/analytics/web');
    expect(web.summary).toEqual({ sessions: 4, visitors: 2, pageViews: 10, pagesPerSession: 2.5, bounceRate: 0.5 });
    const page = (site: string, p: string) => web.pages.find((x: { site: string; page: string }) => x.site === site && x.page === p);
    expect(page('online_hall', '/plan/list')).toEqual({ site: 'online_hall', page: '/plan/list', views: 3, visitors: 2, entries: 2, exits: 0, averageDurationS: 110 / 3 });
    expect(page('online_hall', '/plan/change')).toMatchObject({ views: 2, entries: 0, exits: 2 });
    expect(page('online_hall', '/bill/detail')).toMatchObject({ views: 1, entries: 1, exits: 1 });
    expect(page('portal', '/home')).toMatchObject({ views: 1, entries: 1, exits: 1 });
    expect(web.transitions).toEqual([
      { site: 'online_hall', from: '/plan/list', to: '/plan/compare', sessions: 3 },
      { site: 'online_hall', from: '/plan/compare', to: '/plan/change', sessions: 2 },
      { site: 'online_hall', from: '/plan/compare', to: '/plan/list', sessions: 1 },
    ]);
    // a path is told by its first four pages
    expect(web.paths).toEqual([
      { site: 'online_hall', pages: ['/bill/detail'], sessions: 1 },
      { site: 'online_hall', pages: ['/plan/list', '/plan/compare', '/plan/change'], sessions: 1 },
      { site: 'online_hall', pages: ['/plan/list', '/plan/compare', '/plan/list', '/plan/compare'], sessions: 1 },
      { site: 'portal', pages: ['/home'], sessions: 1 },
    ]);
    expect((await ok('/api/analytics/web?site=portal')).summary).toEqual({ sessions: 1, visitors: 1, pageViews: 1, pagesPerSession: 1, bounceRate: 1 });
    expect((await ok('/api/analytics/web?from=2026-10-02')).summary).toMatchObject({ sessions: 1, visitors: 1, pageViews: 5 });
  });

  it("gives each customer a personal IVR menu, prepared hotline answers and browsing interests", async () => {
    const vip = await ok('/api/customers/1/contact-points');
    expect(vip.ivrMenu).toEqual({
      sessions: 3,
      agentFirst: true,
      reason: 'vip',
      shortcuts: [
        { path: '1>1', labelZh: '余额查询', labelEn: 'Balance', uses: 2, lastUsed: '2026-10-02 10:00:00' },
        { path: '1>2>1', labelZh: '1>2>1', labelEn: '1>2>1', uses: 1, lastUsed: '2026-10-03 10:00:00' },
      ],
    });
    expect(vip.hotline).toEqual([
      { business: 'balance_query', contacts: 2, lastAt: '2026-10-11 10:00:00', answer: { kind: 'bill', facts: { month: '2026-10', totalFen: 8920, items: 2 } } },
      { business: 'bill_dispute', contacts: 1, lastAt: '2026-10-12 10:00:00', answer: { kind: 'bill', facts: { month: '2026-10', totalFen: 8920, items: 2 } } },
    ]);
    expect(vip.interests).toEqual([
      { topic: 'plan', views: 3, seconds: 180, share: 0.75 },
      { topic: 'bill', views: 1, seconds: 20, share: 0.25 },
    ]);
    // two of three calls ended with an agent, the third was given up: no shortcut, agent first
    const agentCaller = await ok('/api/customers/2/contact-points');
    expect(agentCaller.ivrMenu).toEqual({ sessions: 3, agentFirst: true, reason: 'agent_preferred', shortcuts: [] });
    expect(agentCaller.hotline).toEqual([{ business: 'plan_info', contacts: 1, lastAt: '2026-10-05 10:00:00', answer: { kind: 'plan', facts: { planId: 'P_GT88', nameZh: 'P_GT88 套餐', nameEn: 'P_GT88 plan', monthlyFeeFen: 8800 } } }]);
    const selfServer = await ok('/api/customers/3/contact-points');
    expect(selfServer.ivrMenu).toMatchObject({ agentFirst: false, reason: null, shortcuts: [{ path: '2>1', uses: 1 }] });
    expect(selfServer.interests).toEqual([]);
  });

  it('keeps the web paths until the page views change, then counts again', async () => {
    const before = (await ok('/api/analytics/web?site=portal')).summary;
    expect((await ok('/api/analytics/web?site=portal')).summary).toEqual(before);
    await store.run(`INSERT INTO web_browse (subscriber_id, visit_time, site, page_path, duration_s) VALUES (3, '2026-10-09 08:00:00', 'portal', '/news', 30)`);
    expect((await ok('/api/analytics/web?site=portal')).summary).toEqual({ sessions: 2, visitors: 2, pageViews: 2, pagesPerSession: 1, bounceRate: 1 });
    await store.run(`DELETE FROM web_browse WHERE subscriber_id = 3`);
  });

  it("gives the 10086 IVR and agent systems a caller's contact points on their own key, and no other channel", async () => {
    const key = async (channel: string) => (await createChannelKey(store, channel, `${channel} system`, 'admin')).secret;
    const ask = (secret: string | undefined, id = 2) =>
      app.inject({ method: 'GET', url: `/api/front-line/contact-points/${id}`, headers: secret === undefined ? {} : { 'x-channel-key': secret } });
    const ivr = await ask(await key('ivr'));
    expect(ivr.statusCode).toBe(200);
    expect(ivr.json()).toEqual(await ok('/api/customers/2/contact-points'));
    expect((await ask(await key('agent'), 1)).json().ivrMenu.reason).toBe('vip');
    const web = await ask(await key('web'));
    expect(web.statusCode).toBe(403);
    expect(web.json()).toMatchObject({ code: 'CHANNEL_NOT_ALLOWED', field: 'channel' });
    expect((await ask(undefined)).statusCode).toBe(401);
    expect((await ask(await key('ivr'), 999)).statusCode).toBe(404);
  });

  it('lets a segment pick customers by what they browse: topic, site, how often, how lately', async () => {
    const count = async (browsed: Record<string, unknown>) => {
      const res = await app.inject({ method: 'POST', url: '/api/segments/preview', headers: { authorization: `Bearer ${token}` }, payload: { filter: { browsed } } });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().count;
    };
    // the data end on 2026-11-01: customer 1 viewed three plan pages on 10-01, customer 2 five on 10-02
    expect(await count({ withinDays: 90, topic: 'plan' })).toBe(2);
    expect(await count({ withinDays: 90, topic: 'plan', atLeast: 4 })).toBe(1);
    expect(await count({ withinDays: 90, site: 'portal' })).toBe(1);
    expect(await count({ withinDays: 90, page: '/bill/detail' })).toBe(1);
    expect(await count({ withinDays: 30, topic: 'plan' })).toBe(1);
    expect(await count({ withinDays: 29, topic: 'plan' })).toBe(0);
    const bad = await app.inject({ method: 'POST', url: '/api/segments/preview', headers: { authorization: `Bearer ${token}` }, payload: { filter: { browsed: { withinDays: 0 } } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('filter.browsed.withinDays');
  });

  it('answers bad input with 400 naming the field, and an unknown customer with 404', async () => {
    const cases: Array<[string, string]> = [
      ['/api/analytics/ivr?from=2026-10-05&to=2026-10-01', 'from'],
      ['/api/analytics/ivr?from=2026-13-01', 'from'],
      ['/api/analytics/web?to=2026-02-30', 'to'],
      ['/api/analytics/hotline?to=yesterday', 'to'],
      ['/api/analytics/hotline?group=vip', 'group'],
      ['/api/analytics/hotline?group=frequent&frequentMin=0', 'frequentMin'],
      ['/api/analytics/web?site=nowhere', 'site'],
    ];
    for (const [url, field] of cases) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().field, url).toBe(field);
    }
    const missing = await get('/api/customers/999/contact-points');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('NOT_FOUND');
    expect((await app.inject({ method: 'GET', url: '/api/analytics/ivr' })).statusCode).toBe(401);
  });
});

describe('contact points on a generated province', () => {
  let ivr: IvrAnalytics;
  beforeAll(async () => {
    store = await tempStore('contact-points-demo');
    await generateProvince(store, { subscribers: 1200, seed: 5 });
    await start(store);
    ivr = await ok('/api/analytics/ivr');
  });

  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  it('keeps the IVR tree whole: each node reached = ended there + its children reached; the roots hold every session', async () => {
    const count = (await store.one<{ n: number }>('SELECT count(*) AS n FROM ivr_sessions'))!.n;
    expect(ivr.summary.sessions).toBe(count);
    expect(ivr.summary.selfServed + ivr.summary.toAgent + ivr.summary.abandoned).toBe(count);
    expect(ivr.nodes.filter((n) => n.parent === null).reduce((s, n) => s + n.reached, 0)).toBe(count);
    for (const n of ivr.nodes) {
      const children = ivr.nodes.filter((c) => c.parent === n.path).reduce((s, c) => s + c.reached, 0);
      expect(n.reached, n.path).toBe(n.endedHere + children);
      expect(n.endedHere, n.path).toBe(n.selfServed + n.toAgent + n.abandoned);
    }
    // the demo menu names every node
    expect(ivr.nodes.every((n) => n.labelEn !== n.path)).toBe(true);
  });

  it('keeps the web figures whole: a session has one entry and one exit, every view but the last has a next page', async () => {
    const web = await ok('/api/analytics/web');
    const views = (await store.one<{ n: number }>('SELECT count(*) AS n FROM web_browse'))!.n;
    const sum = (rows: Array<Record<string, number>>, key: string) => rows.reduce((s, r) => s + r[key], 0);
    expect(web.summary.pageViews).toBe(views);
    expect(web.pages.length).toBeLessThan(50); // all of them, so the sums below cover everything
    expect(sum(web.pages, 'views')).toBe(views);
    expect(sum(web.pages, 'entries')).toBe(web.summary.sessions);
    expect(sum(web.pages, 'exits')).toBe(web.summary.sessions);
    expect(web.transitions.length).toBeLessThan(50);
    expect(sum(web.transitions, 'sessions')).toBe(views - web.summary.sessions);
    expect(web.summary.pagesPerSession).toBeGreaterThan(1.2);
  });

  it("counts every hotline contact once, under its business", async () => {
    const hot = await ok('/api/analytics/hotline');
    const n = (await store.one<{ n: number }>(`SELECT count(*) AS n FROM contact_events WHERE channel_id IN ('ivr', 'agent')`))!.n;
    expect(hot.contacts).toBe(n);
    expect(hot.topics.reduce((s: number, t: { contacts: number }) => s + t.contacts, 0)).toBe(n);
    for (const t of hot.topics) expect(t.byMonth.reduce((s: number, x: number) => s + x, 0)).toBe(t.contacts);
  });
});
