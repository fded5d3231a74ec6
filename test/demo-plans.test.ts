// The demo catalogue's tariff definitions against the demo province: re-rating every customer's
// three months under their current plan (keeping the GPRS pack they hold) reproduces the
// billed voice, SMS, MMS, GPRS and WLAN items to the fen; the candidate plans are valid.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plans } from '../src/demo/catalogue.ts';
import { generateProvince } from '../src/demo/generate.ts';
import { demoAddOns, demoCandidatePlans, demoTariffPlan, storeDemoTariffPlans } from '../src/demo/plans.ts';
import { tariffAddOns, withAddOns } from '../src/tariffs/addons.ts';
import { definedPlans, listPlanProducts } from '../src/tariffs/catalogue.ts';
import { rerate, type PlanMonthCharge } from '../src/tariffs/price.ts';
import type { Store } from '../src/store/store.ts';
import { tempStore } from './builders.ts';

let store: Store;
const months = ['2026-08', '2026-09', '2026-10'];

beforeAll(async () => {
  store = await tempStore('demo-plans');
  await generateProvince(store, { subscribers: 300, seed: 4 });
  await storeDemoTariffPlans(store);
});

afterAll(async () => {
  await store?.close();
});

/** The bill item a rated line lands in, as the generator builds bills. */
function billItemOf(kind: string, key: string): string {
  if (kind === 'fee') return 'monthly_fee';
  if (kind === 'bill') return key;
  const root = key.split(':')[0];
  if (root.startsWith('roam_')) return 'roam_voice';
  if (root === 'local' || root === 'vpmn' || root === 'mt') return 'local_voice';
  if (root === 'dld') return 'dld_voice';
  if (root === 'ip') return 'ip_voice';
  if (root === 'intl' || root === 'intl_ip') return 'intl_voice';
  if (root.startsWith('sms')) return 'sms';
  if (root.startsWith('mms')) return 'mms';
  if (root.startsWith('gprs')) return 'gprs';
  return root;
}

describe('the demo plans as tariff definitions', () => {
  it('defines every demo plan and the candidates, and stores them idempotently', async () => {
    await storeDemoTariffPlans(store);
    const products = await listPlanProducts(store);
    const ids = [...plans.map((p) => p.id), ...demoCandidatePlans().map((c) => c.plan.id)].sort();
    expect(products.map((p) => p.planId)).toEqual(ids);
    expect(products.every((p) => p.defined)).toBe(true);
    expect(products.filter((p) => p.holders > 0).map((p) => p.planId).sort()).toEqual(plans.map((p) => p.id).sort());
    expect([...(await tariffAddOns(store)).values()]).toEqual([{ productId: 'GPRS_PACK', carry: demoAddOns.GPRS_PACK.carry }]);
  });

  it('charges a minute, an SMS and a GPRS session the way the generator does', () => {
    const gt88 = demoTariffPlan(plans.find((p) => p.id === 'GT88')!);
    expect(gt88.rates.find((r) => r.class === 'local')!.groups).toEqual([{ from: 0, increment: 60, price: 15 * 1024 }]);
    expect(gt88.rates.find((r) => r.class === 'intl:hmt')!.groups[0].price).toBe(240 * 1024); // half of 4.80 yuan
    expect(gt88.rates.find((r) => r.class === 'gprs')!.groups[0]).toEqual({ from: 0, increment: 1, price: 80 }); // 0.80 yuan per MB, per KB
    expect(gt88).toMatchObject({ priceScale: 1024, rounding: { at: 'call', mode: 'halfUp' }, carry: ['vpmn', 'ip:12593', 'intl_ip:12593'] });
  });

  it('reproduces every billed usage item when re-rating each customer under the current plan', async () => {
    const customers = await store.query<{ sid: number; plan: string; pack: boolean }>(
      `SELECT subscriber_id AS sid, plan_id AS plan,
         EXISTS (SELECT 1 FROM holdings h WHERE h.subscriber_id = s.subscriber_id AND h.product_id = 'GPRS_PACK' AND h.end_date IS NULL) AS pack
       FROM subscribers s ORDER BY sid`,
    );
    const addOns = await tariffAddOns(store);
    const charges: PlanMonthCharge[] = [];
    const groups = new Map<string, number[]>();
    for (const c of customers) groups.set(`${c.plan}|${c.pack}`, [...(groups.get(`${c.plan}|${c.pack}`) ?? []), c.sid]);
    for (const [key, ids] of groups) {
      const [planId, pack] = key.split('|');
      const [{ plan }] = await definedPlans(store, [planId]);
      charges.push(...(await rerate(store, { subscriberIds: ids }, months, [pack === 'true' ? withAddOns(plan, [addOns.get('GPRS_PACK')!]) : plan])));
    }
    const bills = await store.query<{ sid: number; month: string; item: string; fen: number }>(
      `SELECT subscriber_id AS sid, strftime(bill_month, '%Y-%m') AS month, CAST(item AS VARCHAR) AS item, amount_fen AS fen FROM bills`,
    );
    const billed = new Map<string, number>();
    for (const b of bills) billed.set(`${b.sid}|${b.month}|${b.item}`, b.fen);
    const billedMonths = new Set(bills.map((b) => `${b.sid}|${b.month}`));

    const differences: string[] = [];
    let compared = 0;
    for (const c of charges) {
      if (!billedMonths.has(`${c.subscriberId}|${c.month}`)) continue; // cancelled lines have no bill for their last month
      compared++;
      const rated = new Map<string, number>();
      for (const l of c.lines) rated.set(billItemOf(l.kind, l.key), (rated.get(billItemOf(l.kind, l.key)) ?? 0) + l.fen);
      for (const item of ['monthly_fee', 'local_voice', 'dld_voice', 'ip_voice', 'intl_voice', 'roam_voice', 'sms', 'mms', 'gprs', 'wlan', 'vas', 'discount']) {
        const want = billed.get(`${c.subscriberId}|${c.month}|${item}`) ?? 0;
        const got = rated.get(item) ?? 0;
        if (want !== got) differences.push(`${c.subscriberId} ${c.month} ${item}: billed ${want}, re-rated ${got}`);
      }
      expect(c.totalFen).toBe([...billed.entries()].filter(([k]) => k.startsWith(`${c.subscriberId}|${c.month}|`)).reduce((s, [, v]) => s + v, 0));
    }
    expect(differences).toEqual([]);
    expect(compared).toBeGreaterThan(850);
    // all of it on the fast path: no customer-month needed the per-call rater
    expect(charges.every((c) => c.method === 'profile')).toBe(true);
  });

  it('keeps a GPRS pack holder’s home-network data inside the pack under any plan', () => {
    const [candidate] = demoCandidatePlans();
    const withPack = withAddOns(candidate.plan, [{ productId: 'GPRS_PACK', carry: ['gprs'] }]);
    expect(withPack.carry).toContain('gprs');
    expect(withPack.rates.filter((r) => r.class.startsWith('gprs')).map((r) => r.class)).toEqual(['gprs:intra', 'gprs:inter']);
  });
});
