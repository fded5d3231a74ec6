// Worklists in the console: the account-manager and outbound-call lists of a delivered wave, one
// customer per item with the offer's script, shared among the operators. An operator records what
// came of a call; the outcome goes through the same feedback intake as a channel system's.
import { Type, type Static } from '@sinclair/typebox';
import { maskMsisdn } from '../customers/msisdn.ts';
import { recordFeedbackBatch, type FeedbackReceipt } from '../ingest/feedback.ts';
import { Conflict, DomainError, NotFound } from '../store/errors.ts';
import type { ConnectionDb, Db, Store } from '../store/store.ts';

/** The channels whose lists are worked in the console. */
export const worklistChannels = ['account_mgr', 'outbound'] as const;
/** What an operator may record of a call. */
export const worklistOutcomes = ['accepted', 'refused', 'ordered', 'failed'] as const;
export type WorklistOutcome = (typeof worklistOutcomes)[number];
/** Outcomes after which the customer is done with; after the others the item stays open. */
const finalOutcomes: readonly string[] = ['accepted', 'refused', 'ordered'];

export const WorklistItem = Type.Object({
  itemId: Type.Integer(),
  campaignId: Type.Integer(),
  campaignName: Type.String(),
  waveNo: Type.Integer(),
  channelId: Type.String(),
  subscriberId: Type.Integer(),
  msisdn: Type.String(),
  brand: Type.String(),
  vipLevel: Type.Integer(),
  offerId: Type.String(),
  offerNameZh: Type.String(),
  offerNameEn: Type.String(),
  script: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  lastOutcome: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.Union([Type.String(), Type.Null()]),
});
export type WorklistItem = Static<typeof WorklistItem>;

/** The active operators who share the worklists, by name; refuses when there is none. */
export async function requireOperators(db: Db): Promise<string[]> {
  const operators = (await db.query<{ username: string }>("SELECT username FROM users WHERE role = 'operator' AND active ORDER BY username")).map((u) => u.username);
  if (operators.length === 0) {
    throw new Conflict('No active operator can work the account-manager and outbound lists: create a user with the operator role first', { field: 'channelId', code: 'NO_WORKLIST_OPERATORS' });
  }
  return operators;
}

/**
 * Puts a channel's rows of a staged list (table `rowsTable` on `c`) into worklist items, spread
 * over the active operators by subscriber id. Runs inside the caller's transaction.
 */
export async function assignWorklist(c: ConnectionDb, rowsTable: string, target: { deliveryId: number; campaignId: number; waveNo: number; channelId: string }): Promise<void> {
  const operators = await requireOperators(c);
  await c.run(
    `INSERT INTO worklist_items (delivery_id, campaign_id, wave_no, channel_id, subscriber_id, offer_id, script, assignee)
     SELECT $deliveryId, $campaignId, $waveNo, channel_id, subscriber_id, offer_id, script, list_extract($operators, CAST(subscriber_id % $n AS INTEGER) + 1)
     FROM ${rowsTable} WHERE channel_id = $channelId ORDER BY subscriber_id`,
    { ...target, operators, n: operators.length },
  );
}

export async function listWorklist(
  db: Db,
  assignee: string,
  q: { status?: 'open' | 'done'; limit: number; offset: number; revealPii: boolean },
): Promise<{ total: number; open: number; items: WorklistItem[] }> {
  const params = { assignee, status: q.status ?? null };
  const where = 'w.assignee = $assignee AND ($status IS NULL OR w.status = $status)';
  const counts = await db.one<{ total: number; open: number }>(
    `SELECT count(*) FILTER (WHERE $status IS NULL OR status = $status) AS total, count(*) FILTER (WHERE status = 'open') AS open
     FROM worklist_items w WHERE w.assignee = $assignee`,
    params,
  );
  const items = await db.query<WorklistItem>(
    `SELECT w.item_id AS "itemId", w.campaign_id AS "campaignId", c.name AS "campaignName", w.wave_no AS "waveNo", w.channel_id AS "channelId",
       w.subscriber_id AS "subscriberId", s.msisdn, CAST(s.brand AS VARCHAR) AS brand, s.vip_level AS "vipLevel", w.offer_id AS "offerId",
       coalesce(p.name_zh, w.offer_id) AS "offerNameZh", coalesce(p.name_en, w.offer_id) AS "offerNameEn", w.script, w.status,
       w.last_outcome AS "lastOutcome", strftime(w.updated_at, '%Y-%m-%d %H:%M:%S') AS "updatedAt"
     FROM worklist_items w JOIN subscribers s USING (subscriber_id) JOIN campaigns c USING (campaign_id)
       LEFT JOIN products p ON p.product_id = w.offer_id
     WHERE ${where}
     ORDER BY w.status = 'done', s.vip_level DESC, w.item_id LIMIT $limit OFFSET $offset`,
    { ...params, limit: q.limit, offset: q.offset },
  );
  for (const item of items) if (!q.revealPii) item.msisdn = maskMsisdn(item.msisdn);
  return { total: counts?.total ?? 0, open: counts?.open ?? 0, items };
}

function stamp(d: Date): { at: string; id: string } {
  const p = (n: number) => String(n).padStart(2, '0');
  const at = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  return { at, id: at.replace(/[- :]/g, '') };
}

/**
 * Records the outcome of an operator's call as channel feedback (event id wl-<item>-<outcome>-<time>,
 * so a double click is stored once), then marks the item done when the customer answered yes or no.
 */
export async function recordWorklistOutcome(
  store: Store,
  itemId: number,
  outcome: WorklistOutcome,
  username: string,
): Promise<{ item: { itemId: number; status: string; lastOutcome: string }; receipt: FeedbackReceipt }> {
  const item = await store.one<{ assignee: string; subscriber_id: number; campaign_id: number; offer_id: string; channel_id: string }>(
    'SELECT assignee, subscriber_id, campaign_id, offer_id, channel_id FROM worklist_items WHERE item_id = $itemId',
    { itemId },
  );
  if (!item) throw new NotFound('Worklist item', itemId);
  if (item.assignee !== username) {
    throw new DomainError('NOT_YOUR_ITEM', 403, `Worklist item ${itemId} is assigned to ${item.assignee}, not to you`, { field: 'itemId' });
  }
  const now = stamp(new Date());
  const receipt = await recordFeedbackBatch(
    store,
    item.channel_id,
    {
      events: [
        {
          eventId: `wl-${itemId}-${outcome}-${now.id}`,
          subscriberId: item.subscriber_id,
          campaignId: item.campaign_id,
          offerId: item.offer_id,
          channel: item.channel_id,
          outcome,
          at: now.at,
        },
      ],
    },
    'worklist',
  );
  const status = finalOutcomes.includes(outcome) ? 'done' : 'open';
  await store.run(
    'UPDATE worklist_items SET status = $status, last_outcome = $outcome, updated_at = current_localtimestamp() WHERE item_id = $itemId',
    { status, outcome, itemId },
  );
  return { item: { itemId, status, lastOutcome: outcome }, receipt };
}
