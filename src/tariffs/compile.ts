// A validated plan made ready for rating: for each usage class (and band), what prices it —
// a rate, a tiered charge, carried at its original charge, or excluded — which allowances it
// may draw on, in order, and which breakdown line it is reported under. Both raters use this.
import { allowanceUnitSize, type TariffPlan, type RoundingMode } from './plan.ts';
import { classChain, routeOf } from './classes.ts';
import { compileCalendar, type Calendar } from './calendar.ts';
import type { GroupSpan, Step } from './charges.ts';

export interface CompiledRate {
  index: number;
  key: string;
  setup: number;
  groups: GroupSpan[];
  /** Per-call cap in scaled units, or null */
  capScaled: number | null;
  /**
   * A call's fen is linear in the group increments: no cap, and either rounding is monthly or
   * every amount is whole fen (so rounding a call changes nothing).
   */
  linear: boolean;
}

export interface CompiledTier {
  index: number;
  id: string;
  mode: 'graduated' | 'volume';
  unitSize: number;
  steps: Step[];
}

export interface CompiledAllowance {
  index: number;
  id: string;
  /** Included quantity in base units (s, messages, KB) */
  quantity: number;
  /** A call consumes its quantity rounded up to this */
  granularity: number;
}

export type Target = { kind: 'rate'; rate: CompiledRate } | { kind: 'tier'; tier: CompiledTier };

export interface BandPricing {
  target: Target;
  /** Eligible allowances in consumption order (priority, then listed order) */
  allowances: CompiledAllowance[];
}

export type Resolution =
  | { kind: 'excluded' | 'carried'; lineKey: string }
  | { kind: 'usage'; lineKey: string; byBand: Map<string, BandPricing> };

export interface CompiledPlan {
  plan: TariffPlan;
  id: string;
  scale: number;
  roundAt: 'call' | 'month';
  roundMode: RoundingMode;
  calendar: Calendar;
  rates: CompiledRate[];
  tiers: CompiledTier[];
  allowances: CompiledAllowance[];
  /** home>visited pairs this plan names */
  routes: Set<string>;
  /** Monthly caps: line keys' chains are matched against these keys */
  caps: Array<{ index: number; keys: Set<string>; capFen: number }>;
  resolve(classKey: string): Resolution;
}

function compileRate(plan: TariffPlan, index: number): CompiledRate {
  const r = plan.rates[index];
  const S = plan.priceScale;
  const groups = r.groups.map((g, i) => ({ from: g.from, to: r.groups[i + 1]?.from ?? null, increment: g.increment, price: g.price }));
  const capScaled = r.callCapFen === undefined ? null : r.callCapFen * S;
  const wholeFen = r.setupFee % S === 0 && groups.every((g) => g.price % S === 0);
  return { index, key: r.class, setup: r.setupFee, groups, capScaled, linear: capScaled === null && (plan.rounding.at === 'month' || wholeFen) };
}

const matches = (keys: readonly string[], chain: readonly string[]) => chain.some((k) => keys.includes(k));
const inBands = (bands: readonly string[] | undefined, band: string) => bands === undefined || bands.includes(band);

export function compilePlan(plan: TariffPlan): CompiledPlan {
  const rates = plan.rates.map((_, i) => compileRate(plan, i));
  const tiers: CompiledTier[] = plan.tieredCharges.map((t, index) => ({ index, id: t.id, mode: t.mode, unitSize: t.unitSize, steps: t.tiers }));
  const allowances: CompiledAllowance[] = plan.allowances.map((a, index) => {
    const unit = allowanceUnitSize[a.unit];
    return { index, id: a.id, quantity: a.amount * unit.base, granularity: a.granularity ?? unit.granularity };
  });
  const allowanceOrder = plan.allowances.map((a, i) => ({ a, i })).sort((x, y) => x.a.priority - y.a.priority || x.i - y.i);
  const pricingKeys = new Set([...plan.exclude, ...plan.carry, ...plan.rates.map((r) => r.class), ...plan.tieredCharges.flatMap((t) => t.classes)]);
  const lineKeys = new Set([...pricingKeys, ...plan.monthCaps.flatMap((c) => c.classes)]);
  const named = [...lineKeys, ...plan.allowances.flatMap((a) => a.classes)];
  const routes = new Set(named.map(routeOf).filter((r): r is string => r !== null));
  const calendar = compileCalendar(plan.bands);

  const bandPricing = (chain: string[], key: string, band: string): BandPricing => {
    const rate = rates.find((r) => r.key === key && inBands(plan.rates[r.index].bands, band));
    const tier = rate ? undefined : tiers.find((t) => plan.tieredCharges[t.index].classes.includes(key) && inBands(plan.tieredCharges[t.index].bands, band));
    const target: Target = rate ? { kind: 'rate', rate } : { kind: 'tier', tier: tier! };
    const eligible = allowanceOrder.filter(({ a }) => matches(a.classes, chain) && inBands(a.bands, band)).map(({ i }) => allowances[i]);
    return { target, allowances: eligible };
  };

  const memo = new Map<string, Resolution>();
  const resolve = (classKey: string): Resolution => {
    const known = memo.get(classKey);
    if (known) return known;
    const chain = classChain(classKey);
    const lineKey = chain.find((k) => lineKeys.has(k)) ?? chain[chain.length - 1];
    // The most specific key that the plan prices decides, for every band (validation ensures
    // a priced key covers all bands); nothing priced → carried at the original charge.
    const key = chain.find((k) => pricingKeys.has(k));
    let res: Resolution;
    if (key === undefined || plan.carry.includes(key)) res = { kind: 'carried', lineKey };
    else if (plan.exclude.includes(key)) res = { kind: 'excluded', lineKey };
    else res = { kind: 'usage', lineKey, byBand: new Map(calendar.bands.map((b) => [b, bandPricing(chain, key, b)])) };
    memo.set(classKey, res);
    return res;
  };

  return {
    plan,
    id: plan.id,
    scale: plan.priceScale,
    roundAt: plan.rounding.at,
    roundMode: plan.rounding.mode,
    calendar,
    rates,
    tiers,
    allowances,
    routes,
    caps: plan.monthCaps.map((c, index) => ({ index, keys: new Set(c.classes), capFen: c.capFen })),
    resolve,
  };
}
