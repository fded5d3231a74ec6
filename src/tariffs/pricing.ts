// Pricing a chunk of a tariff run's customers: each customer-month under every candidate plan
// from its usage profile, then each customer's result — billed vs each plan, the plans that save
// money ranked, notes on what changes — as the JSON line stored. Free of the database (CDRs for
// the rare customer-month only the per-call rater can price come through `loadMonths`), so that
// a worker thread can run it while the job profiles the next chunks (`pricing-worker.ts`).
import type { AddOn } from './addons.ts';
import { serviceOfClass, services, type BillItem, type CustomerMonth, type Service } from './classes.ts';
import type { MonthCharge } from './month.ts';
import { allowanceUnitSize, type TariffPlan } from './plan.ts';
import { priceProfile } from './price.ts';
import { profileAt, type ProfileBatch, type ProfileSpec, type UsageProfile } from './profile.ts';
import { MonthTotals, PlanUsage, type BatchRules } from './totals.ts';
import { rateMonth } from './reference.ts';

/** What pricing needs of a run: the same in the job and in the pricing worker (structured-cloneable). */
export interface RunPricing {
  /** the candidate plans, as asked */
  plans: TariffPlan[];
  planIds: string[];
  /** brands each plan may be sold to (null = all) */
  planBrands: Array<string[] | null>;
  months: string[];
  minSavingFen: number;
  addOns: Map<string, AddOn>;
  /** each add-on set held in the target (ids joined by ',') → s: its variant of plan i is variants[s × plans + i] */
  setIndex: Map<string, number>;
  /** the plans the profiles are kept for (`profileSpecFor(variants)`) */
  variants: TariffPlan[];
}

/** The CDR months of customers, for the per-call rater. */
export type LoadMonths = (subscriberIds: number[], months: string[]) => Promise<CustomerMonth[]>;

export interface TargetCustomer {
  sid: number;
  planId: string;
  brand: string;
  addOns: string[];
}

/** One result row, as stored. */
interface ResultRow {
  subscriber_id: number;
  current_plan_id: string;
  months_billed: number;
  current_fen: number;
  costs: number[];
  outcome: 'better' | 'no_better' | 'no_bill';
  best_plan_ids: string[];
  recommended: string[];
  best_fen: number | null;
  saving_fen: number;
  revenue_change_fen: number;
  reference_months: number;
  notes: PackedNote[];
}

/** A result line's structure, for DuckDB's from_json. */
export const resultStructure = JSON.stringify(
  {
    subscriber_id: 'INTEGER',
    current_plan_id: 'VARCHAR',
    months_billed: 'INTEGER',
    current_fen: 'BIGINT',
    costs: ['BIGINT'],
    outcome: 'VARCHAR',
    best_plan_ids: ['VARCHAR'],
    recommended: ['VARCHAR'],
    best_fen: 'BIGINT',
    saving_fen: 'BIGINT',
    revenue_change_fen: 'BIGINT',
    reference_months: 'INTEGER',
    notes: 'JSON',
  } satisfies Record<keyof ResultRow, string | string[]>,
);

const billItemService: Record<BillItem, Service> = {
  monthly_fee: 'fee',
  local_voice: 'voice',
  dld_voice: 'voice',
  ip_voice: 'voice',
  intl_voice: 'voice',
  roam_voice: 'voice',
  sms: 'sms',
  mms: 'mms',
  gprs: 'gprs',
  wlan: 'wlan',
  vas: 'other',
  other: 'other',
  discount: 'other',
};
export const billItemServiceOf = (item: string): Service => billItemService[item as BillItem] ?? 'other';

/** Fen of a month's charge by service (usage, tiers, carried, caps → their classes' service). */
export function chargeByService(charge: MonthCharge, plan: TariffPlan): Record<Service, number> {
  const out: Record<Service, number> = { voice: 0, sms: 0, mms: 0, gprs: 0, wlan: 0, fee: 0, other: 0 };
  for (const l of charge.lines) {
    if (l.kind === 'fee') out.fee += l.fen;
    else if (l.kind === 'bill') out.other += l.fen;
    else if (l.kind === 'tier') out[serviceOfClass(plan.tieredCharges.find((t) => t.id === l.key)?.classes[0] ?? 'local')] += l.fen;
    else if (l.kind === 'cap') out[serviceOfClass(plan.monthCaps[Number(/\d+/.exec(l.key)?.[0] ?? 0)]?.classes[0] ?? 'local')] += l.fen;
    else out[serviceOfClass(l.key)] += l.fen;
  }
  return out;
}

export type Note =
  | { code: 'allowance'; planId: string; id: string; usedPerMonth: number; quantity: number; domain: 'second' | 'message' | 'kb' }
  | { code: 'bundle'; planId: string; id: string; unitsPerMonth: number; included: number | null; unitSize: number }
  | { code: 'service'; service: Service; beforeFen: number; afterFen: number }
  | { code: 'addOn'; productId: string }
  | { code: 'partialMonths'; billed: number; of: number };

/**
 * A note as stored: its values in a fixed order behind a one-letter code, a third of the
 * object's JSON (a run stores about ten notes per customer, and writing them costs more than
 * pricing). Runs stored before this kept the objects; `unpackNotes` reads both.
 */
type PackedNote =
  | ['a', string, string, number, number, 'second' | 'message' | 'kb']
  | ['b', string, string, number, number | null, number]
  | ['s', Service, number, number]
  | ['o', string]
  | ['p', number, number];

function unpackNote(n: PackedNote | Note): Note {
  if (!Array.isArray(n)) return n;
  switch (n[0]) {
    case 'a':
      return { code: 'allowance', planId: n[1], id: n[2], usedPerMonth: n[3], quantity: n[4], domain: n[5] };
    case 'b':
      return { code: 'bundle', planId: n[1], id: n[2], unitsPerMonth: n[3], included: n[4], unitSize: n[5] };
    case 's':
      return { code: 'service', service: n[1], beforeFen: n[2], afterFen: n[3] };
    case 'o':
      return { code: 'addOn', productId: n[1] };
    case 'p':
      return { code: 'partialMonths', billed: n[1], of: n[2] };
  }
}

/** The notes of a stored result row (the JSON text of the notes column). */
export const unpackNotes = (stored: string | null): Note[] => (stored === null ? [] : (JSON.parse(stored) as Array<PackedNote | Note>).map(unpackNote));

/**
 * Prices a chunk customer by customer: month totals under every plan from the profile batch
 * (`MonthTotals`, no line objects); the customer-months it leaves to the general profile pricer,
 * and those to the per-call reference rater, which go together with their CDRs loaded once.
 * Full month charges are built only for the plan a customer is recommended, for its notes.
 */
export async function priceChunk(totals: MonthTotals, run: RunPricing, customers: TargetCustomer[], batch: ProfileBatch, loadMonths: LoadMonths): Promise<string[]> {
  const { setIndex, addOns } = run;
  const spec = totals.spec;
  const P = run.plans.length;
  const M = batch.months.length;
  const rules = totals.rulesFor(batch);
  const indexOf = new Map(batch.subscriberIds.map((sid, i) => [sid, i]));
  const out = new Float64Array(P);
  const context = resultContext(run, batch, addOns, totals, rules);
  interface Deferred {
    at: number;
    priced: PricedCustomer;
    pending: Array<{ plan: number; month: number }>;
  }
  const rows: string[] = [];
  const deferred: Deferred[] = [];
  for (const customer of customers) {
    const s = indexOf.get(customer.sid);
    // months without a bill (a line cancelled before them) are compared on neither side
    const billed: number[] = [];
    if (s !== undefined) for (let m = 0; m < M; m++) if (batch.billStart[s * M + m + 1] > batch.billStart[s * M + m]) billed.push(s * M + m);
    const base = setIndex.get(customer.addOns.join(','))! * P;
    const priced: PricedCustomer = { customer, batch, billed, base, costs: new Array<number>(P).fill(0), charges: null, profiles: [] };
    const pending: Deferred['pending'] = [];
    for (let m = 0; m < billed.length; m++) {
      totals.price(batch, rules, billed[m], base, base + P, out);
      for (let i = 0; i < P; i++) {
        if (!Number.isNaN(out[i])) {
          priced.costs[i] += out[i];
          continue;
        }
        const general = priceProfile(spec, base + i, profileOf(priced, m));
        if (general.exact) keep(priced, i, m, general.charge);
        else pending.push({ plan: i, month: m });
      }
    }
    if (pending.length === 0) rows.push(customerResult(context, priced, 0));
    else {
      deferred.push({ at: rows.length, priced, pending });
      rows.push('');
    }
  }
  if (deferred.length > 0) {
    const months = [...new Set(deferred.flatMap((d) => d.pending.map((p) => batch.months[d.priced.billed[p.month] % M])))];
    const loaded = new Map((await loadMonths(deferred.map((d) => d.priced.customer.sid), months)).map((cm) => [`${cm.subscriberId}|${cm.month}`, cm]));
    for (const d of deferred) {
      for (const p of d.pending) {
        const k = d.priced.billed[p.month];
        const cm = loaded.get(`${d.priced.customer.sid}|${batch.months[k % M]}`)!;
        keep(d.priced, p.plan, p.month, rateMonth(spec.plans[d.priced.base + p.plan], cm));
      }
      rows[d.at] = customerResult(context, d.priced, d.pending.length);
    }
  }
  return rows;
}

/** A customer's costs under each plan over the billed months, and the month charges built so far. */
interface PricedCustomer {
  customer: TargetCustomer;
  batch: ProfileBatch;
  /** profile indexes of the billed months */
  billed: number[];
  /** the customer's add-on variant of plan i is spec plan base + i */
  base: number;
  costs: number[];
  /** plan × billed month → its charge, where the general pricer or the reference built one (null: none) */
  charges: Map<number, MonthCharge> | null;
  /** billed month → its profile as objects, built when first needed */
  profiles: UsageProfile[];
}

function profileOf(priced: PricedCustomer, month: number): UsageProfile {
  return (priced.profiles[month] ??= profileAt(priced.batch, priced.billed[month]));
}

function keep(priced: PricedCustomer, plan: number, month: number, charge: MonthCharge): void {
  priced.costs[plan] += charge.totalFen;
  (priced.charges ??= new Map()).set(plan * priced.billed.length + month, charge);
}

/** The month charges of one plan over the billed months, for the notes of the recommended plan. */
function chargesOf(spec: ProfileSpec, priced: PricedCustomer, plan: number): MonthCharge[] {
  return priced.billed.map((k, m) => {
    const known = priced.charges?.get(plan * priced.billed.length + m);
    if (known) return known;
    const general = priceProfile(spec, priced.base + plan, profileOf(priced, m));
    // MonthTotals priced this month, so the profile pricer can too
    if (!general.exact) throw new Error(`month totals and the profile pricer disagree on ${priced.customer.sid} ${priced.batch.months[k % priced.batch.months.length]}`);
    return general.charge;
  });
}

/**
 * What the recommended plan uses and pays by service over the billed months: from month totals
 * where they priced every month (no charge objects), else from the month charges.
 */
function topPlanUsage(context: ResultContext, priced: PricedCustomer, plan: number): PlanUsage {
  const { totals, rules } = context;
  const usage = context.usages[plan].clear();
  let byTotals = true;
  for (let m = 0; m < priced.billed.length && byTotals; m++) {
    const k = priced.billed[m];
    byTotals = !priced.charges?.has(plan * priced.billed.length + m) && !priced.batch.residuals.has(k);
  }
  for (let m = 0; m < priced.billed.length && byTotals; m++) byTotals = !Number.isNaN(totals.usage(priced.batch, rules, priced.billed[m], priced.base + plan, usage));
  if (byTotals) return usage;
  return planUsageOf(context.run.plans[plan], chargesOf(totals.spec, priced, plan));
}

/** What customer results share within a chunk. */
interface ResultContext {
  run: RunPricing;
  addOns: Map<string, AddOn>;
  totals: MonthTotals;
  rules: BatchRules;
  batch: ProfileBatch;
  /** by brand: plan i may be sold to it */
  eligible: Map<string, boolean[]>;
  /** the service (index in `services`) of each of the batch's bill items */
  itemService: Int32Array;
  /** per plan, reused for each customer recommended it */
  usages: PlanUsage[];
  /** per plan, its id as JSON */
  quoted: string[];
}

function resultContext(run: RunPricing, batch: ProfileBatch, addOns: Map<string, AddOn>, totals: MonthTotals, rules: BatchRules): ResultContext {
  const brands = new Set(run.planBrands.flatMap((b) => b ?? []));
  const eligible = new Map(['gotone', 'mzone', 'easyown', ...brands].map((brand) => [brand, run.planBrands.map((b) => b === null || b.includes(brand))]));
  return {
    run,
    addOns,
    totals,
    rules,
    batch,
    eligible,
    itemService: Int32Array.from(batch.billItems.map((item) => services.indexOf(billItemServiceOf(item)))),
    usages: run.plans.map((p) => new PlanUsage(p.allowances.length, p.tieredCharges.length)),
    quoted: run.planIds.map((id) => JSON.stringify(id)),
  };
}

/**
 * One customer's result: billed vs each plan over the billed months, ranked, with notes — as
 * the JSON line stored (`resultStructure`), written directly: a run writes one per customer, and
 * objects stringified cost more than the pricing.
 */
function customerResult(context: ResultContext, priced: PricedCustomer, referenceMonths: number): string {
  const { run, addOns, batch, quoted } = context;
  const { customer, billed, costs } = priced;
  // billed fen, in all and by service
  const before = new Float64Array(services.length);
  let current = 0;
  for (const k of billed) {
    for (let j = batch.billStart[k]; j < batch.billStart[k + 1]; j++) {
      current += batch.billFen[j];
      before[context.itemService[batch.billItem[j]]] += batch.billFen[j];
    }
  }
  const notes: string[] = [];
  if (billed.length < run.months.length && billed.length > 0) notes.push(JSON.stringify(['p', billed.length, run.months.length] satisfies PackedNote));
  for (const id of customer.addOns) if (addOns.has(id)) notes.push(JSON.stringify(['o', id] satisfies PackedNote));
  let outcome: ResultRow['outcome'] = 'no_bill';
  let best = '';
  let recommended = '';
  let bestFen: number | null = null;
  let saving = 0;
  if (billed.length > 0) {
    // the eligible plans that save more than the minimum, the largest saving first (ties: listed order)
    const eligible = context.eligible.get(customer.brand) ?? run.planBrands.map((b) => b === null || b.includes(customer.brand));
    const ranked: number[] = [];
    for (let i = 0; i < costs.length; i++) {
      if (eligible[i] && run.planIds[i] !== customer.planId && current - costs[i] > run.minSavingFen) ranked.push(i);
    }
    outcome = 'no_better';
    if (ranked.length > 0) {
      ranked.sort((a, b) => costs[a] - costs[b] || a - b);
      const top = ranked[0];
      usageNotes(notes, quoted[top], run.plans[top], topPlanUsage(context, priced, top), before, billed.length);
      outcome = 'better';
      best = ranked.filter((i) => costs[i] === costs[top]).map((i) => quoted[i]).join(',');
      recommended = ranked.map((i) => quoted[i]).join(',');
      bestFen = costs[top];
      saving = current - costs[top];
    }
  }
  // written as one template (no closure made per customer: tsx's keepNames makes each costly)
  return (
    `{"subscriber_id":${customer.sid},"current_plan_id":${JSON.stringify(customer.planId)},"months_billed":${billed.length},` +
    `"current_fen":${current},"costs":[${costs.join(',')}],"outcome":"${outcome}","best_plan_ids":[${best}],"recommended":[${recommended}],` +
    `"best_fen":${bestFen},"saving_fen":${saving},"revenue_change_fen":${-saving},"reference_months":${referenceMonths},"notes":[${notes.join(',')}]}`
  );
}

/** What a plan's month charges use and pay by service, summed over the months. */
function planUsageOf(plan: TariffPlan, charges: MonthCharge[]): PlanUsage {
  const usage = new PlanUsage(plan.allowances.length, plan.tieredCharges.length);
  for (const c of charges) {
    plan.allowances.forEach((a, i) => (usage.allowanceUsed[i] += c.allowances.find((x) => x.id === a.id)?.used ?? 0));
    plan.tieredCharges.forEach((t, i) => (usage.tierUnits[i] += c.lines.find((l) => l.kind === 'tier' && l.key === t.id)?.quantity ?? 0));
    const s = chargeByService(c, plan);
    services.forEach((service, i) => (usage.byService[i] += s[service]));
  }
  return usage;
}

/**
 * What changes for the customer under the plan (its id `quotedId` as JSON): allowances and
 * bundles used, money by service, the largest change first — packed notes as JSON, onto `notes`.
 */
function usageNotes(notes: string[], quotedId: string, plan: TariffPlan, usage: PlanUsage, billed: Float64Array, months: number): void {
  plan.allowances.forEach((a, i) => {
    const quantity = a.amount * allowanceUnitSize[a.unit].base;
    const domain = a.unit === 'message' ? 'message' : a.unit === 'kb' || a.unit === 'mb' ? 'kb' : 'second';
    notes.push(`["a",${quotedId},${JSON.stringify(a.id)},${Math.round(usage.allowanceUsed[i] / months)},${quantity},"${domain}"]`);
  });
  plan.tieredCharges.forEach((t, i) => {
    const free = t.tiers[0].price === 0 && t.tiers[0].flatFen === 0 ? t.tiers[0].to : null;
    notes.push(`["b",${quotedId},${JSON.stringify(t.id)},${Math.round(usage.tierUnits[i] / months)},${free},${t.unitSize}]`);
  });
  const shown: number[] = [];
  for (let i = 0; i < services.length; i++) if (billed[i] !== 0 || usage.byService[i] !== 0) shown.push(i);
  // a stable sort: equal changes keep the order of `services`
  shown.sort((a, b) => Math.abs(usage.byService[b] - billed[b]) - Math.abs(usage.byService[a] - billed[a]));
  for (const i of shown) notes.push(`["s","${services[i]}",${billed[i]},${usage.byService[i]}]`);
}

