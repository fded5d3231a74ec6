// Turning a scheduled campaign's target group into rows: who is excluded and why (the global
// holdout, abnormal status, do-not-disturb, no channel, no room in a wave), who is held out as the
// random control group, and each target's wave and channel by the planner's priority rule.
// Every random choice is md5(key ‖ subscriber id), so the same campaign gives the same split.
import { createHash } from 'node:crypto';
import { compileSegment, segmentMembersSql, type CompiledSegment } from '../customers/segments.ts';
import { fitWeightsFor } from '../models/matching.ts';
import { findLatestModelRun } from '../models/runs.ts';
import { InvalidInput } from '../store/errors.ts';
import type { Db, SqlParams } from '../store/store.ts';
import type { NormalizedPlan } from './plan.ts';
import type { TargetCounts } from './types.ts';

export const exclusionReasons = ['holdout', 'status_suspended', 'status_arrears', 'status_cancelled', 'dnd', 'no_channel', 'over_capacity'] as const;
export type ExclusionReason = (typeof exclusionReasons)[number];

/** A bucket 0–9999: the first 8 bytes of md5(key) read little-endian, mod 10000 (DuckDB's md5_number_upper). */
export function md5Bucket(key: string): number {
  return Number(createHash('md5').update(key).digest().readBigUInt64LE(0) % 10000n);
}
const bucketSql = (keyParam: string) => `CAST(md5_number_upper($${keyParam} || CAST(s.subscriber_id AS VARCHAR)) % 10000 AS INTEGER)`;

export const controlKey = (campaignId: number) => `campaign:${campaignId}:control:`;
export const waveKey = (campaignId: number) => `campaign:${campaignId}:wave:`;

export interface HoldoutSetting {
  basisPoints: number;
  salt: string;
}

export async function holdoutSetting(db: Db): Promise<HoldoutSetting> {
  const rows = await db.query<{ key: string; value: string }>("SELECT key, value FROM marketing_settings WHERE key IN ('holdout_bp', 'holdout_salt')");
  const get = (k: string) => rows.find((r) => r.key === k)?.value;
  return { basisPoints: Number(get('holdout_bp') ?? 200), salt: get('holdout_salt') ?? 'yiti-holdout' };
}

/** Whether a subscriber belongs to the global holdout (the same test the materialization runs in SQL). */
export function inGlobalHoldout(setting: HoldoutSetting, subscriberId: number): boolean {
  return md5Bucket(`${setting.salt}:${subscriberId}`) < setting.basisPoints;
}

export async function holdoutCounts(db: Db): Promise<{ holdout: number; subscribers: number }> {
  const setting = await holdoutSetting(db);
  const row = await db.one<{ holdout: number; subscribers: number }>(
    `SELECT count(*) FILTER (WHERE ${bucketSql('key')} < $bp) AS holdout, count(*) AS subscribers FROM subscribers s`,
    { key: `${setting.salt}:`, bp: setting.basisPoints },
  );
  return { holdout: row?.holdout ?? 0, subscribers: row?.subscribers ?? 0 };
}

/** Renames a compiled segment's parameters ($p0 → $r2_p0) so several can share one statement. */
function prefixed(compiled: CompiledSegment, prefix: string): CompiledSegment {
  const params = Object.fromEntries(Object.entries(compiled.params).map(([k, v]) => [`${prefix}${k}`, v]));
  return { where: compiled.where.replace(/\$p(\d+)\b/g, `$${prefix}p$1`), params };
}

/** The channel-preference scores and fit weights a plan choosing channels by preference uses. */
export interface ChannelPreferenceInput {
  runId: number;
  /** fit weight of each rule's channel for the plan's first offer (0: never used) */
  weights: number[];
}

/** For a plan choosing channels by preference: the run (pinned, else the latest) and the fit weights. */
export async function channelPreferenceFor(db: Db, plan: Pick<NormalizedPlan, 'channels' | 'channelPriority' | 'offers'>): Promise<ChannelPreferenceInput | null> {
  // plans stored before channel priority existed have none: they choose by rules
  if (plan.channelPriority?.by !== 'preference') return null;
  const runId = plan.channelPriority.runId ?? (await findLatestModelRun(db, 'channel_preference', 'channels'))?.runId;
  if (runId === undefined) {
    throw new InvalidInput('channelPriority.runId: no channel-preference model has been trained yet: train one (Models) or choose channels by rules', { field: 'channelPriority.runId', code: 'NO_MODEL_RUN' });
  }
  const product = plan.offers[0]?.productId;
  const weights = product ? await fitWeightsFor(db, product, plan.channels.map((c) => c.channelId)) : plan.channels.map(() => 1);
  return { runId, weights };
}

/**
 * For each wave, a SQL expression over s (subscribers), f (customer_features) and, when channels
 * are chosen by preference, cp (the customer's preference score per rule) giving the 1-based index
 * of the channel rule that takes the customer in that wave, or NULL. By rules: a wave listing
 * channels tries those channels in its order (rules of one channel in rule order), otherwise rules
 * in order, and the first rule whose condition holds wins. By preference: among the rules whose
 * condition holds, the one with the highest preference × fit weight wins (ties: the earlier rule).
 * `join` is the FROM clause addition the expressions need.
 */
export function ruleChoiceSql(
  plan: Pick<NormalizedPlan, 'channels' | 'waves'>,
  preference: ChannelPreferenceInput | null = null,
): { perWave: string[]; params: Record<string, string | number>; join: string } {
  const params: Record<string, string | number> = {};
  const conditions = plan.channels.map((rule, i) => {
    if (rule.when === undefined) return 'TRUE';
    const c = prefixed(compileSegment(rule.when), `r${i}_`);
    Object.assign(params, c.params);
    return c.where;
  });
  const perWave = plan.waves.map((wave) => {
    const order = plan.channels
      .map((rule, i) => ({ i, rank: wave.channels ? wave.channels.indexOf(rule.channelId) : 0 }))
      .filter((r) => r.rank >= 0 && (preference === null || preference.weights[r.i]! > 0))
      .sort((a, b) => a.rank - b.rank || a.i - b.i);
    if (order.length === 0) return 'CAST(NULL AS INTEGER)';
    if (preference === null) return `CASE ${order.map((r) => `WHEN ${conditions[r.i]} THEN ${r.i + 1}`).join(' ')} END`;
    // a tiny penalty per position keeps the first of equal scores
    const values = order.map((r, k) => `CASE WHEN ${conditions[r.i]} THEN coalesce(cp.s${r.i}, 0) * ${preference.weights[r.i]} - ${k} * 1e-9 END`);
    const list = `[${values.join(', ')}]`;
    return `CASE WHEN list_max(${list}) IS NOT NULL THEN list_extract([${order.map((r) => r.i + 1).join(', ')}], list_position(${list}, list_max(${list}))) END`;
  });
  if (preference === null) return { perWave, params, join: '' };
  plan.channels.forEach((rule, i) => (params[`cp_label_${i}`] = rule.channelId));
  params.cp_run = preference.runId;
  const pivot = plan.channels.map((_, i) => `max(score) FILTER (WHERE label = $cp_label_${i}) AS s${i}`).join(', ');
  return { perWave, params, join: `LEFT JOIN (SELECT subscriber_id, ${pivot} FROM model_scores WHERE run_id = $cp_run GROUP BY subscriber_id) cp USING (subscriber_id)` };
}

/** Who the target group names: SQL selecting subscriber ids, with its parameters. */
function targetMembers(plan: NormalizedPlan, targetFilter: unknown): { sql: string; params: SqlParams } {
  const target = plan.target!;
  if (target.kind === 'list') return { sql: 'SELECT unnest($list_ids) AS subscriber_id', params: { list_ids: target.subscriberIds! } };
  const { where, params } = segmentMembersSql(target.kind === 'filter' ? target.filter : targetFilter);
  const p = prefixed({ where, params }, 't_');
  return { sql: p.where, params: p.params };
}

/**
 * Materializes the targets of a campaign being scheduled (inside the caller's transaction).
 * Exclusion reasons are checked in this order and the first that applies is recorded: global
 * holdout, abnormal status, do-not-disturb, then no channel rule matches, then no room in any wave.
 */
export async function materializeTargets(tx: Db, campaignId: number, plan: NormalizedPlan, targetFilter: unknown): Promise<void> {
  const holdout = await holdoutSetting(tx);
  const members = targetMembers(plan, targetFilter);
  const rules = ruleChoiceSql(plan, await channelPreferenceFor(tx, plan));
  const waveColumns = rules.perWave.map((sql, i) => `${sql} AS w${i + 1}`).join(',\n      ');
  await tx.run('DELETE FROM campaign_targets WHERE campaign_id = $id', { id: campaignId });
  await tx.run('DELETE FROM campaign_exclusions WHERE campaign_id = $id', { id: campaignId });
  await tx.run(
    `CREATE OR REPLACE TEMP TABLE campaign_pool AS
     SELECT s.subscriber_id,
       CASE WHEN ${bucketSql('holdout_key')} < $holdout_bp THEN 'holdout'
            WHEN s.status <> 'active' THEN 'status_' || CAST(s.status AS VARCHAR)
            WHEN s.dnd THEN 'dnd' END AS reason,
       CASE WHEN ${bucketSql('control_key')} < $control_bp THEN 'control' ELSE 'treatment' END AS grp,
       md5_number_upper($wave_key || CAST(s.subscriber_id AS VARCHAR)) AS wave_order,
      ${waveColumns}
     FROM subscribers s LEFT JOIN customer_features f USING (subscriber_id) ${rules.join}
     WHERE s.subscriber_id IN (${members.sql})`,
    {
      ...(members.params as Record<string, never>),
      ...rules.params,
      holdout_key: `${holdout.salt}:`,
      holdout_bp: holdout.basisPoints,
      control_key: controlKey(campaignId),
      control_bp: Math.round(plan.controlPercent * 100),
      wave_key: waveKey(campaignId),
    },
  );
  const ruleLists = { channels: plan.channels.map((c) => c.channelId), segments: plan.channels.map((c) => c.segment) };
  for (const [index, wave] of plan.waves.entries()) {
    const w = `w${index + 1}`;
    // parallel waves share the targets out (each customer in one wave); serial waves take everyone in turn
    const taken = plan.waveMode === 'parallel' ? 'AND p.subscriber_id NOT IN (SELECT subscriber_id FROM campaign_targets WHERE campaign_id = $id)' : '';
    const limited = plan.waveMode === 'parallel' && wave.size !== undefined;
    await tx.run(
      `INSERT INTO campaign_targets (campaign_id, subscriber_id, wave_no, channel_id, segment, grp)
       SELECT $id, p.subscriber_id, $wave_no, list_extract($channels, p.${w}), list_extract($segments, p.${w}), p.grp
       FROM campaign_pool p
       WHERE p.reason IS NULL AND p.${w} IS NOT NULL ${taken}
       ORDER BY p.wave_order, p.subscriber_id ${limited ? 'LIMIT $size' : ''}`,
      { id: campaignId, wave_no: index + 1, ...ruleLists, ...(limited ? { size: wave.size! } : {}) },
    );
  }
  const anyRule = plan.waves.length ? plan.waves.map((_, i) => `p.w${i + 1} IS NOT NULL`).join(' OR ') : 'FALSE';
  await tx.run(
    `INSERT INTO campaign_exclusions (campaign_id, subscriber_id, reason)
     SELECT $id, p.subscriber_id, coalesce(p.reason, CASE WHEN ${anyRule} THEN 'over_capacity' ELSE 'no_channel' END)
     FROM campaign_pool p
     WHERE p.reason IS NOT NULL OR p.subscriber_id NOT IN (SELECT subscriber_id FROM campaign_targets WHERE campaign_id = $id)`,
    { id: campaignId },
  );
  await tx.run('DROP TABLE campaign_pool');
}

/**
 * Re-routes targets of the given waves by the (adjusted) rules: control rows, and treatment rows
 * of customers not yet contacted in this campaign. Customers no rule takes keep their channel.
 * Returns how many rows changed channel or segment.
 */
export async function rerouteTargets(tx: Db, campaignId: number, plan: NormalizedPlan, waveNos: number[]): Promise<number> {
  const rules = ruleChoiceSql(plan, await channelPreferenceFor(tx, plan));
  let changed = 0;
  for (const waveNo of waveNos) {
    const rows = await tx.query(
      `UPDATE campaign_targets t
       SET channel_id = list_extract($channels, n.idx), segment = list_extract($segments, n.idx)
       FROM (SELECT s.subscriber_id, ${rules.perWave[waveNo - 1]} AS idx
             FROM subscribers s LEFT JOIN customer_features f USING (subscriber_id) ${rules.join}
             WHERE s.subscriber_id IN (SELECT subscriber_id FROM campaign_targets WHERE campaign_id = $id AND wave_no = $wave_no)) n
       WHERE t.campaign_id = $id AND t.wave_no = $wave_no AND t.subscriber_id = n.subscriber_id AND n.idx IS NOT NULL
         AND (t.channel_id <> list_extract($channels, n.idx) OR t.segment <> list_extract($segments, n.idx))
         AND (t.grp = 'control' OR NOT EXISTS (
               SELECT 1 FROM contact_events e WHERE e.campaign_id = $campaign_key AND e.subscriber_id = t.subscriber_id))
       RETURNING t.subscriber_id`,
      {
        ...rules.params,
        id: campaignId,
        campaign_key: String(campaignId),
        wave_no: waveNo,
        channels: plan.channels.map((c) => c.channelId),
        segments: plan.channels.map((c) => c.segment),
      },
    );
    changed += rows.length;
  }
  return changed;
}

export async function targetCounts(db: Db, campaignId: number, materializedAt: string | null): Promise<TargetCounts> {
  const groups = await db.one<{ treatment: number; control: number }>(
    `SELECT count(DISTINCT subscriber_id) FILTER (WHERE grp = 'treatment') AS treatment,
            count(DISTINCT subscriber_id) FILTER (WHERE grp = 'control') AS control
     FROM campaign_targets WHERE campaign_id = $id`,
    { id: campaignId },
  );
  const byReason = await db.query<{ reason: string; subscribers: number }>(
    'SELECT reason, count(*) AS subscribers FROM campaign_exclusions WHERE campaign_id = $id GROUP BY reason',
    { id: campaignId },
  );
  byReason.sort((a, b) => exclusionReasons.indexOf(a.reason as ExclusionReason) - exclusionReasons.indexOf(b.reason as ExclusionReason));
  const byWaveChannel = await db.query<TargetCounts['byWaveChannel'][number]>(
    `SELECT wave_no AS "waveNo", channel_id AS "channelId", segment,
            count(*) FILTER (WHERE grp = 'treatment') AS treatment, count(*) FILTER (WHERE grp = 'control') AS control
     FROM campaign_targets WHERE campaign_id = $id GROUP BY ALL ORDER BY 1, 2, 3`,
    { id: campaignId },
  );
  return {
    materializedAt,
    treatment: groups?.treatment ?? 0,
    control: groups?.control ?? 0,
    excluded: byReason.reduce((n, r) => n + r.subscribers, 0),
    byReason,
    byWaveChannel,
  };
}
