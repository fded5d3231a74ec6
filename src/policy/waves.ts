// Reading a wave's policy-checked list (wave_contacts): counts by reason and channel for the
// planner, and the rows per customer, paged. Generation lives in the engine (it needs the ledger).
import { campaignNotFound } from '../campaigns/campaigns.ts';
import type { Db } from '../store/store.ts';
import { policyReasons } from './types.ts';

export interface WaveListCounts {
  campaignId: number;
  waveNo: number;
  at: string;
  targets: number;
  listed: number;
  excluded: number;
  byReason: Array<{ reason: string; subscribers: number }>;
  byChannel: Array<{ channelId: string; listed: number; excluded: number }>;
}

export async function waveListCounts(db: Db, campaignId: number, waveNo: number): Promise<WaveListCounts> {
  const campaign = await db.one('SELECT 1 FROM campaigns WHERE campaign_id = $id', { id: campaignId });
  if (!campaign) throw campaignNotFound(campaignId);
  const byReason = await db.query<{ reason: string; subscribers: number }>(
    `SELECT reason, count(*) AS subscribers FROM wave_contacts WHERE campaign_id = $id AND wave_no = $wave AND status = 'excluded' GROUP BY 1`,
    { id: campaignId, wave: waveNo },
  );
  const order: string[] = [...policyReasons];
  byReason.sort((a, b) => (order.indexOf(a.reason) + 1 || 99) - (order.indexOf(b.reason) + 1 || 99));
  const byChannel = await db.query<{ channelId: string; listed: number; excluded: number }>(
    `SELECT channel_id AS "channelId", count(*) FILTER (WHERE status = 'listed') AS listed, count(*) FILTER (WHERE status = 'excluded') AS excluded
     FROM wave_contacts WHERE campaign_id = $id AND wave_no = $wave GROUP BY 1 ORDER BY 1`,
    { id: campaignId, wave: waveNo },
  );
  const at = await db.one<{ at: string | null }>(
    "SELECT strftime(max(listed_at), '%Y-%m-%d %H:%M:%S') AS at FROM wave_contacts WHERE campaign_id = $id AND wave_no = $wave",
    { id: campaignId, wave: waveNo },
  );
  const listed = byChannel.reduce((s, c) => s + c.listed, 0);
  const excluded = byChannel.reduce((s, c) => s + c.excluded, 0);
  return { campaignId, waveNo, at: at?.at ?? '', targets: listed + excluded, listed, excluded, byReason, byChannel };
}

export async function listWaveContacts(
  db: Db,
  campaignId: number,
  waveNo: number,
  query: { status?: 'listed' | 'excluded'; reason?: string; page: number; pageSize: number },
): Promise<{ total: number; items: Array<{ subscriberId: number; channelId: string; offerId: string | null; status: string; reason: string | null; detail: string | null }> }> {
  const params = { id: campaignId, wave: waveNo, status: query.status ?? null, reason: query.reason ?? null };
  const where = `campaign_id = $id AND wave_no = $wave AND ($status IS NULL OR status = $status) AND ($reason IS NULL OR reason = $reason)`;
  const total = await db.one<{ n: number }>(`SELECT count(*) AS n FROM wave_contacts WHERE ${where}`, params);
  const items = await db.query<{ subscriberId: number; channelId: string; offerId: string | null; status: string; reason: string | null; detail: string | null }>(
    `SELECT subscriber_id AS "subscriberId", channel_id AS "channelId", offer_id AS "offerId", status, reason, detail
     FROM wave_contacts WHERE ${where} ORDER BY subscriber_id LIMIT $limit OFFSET $offset`,
    { ...params, limit: query.pageSize, offset: (query.page - 1) * query.pageSize },
  );
  return { total: total?.n ?? 0, items };
}
