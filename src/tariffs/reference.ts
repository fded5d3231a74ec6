// The per-call reference rater, the oracle the fast path is held against: every call of the
// month in time order, split at band boundaries when the plan says so, drawing on allowances
// as it goes, priced by its rate (or counted toward a tiered charge), then the month stage.
import { ceilDiv, stretchCost, roundToFen } from './charges.ts';
import { domainOf, gprsClass, messageClass, voiceClass, type CustomerMonth } from './classes.ts';
import { momentOf, piecesOf, type Moment } from './calendar.ts';
import { compilePlan, type CompiledPlan } from './compile.ts';
import { finishMonth, MonthTally, type MonthCharge } from './month.ts';
import type { TariffPlan } from './plan.ts';

/** One call, message or session, classified. */
export interface UsageEvent {
  cls: string;
  /** 'YYYY-MM-DD HH:MM:SS' */
  start: string;
  moment: Moment;
  /** seconds, messages (1) or KB */
  quantity: number;
  /** whether the quantity is time, so a band boundary can fall inside it */
  timed: boolean;
  originalFen: number;
}

export function usageEvent(cls: string, start: string, quantity: number, originalFen: number): UsageEvent {
  const text = start.slice(0, 19).replace('T', ' ');
  return { cls, start: text, moment: momentOf(text), quantity, timed: domainOf(cls) === 'second', originalFen };
}

/** The month's usage in rating order: by start time, then quantity, then class (a total order on what matters). */
export function usageEventsOf(m: CustomerMonth, routes: ReadonlySet<string>): UsageEvent[] {
  const events = [
    ...m.voice.map((c) => usageEvent(voiceClass(c, m.homeCity, routes), c.startTime, c.durationS, c.chargeFen)),
    ...m.sms.map((s) => usageEvent(messageClass('sms', s), s.sentTime, 1, s.chargeFen)),
    ...m.mms.map((s) => usageEvent(messageClass('mms', s), s.sentTime, 1, s.chargeFen)),
    ...m.gprs.map((g) => usageEvent(gprsClass(g), g.startTime, g.volumeKb, g.chargeFen)),
    ...m.wlan.map((w) => usageEvent('wlan', w.startTime, w.durationS, w.chargeFen)),
  ];
  return events.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.quantity - b.quantity || (a.cls < b.cls ? -1 : a.cls > b.cls ? 1 : 0)));
}

/** What one call costs and consumes. */
export interface CallCharge {
  kind: 'usage' | 'carried' | 'excluded';
  lineKey: string;
  quantity: number;
  /** usage: fen when the plan rounds per call, else scaled; carried: the original fen */
  amount: number;
  tierUnits: Array<[tier: number, units: number]>;
  consumed: Array<[allowance: number, quantity: number]>;
}

/**
 * Rates one call. `remaining` holds each allowance's balance and is drawn down; null means
 * balances are unbounded (the fast path uses this and checks the month's totals afterwards).
 * The setup fee and per-call cap are those of the rate where the call starts.
 */
export function rateCall(cp: CompiledPlan, e: UsageEvent, remaining: number[] | null): CallCharge {
  const res = cp.resolve(e.cls);
  const charge: CallCharge = { kind: res.kind, lineKey: res.lineKey, quantity: e.quantity, amount: 0, tierUnits: [], consumed: [] };
  if (res.kind === 'carried') charge.amount = e.originalFen;
  if (res.kind !== 'usage') return charge;
  const pieces = piecesOf(cp.calendar, e.moment, e.quantity, e.timed);
  let cost = 0;
  for (const piece of pieces) {
    const pricing = res.byBand.get(piece.band)!;
    let a = piece.a;
    for (const allowance of pricing.allowances) {
      if (a >= piece.b) break;
      const need = ceilDiv(piece.b - a, allowance.granularity) * allowance.granularity;
      const take = remaining === null ? need : Math.min(need, remaining[allowance.index]);
      if (take <= 0) continue;
      if (remaining !== null) remaining[allowance.index] -= take;
      charge.consumed.push([allowance.index, take]);
      a += take;
    }
    if (a >= piece.b) continue;
    const t = pricing.target;
    if (t.kind === 'rate') cost += stretchCost(t.rate.groups, a, piece.b);
    else charge.tierUnits.push([t.tier.index, ceilDiv(piece.b - a, t.tier.unitSize)]);
  }
  const first = res.byBand.get(pieces[0].band)!.target;
  if (first.kind === 'rate') {
    cost += first.rate.setup;
    if (first.rate.capScaled !== null) cost = Math.min(cost, first.rate.capScaled);
  }
  charge.amount = cp.roundAt === 'call' ? roundToFen(cost, cp.scale, cp.roundMode) : cost;
  return charge;
}

/** Adds `times` identical calls to the month's tally. */
export function tallyCall(tally: MonthTally, c: CallCharge, times = 1): void {
  tally.add(c.kind, c.lineKey, times, times * c.quantity, times * c.amount);
  for (const [tier, units] of c.tierUnits) tally.tierUnits[tier] += times * units;
  for (const [allowance, q] of c.consumed) tally.allowanceUsed[allowance] += times * q;
}

/** A customer's month under a plan, call by call. */
export function rateMonth(plan: TariffPlan | CompiledPlan, month: CustomerMonth): MonthCharge {
  const cp = 'resolve' in plan ? plan : compilePlan(plan);
  const tally = new MonthTally(cp);
  const remaining = cp.allowances.map((a) => a.quantity);
  for (const e of usageEventsOf(month, cp.routes)) tallyCall(tally, rateCall(cp, e, remaining));
  return finishMonth(tally, month, month.bills);
}
