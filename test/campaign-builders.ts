// Builders for the campaign tests: a small hand-made province, signed-in clients per role, and a
// complete campaign plan a test can vary one field of.
import { expect } from 'vitest';
import { ensureDemoUsers } from '../src/auth/users.ts';
import { loadConfig } from '../src/config.ts';
import { buildApp } from '../src/server/app.ts';
import type { App } from '../src/server/context.ts';
import type { Store } from '../src/store/store.ts';
import { addCity, addPlan } from './builders.ts';

export type Role = 'admin' | 'planner' | 'approver' | 'analyst' | 'operator' | 'auditor';

export interface Client {
  app: App;
  call(as: Role, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<{ status: number; body: any; text: string }>;
  /** The session token of a role (signing in on first use), for requests `call` does not fit. */
  token(as: Role): Promise<string>;
}

export async function campaignApp(store: Store): Promise<Client> {
  await ensureDemoUsers(store);
  const app = await buildApp({ store, config: loadConfig(), startup: { jobId: null, error: null } });
  const tokens: Partial<Record<Role, string>> = {};
  const token = async (as: Role): Promise<string> => {
    if (!tokens[as]) {
      const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: as, password: 'yiti-demo' } });
      expect(login.statusCode).toBe(200);
      tokens[as] = login.json().token;
    }
    return tokens[as]!;
  };
  const call: Client['call'] = async (as, method, url, body) => {
    const res = await app.inject({ method, url, headers: { authorization: `Bearer ${await token(as)}` }, ...(body === undefined ? {} : { payload: body as object }) });
    let parsed: unknown = null;
    try {
      parsed = res.json();
    } catch {
      parsed = null;
    }
    return { status: res.statusCode, body: parsed, text: res.body };
  };
  return { app, call, token };
}

/**
 * A province of `n` subscribers (ids 1..n) a person can reason about: every 10th is VIP level 2,
 * ids ≡ 3 (mod 20) are suspended, ≡ 7 in arrears, ≡ 11 cancelled, ≡ 13 do-not-disturb.
 */
export async function smallProvince(store: Store, n = 60): Promise<void> {
  await addCity(store, 'C01', '江城市', 'Jiangcheng');
  await addPlan(store, 'P_GT88', 8800);
  await store.run(`INSERT INTO products (product_id, kind, service, name_zh, name_en, monthly_fee_fen, active) VALUES
    ('FETION', 'vas', 'gprs', '飞信', 'Fetion', 0, true),
    ('MAIL139', 'vas', 'gprs', '139 邮箱', '139 Mail', 500, true),
    ('OLD_PACK', 'offer', NULL, '旧套餐包', 'Old pack', 1000, false)`);
  // one statement rather than n inserts: the same rows addSubscriber would make
  await store.run(
    `INSERT INTO subscribers (subscriber_id, msisdn, brand, plan_id, status, city_code, age, gender, join_date, arpu_fen, payment_type, vip_level, dnd)
     SELECT id, '1380000' || lpad(CAST(id AS VARCHAR), 4, '0'), 'gotone', 'P_GT88',
       CASE id % 20 WHEN 3 THEN 'suspended' WHEN 7 THEN 'arrears' WHEN 11 THEN 'cancelled' ELSE 'active' END,
       'C01', 20 + id % 40, 'M', DATE '2020-01-15', 10000, 'postpaid', CASE WHEN id % 10 = 0 THEN 2 ELSE 0 END, id % 20 = 13
     FROM range(1, $n + 1) r(id)`,
    { n },
  );
  await store.run("INSERT INTO province_meta VALUES ('as_of_date', '2026-10-31')");
}

/** A complete plan: VIPs to account managers, everyone else to the outbound call centre. */
export function basePlan(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: '飞信推广 Fetion promotion',
    category: 'new_service',
    goal: 'Win Fetion users among adults',
    kpis: { targetResponders: 10, targetSuccessRate: 0.3, valuePerResponseFen: 2_000 },
    alerts: { minContacted: 5 },
    budget: [
      { item: 'gifts_materials', plannedFen: 100_000 },
      { item: 'discounts', plannedFen: 50_000 },
      { item: 'channel_commission', plannedFen: 20_000 },
    ],
    offers: [{ productId: 'FETION', scripts: { account_mgr: '您好，为您推荐飞信……', outbound: '您好，这里是 10086……' } }],
    target: { kind: 'filter', filter: { field: 'age', op: 'gte', value: 18 } },
    channels: [
      { channelId: 'account_mgr', segment: 'VIP', when: { field: 'vipLevel', op: 'gte', value: 2 } },
      { channelId: 'outbound', segment: 'mass' },
    ],
    waveMode: 'parallel',
    waves: [{ name: 'W1', startDate: '2026-11-01', endDate: '2026-11-15' }],
    controlPercent: 20,
    promotion: {
      advertising: [{ medium: 'radio', content: '飞信，随时随地', startDate: '2026-10-25', endDate: '2026-11-15', costFen: 30_000 }],
      materials: [{ kind: 'poster', quantity: 200, destination: 'C01 stores' }],
    },
    ...overrides,
  };
}

/** Drives a campaign through the lifecycle up to `until` (planner plans, approver approves). */
export async function campaignIn(client: Client, until: 'draft' | 'submitted' | 'approved' | 'scheduled' | 'running', plan = basePlan(), creator: Role = 'planner'): Promise<{ id: number; version: number }> {
  const created = await client.call(creator, 'POST', '/api/campaigns', plan);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  let c = created.body;
  const steps: Array<[string, Role]> = [['submit', creator], ['approve', creator === 'approver' ? 'admin' : 'approver'], ['schedule', creator], ['start', creator]];
  const order = ['draft', 'submitted', 'approved', 'scheduled', 'running'];
  for (const [action, as] of steps.slice(0, order.indexOf(until))) {
    const res = await client.call(as, 'POST', `/api/campaigns/${c.campaignId}/${action}`, { version: c.version });
    expect(res.status, `${action}: ${JSON.stringify(res.body)}`).toBe(200);
    c = res.body;
  }
  return { id: c.campaignId, version: c.version };
}
