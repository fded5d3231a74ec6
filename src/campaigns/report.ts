// Tracking and evaluation of a campaign: one SQL pass over its targets, its contact outcomes and
// the orders of its offers gives counts overall and by channel, wave and segment; the statistics
// (uplift against the control group, its confidence interval and p-value, the sample-ratio check),
// the cost side (ROI, cost per incremental response, resources) and the early warnings follow.
//
// Definitions: a target is *attempted* when any outcome came back, *contacted* when it was reached
// (accepted or refused), *accepted* when it said yes. Success rate = accepted / contacted. A
// *responder* accepted a campaign contact or ordered an offered product within the waves' dates;
// the same test applied to the control group (who are never contacted) gives its response rate.
import { Type, type Static } from '@sinclair/typebox';
import type { Db } from '../store/store.ts';
import type { CampaignStatus } from './lifecycle.ts';
import { planWindow, type NormalizedPlan } from './plan.ts';
import { compareProportions, ratio, sampleRatioCheck } from './stats.ts';
import { exclusionReasons } from './targets.ts';
import { budgetItems, resourceKinds } from './types.ts';

const Rate = Type.Union([Type.Number(), Type.Null()]);
const Interval = Type.Union([Type.Tuple([Type.Number(), Type.Number()]), Type.Null()]);

export const BreakdownRow = Type.Object({
  key: Type.String(),
  label: Type.String(),
  targets: Type.Integer(),
  attempted: Type.Integer(),
  contacted: Type.Integer(),
  contactRate: Rate,
  accepted: Type.Integer(),
  successRate: Rate,
  responders: Type.Integer(),
  responseRate: Rate,
  control: Type.Integer(),
  controlResponders: Type.Integer(),
  controlRate: Rate,
  uplift: Rate,
  upliftCi: Interval,
  pValue: Rate,
});
export type BreakdownRow = Static<typeof BreakdownRow>;

export const Warning = Type.Object({
  code: Type.String(),
  message: Type.String(),
  key: Type.Optional(Type.String()),
  value: Type.Optional(Type.Number()),
  threshold: Type.Optional(Type.Number()),
});
export type Warning = Static<typeof Warning>;

export const CampaignReport = Type.Object({
  campaignId: Type.Integer(),
  name: Type.String(),
  status: Type.String(),
  generatedAt: Type.String(),
  window: Type.Object({ startDate: Type.Union([Type.String(), Type.Null()]), endDate: Type.Union([Type.String(), Type.Null()]) }),
  exclusions: Type.Object({ excluded: Type.Integer(), share: Rate, byReason: Type.Array(Type.Object({ reason: Type.String(), subscribers: Type.Integer() })) }),
  overall: BreakdownRow,
  byChannel: Type.Array(BreakdownRow),
  byWave: Type.Array(BreakdownRow),
  bySegment: Type.Array(BreakdownRow),
  uplift: Type.Union([
    Type.Object({
      treatmentRate: Type.Number(),
      controlRate: Type.Number(),
      absolute: Type.Number(),
      absoluteCi: Type.Tuple([Type.Number(), Type.Number()]),
      relative: Rate,
      relativeCi: Interval,
      z: Rate,
      pValue: Rate,
      significant: Type.Boolean(),
      incrementalResponders: Type.Number(),
      incrementalCi: Type.Tuple([Type.Number(), Type.Number()]),
    }),
    Type.Null(),
  ]),
  sampleRatio: Type.Object({
    expectedControlShare: Type.Number(),
    observedControlShare: Rate,
    chiSquare: Rate,
    pValue: Rate,
    mismatch: Type.Boolean(),
  }),
  costs: Type.Object({
    items: Type.Array(
      Type.Object({
        item: Type.String(),
        plannedFen: Type.Integer(),
        actualFen: Type.Integer(),
        resourcesApprovedFen: Type.Integer(),
        resourcesUsedFen: Type.Integer(),
      }),
    ),
    plannedFen: Type.Integer(),
    actualFen: Type.Integer(),
    costPerTargetFen: Rate,
    costPerResponderFen: Rate,
    costPerIncrementalResponseFen: Rate,
    valuePerResponseFen: Rate,
    incrementalValueFen: Rate,
    roi: Rate,
  }),
  resources: Type.Array(
    Type.Object({ kind: Type.String(), approvedFen: Type.Integer(), usedFen: Type.Integer(), useRate: Rate }),
  ),
  kpis: Type.Object({
    targetResponders: Rate,
    responders: Type.Integer(),
    respondersAttainment: Rate,
    targetSuccessRate: Rate,
    successRate: Rate,
  }),
  warnings: Type.Array(Warning),
});
export type CampaignReport = Static<typeof CampaignReport>;

interface CountRow {
  dim: 'overall' | 'channel' | 'wave' | 'segment';
  key: string;
  targets: number;
  control: number;
  responders: number;
  control_responders: number;
  attempted: number;
  contacted: number;
  accepted: number;
}

/** The counts behind every breakdown, in one statement. */
export async function campaignCounts(db: Db, campaignId: number, plan: NormalizedPlan): Promise<CountRow[]> {
  const window = planWindow(plan);
  return db.query<CountRow>(
    `WITH t AS (
       SELECT subscriber_id, wave_no, channel_id, segment, grp FROM campaign_targets WHERE campaign_id = $id
     ),
     subj AS (SELECT DISTINCT subscriber_id FROM t),
     waves AS (
       SELECT unnest($wave_nos) AS wave_no, CAST(unnest($wave_starts) AS DATE) AS start_date, CAST(unnest($wave_ends) AS DATE) AS end_date
     ),
     ev AS (
       SELECT e.rowid AS event_key, e.subscriber_id, e.channel_id AS event_channel, CAST(e.outcome AS VARCHAR) AS outcome, e.event_time
       FROM contact_events e
       WHERE e.campaign_id = $key AND e.event_type = 'marketing' AND e.subscriber_id IN (SELECT subscriber_id FROM subj)
     ),
     -- each outcome belongs to one target row: the one on the same channel, then the wave whose dates hold it, then the first
     attributed AS (
       SELECT ev.*, t.wave_no, t.segment, t.grp
       FROM ev JOIN t USING (subscriber_id) JOIN waves w USING (wave_no)
       QUALIFY row_number() OVER (
         PARTITION BY ev.event_key
         ORDER BY (t.channel_id = ev.event_channel) DESC, (CAST(ev.event_time AS DATE) BETWEEN w.start_date AND w.end_date) DESC, t.wave_no) = 1
     ),
     ordered AS (
       SELECT DISTINCT o.subscriber_id FROM orders o
       WHERE o.subscriber_id IN (SELECT subscriber_id FROM subj) AND o.product_id IN (SELECT unnest($products))
         AND o.action = 'order' AND o.status = 'completed'
         AND o.order_time >= CAST($from_date AS DATE) AND o.order_time < CAST($to_date AS DATE) + INTERVAL 1 DAY
     ),
     responders AS (
       SELECT subscriber_id FROM attributed WHERE outcome = 'accepted' UNION SELECT subscriber_id FROM ordered
     ),
     assigned AS (
       SELECT d.dim, d.key,
         count(DISTINCT d.subscriber_id) FILTER (WHERE d.grp = 'treatment') AS targets,
         count(DISTINCT d.subscriber_id) FILTER (WHERE d.grp = 'control') AS control,
         count(DISTINCT d.subscriber_id) FILTER (WHERE d.grp = 'treatment' AND r.subscriber_id IS NOT NULL) AS responders,
         count(DISTINCT d.subscriber_id) FILTER (WHERE d.grp = 'control' AND r.subscriber_id IS NOT NULL) AS control_responders
       FROM (SELECT 'overall' AS dim, '' AS key, subscriber_id, grp FROM t
             UNION ALL SELECT 'channel', channel_id, subscriber_id, grp FROM t
             UNION ALL SELECT 'wave', CAST(wave_no AS VARCHAR), subscriber_id, grp FROM t
             UNION ALL SELECT 'segment', segment, subscriber_id, grp FROM t) d
         LEFT JOIN responders r USING (subscriber_id)
       GROUP BY d.dim, d.key
     ),
     contacts AS (
       SELECT d.dim, d.key,
         count(DISTINCT d.subscriber_id) AS attempted,
         count(DISTINCT d.subscriber_id) FILTER (WHERE d.outcome IN ('accepted', 'refused')) AS contacted,
         count(DISTINCT d.subscriber_id) FILTER (WHERE d.outcome = 'accepted') AS accepted
       FROM (SELECT 'overall' AS dim, '' AS key, subscriber_id, outcome FROM attributed WHERE grp = 'treatment'
             UNION ALL SELECT 'channel', event_channel, subscriber_id, outcome FROM attributed WHERE grp = 'treatment'
             UNION ALL SELECT 'wave', CAST(wave_no AS VARCHAR), subscriber_id, outcome FROM attributed WHERE grp = 'treatment'
             UNION ALL SELECT 'segment', segment, subscriber_id, outcome FROM attributed WHERE grp = 'treatment') d
       GROUP BY d.dim, d.key
     )
     SELECT dim, key,
       coalesce(a.targets, 0) AS targets, coalesce(a.control, 0) AS control,
       coalesce(a.responders, 0) AS responders, coalesce(a.control_responders, 0) AS control_responders,
       coalesce(c.attempted, 0) AS attempted, coalesce(c.contacted, 0) AS contacted, coalesce(c.accepted, 0) AS accepted
     FROM assigned a FULL OUTER JOIN contacts c USING (dim, key)`,
    {
      id: campaignId,
      key: String(campaignId),
      wave_nos: plan.waves.map((_, i) => i + 1),
      wave_starts: plan.waves.map((w) => w.startDate),
      wave_ends: plan.waves.map((w) => w.endDate),
      products: plan.offers.map((o) => o.productId),
      from_date: window.startDate ?? '1970-01-01',
      to_date: window.endDate ?? '1970-01-01',
    },
  );
}

/** A breakdown row from its counts: rates, and the uplift of this slice against its control slice. */
export function breakdownRow(c: Omit<CountRow, 'dim'>, label: string): BreakdownRow {
  const comparison = c.targets > 0 && c.control > 0 ? compareProportions(c.responders, c.targets, c.control_responders, c.control) : null;
  return {
    key: c.key,
    label,
    targets: c.targets,
    attempted: c.attempted,
    contacted: c.contacted,
    contactRate: ratio(c.contacted, c.targets),
    accepted: c.accepted,
    successRate: ratio(c.accepted, c.contacted),
    responders: c.responders,
    responseRate: ratio(c.responders, c.targets),
    control: c.control,
    controlResponders: c.control_responders,
    controlRate: ratio(c.control_responders, c.control),
    uplift: comparison?.absolute ?? null,
    upliftCi: comparison?.absoluteCi ?? null,
    pValue: comparison?.pValue ?? null,
  };
}

export interface ReportSubject {
  campaignId: number;
  name: string;
  status: CampaignStatus;
  plan: NormalizedPlan;
}

export async function computeReport(db: Db, campaign: ReportSubject): Promise<CampaignReport> {
  const { campaignId, plan } = campaign;
  const counts = await campaignCounts(db, campaignId, plan);
  const exclusionRows = await db.query<{ reason: string; subscribers: number }>(
    'SELECT reason, count(*) AS subscribers FROM campaign_exclusions WHERE campaign_id = $id GROUP BY reason',
    { id: campaignId },
  );
  exclusionRows.sort((a, b) => exclusionReasons.indexOf(a.reason as never) - exclusionReasons.indexOf(b.reason as never));
  const channelNames = new Map(
    (await db.query<{ id: string; name: string }>('SELECT channel_id AS id, name_zh AS name FROM channels')).map((r) => [r.id, r.name]),
  );
  const resourceRows = await db.query<{ kind: string; item: string; approved: number; used: number }>(
    `SELECT kind, budget_item AS item, sum(quantity * unit_value_fen) AS approved, sum(used_quantity * unit_value_fen) AS used
     FROM campaign_resources WHERE campaign_id = $id AND status = 'approved' GROUP BY ALL`,
    { id: campaignId },
  );
  const generatedAt = (await db.one<{ now: string }>("SELECT strftime(current_localtimestamp(), '%Y-%m-%d %H:%M:%S') AS now"))!.now;

  const zero = { key: '', targets: 0, control: 0, responders: 0, control_responders: 0, attempted: 0, contacted: 0, accepted: 0 };
  const of = (dim: CountRow['dim']) => counts.filter((c) => c.dim === dim);
  const overallCounts = of('overall')[0] ?? zero;
  const overall = breakdownRow(overallCounts, 'overall');
  const byChannel = of('channel')
    .map((c) => breakdownRow(c, channelNames.get(c.key) ?? c.key))
    .sort((a, b) => channelOrder(plan, a.key) - channelOrder(plan, b.key) || a.key.localeCompare(b.key));
  const byWave = of('wave')
    .map((c) => breakdownRow(c, plan.waves[Number(c.key) - 1]?.name || `wave ${c.key}`))
    .sort((a, b) => Number(a.key) - Number(b.key));
  const segmentOrder = [...new Set(plan.channels.map((c) => c.segment))];
  const bySegment = of('segment')
    .map((c) => breakdownRow(c, c.key))
    .sort((a, b) => segmentOrder.indexOf(a.key) - segmentOrder.indexOf(b.key) || a.key.localeCompare(b.key));

  const nT = overallCounts.targets;
  const nC = overallCounts.control;
  let uplift: CampaignReport['uplift'] = null;
  if (nT > 0 && nC > 0) {
    const c = compareProportions(overallCounts.responders, nT, overallCounts.control_responders, nC);
    uplift = {
      ...c,
      significant: c.pValue !== null && c.pValue < 0.05,
      incrementalResponders: c.absolute * nT,
      incrementalCi: [c.absoluteCi[0] * nT, c.absoluteCi[1] * nT],
    };
  }
  const sampleRatio = sampleRatioCheck(nC, nT, plan.controlPercent / 100);

  const costItems = budgetItems
    .filter((item) => plan.budget.some((b) => b.item === item) || resourceRows.some((r) => r.item === item))
    .map((item) => {
      const line = plan.budget.find((b) => b.item === item);
      const res = resourceRows.filter((r) => r.item === item);
      return {
        item,
        plannedFen: line?.plannedFen ?? 0,
        actualFen: line?.actualFen ?? 0,
        resourcesApprovedFen: res.reduce((n, r) => n + r.approved, 0),
        resourcesUsedFen: res.reduce((n, r) => n + r.used, 0),
      };
    });
  const plannedFen = costItems.reduce((n, i) => n + i.plannedFen, 0);
  const actualFen = costItems.reduce((n, i) => n + i.actualFen, 0);
  const incremental = uplift?.incrementalResponders ?? null;
  const value = plan.kpis.valuePerResponseFen ?? null;
  const incrementalValueFen = incremental !== null && value !== null ? Math.round(incremental * value) : null;
  const costs = {
    items: costItems,
    plannedFen,
    actualFen,
    costPerTargetFen: roundOrNull(ratio(actualFen, nT)),
    costPerResponderFen: roundOrNull(ratio(actualFen, overallCounts.responders)),
    costPerIncrementalResponseFen: incremental !== null && incremental > 0 ? Math.round(actualFen / incremental) : null,
    valuePerResponseFen: value,
    incrementalValueFen,
    roi: incrementalValueFen !== null && actualFen > 0 ? (incrementalValueFen - actualFen) / actualFen : null,
  };

  const resources = resourceKinds
    .map((kind) => {
      const rows = resourceRows.filter((r) => r.kind === kind);
      const approvedFen = rows.reduce((n, r) => n + r.approved, 0);
      const usedFen = rows.reduce((n, r) => n + r.used, 0);
      return { kind, approvedFen, usedFen, useRate: ratio(usedFen, approvedFen) };
    })
    .filter((r) => r.approvedFen > 0);

  const excluded = exclusionRows.reduce((n, r) => n + r.subscribers, 0);
  const exclusions = { excluded, share: ratio(excluded, excluded + nT + nC), byReason: exclusionRows };

  const report: CampaignReport = {
    campaignId,
    name: campaign.name,
    status: campaign.status,
    generatedAt,
    window: planWindow(plan),
    exclusions,
    overall,
    byChannel,
    byWave,
    bySegment,
    uplift,
    sampleRatio,
    costs,
    resources,
    kpis: {
      targetResponders: plan.kpis.targetResponders ?? null,
      responders: overall.responders,
      respondersAttainment: plan.kpis.targetResponders ? overall.responders / plan.kpis.targetResponders : null,
      targetSuccessRate: plan.kpis.targetSuccessRate ?? null,
      successRate: overall.successRate,
    },
    warnings: [],
  };
  report.warnings = earlyWarnings(report, plan);
  return report;
}

const roundOrNull = (v: number | null) => (v === null ? null : Math.round(v));

function channelOrder(plan: NormalizedPlan, channelId: string): number {
  const i = plan.channels.findIndex((c) => c.channelId === channelId);
  return i < 0 ? plan.channels.length : i;
}

/** Early warnings: success below the threshold, budget overrun, too many exclusions, a broken control split. */
export function earlyWarnings(report: Omit<CampaignReport, 'warnings'>, plan: Pick<NormalizedPlan, 'alerts' | 'kpis'>): Warning[] {
  const warnings: Warning[] = [];
  const minSuccess = plan.alerts.minSuccessRate ?? plan.kpis.targetSuccessRate;
  const minContacted = plan.alerts.minContacted ?? 30;
  if (minSuccess !== undefined) {
    for (const row of [report.overall, ...report.byChannel]) {
      if (row.contacted >= minContacted && row.successRate !== null && row.successRate < minSuccess) {
        const where = row === report.overall ? 'overall' : `on ${row.key}`;
        warnings.push({
          code: 'LOW_SUCCESS_RATE',
          message: `Success rate ${where} is ${(row.successRate * 100).toFixed(1)}%, below the threshold of ${(minSuccess * 100).toFixed(1)}%`,
          key: row === report.overall ? 'overall' : row.key,
          value: row.successRate,
          threshold: minSuccess,
        });
      }
    }
  }
  for (const item of report.costs.items) {
    const spent = Math.max(item.actualFen, item.resourcesUsedFen);
    if (spent > item.plannedFen) {
      warnings.push({ code: 'BUDGET_OVERRUN', message: `${item.item}: ${spent} fen spent against a budget of ${item.plannedFen} fen`, key: item.item, value: spent, threshold: item.plannedFen });
    }
  }
  if (report.costs.actualFen > report.costs.plannedFen && report.costs.items.length > 1) {
    warnings.push({
      code: 'BUDGET_OVERRUN',
      message: `In total ${report.costs.actualFen} fen spent against a budget of ${report.costs.plannedFen} fen`,
      key: 'total',
      value: report.costs.actualFen,
      threshold: report.costs.plannedFen,
    });
  }
  const maxExcluded = plan.alerts.maxExclusionShare ?? 0.3;
  if (report.exclusions.share !== null && report.exclusions.share > maxExcluded) {
    warnings.push({
      code: 'HIGH_EXCLUSIONS',
      message: `${(report.exclusions.share * 100).toFixed(1)}% of the target group was excluded (threshold ${(maxExcluded * 100).toFixed(1)}%)`,
      value: report.exclusions.share,
      threshold: maxExcluded,
    });
  }
  if (report.sampleRatio.mismatch) {
    warnings.push({
      code: 'SAMPLE_RATIO_MISMATCH',
      message: `The control group is ${((report.sampleRatio.observedControlShare ?? 0) * 100).toFixed(2)}% of the targets, not the planned ${(report.sampleRatio.expectedControlShare * 100).toFixed(2)}% (p = ${report.sampleRatio.pValue?.toExponential(2)}); the uplift is not to be trusted`,
      value: report.sampleRatio.pValue ?? undefined,
      threshold: 0.001,
    });
  }
  return warnings;
}
