// Month totals, fast: what a simulation ranks plans by is each customer-month's total fen, not
// its lines. Each plan is compiled once into a rule per (usage class, time cell) — line id,
// allowance, tier, meter coefficients — and a profile batch is priced in tight loops over its
// typed arrays, with no string keys or line objects per customer-month: each row once for
// every plan (the row stage), then each plan's allowances, tiers and caps (the month stage).
// A customer-month this cannot price exactly the same way `priceProfile` does (a call crossing
// a cell, an allowance that runs out and leaves an order-dependent remainder) comes back as
// NaN, for the general path; the property test holds both against the reference rater.
import { roundToFen } from './charges.ts';
import { classChain, serviceOfClass, services, type BillItem } from './classes.ts';
import type { CompiledPlan } from './compile.ts';
import type { ProfileBatch, ProfileSpec } from './profile.ts';

const carried = 0;
const excluded = 1;
const usage = 2;
// usage rows in the flattened rules, by what prices them
const rated = 3;
const tiered = 4;
const drawing = 5;

const billItems: BillItem[] = ['monthly_fee', 'local_voice', 'dld_voice', 'ip_voice', 'intl_voice', 'roam_voice', 'sms', 'mms', 'gprs', 'wlan', 'vas', 'other', 'discount'];
const billItemCodes = new Map(billItems.map((item, i) => [item as string, i]));
/** Bill items as small integers (an unknown item is carried by no plan). */
const billItemCode = (item: string) => billItemCodes.get(item) ?? billItems.length;

/** How one plan prices the rows of one usage class in one time cell. */
interface RowRule {
  kind: number;
  /** usage line id within the plan */
  line: number;
  /** the allowance drawn on first, or -1 */
  allowance: number;
  /** the meter counting the allowance's steps (Σ⌈q/granularity⌉), and the step */
  allowanceMeter: number;
  granularity: number;
  /** per call, what a call wholly inside the allowance still pays (fen, or scaled when the plan rounds monthly) */
  coveredFee: number;
  /** the overage form this row shares with the others on its allowance (-1: none, order decides) */
  overage: number;
  /** the tiered charge counting the row, or -1 (then rates price it) */
  tier: number;
  tierMeter: number;
  /** rate: amount = (n × perCall + Σ stats[meters[i]] × coefs[i]) / divisor */
  perCall: number;
  meters: number[];
  coefs: number[];
  divisor: number;
  /** raw setup fee per call (the order-free overage charges it on every call) */
  setup: number;
}

/** An order-free overage: the leftover steps go to one tier, or one line at one price per step. */
interface OverageForm {
  tier: number;
  line: number;
  price: number;
}

const serviceCode = (key: string) => services.indexOf(serviceOfClass(key));
const feeService = services.indexOf('fee');
const otherService = services.indexOf('other');

/**
 * What a customer-month uses and pays by service under one plan, as `usageNotes` reads it from
 * month charges; summed over the months it is asked for.
 */
export class PlanUsage {
  readonly allowanceUsed: Float64Array;
  readonly tierUnits: Float64Array;
  /** fen by service, in `services` order */
  readonly byService = new Float64Array(services.length);
  constructor(allowances: number, tiers: number) {
    this.allowanceUsed = new Float64Array(allowances);
    this.tierUnits = new Float64Array(tiers);
  }
  /** Zeroed, for the next customer. */
  clear(): this {
    this.allowanceUsed.fill(0);
    this.tierUnits.fill(0);
    this.byService.fill(0);
    return this;
  }
}

/** One plan, compiled for totals. */
interface TotalsPlan {
  cp: CompiledPlan;
  lines: number;
  /** per usage line, the monthly cap it falls under, or -1 */
  capOfLine: number[];
  /** per usage line, its service code */
  lineService: number[];
  tierService: Int32Array;
  capService: Int32Array;
  overages: OverageForm[];
  /** per bill item code, 1 if the plan carries it as billed */
  carriedItem: Uint8Array;
  /** plans carrying the same bill items share this id (their carried bills are summed once per customer-month) */
  carriedSet: number;
  // the plan's numbers as flat arrays, read in the month stage
  scale: number;
  roundMode: number;
  roundAtCall: boolean;
  monthlyFee: number;
  allowances: number;
  allowanceQuantity: Float64Array;
  allowanceGranularity: Float64Array;
  capFen: Float64Array;
  tiers: number;
  tierVolume: Uint8Array;
  /** tier t's steps are stepStart[t] … stepStart[t + 1] − 1; an open end is Infinity */
  stepStart: Int32Array;
  stepFrom: Float64Array;
  stepTo: Float64Array;
  stepPrice: Float64Array;
  stepFlat: Float64Array;
  /** per tier, its fen at zero units (a flat first step may charge even then) */
  tierZeroFen: Float64Array;
}

/** The rules of every class × cell × plan as parallel typed arrays (see `RowRule`). */
interface FlatRules {
  kind: Int8Array;
  line: Int32Array;
  allowance: Int32Array;
  allowanceMeter: Int32Array;
  granularity: Float64Array;
  coveredFee: Float64Array;
  overage: Int32Array;
  tier: Int32Array;
  tierMeter: Int32Array;
  perCall: Float64Array;
  divisor: Float64Array;
  setup: Float64Array;
  /** the service a carried row's charge counts under */
  service: Int8Array;
  /** rule i's meters and coefficients are meter[j], coef[j] for j in meterStart[i] … meterStart[i + 1] − 1 */
  meterStart: Int32Array;
  meter: Int32Array | number[];
  coef: Float64Array | number[];
}

/** A profile batch made ready for `price`: each row's rule base, and its bill items as codes. */
export interface BatchRules {
  /** where row r's rules begin in the flattened rules, or -1 where the row costs every plan nothing */
  rowBase: Int32Array;
  billStart: Int32Array;
  billItem: Int32Array;
  billFen: Float64Array;
}

function totalsPlan(cp: CompiledPlan): TotalsPlan {
  const steps = cp.tiers.flatMap((t) => t.steps);
  const stepStart = new Int32Array(cp.tiers.length + 1);
  cp.tiers.forEach((t, i) => (stepStart[i + 1] = stepStart[i] + t.steps.length));
  const carriedItem = new Uint8Array(billItems.length + 1);
  for (const item of cp.plan.carryBillItems) carriedItem[billItemCode(item)] = 1;
  carriedItem[billItems.length] = 0;
  return {
    cp,
    lines: 0,
    capOfLine: [],
    lineService: [],
    tierService: Int32Array.from(cp.plan.tieredCharges.map((t) => serviceCode(t.classes[0] ?? 'local'))),
    capService: Int32Array.from(cp.plan.monthCaps.map((c) => serviceCode(c.classes[0] ?? 'local'))),
    overages: [],
    carriedItem,
    carriedSet: 0,
    scale: cp.scale,
    roundMode: roundingCodes[cp.roundMode],
    roundAtCall: cp.roundAt === 'call',
    monthlyFee: cp.plan.monthlyFeeFen,
    allowances: cp.allowances.length,
    allowanceQuantity: Float64Array.from(cp.allowances.map((a) => a.quantity)),
    allowanceGranularity: Float64Array.from(cp.allowances.map((a) => a.granularity)),
    capFen: Float64Array.from(cp.caps.map((c) => c.capFen)),
    tiers: cp.tiers.length,
    tierVolume: Uint8Array.from(cp.tiers.map((t) => (t.mode === 'volume' ? 1 : 0))),
    stepStart,
    stepFrom: Float64Array.from(steps.map((s) => s.from)),
    stepTo: Float64Array.from(steps.map((s) => s.to ?? Infinity)),
    stepPrice: Float64Array.from(steps.map((s) => s.price)),
    stepFlat: Float64Array.from(steps.map((s) => s.flatFen)),
    tierZeroFen: new Float64Array(cp.tiers.length),
  };
}

export class MonthTotals {
  private readonly plans: TotalsPlan[];
  private readonly lineIds: Array<Map<string, number>>;
  private readonly overageIds: Array<Map<string, number>>;
  private readonly flat: FlatRules;
  /** per class × cell, 1 where every plan prices its rows at nothing (incoming calls, mostly) */
  private readonly idle: Uint8Array;
  // Scratch for a customer-month under every plan at once, reused: plan slot q (plan from + q of
  // `price`) keeps its usage lines at q × lineStride …, its tiers at q × tierStride …, its
  // allowances at q × allowanceStride …
  private readonly lineStride: number;
  private readonly tierStride: number;
  private readonly allowanceStride: number;
  private readonly lineAmount: Float64Array;
  private readonly tierUnits: Float64Array;
  private readonly need: Float64Array;
  private readonly steps: Float64Array;
  private readonly setupSum: Float64Array;
  private readonly coveredSum: Float64Array;
  private readonly form: Int32Array;
  /** per slot, the fen of the rows the plan carries as billed */
  private readonly carriedRows: Float64Array;
  private readonly capSum: Float64Array;
  /** one row's statistics, read once for every plan */
  private readonly rowStats: Float64Array;
  // carried bills per carried set, for profile billK of billRules (valid where billStamp = billGeneration)
  private billSum: Float64Array;
  private billStamp: Int32Array;
  private billGeneration = 0;
  private billK = -1;
  private billRules: BatchRules | null = null;

  constructor(readonly spec: ProfileSpec) {
    this.lineIds = spec.plans.map(() => new Map());
    this.overageIds = spec.plans.map(() => new Map());
    this.plans = spec.plans.map(totalsPlan);
    const sets = new Map<string, number>();
    for (const tp of this.plans) {
      const key = tp.carriedItem.join();
      if (!sets.has(key)) sets.set(key, sets.size);
      tp.carriedSet = sets.get(key)!;
      for (let t = 0; t < tp.tiers; t++) tp.tierZeroFen[t] = toFen(tierAmount(tp, t, 0), tp.scale, tp.roundMode);
    }
    this.billSum = new Float64Array(sets.size);
    this.billStamp = new Int32Array(sets.size);
    const most = (f: (cp: CompiledPlan) => number) => Math.max(1, ...spec.plans.map(f));
    const P = Math.max(1, spec.plans.length);
    this.tierStride = most((cp) => cp.tiers.length);
    this.allowanceStride = most((cp) => cp.allowances.length);
    this.tierUnits = new Float64Array(P * this.tierStride);
    const allowances = P * this.allowanceStride;
    this.need = new Float64Array(allowances);
    this.steps = new Float64Array(allowances);
    this.setupSum = new Float64Array(allowances);
    this.coveredSum = new Float64Array(allowances);
    this.form = new Int32Array(allowances);
    this.carriedRows = new Float64Array(P);
    this.capSum = new Float64Array(most((cp) => cp.caps.length));
    this.rowStats = new Float64Array(spec.meters.length);
    this.flat = this.compileRules();
    this.idle = new Uint8Array(spec.classes.length * spec.cells.length);
    const plans = spec.plans.length;
    for (let g = 0; g < this.idle.length; g++) this.idle[g] = this.flat.kind.subarray(g * plans, (g + 1) * plans).every((k) => k === excluded) ? 1 : 0;
    // the usage lines are known once the rules are compiled
    this.lineStride = Math.max(1, ...this.plans.map((tp) => tp.lines));
    this.lineAmount = new Float64Array(P * this.lineStride);
  }

  private lineOf(p: number, key: string): number {
    const ids = this.lineIds[p];
    let id = ids.get(key);
    if (id === undefined) {
      const tp = this.plans[p];
      id = tp.lines++;
      ids.set(key, id);
      const chain = classChain(key);
      tp.capOfLine.push(tp.cp.caps.findIndex((c) => chain.some((k) => c.keys.has(k))));
      tp.lineService.push(serviceCode(key));
    }
    return id;
  }

  private overageOf(p: number, form: OverageForm): number {
    const key = `${form.tier}|${form.line}|${form.price}`;
    const ids = this.overageIds[p];
    let id = ids.get(key);
    if (id === undefined) {
      id = this.plans[p].overages.length;
      this.plans[p].overages.push(form);
      ids.set(key, id);
    }
    return id;
  }

  private rule(p: number, cls: string, cell: number): RowRule {
    const spec = this.spec;
    const cp = spec.plans[p];
    const meters = spec.planMeters[p];
    const res = cp.resolve(cls);
    const none: RowRule = {
      kind: carried, line: -1, allowance: -1, allowanceMeter: -1, granularity: 1, coveredFee: 0, overage: -1, tier: -1, tierMeter: -1,
      perCall: 0, meters: [], coefs: [], divisor: 1, setup: 0,
    };
    if (res.kind !== 'usage') return { ...none, kind: res.kind === 'carried' ? carried : excluded };
    const line = this.lineOf(p, res.lineKey);
    const pricing = res.byBand.get(spec.cells[cell][p])!;
    const rule: RowRule = { ...none, kind: usage, line };
    const t = pricing.target;
    if (t.kind === 'tier') {
      rule.tier = t.tier.index;
      rule.tierMeter = meters.tiers[t.tier.index];
    } else {
      const m = meters.rates[t.rate.index];
      rule.setup = t.rate.setup;
      if ('callCost' in m) {
        rule.meters = [m.callCost];
        rule.coefs = [1];
      } else {
        rule.perCall = t.rate.setup;
        rule.meters = m.groups;
        rule.coefs = t.rate.groups.map((g) => g.price);
        // a linear rate rounded per call has whole-fen amounts only
        rule.divisor = cp.roundAt === 'call' ? cp.scale : 1;
      }
      const perCall = Math.min(t.rate.setup, t.rate.capScaled ?? Infinity);
      rule.coveredFee = cp.roundAt === 'call' ? roundToFen(perCall, cp.scale, cp.roundMode) : perCall;
    }
    const top = pricing.allowances[0];
    if (top) {
      rule.allowance = top.index;
      rule.allowanceMeter = meters.allowances[top.index];
      rule.granularity = top.granularity;
      if (pricing.allowances.length === 1) {
        if (t.kind === 'tier' && t.tier.unitSize === top.granularity) rule.overage = this.overageOf(p, { tier: t.tier.index, line: -1, price: 0 });
        if (t.kind === 'rate') {
          const g = t.rate.groups;
          if (t.rate.linear && g.length === 1 && g[0].increment === top.granularity) rule.overage = this.overageOf(p, { tier: -1, line, price: g[0].price });
        }
      }
    }
    return rule;
  }

  /** Every rule, flattened: rule (class × cell) × plan is at ((cls × cells) + cell) × plans + plan. */
  private compileRules(): FlatRules {
    const spec = this.spec;
    const P = spec.plans.length;
    const n = spec.classes.length * spec.cells.length * P;
    const f: FlatRules = {
      kind: new Int8Array(n), line: new Int32Array(n), allowance: new Int32Array(n), allowanceMeter: new Int32Array(n),
      granularity: new Float64Array(n), coveredFee: new Float64Array(n), overage: new Int32Array(n), tier: new Int32Array(n),
      tierMeter: new Int32Array(n), perCall: new Float64Array(n), divisor: new Float64Array(n), setup: new Float64Array(n), service: new Int8Array(n),
      meterStart: new Int32Array(n + 1), meter: [], coef: [],
    };
    const meter: number[] = [];
    const coef: number[] = [];
    for (let cls = 0; cls < spec.classes.length; cls++) {
      for (let cell = 0; cell < spec.cells.length; cell++) {
        for (let p = 0; p < P; p++) {
          const i = (cls * spec.cells.length + cell) * P + p;
          const r = this.rule(p, spec.classes[cls], cell);
          // a rate that charges nothing adds nothing to its line: the row costs this plan nothing
          const free = r.perCall === 0 && r.coefs.every((c) => c === 0);
          f.kind[i] = r.kind !== usage ? r.kind : r.allowance >= 0 ? drawing : r.tier >= 0 ? tiered : free ? excluded : rated;
          f.line[i] = r.line;
          f.allowance[i] = r.allowance;
          f.allowanceMeter[i] = r.allowanceMeter;
          f.granularity[i] = r.granularity;
          f.coveredFee[i] = r.coveredFee;
          f.overage[i] = r.overage;
          f.tier[i] = r.tier;
          f.tierMeter[i] = r.tierMeter;
          f.perCall[i] = r.perCall;
          f.divisor[i] = r.divisor;
          f.setup[i] = r.setup;
          const res = spec.plans[p].resolve(spec.classes[cls]);
          f.service[i] = serviceCode(res.lineKey);
          f.meterStart[i] = meter.length;
          meter.push(...r.meters);
          coef.push(...r.coefs);
          f.meterStart[i + 1] = meter.length;
        }
      }
    }
    f.meter = Int32Array.from(meter);
    f.coef = Float64Array.from(coef);
    return f;
  }

  /** What pricing a batch needs beside the rules: each row's rule base, bill items as codes. */
  rulesFor(batch: ProfileBatch): BatchRules {
    const P = this.spec.plans.length;
    const X = this.spec.cells.length;
    const { classes } = this.spec;
    const sameSpec = batch.classes.length === classes.length && batch.classes.every((c, i) => c === classes[i]) && batch.stats.length === this.spec.meters.length;
    if (!sameSpec) throw new Error('the batch was profiled for another spec');
    const rowBase = new Int32Array(batch.cls.length);
    for (let r = 0; r < rowBase.length; r++) {
      const group = batch.cls[r] * X + batch.cell[r];
      rowBase[r] = this.idle[group] === 1 ? -1 : group * P;
    }
    const codes = batch.billItems.map(billItemCode);
    const billItem = batch.billItem.map((item) => codes[item]);
    return { rowBase, billStart: batch.billStart, billItem, billFen: batch.billFen };
  }

  /**
   * Total fen of profile k under plans from … to − 1 of the spec, into out[0 …]; NaN where the
   * general pricer must decide (see the module comment).
   */
  price(batch: ProfileBatch, rules: BatchRules, k: number, from: number, to: number, out: Float64Array): void {
    if (batch.residuals.has(k)) {
      out.fill(NaN, 0, to - from);
      return;
    }
    this.sumRows(batch, rules, k, from, to, null);
    for (let p = from; p < to; p++) out[p - from] = this.monthTotal(rules, k, p, p - from, null);
  }

  /**
   * Prices profile k under plan p like `price`, adding what it uses and pays by service to
   * `usage`; NaN (and `usage` left partly filled) where `price` gives NaN.
   */
  usage(batch: ProfileBatch, rules: BatchRules, k: number, p: number, usage: PlanUsage): number {
    if (batch.residuals.has(k)) return NaN;
    this.sumRows(batch, rules, k, p, p + 1, usage);
    return this.monthTotal(rules, k, p, 0, usage);
  }

  /**
   * The row stage: profile k's rows summed under plans from … to − 1 into their slots (usage
   * lines, tiers, allowances, carried fen), each row read once for all the plans — its rules
   * for consecutive plans lie side by side.
   */
  private sumRows(batch: ProfileBatch, rules: BatchRules, k: number, from: number, to: number, sink: PlanUsage | null): void {
    const f = this.flat;
    const { lineAmount, tierUnits, need, steps, setupSum, coveredSum, form, carriedRows, rowStats, lineStride, tierStride, allowanceStride } = this;
    const P = to - from;
    lineAmount.fill(0, 0, P * lineStride);
    tierUnits.fill(0, 0, P * tierStride);
    const A = P * allowanceStride;
    need.fill(0, 0, A);
    steps.fill(0, 0, A);
    setupSum.fill(0, 0, A);
    coveredSum.fill(0, 0, A);
    form.fill(-2, 0, A);
    carriedRows.fill(0, 0, P);
    const stats = batch.stats;
    const meters = stats.length;
    const end = batch.rowStart[k + 1];
    for (let x = batch.rowStart[k]; x < end; x++) {
      const r = batch.order[x];
      const rowBase = rules.rowBase[r];
      if (rowBase < 0) continue;
      const n = batch.n[r];
      for (let m = 0; m < meters; m++) rowStats[m] = stats[m][r];
      const base = rowBase + from;
      for (let q = 0; q < P; q++) {
        const i = base + q;
        const kind = f.kind[i];
        if (kind === rated) {
          let amount = n * f.perCall[i];
          const ms = f.meterStart[i + 1];
          for (let j = f.meterStart[i]; j < ms; j++) amount += rowStats[f.meter[j]] * f.coef[j];
          lineAmount[q * lineStride + f.line[i]] += amount / f.divisor[i];
        } else if (kind === tiered) {
          tierUnits[q * tierStride + f.tier[i]] += rowStats[f.tierMeter[i]];
        } else if (kind === carried) {
          carriedRows[q] += batch.originalFen[r];
          if (sink !== null) sink.byService[f.service[i]] += batch.originalFen[r];
        } else if (kind === drawing) {
          const a = q * allowanceStride + f.allowance[i];
          const s = rowStats[f.allowanceMeter[i]];
          need[a] += s * f.granularity[i];
          steps[a] += s;
          setupSum[a] += n * f.setup[i];
          const covered = n * f.coveredFee[i];
          coveredSum[a] += covered;
          lineAmount[q * lineStride + f.line[i]] += covered;
          const o = f.overage[i];
          form[a] = form[a] === -2 || form[a] === o ? o : -1;
        }
      }
    }
  }

  /** The month stage: plan p's total from its slot q of the row stage (NaN where the order of calls decides). */
  private monthTotal(rules: BatchRules, k: number, p: number, q: number, sink: PlanUsage | null): number {
    const tp = this.plans[p];
    const { lineAmount, tierUnits, need, steps, setupSum, coveredSum, form, capSum } = this;
    const lines = q * this.lineStride;
    const tiers = q * this.tierStride;
    const allowances = q * this.allowanceStride;
    const A = tp.allowances;
    const L = tp.lines;
    let total = this.carriedRows[q];

    for (let a = 0; a < A; a++) {
      const x = allowances + a;
      const quantity = tp.allowanceQuantity[a];
      if (need[x] <= quantity) continue;
      if (form[x] < 0) return NaN;
      // every row on this allowance shares one order-free overage form: only the steps past the
      // quantity are charged, whichever calls they fall in
      const o = tp.overages[form[x]];
      const overage = steps[x] - quantity / tp.allowanceGranularity[a];
      if (o.tier >= 0) tierUnits[tiers + o.tier] += overage;
      else {
        const amount = overage * o.price + setupSum[x];
        lineAmount[lines + o.line] += (tp.roundAtCall ? amount / tp.scale : amount) - coveredSum[x];
      }
    }

    const caps = tp.capFen.length;
    for (let c = 0; c < caps; c++) capSum[c] = 0;
    const roundLines = !tp.roundAtCall && tp.scale !== 1;
    for (let l = 0; l < L; l++) {
      const amount = lineAmount[lines + l];
      const fen = roundLines && amount !== 0 ? toFen(amount, tp.scale, tp.roundMode) : amount;
      total += fen;
      const cap = tp.capOfLine[l];
      if (cap >= 0) capSum[cap] += fen;
      if (sink !== null) sink.byService[tp.lineService[l]] += fen;
    }
    for (let t = 0; t < tp.tiers; t++) {
      const units = tierUnits[tiers + t];
      const fen = units === 0 ? tp.tierZeroFen[t] : toFen(tierAmount(tp, t, units), tp.scale, tp.roundMode);
      total += fen;
      if (sink !== null) {
        sink.byService[tp.tierService[t]] += fen;
        sink.tierUnits[t] += units;
      }
    }
    for (let c = 0; c < caps; c++) {
      if (capSum[c] <= tp.capFen[c]) continue;
      total += tp.capFen[c] - capSum[c];
      if (sink !== null) sink.byService[tp.capService[c]] += tp.capFen[c] - capSum[c];
    }
    total += tp.monthlyFee;
    if (this.billK !== k || this.billRules !== rules) {
      this.billK = k;
      this.billRules = rules;
      this.billGeneration++;
    }
    const set = tp.carriedSet;
    let carriedBills = 0;
    if (this.billStamp[set] === this.billGeneration) carriedBills = this.billSum[set];
    else {
      const be = rules.billStart[k + 1];
      for (let j = rules.billStart[k]; j < be; j++) if (tp.carriedItem[rules.billItem[j]] === 1) carriedBills += rules.billFen[j];
      this.billSum[set] = carriedBills;
      this.billStamp[set] = this.billGeneration;
    }
    total += carriedBills;
    if (sink !== null) {
      sink.byService[feeService] += tp.monthlyFee;
      sink.byService[otherService] += carriedBills;
      for (let a = 0; a < A; a++) sink.allowanceUsed[a] += Math.min(need[allowances + a], tp.allowanceQuantity[a]);
    }
    return Number.isSafeInteger(total) ? total : NaN;
  }
}

const up = 0;
const down = 1;
const halfUp = 2;
const roundingCodes = { up, down, halfUp } as const;

/**
 * `roundToFen` with the mode as a number and no floating-point remainder (slow in V8): the
 * quotient is taken in floating point and corrected by one where it rounded, using products
 * that are exact below 2⁵³ — the same integers `roundToFen` returns.
 */
function toFen(scaled: number, scale: number, mode: number): number {
  if (scale === 1) return scaled;
  if (scaled < 0) return roundToFen(scaled, scale, mode === up ? 'up' : mode === down ? 'down' : 'halfUp');
  if (mode === up) {
    let q = Math.ceil(scaled / scale);
    if ((q - 1) * scale >= scaled) q--;
    else if (q * scale < scaled) q++;
    return q;
  }
  const a = mode === down ? scaled : 2 * scaled + scale;
  const b = mode === down ? scale : 2 * scale;
  let q = Math.floor(a / b);
  if (q * b > a) q--;
  else if ((q + 1) * b <= a) q++;
  return q;
}

/** `tieredAmount` over a plan's flattened tiers (the same arithmetic, no closures per call). */
function tierAmount(tp: TotalsPlan, t: number, units: number): number {
  const from = tp.stepStart[t];
  const to = tp.stepStart[t + 1];
  const scale = tp.scale;
  if (tp.tierVolume[t] === 1) {
    let s = from;
    while (s < to - 1 && units > tp.stepTo[s]) s++;
    return units * tp.stepPrice[s] + tp.stepFlat[s] * scale;
  }
  let amount = 0;
  for (let s = from; s < to; s++) {
    if (s > from && units <= tp.stepFrom[s]) continue;
    const inTier = Math.max(0, Math.min(units, tp.stepTo[s]) - tp.stepFrom[s]);
    amount += inTier * tp.stepPrice[s] + tp.stepFlat[s] * scale;
  }
  return amount;
}
