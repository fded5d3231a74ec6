// Simulate before launch: what a campaign not yet scheduled would do if it were. The targets are
// materialized exactly as scheduling would (in a transaction that is then rolled back, so nothing
// is kept), the contact policy is asked about each treatment target on its wave's first morning
// without reserving anything, and from what remains come the expected responses (the offer's
// propensity model, or the history of earlier campaigns with the same offer), the expected cost
// against the budget, and the load per channel and day against each channel's daily capacity.
import { Type, type Static } from '@sinclair/typebox';
import { listChannels } from '../channels/channels.ts';
import { getSegment } from '../customers/segments.ts';
import { findLatestModelRun } from '../models/runs.ts';
import { Conflict } from '../store/errors.ts';
import type { Db, Store } from '../store/store.ts';
import { getCampaignRow, requirePermission, type Actor } from './campaigns.ts';
import { validatePlan, type NormalizedPlan } from './plan.ts';
import { materializeTargets, targetCounts } from './targets.ts';

const Count = Type.Integer({ minimum: 0 });
const Rate = Type.Union([Type.Number(), Type.Null()]);

export const CampaignSimulation = Type.Object({
  campaignId: Type.Integer(),
  simulatedAt: Type.String(),
  /** Named by the target group; eligible after holdout, status, DND and channel rules; split into groups. */
  targets: Type.Object({ named: Count, eligible: Count, treatment: Count, control: Count, afterPolicy: Count }),
  /** Why customers were removed, in the order the checks run: eligibility first, then the contact policy. */
  removed: Type.Array(Type.Object({ stage: Type.Union([Type.Literal('eligibility'), Type.Literal('policy')]), reason: Type.String(), subscribers: Count })),
  byWaveChannel: Type.Array(Type.Object({ waveNo: Type.Integer(), channelId: Type.String(), treatment: Count, afterPolicy: Count })),
  expected: Type.Object({
    responders: Type.Union([Type.Number(), Type.Null()]),
    responseRate: Rate,
    /** model: the offer's latest propensity run; history: accepted/contacted of earlier campaigns with the offer; none. */
    source: Type.Union([Type.Literal('model'), Type.Literal('history'), Type.Literal('none')]),
    modelRunId: Type.Union([Type.Integer(), Type.Null()]),
    meetsTargetResponders: Type.Union([Type.Boolean(), Type.Null()]),
  }),
  cost: Type.Object({
    budgetFen: Count,
    contactFen: Count,
    /** contact cost plus the planned non-contact items (gifts, discounts, per head) */
    expectedFen: Count,
    overBudget: Type.Boolean(),
    byChannel: Type.Array(Type.Object({ channelId: Type.String(), contacts: Count, unitFen: Count, costFen: Count })),
  }),
  channelLoad: Type.Array(
    Type.Object({ channelId: Type.String(), date: Type.String(), contacts: Count, capacity: Type.Union([Type.Integer(), Type.Null()]), overCapacity: Type.Boolean() }),
  ),
  warnings: Type.Array(Type.Object({ code: Type.String(), message: Type.String() })),
});
export type CampaignSimulation = Static<typeof CampaignSimulation>;

/** What the contact policy says of one treatment target, checked at its wave's first morning. */
export interface PolicyTarget {
  subscriberId: number;
  waveNo: number;
  channelId: string;
}

/**
 * The contact policy's verdict per target (null = allowed, else the reason code), without
 * reserving anything. Supplied by the policy domain, so that campaigns do not depend on it.
 */
export type PolicyDryRun = (campaignId: number, plan: NormalizedPlan, targets: PolicyTarget[]) => Promise<Array<string | null>>;

const simulatable = ['draft', 'submitted', 'approved'];

class RollBack extends Error {}

/** Materializes the targets as scheduling would, reads them, and keeps nothing. */
async function dryMaterialize(store: Store, campaignId: number, plan: NormalizedPlan, filter: unknown) {
  let result: { counts: Awaited<ReturnType<typeof targetCounts>>; named: number; treatment: PolicyTarget[] } | undefined;
  try {
    await store.transaction(async (tx) => {
      await materializeTargets(tx, campaignId, plan, filter);
      const counts = await targetCounts(tx, campaignId, null);
      const rows = await tx.query<{ s: number; w: number; c: string }>(
        `SELECT subscriber_id AS s, wave_no AS w, channel_id AS c FROM campaign_targets
         WHERE campaign_id = $id AND grp = 'treatment' ORDER BY wave_no, subscriber_id`,
        { id: campaignId },
      );
      const named = (await tx.one<{ n: number }>(
        `SELECT (SELECT count(DISTINCT subscriber_id) FROM campaign_targets WHERE campaign_id = $id)
              + (SELECT count(*) FROM campaign_exclusions WHERE campaign_id = $id) AS n`,
        { id: campaignId },
      ))!.n;
      result = { counts, named, treatment: rows.map((r) => ({ subscriberId: r.s, waveNo: r.w, channelId: r.c })) };
      throw new RollBack();
    });
  } catch (error) {
    if (!(error instanceof RollBack)) throw error;
  }
  return result!;
}

/** Expected responders among the targets left: the offer's propensity scores, else the offer's history. */
async function expectedResponses(db: Db, plan: NormalizedPlan, kept: PolicyTarget[]): Promise<CampaignSimulation['expected']> {
  const productId = plan.offers[0]?.productId;
  const none = { responders: null, responseRate: null, source: 'none' as const, modelRunId: null, meetsTargetResponders: null };
  if (!productId || kept.length === 0) return none;
  const meets = (responders: number) => (plan.kpis.targetResponders === undefined ? null : responders >= plan.kpis.targetResponders);
  const run = await findLatestModelRun(db, 'propensity', productId);
  const deciles = (run?.metrics as { deciles?: Array<{ minScore: number; maxScore: number; rate: number }> } | null)?.deciles;
  if (run && deciles?.length) {
    // a score is a percentile; the held-out decile it falls in says how likely such customers are to take the offer
    const [scores] = (await db.columns(`SELECT score FROM model_scores WHERE run_id = $run AND label = '' AND subscriber_id IN (SELECT unnest($ids))`, {
      run: run.runId,
      ids: kept.map((t) => t.subscriberId),
    })) as Float64Array[];
    const byScore = [...deciles].sort((a, b) => b.minScore - a.minScore);
    let responders = 0;
    for (const score of scores!) responders += (byScore.find((d) => score >= d.minScore) ?? byScore.at(-1)!).rate;
    return { responders, responseRate: responders / kept.length, source: 'model', modelRunId: run.runId, meetsTargetResponders: meets(responders) };
  }
  const history = await db.one<{ accepted: number; contacted: number }>(
    `SELECT count(*) FILTER (WHERE outcome = 'accepted') AS accepted, count(*) FILTER (WHERE outcome IN ('accepted', 'refused')) AS contacted
     FROM contact_events WHERE campaign_id IS NOT NULL AND event_type = 'marketing' AND business = $product`,
    { product: productId },
  );
  if (!history || history.contacted === 0) return none;
  const rate = history.accepted / history.contacted;
  return { responders: rate * kept.length, responseRate: rate, source: 'history', modelRunId: null, meetsTargetResponders: meets(rate * kept.length) };
}

/** Each wave's kept contacts per channel spread evenly over the wave's days, against capacity. */
function channelLoad(plan: NormalizedPlan, kept: PolicyTarget[], capacity: Map<string, number | null>): CampaignSimulation['channelLoad'] {
  const perDay = new Map<string, number>();
  for (const [i, wave] of plan.waves.entries()) {
    const days: string[] = [];
    for (let d = new Date(`${wave.startDate}T00:00:00Z`); d <= new Date(`${wave.endDate}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) days.push(d.toISOString().slice(0, 10));
    const byChannel = new Map<string, number>();
    for (const t of kept) if (t.waveNo === i + 1) byChannel.set(t.channelId, (byChannel.get(t.channelId) ?? 0) + 1);
    for (const [channelId, n] of byChannel) {
      days.forEach((date, k) => {
        // n contacts over the days: the first n mod days days take one more
        const share = Math.floor(n / days.length) + (k < n % days.length ? 1 : 0);
        const key = `${channelId}|${date}`;
        perDay.set(key, (perDay.get(key) ?? 0) + share);
      });
    }
  }
  return [...perDay.entries()]
    .map(([key, contacts]) => {
      const [channelId, date] = key.split('|') as [string, string];
      const cap = capacity.get(channelId) ?? null;
      return { channelId, date, contacts, capacity: cap, overCapacity: cap !== null && contacts > cap };
    })
    .sort((a, b) => a.date.localeCompare(b.date) || a.channelId.localeCompare(b.channelId));
}

export async function simulateCampaign(store: Store, campaignId: number, actor: Actor, policy: PolicyDryRun): Promise<CampaignSimulation> {
  requirePermission(actor, 'campaigns.read', 'simulate a campaign');
  const row = await getCampaignRow(store, campaignId);
  if (!simulatable.includes(row.status)) {
    throw new Conflict(`Campaign ${campaignId} is ${row.status}; a simulation is for a campaign not yet scheduled (its targets are fixed now: see its targets and report)`, {
      field: 'status',
      code: 'NOT_SIMULATABLE',
    });
  }
  const plan = await validatePlan(store, row.plan, { forSubmit: true });
  const target = plan.target!;
  const filter = target.kind === 'segment' ? (await getSegment(store, target.segmentId!)).filter : target.kind === 'filter' ? target.filter : null;
  const { counts, named, treatment } = await dryMaterialize(store, campaignId, plan, filter);

  const verdicts = await policy(campaignId, plan, treatment);
  const kept = treatment.filter((_, i) => verdicts[i] === null);
  const policyReasons = new Map<string, number>();
  for (const v of verdicts) if (v !== null) policyReasons.set(v, (policyReasons.get(v) ?? 0) + 1);

  const byWaveChannel = new Map<string, { waveNo: number; channelId: string; treatment: number; afterPolicy: number }>();
  treatment.forEach((t, i) => {
    const key = `${t.waveNo}|${t.channelId}`;
    const entry = byWaveChannel.get(key) ?? { waveNo: t.waveNo, channelId: t.channelId, treatment: 0, afterPolicy: 0 };
    entry.treatment++;
    if (verdicts[i] === null) entry.afterPolicy++;
    byWaveChannel.set(key, entry);
  });

  const channels = await listChannels(store);
  const unitCost = new Map(channels.map((c) => [c.channelId, c.contactCostFen]));
  const contactsByChannel = new Map<string, number>();
  for (const t of kept) contactsByChannel.set(t.channelId, (contactsByChannel.get(t.channelId) ?? 0) + 1);
  const byChannel = [...contactsByChannel.entries()]
    .map(([channelId, contacts]) => ({ channelId, contacts, unitFen: unitCost.get(channelId) ?? 0, costFen: contacts * (unitCost.get(channelId) ?? 0) }))
    .sort((a, b) => a.channelId.localeCompare(b.channelId));
  const contactFen = byChannel.reduce((s, c) => s + c.costFen, 0);
  const budgetFen = plan.budget.reduce((s, b) => s + b.plannedFen, 0);
  const otherPlannedFen = plan.budget.filter((b) => b.item !== 'channel_commission').reduce((s, b) => s + b.plannedFen, 0);
  const expectedFen = contactFen + otherPlannedFen;

  const expected = await expectedResponses(store, plan, kept);
  const load = channelLoad(plan, kept, new Map(channels.map((c) => [c.channelId, c.dailyCapacity])));

  const warnings: CampaignSimulation['warnings'] = [];
  if (expectedFen > budgetFen) warnings.push({ code: 'OVER_BUDGET', message: `The expected cost (${expectedFen} fen) is above the budget (${budgetFen} fen)` });
  const overloaded = load.filter((l) => l.overCapacity);
  if (overloaded.length) {
    const worst = overloaded.reduce((a, b) => (b.contacts / b.capacity! > a.contacts / a.capacity! ? b : a));
    warnings.push({ code: 'OVER_CAPACITY', message: `${overloaded.length} channel-days are above capacity; the worst: ${worst.channelId} on ${worst.date}, ${worst.contacts} contacts for ${worst.capacity}` });
  }
  if (expected.meetsTargetResponders === false) {
    warnings.push({ code: 'BELOW_TARGET', message: `About ${Math.round(expected.responders!)} responders are expected; the KPI asks for ${plan.kpis.targetResponders}` });
  }
  const removed = named === 0 ? 0 : (counts.excluded + (treatment.length - kept.length)) / named;
  const maxShare = plan.alerts.maxExclusionShare ?? 0.3;
  if (removed > maxShare) warnings.push({ code: 'HIGH_EXCLUSIONS', message: `${(removed * 100).toFixed(1)}% of the named customers are removed (threshold ${(maxShare * 100).toFixed(0)}%)` });
  if (kept.length === 0) warnings.push({ code: 'NO_TARGETS', message: 'No customer remains to be contacted' });

  return {
    campaignId,
    simulatedAt: new Date().toISOString(),
    targets: { named, eligible: counts.treatment + counts.control, treatment: counts.treatment, control: counts.control, afterPolicy: kept.length },
    removed: [
      ...counts.byReason.map((r) => ({ stage: 'eligibility' as const, reason: r.reason, subscribers: r.subscribers })),
      ...[...policyReasons.entries()].sort((a, b) => b[1] - a[1]).map(([reason, subscribers]) => ({ stage: 'policy' as const, reason, subscribers })),
    ],
    byWaveChannel: [...byWaveChannel.values()].sort((a, b) => a.waveNo - b.waveNo || a.channelId.localeCompare(b.channelId)),
    expected,
    cost: { budgetFen, contactFen, expectedFen, overBudget: expectedFen > budgetFen, byChannel },
    channelLoad: load,
    warnings,
  };
}
