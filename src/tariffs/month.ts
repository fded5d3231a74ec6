// The month stage shared by both raters: once the calls of a customer-month have been priced
// (one by one, or from the usage profile), round the class lines, price the tiered charges,
// apply the monthly caps, add the monthly fee and the carried bill items.
import type { BillLine } from './classes.ts';
import { classChain } from './classes.ts';
import { exact, roundToFen, tieredAmount } from './charges.ts';
import type { CompiledPlan } from './compile.ts';

export type LineKind = 'usage' | 'tier' | 'carried' | 'excluded' | 'cap' | 'fee' | 'bill';
const kindOrder: LineKind[] = ['usage', 'tier', 'carried', 'excluded', 'cap', 'fee', 'bill'];

/** One line of a month's charge. Usage lines hold what rates charged for the class. */
export interface ChargeLine {
  kind: LineKind;
  /** class line key, tier id, cap index, 'monthly_fee' or bill item */
  key: string;
  calls: number;
  /** seconds, messages or KB (usage, carried, excluded); units for tiers */
  quantity: number;
  fen: number;
}

export interface MonthCharge {
  planId: string;
  subscriberId: number;
  month: string;
  totalFen: number;
  lines: ChargeLine[];
  /** Base units each allowance gave this month */
  allowances: Array<{ id: string; used: number; quantity: number }>;
}

interface LineAcc {
  kind: 'usage' | 'carried' | 'excluded';
  key: string;
  calls: number;
  quantity: number;
  /** usage: fen when rounding per call, scaled when per month; carried: fen */
  amount: number;
}

/** What the call stage hands the month stage. */
export class MonthTally {
  readonly lines = new Map<string, LineAcc>();
  readonly tierUnits: number[];
  readonly allowanceUsed: number[];

  constructor(readonly plan: CompiledPlan) {
    this.tierUnits = plan.tiers.map(() => 0);
    this.allowanceUsed = plan.allowances.map(() => 0);
  }

  line(kind: LineAcc['kind'], key: string): LineAcc {
    const id = `${kind}|${key}`;
    let acc = this.lines.get(id);
    if (!acc) {
      acc = { kind, key, calls: 0, quantity: 0, amount: 0 };
      this.lines.set(id, acc);
    }
    return acc;
  }

  add(kind: LineAcc['kind'], key: string, calls: number, quantity: number, amount: number): void {
    const acc = this.line(kind, key);
    acc.calls += calls;
    acc.quantity += quantity;
    acc.amount += amount;
  }
}

export function finishMonth(tally: MonthTally, who: { subscriberId: number; month: string }, bills: readonly BillLine[]): MonthCharge {
  const cp = tally.plan;
  const lines: ChargeLine[] = [];
  for (const acc of tally.lines.values()) {
    const fen = acc.kind === 'usage' && cp.roundAt === 'month' ? roundToFen(acc.amount, cp.scale, cp.roundMode) : acc.amount;
    lines.push({ kind: acc.kind, key: acc.key, calls: acc.calls, quantity: acc.quantity, fen: exact(fen, `the ${acc.key} charge`) });
  }
  cp.tiers.forEach((t, i) => {
    const units = tally.tierUnits[i];
    const fen = roundToFen(tieredAmount(units, t.mode, t.steps, cp.scale), cp.scale, cp.roundMode);
    lines.push({ kind: 'tier', key: t.id, calls: 0, quantity: units, fen: exact(fen, `tiered charge ${t.id}`) });
  });
  for (const cap of cp.caps) {
    const capped = lines.filter((l) => l.kind === 'usage' && classChain(l.key).some((k) => cap.keys.has(k)));
    const sum = capped.reduce((s, l) => s + l.fen, 0);
    if (sum > cap.capFen) lines.push({ kind: 'cap', key: `monthCaps[${cap.index}]`, calls: 0, quantity: 0, fen: cap.capFen - sum });
  }
  lines.push({ kind: 'fee', key: 'monthly_fee', calls: 0, quantity: 0, fen: cp.plan.monthlyFeeFen });
  for (const item of cp.plan.carryBillItems) {
    const items = bills.filter((b) => b.item === item);
    if (items.length > 0) lines.push({ kind: 'bill', key: item, calls: 0, quantity: 0, fen: items.reduce((s, b) => s + b.amountFen, 0) });
  }
  lines.sort((a, b) => kindOrder.indexOf(a.kind) - kindOrder.indexOf(b.kind) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    planId: cp.id,
    subscriberId: who.subscriberId,
    month: who.month,
    totalFen: exact(lines.reduce((s, l) => s + l.fen, 0), 'the month total'),
    lines,
    allowances: cp.allowances.map((a, i) => ({ id: a.id, used: tally.allowanceUsed[i], quantity: a.quantity })),
  };
}
