// The campaign service: create and edit drafts, move campaigns through their lifecycle, adjust a
// running campaign, list them. Every method checks access first (permission, four-eyes rule,
// version, state), changes the campaign and writes the audit entry in one transaction.
import { recordAudit } from '../audit/audit.ts';
import { can, type Permission, type Role } from '../auth/roles.ts';
import { filterNamesTariffRun, getSegment } from '../customers/segments.ts';
import { Conflict, DomainError, InvalidInput } from '../store/errors.ts';
import { Filters } from '../store/filters.ts';
import type { Db, Store } from '../store/store.ts';
import { allowedActions, isOwn, transitionRules, type CampaignAction, type CampaignStatus } from './lifecycle.ts';
import { checkChannelRules, checkWaves, normalizeChannels, planDiff, planWindow, validatePlan, type NormalizedPlan } from './plan.ts';
import { computeReport, type CampaignReport } from './report.ts';
import { holdoutCounts, holdoutSetting, materializeTargets, rerouteTargets, targetCounts } from './targets.ts';
import type { AdjustBody, Campaign, CampaignListQuery, CampaignSummary, CampaignUpdate, HoldoutSettings, TransitionBody } from './types.ts';

type CampaignChangeListener = (change: { campaignId: number; status: CampaignStatus }) => void;
const changeListeners = new WeakMap<Store, Set<CampaignChangeListener>>();

/** Subscribes to committed status changes and adjustments (the contact policy's live offers follow them). */
export function onCampaignChange(store: Store, listener: CampaignChangeListener): () => void {
  let set = changeListeners.get(store);
  if (!set) changeListeners.set(store, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

function publishCampaignChange(store: Store, campaignId: number, status: CampaignStatus): void {
  for (const listener of changeListeners.get(store) ?? []) listener({ campaignId, status });
}

export interface Actor {
  username: string;
  role: Role;
}

export interface CampaignRow {
  campaignId: number;
  name: string;
  category: string;
  status: CampaignStatus;
  version: number;
  plan: NormalizedPlan;
  startDate: string | null;
  endDate: string | null;
  targetFilter: unknown;
  returnReason: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  submittedBy: string | null;
  submittedAt: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
  scheduledAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  evaluatedAt: string | null;
  evaluation: unknown;
}

const ts = (column: string, alias: string) => `strftime(${column}, '%Y-%m-%d %H:%M:%S') AS "${alias}"`;
const headColumns = `campaign_id AS "campaignId", name, category, status, version,
  CAST(start_date AS VARCHAR) AS "startDate", CAST(end_date AS VARCHAR) AS "endDate", return_reason AS "returnReason",
  created_by AS "createdBy", ${ts('created_at', 'createdAt')}, ${ts('updated_at', 'updatedAt')},
  submitted_by AS "submittedBy", approved_by AS "approvedBy"`;
const rowColumns = `${headColumns}, plan, target_filter AS "targetFilter", evaluation,
  ${ts('submitted_at', 'submittedAt')}, ${ts('approved_at', 'approvedAt')}, ${ts('scheduled_at', 'scheduledAt')},
  ${ts('started_at', 'startedAt')}, ${ts('finished_at', 'finishedAt')}, ${ts('evaluated_at', 'evaluatedAt')}`;

const parseJson = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v ?? null);

export function campaignNotFound(campaignId: number): DomainError {
  return new DomainError('NOT_FOUND', 404, `Campaign ${campaignId} does not exist`, { field: 'id', details: { what: 'Campaign', id: campaignId } });
}

export async function findCampaignRow(db: Db, campaignId: number): Promise<CampaignRow | undefined> {
  const row = await db.one<CampaignRow>(`SELECT ${rowColumns} FROM campaigns WHERE campaign_id = $id`, { id: campaignId });
  if (!row) return undefined;
  return { ...row, plan: parseJson(row.plan) as NormalizedPlan, targetFilter: parseJson(row.targetFilter), evaluation: parseJson(row.evaluation) };
}

export async function getCampaignRow(db: Db, campaignId: number): Promise<CampaignRow> {
  const row = await findCampaignRow(db, campaignId);
  if (!row) throw campaignNotFound(campaignId);
  return row;
}

/** Refuses a user whose role lacks the permission (the routes check it too; this keeps the service safe on its own). */
export function requirePermission(actor: Actor, permission: Permission, doing: string): void {
  if (!can(actor.role, permission)) {
    throw new DomainError('FORBIDDEN', 403, `Your role (${actor.role}) may not ${doing}: it needs the permission ${permission}`, {
      field: 'role',
      details: { permission },
    });
  }
}

/** Access first: permission, the four-eyes rule, the version the user read, then the state. */
export function authorize(actor: Actor, action: CampaignAction, row: CampaignRow, version: number | undefined): void {
  const rule = transitionRules[action];
  requirePermission(actor, rule.permission, `${action} campaigns`);
  if (rule.notOwn && isOwn(row, actor.username)) {
    const field = row.createdBy === actor.username ? 'createdBy' : 'submittedBy';
    throw new DomainError('SELF_APPROVAL', 403, `You ${field === 'createdBy' ? 'created' : 'submitted'} campaign ${row.campaignId}; someone else must ${action} it`, { field });
  }
  if (version !== undefined && version !== row.version) {
    throw new Conflict(`Campaign ${row.campaignId} is at version ${row.version} but you sent version ${version}: someone changed it since you read it`, {
      field: 'version',
      code: 'STALE_VERSION',
      details: { currentVersion: row.version },
    });
  }
  if (!rule.from.includes(row.status)) {
    const editing = action === 'edit' || action === 'delete';
    throw new Conflict(
      editing
        ? `A ${row.status} campaign cannot be ${action === 'edit' ? 'edited' : 'deleted'}; only a draft can (a running one can be adjusted)`
        : `A ${row.status} campaign cannot ${action}; ${action} applies to a campaign that is ${rule.from.join(' or ')}`,
      { field: 'status', code: editing ? 'NOT_EDITABLE' : 'ILLEGAL_TRANSITION', details: { status: row.status, action } },
    );
  }
}

/** store.transaction, with DuckDB's write-write conflicts reported as a stale version. */
async function inTransaction<T>(store: Store, fn: (tx: Db) => Promise<T>): Promise<T> {
  try {
    return await store.transaction(fn);
  } catch (error) {
    if (!(error instanceof DomainError) && /conflict/i.test((error as Error).message ?? '')) {
      throw new Conflict('Someone else changed this campaign at the same moment; read it again and retry', { field: 'version', code: 'STALE_VERSION' });
    }
    throw error;
  }
}

/** Writes the new state; refuses when the row moved on since it was read in this transaction. */
async function saveVersion(tx: Db, row: CampaignRow, sets: string[], params: Record<string, unknown>): Promise<number> {
  const updated = await tx.query<{ version: number }>(
    `UPDATE campaigns SET ${[...sets, 'version = version + 1', 'updated_at = current_localtimestamp()'].join(', ')}
     WHERE campaign_id = $id AND version = $version RETURNING version`,
    { ...(params as Record<string, never>), id: row.campaignId, version: row.version },
  );
  if (updated.length !== 1) throw new Conflict(`Campaign ${row.campaignId} changed while you were changing it; read it again`, { field: 'version', code: 'STALE_VERSION' });
  return updated[0].version;
}

async function audit(tx: Db, actor: Actor, action: string, campaignId: number, detail: unknown): Promise<void> {
  await recordAudit(tx, actor.username, `campaign.${action}`, `campaign:${campaignId}`, detail);
}

function planColumns(plan: NormalizedPlan) {
  const window = planWindow(plan);
  return { name: plan.name, category: plan.category, plan: JSON.stringify(plan), start_date: window.startDate, end_date: window.endDate };
}

/** Planned amounts may not fall below the resources already applied for or approved against them. */
async function checkBudgetCoversResources(tx: Db, campaignId: number, plan: NormalizedPlan): Promise<void> {
  const committed = await tx.query<{ item: string; fen: number }>(
    `SELECT budget_item AS item, sum(quantity * unit_value_fen) AS fen FROM campaign_resources
     WHERE campaign_id = $id AND status IN ('applied', 'approved') GROUP BY 1`,
    { id: campaignId },
  );
  for (const c of committed) {
    const at = plan.budget.findIndex((b) => b.item === c.item);
    const planned = at >= 0 ? plan.budget[at].plannedFen : 0;
    if (planned < c.fen) {
      const field = at >= 0 ? `budget[${at}].plannedFen` : 'budget';
      throw new InvalidInput(`${field}: resources of ${c.fen} fen are applied for against ${c.item}; the budget cannot go below that`, { field, code: 'BUDGET_BELOW_RESOURCES' });
    }
  }
}

export async function getCampaign(db: Db, campaignId: number, actor: Actor): Promise<Campaign> {
  const row = await getCampaignRow(db, campaignId);
  const { plan, evaluation: _evaluation, ...head } = row;
  return {
    ...head,
    plan: plan as Campaign['plan'],
    targets: await targetCounts(db, campaignId, row.scheduledAt),
    allowedActions: allowedActions(row, actor),
  };
}

export async function createCampaign(store: Store, input: unknown, actor: Actor): Promise<Campaign> {
  requirePermission(actor, 'campaigns.write', 'create campaigns');
  const id = await inTransaction(store, async (tx) => {
    const plan = await validatePlan(tx, input);
    const cols = planColumns(plan);
    const row = await tx.one<{ id: number }>(
      `INSERT INTO campaigns (name, category, status, plan, start_date, end_date, created_by)
       VALUES ($name, $category, 'draft', $plan, CAST($start_date AS DATE), CAST($end_date AS DATE), $by) RETURNING campaign_id AS id`,
      { ...cols, by: actor.username },
    );
    await audit(tx, actor, 'create', row!.id, { to: 'draft', version: 1, name: plan.name });
    return row!.id;
  });
  return getCampaign(store, id, actor);
}

export async function updateCampaign(store: Store, campaignId: number, input: CampaignUpdate, actor: Actor): Promise<Campaign> {
  await inTransaction(store, async (tx) => {
    const row = await getCampaignRow(tx, campaignId);
    authorize(actor, 'edit', row, input.version);
    const { version: _version, ...planInput } = input;
    const plan = await validatePlan(tx, planInput);
    await checkBudgetCoversResources(tx, campaignId, plan);
    const changes = planDiff(row.plan, plan);
    const cols = planColumns(plan);
    const version = await saveVersion(
      tx,
      row,
      ['name = $name', 'category = $category', 'plan = $plan', 'start_date = CAST($start_date AS DATE)', 'end_date = CAST($end_date AS DATE)'],
      cols,
    );
    await audit(tx, actor, 'update', campaignId, { version, changes });
  });
  return getCampaign(store, campaignId, actor);
}

export async function deleteCampaign(store: Store, campaignId: number, version: number, actor: Actor): Promise<void> {
  await inTransaction(store, async (tx) => {
    const row = await getCampaignRow(tx, campaignId);
    authorize(actor, 'delete', row, version);
    await tx.run('DELETE FROM campaign_resources WHERE campaign_id = $id', { id: campaignId });
    await tx.run('DELETE FROM campaigns WHERE campaign_id = $id AND version = $version', { id: campaignId, version });
    await audit(tx, actor, 'delete', campaignId, { from: row.status, version, name: row.name });
  });
}

export type TransitionAction = 'submit' | 'approve' | 'return' | 'schedule' | 'start' | 'pause' | 'resume' | 'finish' | 'evaluate';
export const transitionActions: readonly TransitionAction[] = ['submit', 'approve', 'return', 'schedule', 'start', 'pause', 'resume', 'finish', 'evaluate'];

export async function transitionCampaign(store: Store, campaignId: number, action: TransitionAction, body: TransitionBody, actor: Actor): Promise<Campaign> {
  await inTransaction(store, async (tx) => {
    const row = await getCampaignRow(tx, campaignId);
    authorize(actor, action, row, body.version);
    const rule = transitionRules[action];
    const reason = body.reason?.trim() || null;
    if (rule.needsReason && !reason) throw new InvalidInput(`reason: say why the campaign is returned, so its planner can act on it`, { field: 'reason', code: 'REASON_REQUIRED' });
    const to = rule.to!;
    const sets = ['status = $to'];
    const params: Record<string, unknown> = { to };
    const detail: Record<string, unknown> = { from: row.status, to };
    if (reason) detail.reason = reason;
    switch (action) {
      case 'submit': {
        const plan = await validatePlan(tx, row.plan, { forSubmit: true });
        const target = plan.target!;
        const filter = target.kind === 'segment' ? (await getSegment(tx, target.segmentId!)).filter : target.kind === 'filter' ? target.filter : null;
        sets.push('submitted_by = $by', 'submitted_at = current_localtimestamp()', 'target_filter = $filter', 'return_reason = NULL');
        Object.assign(params, { by: actor.username, filter: filter === null ? null : JSON.stringify(filter) });
        break;
      }
      case 'approve':
        sets.push('approved_by = $by', 'approved_at = current_localtimestamp()');
        params.by = actor.username;
        break;
      case 'return':
        sets.push('return_reason = $reason', 'submitted_by = NULL', 'submitted_at = NULL');
        params.reason = reason;
        break;
      case 'schedule': {
        await materializeTargets(tx, campaignId, row.plan, row.targetFilter);
        const counts = await targetCounts(tx, campaignId, null);
        detail.targets = { treatment: counts.treatment, control: counts.control, excluded: counts.excluded, byReason: counts.byReason };
        sets.push('scheduled_at = current_localtimestamp()');
        break;
      }
      case 'start':
        sets.push('started_at = coalesce(started_at, current_localtimestamp())');
        break;
      case 'finish':
        sets.push('finished_at = current_localtimestamp()');
        break;
      case 'evaluate': {
        const report = await computeReport(tx, { ...row, status: 'evaluated' });
        sets.push('evaluated_at = current_localtimestamp()', 'evaluation = $evaluation');
        params.evaluation = JSON.stringify(report);
        detail.summary = { targets: report.overall.targets, responders: report.overall.responders, uplift: report.uplift?.absolute ?? null };
        break;
      }
      default:
        break;
    }
    detail.version = await saveVersion(tx, row, sets, params);
    await audit(tx, actor, action, campaignId, detail);
  });
  publishCampaignChange(store, campaignId, transitionRules[action].to!);
  return getCampaign(store, campaignId, actor);
}

/**
 * The limited changes allowed while a campaign runs or is paused: budget actuals, wave names,
 * dates and channel order, and the channel priority rules. Changing a wave's channels or the rules
 * re-routes the targets not yet contacted. The audit entry records the diff.
 */
export async function adjustCampaign(store: Store, campaignId: number, body: AdjustBody, actor: Actor): Promise<Campaign> {
  await inTransaction(store, async (tx) => {
    const row = await getCampaignRow(tx, campaignId);
    authorize(actor, 'adjust', row, body.version);
    if (!body.budgetActuals?.length && !body.waves?.length && !body.channels) {
      throw new InvalidInput('body: nothing to adjust; send budgetActuals, waves or channels', { field: 'body', code: 'NOTHING_TO_ADJUST' });
    }
    const plan: NormalizedPlan = structuredClone(row.plan);
    (body.budgetActuals ?? []).forEach((a, i) => {
      const line = plan.budget.find((b) => b.item === a.item);
      if (!line) throw new InvalidInput(`budgetActuals[${i}].item: "${a.item}" has no line in the budget`, { field: `budgetActuals[${i}].item` });
      line.actualFen = a.actualFen;
    });
    const reroute = new Set<number>();
    if (body.channels) {
      await checkChannelRules(tx, body.channels, 'channels');
      plan.channels = normalizeChannels(body.channels);
      plan.waves.forEach((_, i) => reroute.add(i + 1));
    }
    const bodyIndexOf = new Map<number, number>();
    (body.waves ?? []).forEach((change, i) => {
      if (change.waveNo > plan.waves.length) {
        throw new InvalidInput(`waves[${i}].waveNo: the campaign has ${plan.waves.length} waves; their number is fixed once targets are chosen`, { field: `waves[${i}].waveNo` });
      }
      if (bodyIndexOf.has(change.waveNo)) throw new InvalidInput(`waves[${i}].waveNo: wave ${change.waveNo} is adjusted twice`, { field: `waves[${i}].waveNo` });
      bodyIndexOf.set(change.waveNo, i);
      const wave = plan.waves[change.waveNo - 1];
      if (change.name !== undefined) wave.name = change.name;
      if (change.startDate !== undefined) wave.startDate = change.startDate;
      if (change.endDate !== undefined) wave.endDate = change.endDate;
      if (change.channels !== undefined && JSON.stringify(change.channels) !== JSON.stringify(wave.channels)) {
        wave.channels = change.channels;
        reroute.add(change.waveNo);
      }
    });
    // errors name the body's entry for an adjusted wave, the plan's wave otherwise
    try {
      checkWaves(plan.waves, plan.waveMode, new Set(plan.channels.map((c) => c.channelId)));
    } catch (error) {
      if (error instanceof InvalidInput && error.field) {
        const m = /^waves\[(\d+)\](.*)$/.exec(error.field);
        const at = m && bodyIndexOf.get(Number(m[1]) + 1);
        if (m && at !== undefined) {
          const field = `waves[${at}]${m[2]}`;
          throw new InvalidInput(`${field}${error.message.slice(error.field.length)}`, { field, code: error.code });
        }
      }
      throw error;
    }
    const changes = planDiff(row.plan, plan);
    const rerouted = reroute.size ? await rerouteTargets(tx, campaignId, plan, [...reroute].sort((a, b) => a - b)) : 0;
    const cols = planColumns(plan);
    const version = await saveVersion(tx, row, ['plan = $plan', 'start_date = CAST($start_date AS DATE)', 'end_date = CAST($end_date AS DATE)'], {
      plan: cols.plan,
      start_date: cols.start_date,
      end_date: cols.end_date,
    });
    await audit(tx, actor, 'adjust', campaignId, { status: row.status, version, reason: body.reason?.trim() || null, changes, rerouted });
    return row.status;
  }).then((status) => publishCampaignChange(store, campaignId, status));
  return getCampaign(store, campaignId, actor);
}

const sortColumns = { createdAt: 'created_at', updatedAt: 'updated_at', name: 'name', status: 'status', startDate: 'start_date' } as const;

export async function listCampaigns(
  db: Db,
  query: CampaignListQuery,
  opts: { inboxFor?: string } = {},
): Promise<{ total: number; items: CampaignSummary[] }> {
  const filters = new Filters()
    .when(query.status?.length ? query.status : undefined, 'statuses', 'status IN (SELECT unnest($statuses))')
    .when(query.q, 'q', 'contains(lower(name), lower($q))')
    .when(query.createdBy, 'created_by', 'created_by = $created_by')
    .when(query.category, 'category', 'category = $category');
  // the inbox: submitted by someone else, for the approver
  if (opts.inboxFor) filters.always("status = 'submitted' AND created_by <> $me AND coalesce(submitted_by, '') <> $me", { me: opts.inboxFor });
  const { where, params } = filters;
  const total = await db.one<{ n: number }>(`SELECT count(*) AS n FROM campaigns ${where}`, params);
  const column = sortColumns[query.sort ?? 'updatedAt'];
  const order = query.order === 'asc' ? 'ASC' : 'DESC';
  const rows = await db.query<CampaignSummary & { rn: number }>(
    `WITH page AS (
       SELECT ${headColumns}, row_number() OVER (ORDER BY ${column} ${order} NULLS LAST, campaign_id ${order}) AS rn
       FROM campaigns ${where} ORDER BY rn LIMIT $limit OFFSET $offset
     ),
     counts AS (
       SELECT campaign_id AS "campaignId",
         count(DISTINCT subscriber_id) FILTER (WHERE grp = 'treatment') AS treatment,
         count(DISTINCT subscriber_id) FILTER (WHERE grp = 'control') AS control
       FROM campaign_targets WHERE campaign_id IN (SELECT "campaignId" FROM page) GROUP BY 1
     )
     SELECT page.*, coalesce(counts.treatment, 0) AS treatment, coalesce(counts.control, 0) AS control
     FROM page LEFT JOIN counts USING ("campaignId") ORDER BY rn`,
    { ...params, limit: query.pageSize, offset: (query.page - 1) * query.pageSize },
  );
  const items = rows.map(({ rn: _rn, ...item }) => item);
  return { total: total?.n ?? 0, items };
}

/** Campaigns whose targets are not chosen yet (draft to approved) and whose plan names tariff run `runId`. */
export async function campaignsNamingTariffRun(db: Db, runId: number): Promise<Array<{ campaignId: number; name: string }>> {
  const rows = await db.query<{ campaignId: number; name: string; plan: string; target: string | null }>(
    `SELECT campaign_id AS "campaignId", name, CAST(plan AS VARCHAR) AS plan, CAST(target_filter AS VARCHAR) AS target FROM campaigns
     WHERE status IN ('draft', 'submitted', 'approved') AND (CAST(plan AS VARCHAR) LIKE '%tariffRecommended%' OR CAST(target_filter AS VARCHAR) LIKE '%tariffRecommended%')
     ORDER BY campaign_id`,
  );
  return rows
    .filter((r) => filterNamesTariffRun(JSON.parse(r.plan), runId) || (r.target !== null && filterNamesTariffRun(JSON.parse(r.target), runId)))
    .map(({ campaignId, name }) => ({ campaignId, name }));
}

export async function campaignHistory(db: Db, campaignId: number): Promise<Array<{ occurredAt: string; actor: string; action: string; detail: unknown }>> {
  await getCampaignRow(db, campaignId);
  const rows = await db.query<{ occurredAt: string; actor: string; action: string; detail: unknown }>(
    `SELECT ${ts('occurred_at', 'occurredAt')}, actor, action, detail FROM audit_log WHERE target = $target ORDER BY audit_id`,
    { target: `campaign:${campaignId}` },
  );
  return rows.map((r) => ({ ...r, detail: parseJson(r.detail) }));
}

export function authorizeFeedback(actor: Actor): void {
  requirePermission(actor, 'campaigns.feedback', 'record campaign outcomes');
}

/** The live report; an evaluated campaign answers with the report frozen at evaluation. */
export async function campaignReport(db: Db, campaignId: number): Promise<CampaignReport> {
  const row = await getCampaignRow(db, campaignId);
  if (row.status === 'evaluated' && row.evaluation) return row.evaluation as CampaignReport;
  if (!row.scheduledAt) {
    throw new Conflict(`Campaign ${campaignId} is ${row.status}; it has a report once its targets are chosen (when it is scheduled)`, {
      field: 'status',
      code: 'NOT_SCHEDULED',
    });
  }
  return computeReport(db, row);
}

export async function holdoutSettings(db: Db): Promise<HoldoutSettings> {
  const setting = await holdoutSetting(db);
  const counts = await holdoutCounts(db);
  return { holdoutPercent: setting.basisPoints / 100, holdoutSubscribers: counts.holdout, subscribers: counts.subscribers };
}

/**
 * Changes the global holdout share (admin). Buckets are fixed per subscriber, so raising the share
 * only adds customers to the holdout and lowering it only releases some: nobody moves at random.
 */
export async function setHoldoutPercent(store: Store, percent: number, actor: Actor): Promise<HoldoutSettings> {
  requirePermission(actor, 'campaigns.settings', 'change the global holdout');
  if (!(percent >= 0 && percent <= 20)) throw new InvalidInput('holdoutPercent: must lie between 0 and 20', { field: 'holdoutPercent' });
  await store.transaction(async (tx) => {
    const before = await holdoutSetting(tx);
    const bp = Math.round(percent * 100);
    await tx.run("UPDATE marketing_settings SET value = $v WHERE key = 'holdout_bp'", { v: String(bp) });
    await recordAudit(tx, actor.username, 'campaign.settings.holdout', null, { from: before.basisPoints / 100, to: bp / 100 });
  });
  return holdoutSettings(store);
}
