// Checking a campaign plan before it is saved or submitted: the schema, then the rules that need
// the database (products, segments, channels, subscribers exist) and the calendar; and the diff of
// two plans that the audit trail records. Every refusal names the field at fault.
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { checkSegmentFilter, savedSegmentAt } from '../customers/segments.ts';
import { findLatestModelRun, findModelRun } from '../models/runs.ts';
import { fieldOfPointer, InvalidInput } from '../store/errors.ts';
import { isCalendarDate } from '../store/dates.ts';
import type { Db } from '../store/store.ts';
import { CampaignPlan, budgetItems, type BudgetItem, type ChannelRule, type TargetGroup, type Wave } from './types.ts';

/** A plan with every optional part filled in: what is stored and what the rest of the domain reads. */
export interface NormalizedPlan {
  name: string;
  category: CampaignPlan['category'];
  goal: string;
  kpis: NonNullable<CampaignPlan['kpis']>;
  alerts: NonNullable<CampaignPlan['alerts']>;
  budget: Array<{ item: BudgetItem; plannedFen: number; actualFen: number; note?: string }>;
  offers: Array<{ productId: string; scripts: Record<string, string> }>;
  target?: TargetGroup;
  channels: Array<ChannelRule & { segment: string }>;
  channelPriority: { by: 'rules' | 'preference'; runId?: number };
  waveMode: 'parallel' | 'serial';
  waves: Wave[];
  controlPercent: number;
  promotion: { advertising: NonNullable<NonNullable<CampaignPlan['promotion']>['advertising']>; materials: NonNullable<NonNullable<CampaignPlan['promotion']>['materials']> };
}

const fail = (field: string, reason: string, code?: string): never => {
  throw new InvalidInput(`${field}: ${reason}`, { field, code });
};

/** Checks a value against a TypeBox schema, failing with the first error's field (for callers other than HTTP). */
export function assertShape(schema: TSchema, value: unknown, root = ''): void {
  const error = Value.Errors(schema, value).First();
  if (!error) return;
  const field = [root, fieldOfPointer(error.path)].filter(Boolean).join('.') || root || 'body';
  fail(field, error.message.toLowerCase());
}


/** Channel rules with their segment label filled in (the channel id when the planner gave none). */
export function normalizeChannels(rules: ChannelRule[]): NormalizedPlan['channels'] {
  return rules.map((c) => ({ ...c, segment: c.segment ?? c.channelId }));
}

export function normalizePlan(plan: CampaignPlan): NormalizedPlan {
  return {
    name: plan.name.trim(),
    category: plan.category,
    goal: plan.goal ?? '',
    kpis: plan.kpis ?? {},
    alerts: plan.alerts ?? {},
    budget: (plan.budget ?? []).map((b) => ({ ...b, actualFen: b.actualFen ?? 0 })),
    offers: (plan.offers ?? []).map((o) => ({ productId: o.productId, scripts: o.scripts ?? {} })),
    ...(plan.target ? { target: plan.target } : {}),
    channels: normalizeChannels(plan.channels ?? []),
    channelPriority: plan.channelPriority ?? { by: 'rules' },
    waveMode: plan.waveMode ?? 'parallel',
    waves: plan.waves ?? [],
    controlPercent: plan.controlPercent ?? 0,
    promotion: { advertising: plan.promotion?.advertising ?? [], materials: plan.promotion?.materials ?? [] },
  };
}

/** The first and last day the waves cover (the measurement window), or nulls without waves. */
export function planWindow(plan: Pick<NormalizedPlan, 'waves'>): { startDate: string | null; endDate: string | null } {
  if (plan.waves.length === 0) return { startDate: null, endDate: null };
  return {
    startDate: plan.waves.map((w) => w.startDate).sort()[0],
    endDate: plan.waves.map((w) => w.endDate).sort().at(-1)!,
  };
}

async function missingIds<T extends string | number>(db: Db, sql: string, ids: T[]): Promise<Set<T>> {
  if (ids.length === 0) return new Set();
  const rows = await db.query<{ id: T }>(sql, { ids: ids as never });
  const found = new Set(rows.map((r) => r.id));
  return new Set(ids.filter((id) => !found.has(id)));
}

/** Checks the channel rules (ids exist, filters compile); shared by editing and adjusting. */
export async function checkChannelRules(db: Db, rules: ChannelRule[], root: string): Promise<void> {
  const missing = await missingIds(db, 'SELECT channel_id AS id FROM channels WHERE channel_id IN (SELECT unnest($ids))', [...new Set(rules.map((r) => r.channelId))]);
  for (const [i, rule] of rules.entries()) {
    if (missing.has(rule.channelId)) fail(`${root}[${i}].channelId`, `"${rule.channelId}" is not a channel`, 'UNKNOWN_CHANNEL');
    if (rule.when !== undefined) await checkSegmentFilter(db, rule.when, `${root}[${i}].when`);
  }
}

/** Checks waves against each other and against the channel rules. */
export function checkWaves(waves: Wave[], mode: 'parallel' | 'serial', ruleChannels: Set<string>, root = 'waves'): void {
  waves.forEach((w, i) => {
    if (!isCalendarDate(w.startDate)) fail(`${root}[${i}].startDate`, `"${w.startDate}" is not a calendar date`);
    if (!isCalendarDate(w.endDate)) fail(`${root}[${i}].endDate`, `"${w.endDate}" is not a calendar date`);
    if (w.endDate < w.startDate) fail(`${root}[${i}].endDate`, `the wave ends (${w.endDate}) before it starts (${w.startDate})`, 'DATES_REVERSED');
    (w.channels ?? []).forEach((c, j) => {
      if (!ruleChannels.has(c)) fail(`${root}[${i}].channels[${j}]`, `"${c}" is not one of the campaign's channels (${[...ruleChannels].join(', ') || 'none'})`);
    });
    if (mode === 'serial') {
      if (w.size !== undefined) fail(`${root}[${i}].size`, 'serial waves take every target in turn; a size applies to parallel waves only');
      if (i > 0 && w.startDate <= waves[i - 1].endDate) {
        fail(`${root}[${i}].startDate`, `a serial wave starts after the previous one ends (${waves[i - 1].endDate})`);
      }
    }
  });
}

/**
 * Checks a plan and returns it normalized. `forSubmit` also requires the parts an approver needs:
 * offers, a target group, channels and waves.
 */
export async function validatePlan(db: Db, input: unknown, opts: { forSubmit?: boolean } = {}): Promise<NormalizedPlan> {
  assertShape(CampaignPlan, input);
  const plan = normalizePlan(input as CampaignPlan);
  if (plan.name.length === 0) fail('name', 'must not be blank');

  const seenItems = new Set<string>();
  plan.budget.forEach((b, i) => {
    if (!budgetItems.includes(b.item)) fail(`budget[${i}].item`, `"${b.item}" is not a budget item`);
    if (seenItems.has(b.item)) fail(`budget[${i}].item`, `"${b.item}" appears twice; one line per item`);
    seenItems.add(b.item);
    if (!(Number.isInteger(b.plannedFen) && b.plannedFen >= 0)) fail(`budget[${i}].plannedFen`, 'must be a whole, non-negative amount of fen');
  });

  if (!(plan.controlPercent >= 0 && plan.controlPercent <= 50)) fail('controlPercent', 'must lie between 0 and 50');

  const ruleChannels = new Set(plan.channels.map((c) => c.channelId));
  await checkChannelRules(db, plan.channels, 'channels');

  const productIds = plan.offers.map((o) => o.productId);
  const missingProducts = await missingIds(db, 'SELECT product_id AS id FROM products WHERE active AND product_id IN (SELECT unnest($ids))', [...new Set(productIds)]);
  plan.offers.forEach((offer, i) => {
    if (missingProducts.has(offer.productId)) fail(`offers[${i}].productId`, `"${offer.productId}" is not an active product of the catalogue`, 'UNKNOWN_PRODUCT');
    if (productIds.indexOf(offer.productId) !== i) fail(`offers[${i}].productId`, `"${offer.productId}" is offered twice`);
    for (const channel of Object.keys(offer.scripts)) {
      if (!ruleChannels.has(channel)) fail(`offers[${i}].scripts.${channel}`, `a script for "${channel}", which is not one of the campaign's channels`);
    }
  });

  if (plan.target) await checkTarget(db, plan.target);
  if (plan.channelPriority.by === 'preference') await checkChannelPreference(db, plan.channelPriority.runId, opts.forSubmit ?? false);
  checkWaves(plan.waves, plan.waveMode, ruleChannels);

  plan.promotion.advertising.forEach((a, i) => {
    if (!isCalendarDate(a.startDate)) fail(`promotion.advertising[${i}].startDate`, `"${a.startDate}" is not a calendar date`);
    if (!isCalendarDate(a.endDate)) fail(`promotion.advertising[${i}].endDate`, `"${a.endDate}" is not a calendar date`);
    if (a.endDate < a.startDate) fail(`promotion.advertising[${i}].endDate`, 'the placement ends before it starts', 'DATES_REVERSED');
  });

  if (opts.forSubmit) {
    const incomplete = (field: string, reason: string) => fail(field, reason, 'INCOMPLETE_PLAN');
    if (plan.offers.length === 0) incomplete('offers', 'a campaign needs at least one offer before it is submitted');
    if (!plan.target) incomplete('target', 'a campaign needs a target group before it is submitted');
    if (plan.channels.length === 0) incomplete('channels', 'a campaign needs at least one channel before it is submitted');
    if (plan.waves.length === 0) incomplete('waves', 'a campaign needs at least one wave before it is submitted');
  }
  return plan;
}

/** A pinned run must be a finished channel-preference run; a plan to be submitted needs one to exist. */
async function checkChannelPreference(db: Db, runId: number | undefined, forSubmit: boolean): Promise<void> {
  if (runId !== undefined) {
    const run = await findModelRun(db, runId);
    if (!run || run.model !== 'channel_preference' || run.status !== 'succeeded') {
      fail('channelPriority.runId', `run ${runId} is not a finished channel-preference model run`, 'UNKNOWN_MODEL_RUN');
    }
  } else if (forSubmit && !(await findLatestModelRun(db, 'channel_preference', 'channels'))) {
    fail('channelPriority.runId', 'no channel-preference model has been trained yet: train one (Models) or choose channels by rules', 'NO_MODEL_RUN');
  }
}

/** The field each kind of target group reads. */
const needs = { segment: 'segmentId', filter: 'filter', list: 'subscriberIds' } as const;

async function checkTarget(db: Db, target: TargetGroup): Promise<void> {
  const unused = (['segmentId', 'filter', 'subscriberIds'] as const).filter((k) => target[k] !== undefined && k !== needs[target.kind]);
  if (unused.length) fail(`target.${unused[0]}`, `is not used when the target kind is "${target.kind}"`);
  const value = target[needs[target.kind]];
  if (value === undefined) fail(`target.${needs[target.kind]}`, `is required when the target kind is "${target.kind}"`);
  if (target.kind === 'segment') {
    await savedSegmentAt(db, target.segmentId!, 'target.segmentId');
  } else if (target.kind === 'filter') {
    await checkSegmentFilter(db, target.filter, 'target.filter');
  } else {
    const ids = target.subscriberIds!;
    if (ids.length === 0) fail('target.subscriberIds', 'the uploaded list is empty');
    const missing = await missingIds(db, 'SELECT subscriber_id AS id FROM subscribers WHERE subscriber_id IN (SELECT unnest($ids))', [...new Set(ids)]);
    const at = ids.findIndex((id) => missing.has(id));
    if (at >= 0) fail(`target.subscriberIds[${at}]`, `subscriber ${ids[at]} does not exist${missing.size > 1 ? ` (nor do ${missing.size - 1} more)` : ''}`, 'UNKNOWN_SUBSCRIBER');
  }
}

export interface PlanChange {
  path: string;
  from: unknown;
  to: unknown;
}

/** What changed between two JSON values, leaf by leaf ('waves[1].endDate': '2026-11-10' → '2026-11-20'). */
export function planDiff(before: unknown, after: unknown, path = ''): PlanChange[] {
  if (Object.is(before, after)) return [];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (Array.isArray(before) && Array.isArray(after)) {
    // long lists (an uploaded target list) are summarized rather than diffed element by element
    if (before.length > 50 || after.length > 50) {
      return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path, from: `${before.length} items`, to: `${after.length} items` }];
    }
    const changes: PlanChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) changes.push(...planDiff(before[i], after[i], `${path}[${i}]`));
    return changes;
  }
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => planDiff(before[k], after[k], path ? `${path}.${k}` : k));
  }
  return [{ path, from: before ?? null, to: after ?? null }];
}
