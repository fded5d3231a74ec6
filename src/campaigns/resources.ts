// Marketing resources (gifted prepaid credit, gifts, materials): applied for against a budget item,
// approved or rejected by someone other than the applicant, their use recorded as the campaign runs.
import { recordAudit } from '../audit/audit.ts';
import { Conflict, DomainError, InvalidInput } from '../store/errors.ts';
import type { Db, Store } from '../store/store.ts';
import { getCampaignRow, requirePermission, type Actor } from './campaigns.ts';
import { feedbackStatuses, resourceStatuses } from './lifecycle.ts';
import type { BudgetItem, Resource, ResourceApplication, ResourceKind } from './types.ts';

/** The budget line each kind of resource is paid from. */
export const budgetItemOf: Record<ResourceKind, BudgetItem> = {
  prepaid_credit: 'discounts',
  gift: 'gifts_materials',
  material: 'gifts_materials',
};

const columns = `resource_id AS "resourceId", campaign_id AS "campaignId", kind, budget_item AS "budgetItem", description,
  quantity, unit_value_fen AS "unitValueFen", quantity * unit_value_fen AS "amountFen", status,
  used_quantity AS "usedQuantity", used_quantity * unit_value_fen AS "usedFen",
  applied_by AS "appliedBy", strftime(applied_at, '%Y-%m-%d %H:%M:%S') AS "appliedAt",
  decided_by AS "decidedBy", strftime(decided_at, '%Y-%m-%d %H:%M:%S') AS "decidedAt", decision_note AS "decisionNote"`;

export async function listResources(db: Db, campaignId: number): Promise<Resource[]> {
  await getCampaignRow(db, campaignId);
  return db.query<Resource>(`SELECT ${columns} FROM campaign_resources WHERE campaign_id = $id ORDER BY resource_id`, { id: campaignId });
}

async function getResource(db: Db, campaignId: number, resourceId: number): Promise<Resource> {
  const row = await db.one<Resource>(`SELECT ${columns} FROM campaign_resources WHERE campaign_id = $cid AND resource_id = $rid`, { cid: campaignId, rid: resourceId });
  if (!row) throw new DomainError('NOT_FOUND', 404, `Campaign ${campaignId} has no resource ${resourceId}`, { field: 'resourceId' });
  return row;
}

export async function applyForResource(store: Store, campaignId: number, input: ResourceApplication, actor: Actor): Promise<Resource> {
  requirePermission(actor, 'campaigns.write', 'apply for marketing resources');
  const resourceId = await store.transaction(async (tx) => {
    const campaign = await getCampaignRow(tx, campaignId);
    if (!resourceStatuses.includes(campaign.status)) {
      throw new Conflict(`Campaign ${campaignId} is ${campaign.status}; resources are applied for before it finishes`, { field: 'status', code: 'ILLEGAL_TRANSITION' });
    }
    const item = budgetItemOf[input.kind];
    const planned = campaign.plan.budget.find((b) => b.item === item)?.plannedFen ?? 0;
    const committed = (await tx.one<{ fen: number }>(
      `SELECT coalesce(sum(quantity * unit_value_fen), 0) AS fen FROM campaign_resources
       WHERE campaign_id = $id AND budget_item = $item AND status IN ('applied', 'approved')`,
      { id: campaignId, item },
    ))!.fen;
    const amount = input.quantity * input.unitValueFen;
    if (committed + amount > planned) {
      throw new InvalidInput(
        `quantity: ${input.quantity} × ${input.unitValueFen} fen = ${amount} fen exceeds what is left of the ${item} budget (${planned} fen planned, ${committed} fen already applied for)`,
        { field: 'quantity', code: 'RESOURCE_OVER_BUDGET', details: { budgetItem: item, plannedFen: planned, committedFen: committed, amountFen: amount } },
      );
    }
    const row = await tx.one<{ id: number }>(
      `INSERT INTO campaign_resources (campaign_id, kind, budget_item, description, quantity, unit_value_fen, status, applied_by)
       VALUES ($cid, $kind, $item, $description, $quantity, $unit, 'applied', $by) RETURNING resource_id AS id`,
      { cid: campaignId, kind: input.kind, item, description: input.description, quantity: input.quantity, unit: input.unitValueFen, by: actor.username },
    );
    await recordAudit(tx, actor.username, 'campaign.resource.apply', `campaign:${campaignId}`, { resourceId: row!.id, kind: input.kind, amountFen: amount });
    return row!.id;
  });
  return getResource(store, campaignId, resourceId);
}

export async function decideResource(
  store: Store,
  campaignId: number,
  resourceId: number,
  decision: 'approve' | 'reject',
  note: string | undefined,
  actor: Actor,
): Promise<Resource> {
  requirePermission(actor, 'campaigns.approve', `${decision} marketing resources`);
  await store.transaction(async (tx) => {
    await getCampaignRow(tx, campaignId);
    const resource = await getResource(tx, campaignId, resourceId);
    if (resource.appliedBy === actor.username) {
      throw new DomainError('SELF_APPROVAL', 403, `You applied for resource ${resourceId}; someone else must ${decision} it`, { field: 'appliedBy' });
    }
    if (resource.status !== 'applied') {
      throw new Conflict(`Resource ${resourceId} is already ${resource.status}`, { field: 'status', code: 'ILLEGAL_TRANSITION' });
    }
    if (decision === 'reject' && !note?.trim()) throw new InvalidInput('note: say why the resource is rejected', { field: 'note', code: 'REASON_REQUIRED' });
    await tx.run(
      `UPDATE campaign_resources SET status = $status, decided_by = $by, decided_at = current_localtimestamp(), decision_note = $note
       WHERE resource_id = $rid AND status = 'applied'`,
      { status: decision === 'approve' ? 'approved' : 'rejected', by: actor.username, note: note?.trim() || null, rid: resourceId },
    );
    await recordAudit(tx, actor.username, `campaign.resource.${decision}`, `campaign:${campaignId}`, { resourceId, amountFen: resource.amountFen, note: note ?? null });
  });
  return getResource(store, campaignId, resourceId);
}

export async function recordResourceUsage(store: Store, campaignId: number, resourceId: number, usedQuantity: number, actor: Actor): Promise<Resource> {
  requirePermission(actor, 'campaigns.write', 'record resource use');
  await store.transaction(async (tx) => {
    const campaign = await getCampaignRow(tx, campaignId);
    if (!feedbackStatuses.includes(campaign.status)) {
      throw new Conflict(`Campaign ${campaignId} is ${campaign.status}; resource use is recorded while it runs`, { field: 'status', code: 'NOT_RUNNING' });
    }
    const resource = await getResource(tx, campaignId, resourceId);
    if (resource.status !== 'approved') throw new Conflict(`Resource ${resourceId} is ${resource.status}, not approved`, { field: 'status', code: 'NOT_APPROVED' });
    if (usedQuantity > resource.quantity) {
      throw new InvalidInput(`usedQuantity: ${usedQuantity} is more than the ${resource.quantity} approved`, { field: 'usedQuantity', code: 'OVER_APPROVED' });
    }
    await tx.run('UPDATE campaign_resources SET used_quantity = $used WHERE resource_id = $rid', { used: usedQuantity, rid: resourceId });
    await recordAudit(tx, actor.username, 'campaign.resource.use', `campaign:${campaignId}`, { resourceId, from: resource.usedQuantity, to: usedQuantity });
  });
  return getResource(store, campaignId, resourceId);
}
