// One customer before and after: month by month and class by class, what the bill said and
// what a plan would charge (rated call by call, so every line is exact and shown), and the
// best plans for the customer 360 page. Small enough to compute on request.
import { Type, type Static } from '@sinclair/typebox';
import { InvalidInput, NotFound } from '../store/errors.ts';
import type { Db } from '../store/store.ts';
import { tariffAddOns, withAddOns } from './addons.ts';
import { listPlanProducts, type PlanProduct } from './catalogue.ts';
import { customerMonthsFor } from './cdrs.ts';
import { serviceOfClass, type Service } from './classes.ts';
import { compilePlan } from './compile.ts';
import { validatePlan, type TariffPlan } from './plan.ts';
import { rerate } from './price.ts';
import { rateMonth, usageEventsOf } from './reference.ts';
import { billItemServiceOf } from './pricing.ts';
import { dataMonths } from './simulation.ts';

export const ComparisonLine = Type.Object({
  kind: Type.String({ description: 'usage, carried, excluded (by class), tier, cap, fee, bill' }),
  key: Type.String({ description: 'class key, tiered charge id, cap, monthly_fee or bill item' }),
  service: Type.String(),
  calls: Type.Integer(),
  quantity: Type.Integer({ description: 'seconds, messages, KB; units for a tier' }),
  beforeFen: Type.Union([Type.Integer(), Type.Null()], { description: 'As billed (per CDR for classes); null when the line is new' }),
  afterFen: Type.Integer(),
});
export type ComparisonLine = Static<typeof ComparisonLine>;

export const CustomerComparison = Type.Object({
  subscriberId: Type.Integer(),
  planId: Type.String(),
  addOns: Type.Array(Type.String()),
  months: Type.Array(
    Type.Object({
      month: Type.String(),
      billedFen: Type.Integer(),
      afterFen: Type.Integer(),
      lines: Type.Array(ComparisonLine),
    }),
  ),
  billedFen: Type.Integer(),
  afterFen: Type.Integer(),
});
export type CustomerComparison = Static<typeof CustomerComparison>;

async function customerAddOns(db: Db, subscriberId: number) {
  const addOns = await tariffAddOns(db);
  if (addOns.size === 0) return [];
  const held = await db.query<{ id: string }>(
    `SELECT DISTINCT product_id AS id FROM holdings WHERE subscriber_id = $sid AND end_date IS NULL AND list_contains(string_split($ids, ','), product_id) ORDER BY id`,
    { sid: subscriberId, ids: [...addOns.keys()].join(',') },
  );
  return held.map((h) => addOns.get(h.id)!);
}

async function subscriberOf(db: Db, subscriberId: number): Promise<{ planId: string; brand: string }> {
  const row = await db.one<{ planId: string; brand: string }>(
    'SELECT plan_id AS "planId", CAST(brand AS VARCHAR) AS brand FROM subscribers WHERE subscriber_id = $sid',
    { sid: subscriberId },
  );
  if (!row) throw new NotFound('Subscriber', subscriberId);
  return row;
}

/** The customer's billed months under `plan`, class by class, against what was billed. */
export async function customerComparison(db: Db, subscriberId: number, plan: TariffPlan, months: string[]): Promise<CustomerComparison> {
  await subscriberOf(db, subscriberId);
  const addOns = await customerAddOns(db, subscriberId);
  const cp = compilePlan(validatePlan(withAddOns(plan, addOns)));
  const out: CustomerComparison = { subscriberId, planId: plan.id, addOns: addOns.map((a) => a.productId), months: [], billedFen: 0, afterFen: 0 };
  for (const cm of await customerMonthsFor(db, [subscriberId], months)) {
    if (cm.bills.length === 0) continue;
    const charge = rateMonth(cp, cm);
    const before = new Map<string, number>();
    for (const e of usageEventsOf(cm, cp.routes)) {
      const key = `${cp.resolve(e.cls).kind}|${cp.resolve(e.cls).lineKey}`;
      before.set(key, (before.get(key) ?? 0) + e.originalFen);
    }
    const billed = new Map<string, number>();
    for (const b of cm.bills) billed.set(b.item, (billed.get(b.item) ?? 0) + b.amountFen);
    const lines: ComparisonLine[] = [];
    for (const l of charge.lines) {
      const id = `${l.kind}|${l.key}`;
      const service: Service =
        l.kind === 'fee' ? 'fee'
        : l.kind === 'bill' ? billItemServiceOf(l.key)
        : l.kind === 'tier' ? serviceOfClass(plan.tieredCharges.find((t) => t.id === l.key)?.classes[0] ?? 'local')
        : l.kind === 'cap' ? 'voice'
        : serviceOfClass(l.key);
      let beforeFen: number | null = null;
      if (before.has(id)) {
        beforeFen = before.get(id)!;
        before.delete(id);
      } else if (l.kind === 'fee') {
        beforeFen = billed.get('monthly_fee') ?? 0;
        billed.delete('monthly_fee');
      } else if (l.kind === 'bill') {
        beforeFen = billed.get(l.key) ?? 0;
        billed.delete(l.key);
      }
      lines.push({ kind: l.kind, key: l.key, service, calls: l.calls, quantity: l.quantity, beforeFen, afterFen: l.fen });
    }
    if (!charge.lines.some((l) => l.kind === 'fee') && billed.has('monthly_fee')) {
      lines.push({ kind: 'fee', key: 'monthly_fee', service: 'fee', calls: 0, quantity: 0, beforeFen: billed.get('monthly_fee')!, afterFen: 0 });
    }
    billed.delete('monthly_fee');
    // bill items the plan does not carry (e.g. a discount) were paid before and are gone after
    const usageItems = new Set(['local_voice', 'dld_voice', 'ip_voice', 'intl_voice', 'roam_voice', 'sms', 'mms', 'gprs', 'wlan']);
    for (const [item, fen] of billed) {
      if (!usageItems.has(item)) lines.push({ kind: 'bill', key: item, service: billItemServiceOf(item), calls: 0, quantity: 0, beforeFen: fen, afterFen: 0 });
    }
    const billedFen = cm.bills.reduce((s, b) => s + b.amountFen, 0);
    // where the bill's usage items and its CDRs disagree (real data can), show the difference
    const explained = lines.reduce((s, l) => s + (l.beforeFen ?? 0), 0);
    if (explained !== billedFen) {
      lines.push({ kind: 'bill', key: 'not_in_cdrs', service: 'other', calls: 0, quantity: 0, beforeFen: billedFen - explained, afterFen: 0 });
    }
    out.months.push({ month: cm.month, billedFen, afterFen: charge.totalFen, lines });
    out.billedFen += billedFen;
    out.afterFen += charge.totalFen;
  }
  return out;
}

export const BestPlans = Type.Object({
  subscriberId: Type.Integer(),
  currentPlanId: Type.String(),
  months: Type.Array(Type.String()),
  monthsBilled: Type.Integer(),
  billedFen: Type.Integer({ description: 'Billed over the months billed' }),
  plans: Type.Array(
    Type.Object({
      planId: Type.String(),
      nameZh: Type.String(),
      nameEn: Type.String(),
      monthlyFeeFen: Type.Integer(),
      costFen: Type.Integer(),
      savingFen: Type.Integer(),
      eligible: Type.Boolean({ description: 'Sold to the customer’s brand' }),
      current: Type.Boolean(),
    }),
  ),
});
export type BestPlans = Static<typeof BestPlans>;

/**
 * Every defined, active plan priced on the customer's billed months, cheapest first; `limit`
 * keeps the cheapest eligible ones and the current plan.
 */
export async function bestPlansFor(db: Db, subscriberId: number, opts: { limit?: number; months?: string[] } = {}): Promise<BestPlans> {
  const who = await subscriberOf(db, subscriberId);
  const months = opts.months ?? (await dataMonths(db));
  if (months.length === 0) throw new InvalidInput('there are no bills to compare with', { field: 'months' });
  const products = (await listPlanProducts(db)).filter((p) => p.defined && p.active);
  const addOns = await customerAddOns(db, subscriberId);
  const plans = products.map((p) => validatePlan(withAddOns(p.definition as TariffPlan, addOns)));
  const charges = plans.length ? await rerate(db, { subscriberIds: [subscriberId] }, months, plans) : [];
  const bills = await db.query<{ month: string; fen: number }>(
    `SELECT strftime(bill_month, '%Y-%m') AS month, sum(amount_fen) AS fen FROM bills
     WHERE subscriber_id = $sid AND list_contains(string_split($months, ','), strftime(bill_month, '%Y-%m')) GROUP BY ALL`,
    { sid: subscriberId, months: months.join(',') },
  );
  const billedMonths = new Set(bills.map((b) => b.month));
  const billedFen = bills.reduce((s, b) => s + b.fen, 0);
  const cost = new Map<string, number>();
  for (const c of charges) if (billedMonths.has(c.month)) cost.set(c.planId, (cost.get(c.planId) ?? 0) + c.totalFen);
  const eligible = (p: PlanProduct) => p.brands === null || p.brands.includes(who.brand);
  let ranked = products
    .map((p) => {
      const costFen = cost.get(p.planId) ?? 0;
      return {
        planId: p.planId,
        nameZh: p.nameZh,
        nameEn: p.nameEn,
        monthlyFeeFen: p.monthlyFeeFen,
        costFen,
        savingFen: billedFen - costFen,
        eligible: eligible(p),
        current: p.planId === who.planId,
      };
    })
    .sort((a, b) => a.costFen - b.costFen || a.planId.localeCompare(b.planId));
  if (opts.limit !== undefined) {
    const keep = new Set(ranked.filter((p) => p.eligible && !p.current).slice(0, opts.limit).map((p) => p.planId));
    ranked = ranked.filter((p) => keep.has(p.planId) || p.current);
  }
  return { subscriberId, currentPlanId: who.planId, months, monthsBilled: billedMonths.size, billedFen, plans: ranked };
}
