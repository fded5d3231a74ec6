// Arbitration between the offers a customer qualifies for: rank by priority = propensity × context
// weight × value × business lever, then let the contact policy pass them in that order until the
// decision's quota is filled. Every candidate carries its factors and its fate, so the planner and
// the front line can read why the winner won and why each other offer was dropped.
import type { ContactPolicy, OfferTerms, PolicyReason, Verdict } from './types.ts';

export interface PriorityFactors {
  /** 0..1 */
  propensity: number;
  /** 'model run 12' or 'default' */
  propensitySource: string;
  contextWeight: number;
  /** yuan: the customer's monthly tariff saving, or the offer's monthly margin */
  value: number;
  valueSource: 'tariff_saving' | 'margin';
  lever: number;
}

export interface Candidate {
  campaignId: number;
  offerId: string;
  script: string | null;
  terms: OfferTerms;
  factors: PriorityFactors;
}

export interface RankedCandidate extends Candidate {
  priority: number;
  rank: number;
  outcome: 'offered' | 'dropped';
  /** why it was dropped: a policy reason, or that higher-priority offers filled the decision */
  reason: PolicyReason | 'lower_priority' | null;
  detail: string | null;
}

export interface Arbitration {
  ranked: RankedCandidate[];
  offered: RankedCandidate[];
  explanation: string;
}

export const priorityOf = (f: PriorityFactors) => f.propensity * f.contextWeight * f.value * f.lever;

/** The product of the context weights that match the context's trigger (1 when none does). */
export function contextWeightOf(policy: ContactPolicy, trigger: string | undefined, productId: string): number {
  if (!trigger) return 1;
  let weight = 1;
  for (const w of policy.contextWeights) if (w.trigger === trigger && (w.productId === undefined || w.productId === productId)) weight *= w.weight;
  return weight;
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

const byPriority = (a: { priority: number; campaignId: number; offerId: string }, b: { priority: number; campaignId: number; offerId: string }) =>
  b.priority - a.priority || a.campaignId - b.campaignId || (a.offerId < b.offerId ? -1 : a.offerId > b.offerId ? 1 : 0);

/**
 * Ranks the candidates and passes them through `check` best first; `onOffer` is called for each
 * offered one before the next is checked, so a reservation it makes counts against the rest.
 */
export function arbitrate(candidates: Candidate[], maxOffers: number, check: (c: Candidate) => Verdict, onOffer: (c: Candidate) => void = () => undefined): Arbitration {
  const sorted = candidates
    .map((c) => ({ priority: round(priorityOf(c.factors)), campaignId: c.campaignId, offerId: c.offerId, c }))
    .sort(byPriority)
    .map((r) => ({ ...r.c, priority: r.priority }));
  const ranked: RankedCandidate[] = [];
  let offeredCount = 0;
  for (const [i, c] of sorted.entries()) {
    if (offeredCount >= maxOffers) {
      ranked.push({ ...c, rank: i + 1, outcome: 'dropped', reason: 'lower_priority', detail: `${maxOffers} higher-priority offer(s) already fill the decision` });
      continue;
    }
    const verdict = check(c);
    if (verdict.allowed) {
      ranked.push({ ...c, rank: i + 1, outcome: 'offered', reason: null, detail: null });
      offeredCount++;
      onOffer(c);
    } else {
      ranked.push({ ...c, rank: i + 1, outcome: 'dropped', reason: verdict.reason, detail: verdict.detail });
    }
  }
  const offered = ranked.filter((r) => r.outcome === 'offered');
  return { ranked, offered, explanation: explain(ranked) };
}

/**
 * The offers `arbitrate` would offer, in its order, without ranking the others or explaining: the
 * real-time decision's answer when no explanation is asked for. Candidates below the quota are
 * never checked, exactly as in `arbitrate`, so both make the same reservations.
 */
export function offersOf(candidates: Candidate[], maxOffers: number, check: (c: Candidate) => Verdict, onOffer: (c: Candidate) => void = () => undefined): Array<Candidate & { priority: number; rank: number }> {
  // one shape for every entry keeps the sort's comparisons monomorphic
  const sorted = candidates.map((c) => ({ priority: round(priorityOf(c.factors)), campaignId: c.campaignId, offerId: c.offerId, c })).sort(byPriority);
  const offered: Array<Candidate & { priority: number; rank: number }> = [];
  for (let i = 0; i < sorted.length && offered.length < maxOffers; i++) {
    const { c, priority } = sorted[i]!;
    if (!check(c).allowed) continue;
    offered.push({ ...c, priority, rank: i + 1 });
    onOffer(c);
  }
  return offered;
}

/**
 * The same arbitration for one offer per customer without the explanation (wave lists of a
 * million targets): the best-ranked offer the policy allows, or the best one's refusal.
 */
export function pickOffer(candidates: Candidate[], check: (c: Candidate) => Verdict): { chosen: Candidate; verdict: null } | { chosen: null; best: Candidate | null; verdict: Verdict | null } {
  const ranked = candidates.length > 1 ? candidates.map((c) => ({ c, priority: round(priorityOf(c.factors)), campaignId: c.campaignId, offerId: c.offerId })).sort(byPriority).map((r) => r.c) : candidates;
  let first: Verdict | null = null;
  for (const c of ranked) {
    const verdict = check(c);
    if (verdict.allowed) return { chosen: c, verdict: null };
    first ??= verdict;
  }
  return { chosen: null, best: ranked[0] ?? null, verdict: first };
}

function explain(ranked: RankedCandidate[]): string {
  if (ranked.length === 0) return 'No live offer for this customer on this channel.';
  const f = (r: RankedCandidate) =>
    `${r.offerId} (campaign ${r.campaignId}): priority ${r.priority} = propensity ${round(r.factors.propensity)} [${r.factors.propensitySource}] × context ${r.factors.contextWeight} × value ${round(r.factors.value)} [${r.factors.valueSource}] × lever ${r.factors.lever}`;
  const winners = ranked.filter((r) => r.outcome === 'offered');
  const lines = [`${ranked.length} offer(s) considered.`];
  if (winners.length === 0) lines.push('None offered: every offer was excluded by the contact policy.');
  for (const w of winners) lines.push(`Offered #${w.rank} ${f(w)}${w.rank > 1 ? ': the offers ranked above it were excluded' : ': the highest priority the policy allows'}.`);
  for (const d of ranked.filter((r) => r.outcome === 'dropped')) lines.push(`Dropped #${d.rank} ${f(d)}: ${d.reason} — ${d.detail}.`);
  return lines.join('\n');
}
