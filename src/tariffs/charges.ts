// The exact arithmetic of rating: integer division, rounding to fen, rate groups, tiers.
// Amounts are integers in 1/scale fen ("scaled"); every function is pure and exact as long as
// its inputs and result are safe integers, which `exact` checks at the edges.
import type { RoundingMode } from './plan.ts';

/** ⌊a / b⌋ for a ≥ 0, b > 0, exact for safe integers (no floating division rounding). */
export function floorDiv(a: number, b: number): number {
  return (a - (a % b)) / b;
}

/** ⌈a / b⌉ for a ≥ 0, b > 0. */
export function ceilDiv(a: number, b: number): number {
  const r = a % b;
  return r === 0 ? a / b : (a - r) / b + 1;
}

/** A scaled amount (≥ 0) to whole fen. */
export function roundToFen(scaled: number, scale: number, mode: RoundingMode): number {
  if (scale === 1) return scaled;
  switch (mode) {
    case 'up':
      return ceilDiv(scaled, scale);
    case 'down':
      return floorDiv(scaled, scale);
    case 'halfUp':
      return floorDiv(2 * scaled + scale, 2 * scale);
  }
}

export class PrecisionLost extends Error {
  constructor(what: string) {
    super(`${what} exceeds the range where integer arithmetic is exact; rate smaller periods or lower the price scale`);
  }
}

export function exact(n: number, what: string): number {
  if (!Number.isSafeInteger(n)) throw new PrecisionLost(what);
  return n;
}

/** A rate group with its end: [from, to) of the call, charged per started increment. */
export interface GroupSpan {
  from: number;
  /** null: to the end of the call */
  to: number | null;
  increment: number;
  price: number;
}

/** Increments charged for the part [a, b) of a call within one rate group. */
export function groupUnits(g: Pick<GroupSpan, 'from' | 'to' | 'increment'>, a: number, b: number): number {
  const lo = Math.max(a, g.from);
  const hi = g.to === null ? b : Math.min(b, g.to);
  return hi > lo ? ceilDiv(hi - lo, g.increment) : 0;
}

/** Scaled cost of the part [a, b) of a call under a rate's groups (setup not included). */
export function stretchCost(groups: readonly GroupSpan[], a: number, b: number): number {
  let cost = 0;
  for (const g of groups) cost += groupUnits(g, a, b) * g.price;
  return cost;
}

export interface Step {
  from: number;
  to: number | null;
  price: number;
  flatFen: number;
}

/**
 * Scaled charge for `units` under tiers. Graduated: each tier prices the units that fall in it,
 * and its flat fee is charged once usage passes its start (the first tier's always). Volume:
 * all units at the price of the tier the total falls in, plus that tier's flat fee.
 */
export function tieredAmount(units: number, mode: 'graduated' | 'volume', steps: readonly Step[], scale: number): number {
  if (mode === 'volume') {
    const step = steps.find((s) => s.to === null || units <= s.to) ?? steps[steps.length - 1];
    return units * step.price + step.flatFen * scale;
  }
  let amount = 0;
  steps.forEach((s, i) => {
    if (i > 0 && units <= s.from) return;
    const inTier = Math.max(0, (s.to === null ? units : Math.min(units, s.to)) - s.from);
    amount += inTier * s.price + s.flatFen * scale;
  });
  return amount;
}
