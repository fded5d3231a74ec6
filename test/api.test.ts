// The HTTP app in process (Fastify inject) against a real temp DuckDB file with hand-made rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoUsers } from '../src/auth/users.ts';
import { loadConfig } from '../src/config.ts';
import { JobCancelled, startJob } from '../src/jobs/jobs.ts';
import { buildApp } from '../src/server/app.ts';
import type { App } from '../src/server/context.ts';
import type { Store } from '../src/store/store.ts';
import { addCity, addPlan, addSubscriber, tempStore } from './builders.ts';

let store: Store;
let app: App;
const tokens: Record<string, string> = {};

async function login(username: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'yiti-demo' } });
  expect(res.statusCode).toBe(200);
  return res.json().token;
}

const get = (url: string, as = 'analyst') => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[as]}` } });

beforeAll(async () => {
  store = await tempStore('api');
  await ensureDemoUsers(store);
  await addCity(store, 'C01', '江城市', 'Jiangcheng');
  await addPlan(store, 'P_GT88', 8800);
  await addSubscriber(store, { subscriber_id: 1, msisdn: '13812345678', arpu_fen: 18_800, age: 45, vip_level: 2, join_date: '2016-03-01' });
  await addSubscriber(store, { subscriber_id: 2, msisdn: '13900001111', brand: 'mzone', arpu_fen: 4_500, age: 20 });
  await addSubscriber(store, { subscriber_id: 3, msisdn: '15000002222', brand: 'easyown', arpu_fen: 2_000, age: 67 });
  await store.run("INSERT INTO province_meta VALUES ('as_of_date', '2026-10-31')");
  await store.run(`INSERT INTO cdr_voice (subscriber_id, start_time, duration_s, direction, call_class, time_band, roam_type, charge_fen) VALUES
    (1, '2026-09-03 09:00:00', 61, 'mo', 'local', 'peak', 'none', 40),
    (1, '2026-09-04 10:00:00', 30, 'mo', 'dld', 'peak', 'inter', 70),
    (1, '2026-10-01 20:00:00', 120, 'mt', 'local', 'offpeak', 'none', 0)`);
  await store.run(`INSERT INTO cdr_sms (subscriber_id, sent_time, direction, peer_net, roam_type, charge_fen) VALUES
    (1, '2026-09-05 12:00:00', 'mo', 'onnet', 'none', 10), (1, '2026-09-05 12:01:00', 'mt', 'onnet', 'none', 0)`);
  await store.run(`INSERT INTO cdr_gprs (subscriber_id, start_time, duration_s, volume_kb, apn, service, roam_type, charge_fen) VALUES
    (1, '2026-10-02 08:00:00', 600, 2048, 'cmnet', 'web', 'none', 0)`);
  await store.run(`INSERT INTO bills (subscriber_id, bill_month, item, amount_fen) VALUES
    (1, '2026-09-01', 'monthly_fee', 8800), (1, '2026-09-01', 'roam_voice', 70), (1, '2026-10-01', 'monthly_fee', 8800)`);
  await store.run(`INSERT INTO contact_events (subscriber_id, event_time, channel_id, event_type, business, outcome) VALUES
    (1, '2026-09-10 10:00:00', 'store', 'transaction', 'bill_payment', 'completed'),
    (1, '2026-10-12 15:30:00', 'agent', 'complaint', 'roaming_charge', 'resolved')`);
  await store.run(`INSERT INTO ivr_sessions (session_id, subscriber_id, start_time, key_path, duration_s, to_agent, abandoned) VALUES
    (77, 1, '2026-10-12 15:25:00', '1>3>0', 95, true, false)`);
  await store.run(`INSERT INTO web_browse (subscriber_id, visit_time, site, page_path, duration_s) VALUES
    (1, '2026-09-20 21:00:00', 'online_hall', '/bill/detail', 40)`);
  app = await buildApp({ store, config: loadConfig(), startup: { jobId: null, error: null } });
  for (const u of ['admin', 'analyst', 'auditor']) tokens[u] = await login(u);
});

afterAll(async () => {
  await app?.close();
  await store?.close();
});

describe('auth', () => {
  it('refuses a wrong password without saying which part was wrong', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'nope' } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'UNAUTHORIZED', message: 'Unknown user or wrong password' });
  });

  it('refuses API calls without a token and with a forged one', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/customers' })).statusCode).toBe(401);
    const forged = await app.inject({ method: 'GET', url: '/api/customers', headers: { authorization: 'Bearer forged' } });
    expect(forged.statusCode).toBe(401);
  });

  it('tells the signed-in user their role and permissions', async () => {
    const me = (await get('/api/auth/me', 'admin')).json();
    expect(me).toMatchObject({ username: 'admin', role: 'admin' });
    expect(me.permissions).toContain('pii.reveal');
    expect((await get('/api/auth/me')).json().permissions).not.toContain('pii.reveal');
  });
});

describe('customers', () => {
  it('lists subscribers with masked numbers, sorted and paged', async () => {
    const res = await get('/api/customers?sort=arpuFen&order=desc&pageSize=2');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total).toBe(3);
    expect(body.items.map((c: { subscriberId: number }) => c.subscriberId)).toEqual([1, 2]);
    expect(body.items[0]).toMatchObject({ msisdn: '138****5678', brand: 'gotone', cityNameEn: 'Jiangcheng', planId: 'P_GT88', tenureMonths: 127 });
    const page2 = (await get('/api/customers?sort=arpuFen&order=desc&pageSize=2&page=2')).json();
    expect(page2.items.map((c: { subscriberId: number }) => c.subscriberId)).toEqual([3]);
    expect((await get('/api/customers?pageSize=2&page=5')).json()).toEqual({ total: 3, items: [] });
    expect(Object.keys(page2.items[0])).not.toContain('total');
  });

  it('filters by brand and finds a subscriber by number prefix', async () => {
    expect((await get('/api/customers?brand=mzone')).json().items.map((c: { subscriberId: number }) => c.subscriberId)).toEqual([2]);
    expect((await get('/api/customers?q=150')).json().total).toBe(1);
  });

  it("lists a saved segment's members, and exports them as CSV with masked numbers, audited", async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/segments',
      headers: { authorization: `Bearer ${tokens.analyst}` },
      payload: { name: 'Not GoTone', filter: { not: { field: 'brand', op: 'eq', value: 'gotone' } } },
    });
    expect(created.statusCode).toBe(201);
    const segmentId = created.json().segmentId;
    const members = (await get(`/api/customers?segmentId=${segmentId}&sort=age`)).json();
    expect(members).toMatchObject({ total: 2, items: [{ subscriberId: 2 }, { subscriberId: 3 }] });
    expect((await get(`/api/customers?segmentId=${segmentId}&brand=easyown`)).json().items.map((c: { subscriberId: number }) => c.subscriberId)).toEqual([3]);

    const csv = await get(`/api/customers.csv?segmentId=${segmentId}&sort=age&order=desc`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain(`customers-segment-${segmentId}.csv`);
    expect(csv.body.split('\r\n')).toEqual([
      '\uFEFFsubscriber_id,msisdn,brand,plan_id,plan_name,status,city_code,city_name,age,gender,arpu_yuan,vip_level,tenure_months',
      expect.stringMatching(/^3,150\*\*\*\*2222,easyown,P_GT88,P_GT88 套餐,active,C01,江城市,67,[MF],20\.00,\d+,\d+$/),
      expect.stringMatching(/^2,139\*\*\*\*1111,mzone,P_GT88,P_GT88 套餐,active,C01,江城市,20,[MF],45\.00,\d+,\d+$/),
      '',
    ]);
    const audit = await store.query<{ actor: string; detail: string }>("SELECT actor, CAST(detail AS VARCHAR) AS detail FROM audit_log WHERE action = 'customers.export'");
    expect(audit).toHaveLength(1);
    expect(audit[0].actor).toBe('analyst');
    expect(JSON.parse(audit[0].detail)).toMatchObject({ filter: { segmentId }, msisdn: 'masked' });
    // a list of the whole base leaves only with the export permission
    expect((await get(`/api/customers.csv?segmentId=${segmentId}`, 'auditor')).statusCode).toBe(403);

    for (const url of ['/api/customers?segmentId=9999', '/api/customers.csv?segmentId=9999']) {
      const res = await get(url);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'UNKNOWN_SEGMENT', field: 'segmentId' });
    }
    expect((await store.one<{ n: number }>("SELECT count(*)::INTEGER AS n FROM audit_log WHERE action = 'customers.export'"))!.n).toBe(1);
  });

  it('answers a bad query with 400 naming the field', async () => {
    const res = await get('/api/customers?pageSize=1000');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'pageSize' });
    const sort = await get('/api/customers?sort=msisdn');
    expect(sort.statusCode).toBe(400);
    expect(sort.json().field).toBe('sort');
  });

  it('builds the customer 360 from profile, usage and bills', async () => {
    const res = await get('/api/customers/1');
    expect(res.statusCode).toBe(200);
    const c = res.json();
    expect(c.profile).toMatchObject({ subscriberId: 1, msisdn: '138****5678', vipLevel: 2, joinDate: '2016-03-01', dnd: false });
    expect(c.usage).toEqual([
      { month: '2026-09', voiceCalls: 2, voiceMinutes: 3, localMinutes: 2, longDistanceMinutes: 1, roamingMinutes: 1, sms: 1, mms: 0, gprsKb: 0, wlanMinutes: 0 },
      { month: '2026-10', voiceCalls: 1, voiceMinutes: 2, localMinutes: 2, longDistanceMinutes: 0, roamingMinutes: 0, sms: 0, mms: 0, gprsKb: 2048, wlanMinutes: 0 },
    ]);
    expect(c.bills).toEqual([
      { month: '2026-09', totalFen: 8870, items: { monthly_fee: 8800, roam_voice: 70 } },
      { month: '2026-10', totalFen: 8800, items: { monthly_fee: 8800 } },
    ]);
  });

  it('answers 404 for an unknown subscriber and 400 for a malformed id', async () => {
    const missing = await get('/api/customers/999');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'NOT_FOUND', message: 'Subscriber 999 does not exist' });
    expect((await get('/api/customers/abc')).statusCode).toBe(400);
  });

  it('merges every channel into one timeline, newest first', async () => {
    const body = (await get('/api/customers/1/contacts')).json();
    expect(body.total).toBe(4);
    expect(body.items.map((i: { time: string; source: string; channelId: string }) => [i.time, i.source, i.channelId])).toEqual([
      ['2026-10-12 15:30:00', 'contact', 'agent'],
      ['2026-10-12 15:25:00', 'ivr', 'ivr'],
      ['2026-09-20 21:00:00', 'web', 'web'],
      ['2026-09-10 10:00:00', 'contact', 'store'],
    ]);
    const complaints = (await get('/api/customers/1/contacts?type=complaint')).json();
    expect(complaints.items).toHaveLength(1);
    expect(complaints.items[0]).toMatchObject({ business: 'roaming_charge', outcome: 'resolved' });
  });
});

describe('PII reveal', () => {
  it('is refused to a role without the permission', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/customers/1/reveal', headers: { authorization: `Bearer ${tokens.analyst}` } });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('FORBIDDEN');
  });

  it('shows the full number to an admin and records who saw it', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/customers/1/reveal', headers: { authorization: `Bearer ${tokens.admin}` } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ msisdn: '13812345678' });
    const audit = (await get('/api/audit?action=pii.reveal', 'auditor')).json();
    expect(audit.items[0]).toMatchObject({ actor: 'admin', action: 'pii.reveal', target: 'subscriber:1' });
  });
});

describe('overview', () => {
  it('counts subscribers by brand and city and bins their ARPU', async () => {
    const res = await get('/api/overview');
    expect(res.statusCode).toBe(200);
    const o = res.json();
    expect(o.province.subscribers).toBe(3);
    expect(o.byBrand).toEqual([
      { brand: 'gotone', subscribers: 1, arpuFen: 18_800 },
      { brand: 'mzone', subscribers: 1, arpuFen: 4_500 },
      { brand: 'easyown', subscribers: 1, arpuFen: 2_000 },
    ]);
    expect(o.byCity).toEqual([{ cityCode: 'C01', nameZh: '江城市', nameEn: 'Jiangcheng', subscribers: 3, arpuFen: 8_433 }]);
    // ¥20–50 holds 2,000 and 4,500 fen; ¥150–200 holds 18,800
    const bins = Object.fromEntries(o.arpuHistogram.map((b: { fromFen: number; subscribers: number }) => [b.fromFen, b.subscribers]));
    expect(bins).toMatchObject({ 0: 0, 2000: 2, 15000: 1, 50000: 0 });
    // calls rounded up to whole minutes (61 s is 2), messages sent, data in MB
    expect(o.monthly).toEqual([
      { month: '2026-09', revenueFen: 8870, voiceMinutes: 3, sms: 1, gprsMb: 0 },
      { month: '2026-10', revenueFen: 8800, voiceMinutes: 2, sms: 0, gprsMb: 2 },
    ]);
    expect(o.channelVolumes.find((c: { channelId: string }) => c.channelId === 'agent')).toMatchObject({ contacts: 1, complaints: 1 });
  });

  it('counts CDRs appended after it was first shown (its usage is computed once per state of the CDR tables)', async () => {
    const before = (await get('/api/overview')).json();
    await store.run(`INSERT INTO cdr_voice (subscriber_id, start_time, duration_s, direction, call_class, time_band, roam_type, charge_fen) VALUES
      (2, '2026-10-09 09:00:00', 45, 'mo', 'local', 'peak', 'none', 20), (2, '2026-11-01 09:00:00', 125, 'mo', 'local', 'peak', 'none', 60)`);
    try {
      const after = (await get('/api/overview')).json();
      expect(after.monthly).toEqual([
        before.monthly[0],
        { ...before.monthly[1], voiceMinutes: before.monthly[1].voiceMinutes + 1 },
        // a month with calls and no bill yet
        { month: '2026-11', revenueFen: 0, voiceMinutes: 3, sms: 0, gprsMb: 0 },
      ]);
    } finally {
      await store.run('DELETE FROM cdr_voice WHERE subscriber_id = 2');
    }
    expect((await get('/api/overview')).json().monthly).toEqual(before.monthly);
  });
});

describe('platform', () => {
  it('serves the OpenAPI document', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json().paths)).toContain('/api/customers/{id}');
  });

  it('lists the product catalogue, filtered by kind, and refuses an unknown kind naming it', async () => {
    const plans = await get('/api/products?kind=tariff_plan');
    expect(plans.statusCode).toBe(200);
    expect(plans.json()).toEqual([{ productId: 'P_GT88', kind: 'tariff_plan', service: 'voice', nameZh: 'P_GT88 套餐', nameEn: 'P_GT88 plan', monthlyFeeFen: 8800, active: true }]);
    const bad = await get('/api/products?kind=gadget');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('kind');
  });

  it('cancels a running job for its starter or an administrator, audited; refuses the others, ended jobs and jobs that cannot stop', async () => {
    const post = (url: string, as: string) => app.inject({ method: 'POST', url, headers: tokens[as] ? { authorization: `Bearer ${tokens[as]}` } : {} });
    // a job that runs until it is asked to stop, started by the analyst
    const waiting = await startJob(store, 'test.wait', null, 'analyst', (_progress, signal) => new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))), undefined, { cancellable: true });
    const outcome = waiting.done.then(() => 'finished', (error: Error) => error);
    expect((await get(`/api/jobs/${waiting.jobId}`)).json()).toMatchObject({ status: 'running', cancellable: true });

    expect((await post(`/api/jobs/${waiting.jobId}/cancel`, 'auditor')).statusCode).toBe(403);
    expect((await post(`/api/jobs/${waiting.jobId}/cancel`, 'nobody')).statusCode).toBe(401);
    const cancelled = await post(`/api/jobs/${waiting.jobId}/cancel`, 'analyst');
    expect(cancelled.statusCode, cancelled.body).toBe(202);
    expect(await outcome).toBeInstanceOf(JobCancelled);
    expect((await get(`/api/jobs/${waiting.jobId}`)).json()).toMatchObject({ status: 'cancelled', error: 'cancelled by analyst', cancellable: false });
    const audit = (await get('/api/audit?action=job.cancel', 'admin')).json().items;
    expect(audit[0]).toMatchObject({ actor: 'analyst', target: `job:${waiting.jobId}`, detail: { kind: 'test.wait', startedBy: 'analyst' } });

    const again = await post(`/api/jobs/${waiting.jobId}/cancel`, 'admin');
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('JOB_ENDED');
    expect((await post('/api/jobs/no-such-job/cancel', 'admin')).statusCode).toBe(404);

    // a job that runs to its end is not stopped, and says so
    let release!: () => void;
    const plain = await startJob(store, 'test.plain', null, 'analyst', () => new Promise<void>((resolve) => (release = resolve)));
    expect((await get(`/api/jobs/${plain.jobId}`)).json().cancellable).toBe(false);
    const refused = await post(`/api/jobs/${plain.jobId}/cancel`, 'admin');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('JOB_NOT_CANCELLABLE');
    release();
    await plain.done;
    expect((await get(`/api/jobs/${plain.jobId}`)).json().status).toBe('succeeded');
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const res = await get('/api/nothing-here');
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('NOT_FOUND');
  });
});
