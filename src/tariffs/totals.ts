// Month totals, fast: what a simulation ranks plans by is each customer-month's total fen, not
// its lines. Each plan is compiled once into a rule per (usage class, time cell) — line id,
// allowance, tier, meter coefficients — and a profile batch is priced in tight loops over its
// typed arrays, with no string keys or line objects per customer-month. A customer-month this
// cannot price exactly the same way `priceProfile` does (a call crossing a cell, an allowance
// that runs out and leaves an order-dependent remainder) comes back as NaN, for the general
// path; the property test holds both against the reference rater.
import { roundToFen, tieredAmount } from './charges.ts';
import { classChain } from './classes.ts';
import type { CompiledPlan } from './compile.ts';
import type { ProfileBatch, ProfileSpec } from './profile.ts';

const carried = 0;
const excluded = 1;
const usage = 2;

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

/** One plan, compiled for totals. */
interface TotalsPlan {
  cp: CompiledPlan;
  lines: number;
  /** per usage line, the monthly cap it falls under, or -1 */
  capOfLine: number[];
  overages: OverageForm[];
  /** bill items the plan carries as billed */
  carriedItems: Set<string>;
}

export class MonthTotals {
  private readonly plans: TotalsPlan[];
  private readonly lineIds: Array<Map<string, number>>;
  private readonly overageIds: Array<Map<string, number>>;
  /** class → rules by cell × plan */
  private readonly byClass = new Map<string, RowRule[]>();
  // scratch, sized for the largest plan, reused for every customer-month
  private lineAmount: Float64Array;
  private capSum: Float64Array;
  private tierUnits: Float64Array;
  private need: Float64Array;
  private steps: Float64Array;
  private setupSum: Float64Array;
  private coveredSum: Float64Array;
  private form: Int32Array;

  constructor(readonly spec: ProfileSpec) {
    this.lineIds = spec.plans.map(() => new Map());
    this.overageIds = spec.plans.map(() => new Map());
    this.plans = spec.plans.map((cp) => ({ cp, lines: 0, capOfLine: [], overages: [], carriedItems: new Set(cp.plan.carryBillItems) }));
    const most = (f: (cp: CompiledPlan) => number) => Math.max(1, ...spec.plans.map(f));
    this.lineAmount = new Float64Array(64);
    this.capSum = new Float64Array(most((cp) => cp.caps.length));
    this.tierUnits = new Float64Array(most((cp) => cp.tiers.length));
    const allowances = most((cp) => cp.allowances.length);
    this.need = new Float64Array(allowances);
    this.steps = new Float64Array(allowances);
    this.setupSum = new Float64Array(allowances);
    this.coveredSum = new Float64Array(allowances);
    this.form = new Int32Array(allowances);
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
      if (tp.lines > this.lineAmount.length) this.lineAmount = new Float64Array(tp.lines * 2);
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

  /** Rules of a batch's classes, by batch class id, then cell × plan. */
  rulesFor(batch: ProfileBatch): RowRule[][] {
    const P = this.spec.plans.length;
    return batch.classes.map((cls) => {
      let rules = this.byClass.get(cls);
      if (!rules) {
        rules = [];
        for (let cell = 0; cell < this.spec.cells.length; cell++) for (let p = 0; p < P; p++) rules.push(this.rule(p, cls, cell));
        this.byClass.set(cls, rules);
      }
      return rules;
    });
  }

  /**
   * Total fen of profile k under plans from … to − 1 of the spec, into out[0 …]; NaN where the
   * general pricer must decide (see the module comment).
   */
  price(batch: ProfileBatch, rules: RowRule[][], k: number, from: number, to: number, out: Float64Array): void {
    if (batch.residuals.has(k)) {
      out.fill(NaN, 0, to - from);
      return;
    }
    for (let p = from; p < to; p++) out[p - from] = this.priceOne(batch, rules, k, p);
  }

  private priceOne(batch: ProfileBatch, rules: RowRule[][], k: number, p: number): number {
    const tp = this.plans[p];
    const cp = tp.cp;
    const P = this.spec.plans.length;
    const M = batch.meters;
    const stats = batch.stats;
    const { lineAmount, capSum, tierUnits, need, steps, setupSum, coveredSum, form } = this;
    const A = cp.allowances.length;
    lineAmount.fill(0, 0, tp.lines);
    tierUnits.fill(0, 0, cp.tiers.length);
    if (A > 0) {
      need.fill(0, 0, A);
      steps.fill(0, 0, A);
      setupSum.fill(0, 0, A);
      coveredSum.fill(0, 0, A);
      form.fill(-2, 0, A);
    }
    let total = 0;

    for (let r = batch.rowStart[k]; r < batch.rowStart[k + 1]; r++) {
      const rule = rules[batch.cls[r]][batch.cell[r] * P + p];
      if (rule.kind !== usage) {
        if (rule.kind === carried) total += batch.originalFen[r];
        continue;
      }
      const n = batch.n[r];
      const a = rule.allowance;
      if (a >= 0) {
        const s = stats[r * M + rule.allowanceMeter];
        need[a] += s * rule.granularity;
        steps[a] += s;
        setupSum[a] += n * rule.setup;
        const covered = n * rule.coveredFee;
        coveredSum[a] += covered;
        lineAmount[rule.line] += covered;
        form[a] = form[a] === -2 || form[a] === rule.overage ? rule.overage : -1;
        continue;
      }
      if (rule.tier >= 0) {
        tierUnits[rule.tier] += stats[r * M + rule.tierMeter];
        continue;
      }
      let amount = n * rule.perCall;
      for (let i = 0; i < rule.meters.length; i++) amount += stats[r * M + rule.meters[i]] * rule.coefs[i];
      lineAmount[rule.line] += amount / rule.divisor;
    }

    for (let a = 0; a < A; a++) {
      const allowance = cp.allowances[a];
      if (need[a] <= allowance.quantity) continue;
      if (form[a] < 0) return NaN;
      // every row on this allowance shares one order-free overage form: only the steps past the
      // quantity are charged, whichever calls they fall in
      const f = tp.overages[form[a]];
      const overage = steps[a] - allowance.quantity / allowance.granularity;
      if (f.tier >= 0) tierUnits[f.tier] += overage;
      else {
        const amount = overage * f.price + setupSum[a];
        lineAmount[f.line] += (cp.roundAt === 'call' ? amount / cp.scale : amount) - coveredSum[a];
      }
    }

    capSum.fill(0, 0, cp.caps.length);
    for (let l = 0; l < tp.lines; l++) {
      const fen = cp.roundAt === 'month' ? roundToFen(lineAmount[l], cp.scale, cp.roundMode) : lineAmount[l];
      total += fen;
      const cap = tp.capOfLine[l];
      if (cap >= 0) capSum[cap] += fen;
    }
    for (let t = 0; t < cp.tiers.length; t++) {
      const tier = cp.tiers[t];
      total += roundToFen(tieredAmount(tierUnits[t], tier.mode, tier.steps, cp.scale), cp.scale, cp.roundMode);
    }
    for (let c = 0; c < cp.caps.length; c++) if (capSum[c] > cp.caps[c].capFen) total += cp.caps[c].capFen - capSum[c];
    total += cp.plan.monthlyFeeFen;
    const bills = batch.bills[k];
    for (let i = 0; i < bills.length; i++) if (tp.carriedItems.has(bills[i].item)) total += bills[i].amountFen;
    return Number.isSafeInteger(total) ? total : NaN;
  }
}
