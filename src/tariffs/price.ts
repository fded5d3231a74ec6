// The fast path: every candidate plan priced from the usage profiles — per row, a few
// multiply-adds over the profile's statistics; then the month stage. Allowances are exact
// from totals whenever no allowance runs out, or when one runs out but what it leaves over is
// priced linearly in its own steps on one line; otherwise the customer-month goes to the
// reference rater, and the result says so (method 'reference' with the reason).
import type { Db } from '../store/store.ts';
import { roundToFen } from './charges.ts';
import type { BandPricing, CompiledAllowance, CompiledPlan } from './compile.ts';
import { customerMonthsFor } from './cdrs.ts';
import { finishMonth, MonthTally, type MonthCharge } from './month.ts';
import type { TariffPlan } from './plan.ts';
import { profileSpecFor, usageProfilesFor, type ProfileRow, type ProfileSpec, type ProfileTarget, type UsageProfile } from './profile.ts';
import { rateCall, rateMonth, tallyCall, usageEvent } from './reference.ts';

export type ProfilePrice = { exact: true; charge: MonthCharge } | { exact: false; reason: string };

interface Drawn {
  row: ProfileRow;
  lineKey: string;
  pricing: BandPricing;
}

/** Prices one customer-month under plan `planIndex` of the spec, or says why it cannot exactly. */
export function priceProfile(spec: ProfileSpec, planIndex: number, profile: UsageProfile): ProfilePrice {
  const cp = spec.plans[planIndex];
  const meters = spec.planMeters[planIndex];
  const tally = new MonthTally(cp);
  const drawing = cp.allowances.map((): Drawn[] => []);
  const need = cp.allowances.map(() => 0);

  for (const row of profile.rows) {
    const res = cp.resolve(row.cls);
    if (res.kind !== 'usage') {
      tally.add(res.kind, res.lineKey, row.n, row.quantity, res.kind === 'carried' ? row.originalFen : 0);
      continue;
    }
    tally.add('usage', res.lineKey, row.n, row.quantity, 0);
    const pricing = res.byBand.get(spec.cells[row.cell][planIndex])!;
    const top = pricing.allowances[0];
    if (top) {
      need[top.index] += row.stats[meters.allowances[top.index]] * top.granularity;
      drawing[top.index].push({ row, lineKey: res.lineKey, pricing });
    } else {
      chargeUncovered(spec, planIndex, tally, row, res.lineKey, pricing);
    }
  }

  // Calls crossing a time cell: rated one by one with unbounded allowances, which is exact as
  // long as no allowance they draw on runs out (checked below).
  const drawnByResiduals = new Set<number>();
  for (const r of profile.residuals) {
    const c = rateCall(cp, usageEvent(r.cls, r.start, r.quantity, 0), null);
    tallyCall(tally, c, r.n);
    if (c.kind === 'carried') tally.add('carried', c.lineKey, 0, 0, r.originalFen);
    for (const [a] of c.consumed) drawnByResiduals.add(a);
  }

  for (const a of cp.allowances) {
    const total = need[a.index] + tally.allowanceUsed[a.index];
    if (total <= a.quantity) {
      tally.allowanceUsed[a.index] = total;
      for (const d of drawing[a.index]) chargeCovered(cp, tally, d);
      continue;
    }
    const linear = drawnByResiduals.has(a.index) ? false : chargeOverage(spec, planIndex, tally, a, drawing[a.index]);
    if (!linear) {
      return {
        exact: false,
        reason: `allowance '${a.id}' runs out in ${profile.month} and what it leaves over depends on the order of the calls`,
      };
    }
    tally.allowanceUsed[a.index] = a.quantity;
  }
  return { exact: true, charge: finishMonth(tally, profile, profile.bills) };
}

function chargeUncovered(spec: ProfileSpec, planIndex: number, tally: MonthTally, row: ProfileRow, lineKey: string, pricing: BandPricing): void {
  const cp = spec.plans[planIndex];
  const t = pricing.target;
  if (t.kind === 'tier') {
    tally.tierUnits[t.tier.index] += row.stats[spec.planMeters[planIndex].tiers[t.tier.index]];
    return;
  }
  const m = spec.planMeters[planIndex].rates[t.rate.index];
  let amount: number;
  if ('callCost' in m) amount = row.stats[m.callCost];
  else {
    amount = row.n * t.rate.setup;
    t.rate.groups.forEach((g, i) => (amount += row.stats[m.groups[i]] * g.price));
    // a linear rate rounded per call has whole-fen amounts only
    if (cp.roundAt === 'call') amount /= cp.scale;
  }
  tally.add('usage', lineKey, 0, 0, amount);
}

/** Calls wholly inside an allowance still pay their setup fee (capped, rounded per call). */
function chargeCovered(cp: CompiledPlan, tally: MonthTally, d: Drawn): void {
  const t = d.pricing.target;
  if (t.kind !== 'rate') return;
  const perCall = Math.min(t.rate.setup, t.rate.capScaled ?? Infinity);
  const amount = cp.roundAt === 'call' ? roundToFen(perCall, cp.scale, cp.roundMode) : perCall;
  tally.add('usage', d.lineKey, 0, 0, d.row.n * amount);
}

/**
 * An allowance ran out. Its leftover is order-free when every row drawing on it has no other
 * allowance and is priced per the allowance's own step — one linear single-group rate on one
 * line, or one tiered charge with that unit: then exactly Σ⌈q/step⌉ − quantity/step steps are
 * charged, whichever calls they fall in. Returns false when that does not hold.
 */
function chargeOverage(spec: ProfileSpec, planIndex: number, tally: MonthTally, a: CompiledAllowance, drawn: Drawn[]): boolean {
  const cp = spec.plans[planIndex];
  if (drawn.some((d) => d.pricing.allowances.length !== 1)) return false;
  const units = drawn.reduce((s, d) => s + d.row.stats[spec.planMeters[planIndex].allowances[a.index]], 0);
  const overage = units - a.quantity / a.granularity;
  const first = drawn[0].pricing.target;
  if (first.kind === 'tier') {
    const tier = first.tier;
    if (tier.unitSize !== a.granularity || drawn.some((d) => d.pricing.target.kind !== 'tier' || d.pricing.target.tier !== tier)) return false;
    tally.tierUnits[tier.index] += overage;
    return true;
  }
  const price = first.rate.groups[0].price;
  const orderFree = drawn.every((d) => {
    const t = d.pricing.target;
    if (t.kind !== 'rate' || d.lineKey !== drawn[0].lineKey) return false;
    const g = t.rate.groups;
    return t.rate.linear && g.length === 1 && g[0].increment === a.granularity && g[0].price === price;
  });
  if (!orderFree) return false;
  let amount = overage * price;
  for (const d of drawn) amount += d.row.n * (d.pricing.target as { kind: 'rate'; rate: { setup: number } }).rate.setup;
  tally.add('usage', drawn[0].lineKey, 0, 0, cp.roundAt === 'call' ? amount / cp.scale : amount);
  return true;
}

/** A customer-month under one plan, and how it was priced. */
export interface PlanMonthCharge extends MonthCharge {
  method: 'profile' | 'reference';
  /** why the profile could not price it exactly (method 'reference') */
  fallbackReason?: string;
}

/**
 * Re-rates the target's months under every plan: one SQL pass for the profiles, the fast
 * pricer for each plan, and the reference rater for the customer-months it hands back.
 */
export async function rerate(db: Db, target: ProfileTarget, months: string[], plans: TariffPlan[]): Promise<PlanMonthCharge[]> {
  const spec = profileSpecFor(plans);
  const profiles = await usageProfilesFor(db, target, months, spec);
  return priceAll(db, spec, profiles);
}

/** Prices profiles under every plan of the spec, falling back per customer-month where needed. */
export async function priceAll(db: Db, spec: ProfileSpec, profiles: UsageProfile[]): Promise<PlanMonthCharge[]> {
  const out: PlanMonthCharge[] = [];
  const pending: Array<{ at: number; planIndex: number; profile: UsageProfile; reason: string }> = [];
  for (const profile of profiles) {
    spec.plans.forEach((_, planIndex) => {
      const priced = priceProfile(spec, planIndex, profile);
      if (priced.exact) out.push({ ...priced.charge, method: 'profile' });
      else {
        pending.push({ at: out.length, planIndex, profile, reason: priced.reason });
        out.push(undefined as unknown as PlanMonthCharge);
      }
    });
  }
  if (pending.length === 0) return out;
  const ids = [...new Set(pending.map((p) => p.profile.subscriberId))];
  const monthsNeeded = [...new Set(pending.map((p) => p.profile.month))];
  const loaded = new Map((await customerMonthsFor(db, ids, monthsNeeded)).map((cm) => [`${cm.subscriberId}|${cm.month}`, cm]));
  for (const p of pending) {
    const cm = loaded.get(`${p.profile.subscriberId}|${p.profile.month}`)!;
    out[p.at] = { ...rateMonth(spec.plans[p.planIndex], cm), method: 'reference', fallbackReason: p.reason };
  }
  return out;
}
