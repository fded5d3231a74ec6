// Delivery of a wave's channel lists to the channel systems: a CSV + manifest per channel in the
// outbox (the CRM interface) for every channel, an HTTP push where the channel has an endpoint
// (push.ts), and console worklists for account managers and the outbound call centre
// (worklists.ts). Every hand-over is a row of deliveries, with its status.
import { Type, type Static } from '@sinclair/typebox';
import { getCampaignRow } from '../campaigns/campaigns.ts';
import { maskMsisdnSql } from '../customers/msisdn.ts';
import { Conflict, InvalidInput, NotFound } from '../store/errors.ts';
import type { ConnectionDb, Db, Store } from '../store/store.ts';
import { outboxStamp, writeManifest, writeOutboxFile } from './outbox.ts';
import { endpointFor, pushDelivery } from './push.ts';
import { assignWorklist, requireOperators, worklistChannels } from './worklists.ts';

/** One customer to contact in a wave: on which channel, with which offer and script. */
export interface WaveListRow {
  subscriberId: number;
  channelId: string;
  offerId: string;
  script: string | null;
}

/** A wave's list, whoever made it (the policy's checked list, or the campaign's targets). */
export interface WaveList {
  campaignId: number;
  waveNo: number;
  rows: readonly WaveListRow[];
}

export const deliveryMethods = ['file', 'http', 'worklist'] as const;
export type DeliveryMethod = (typeof deliveryMethods)[number];
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export const Delivery = Type.Object({
  deliveryId: Type.Integer(),
  kind: Type.String(),
  campaignId: Type.Union([Type.Integer(), Type.Null()]),
  waveNo: Type.Union([Type.Integer(), Type.Null()]),
  runId: Type.Union([Type.Integer(), Type.Null()]),
  channelId: Type.String(),
  method: Type.String(),
  file: Type.Union([Type.String(), Type.Null()]),
  rows: Type.Integer(),
  sha256: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  attempts: Type.Integer(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdBy: Type.String(),
  createdAt: Type.String(),
  deliveredAt: Type.Union([Type.String(), Type.Null()]),
});
export type Delivery = Static<typeof Delivery>;

export const DeliveryAttempt = Type.Object({
  attempt: Type.Integer(),
  startedAt: Type.String(),
  durationMs: Type.Integer(),
  httpStatus: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  result: Type.String(),
});
export type DeliveryAttempt = Static<typeof DeliveryAttempt>;

/** The manifest beside a wave list's CSV: what a channel system checks before loading it. */
export interface WaveManifest {
  kind: 'wave_list';
  deliveryId: number;
  campaignId: number;
  campaignName: string;
  waveNo: number;
  channel: string;
  file: string;
  rows: number;
  sha256: string;
  columns: string[];
  msisdn: 'masked' | 'full';
  createdBy: string;
  createdAt: string;
}

export const waveListColumns = ['subscriber_id', 'msisdn', 'campaign_id', 'wave_no', 'channel_id', 'offer_id', 'script'];

const deliveryColumns = `delivery_id AS "deliveryId", kind, campaign_id AS "campaignId", wave_no AS "waveNo", run_id AS "runId",
  channel_id AS "channelId", method, file, row_count AS rows, sha256, status, attempts, last_error AS "lastError", created_by AS "createdBy",
  strftime(created_at, '%Y-%m-%d %H:%M:%S') AS "createdAt", strftime(delivered_at, '%Y-%m-%d %H:%M:%S') AS "deliveredAt"`;

export interface NewDelivery {
  kind: 'wave_list' | 'tariff_recommendations';
  campaignId?: number;
  waveNo?: number;
  runId?: number;
  channelId: string;
  method: DeliveryMethod;
  file?: string;
  rows: number;
  sha256?: string;
  status: DeliveryStatus;
  createdBy: string;
}

export async function recordDelivery(db: Db, d: NewDelivery): Promise<number> {
  const row = await db.one<{ id: number }>(
    `INSERT INTO deliveries (kind, campaign_id, wave_no, run_id, channel_id, method, file, row_count, sha256, status, created_by, delivered_at)
     VALUES ($kind, $campaignId, $waveNo, $runId, $channelId, $method, $file, $rows, $sha256, $status, $createdBy,
       CASE WHEN $status = 'delivered' THEN current_localtimestamp() END)
     RETURNING delivery_id AS id`,
    {
      kind: d.kind,
      campaignId: d.campaignId ?? null,
      waveNo: d.waveNo ?? null,
      runId: d.runId ?? null,
      channelId: d.channelId,
      method: d.method,
      file: d.file ?? null,
      rows: d.rows,
      sha256: d.sha256 ?? null,
      status: d.status,
      createdBy: d.createdBy,
    },
  );
  return row!.id;
}

/**
 * A list written to the outbox, as deliveries: the file (delivered), and an HTTP send (pending)
 * where the channel has an enabled endpoint. Returns their ids, the file's first.
 */
export async function recordListDelivery(db: Db, d: Omit<NewDelivery, 'method' | 'status'> & { file: string; sha256: string }): Promise<number[]> {
  const ids = [await recordDelivery(db, { ...d, method: 'file', status: 'delivered' })];
  if (await endpointFor(db, d.channelId)) ids.push(await recordDelivery(db, { ...d, method: 'http', status: 'pending' }));
  return ids;
}

/** The deliveries by id, and their HTTP sends started (they go on in the background; each keeps its status). */
export async function startSends(store: Store, outbox: string, ids: number[]): Promise<{ deliveries: Delivery[]; pushes: Promise<void> }> {
  const deliveries = await Promise.all(ids.map((id) => getDelivery(store, id)));
  const pushes = Promise.all(deliveries.filter((d) => d.method === 'http').map((d) => pushDelivery(store, outbox, d.deliveryId))).then(() => undefined);
  return { deliveries, pushes };
}

export async function getDelivery(db: Db, deliveryId: number): Promise<Delivery> {
  const row = await db.one<Delivery>(`SELECT ${deliveryColumns} FROM deliveries WHERE delivery_id = $deliveryId`, { deliveryId });
  if (!row) throw new NotFound('Delivery', deliveryId);
  return row;
}

export async function listDeliveries(db: Db, filter: { campaignId?: number; limit: number; offset: number }): Promise<{ total: number; items: Delivery[] }> {
  const params = { campaignId: filter.campaignId ?? null, limit: filter.limit, offset: filter.offset };
  const where = '$campaignId IS NULL OR campaign_id = $campaignId';
  const total = await db.one<{ n: number }>(`SELECT count(*) AS n FROM deliveries WHERE ${where}`, { campaignId: params.campaignId });
  const items = await db.query<Delivery>(`SELECT ${deliveryColumns} FROM deliveries WHERE ${where} ORDER BY delivery_id DESC LIMIT $limit OFFSET $offset`, params);
  return { total: total?.n ?? 0, items };
}

export async function deliveryAttempts(db: Db, deliveryId: number): Promise<DeliveryAttempt[]> {
  await getDelivery(db, deliveryId);
  return db.query<DeliveryAttempt>(
    `SELECT attempt, strftime(started_at, '%Y-%m-%d %H:%M:%S') AS "startedAt", duration_ms AS "durationMs", http_status AS "httpStatus", error, result
     FROM delivery_attempts WHERE delivery_id = $deliveryId ORDER BY attempt`,
    { deliveryId },
  );
}

/**
 * The wave's list from the campaign's materialized targets (treatment rows of the wave, the first
 * offer, its script for the channel) — the list before the contact policy checks it.
 */
export async function targetWaveList(db: Db, campaignId: number, waveNo: number): Promise<WaveList> {
  const campaign = await getCampaignRow(db, campaignId);
  if (waveNo < 1 || waveNo > campaign.plan.waves.length) {
    throw new InvalidInput(`Campaign ${campaignId} has ${campaign.plan.waves.length} wave(s); there is no wave ${waveNo}`, { field: 'waveNo', code: 'UNKNOWN_WAVE' });
  }
  const offer = campaign.plan.offers[0];
  if (!offer) throw new Conflict(`Campaign ${campaignId} has no offer to deliver`, { field: 'offers', code: 'NO_OFFER' });
  const targets = await db.query<{ s: number; c: string }>(
    `SELECT subscriber_id AS s, channel_id AS c FROM campaign_targets
     WHERE campaign_id = $campaignId AND wave_no = $waveNo AND grp = 'treatment' ORDER BY subscriber_id`,
    { campaignId, waveNo },
  );
  return {
    campaignId,
    waveNo,
    rows: targets.map((t) => ({ subscriberId: t.s, channelId: t.c, offerId: offer.productId, script: offer.scripts[t.c] ?? null })),
  };
}

/**
 * The wave's policy-checked list (the rows the contact policy listed in wave_contacts when the
 * planner generated the wave's list), with each offer's script for the channel; null when no list
 * has been generated for the wave.
 */
export async function policyWaveList(db: Db, campaignId: number, waveNo: number): Promise<WaveList | null> {
  const campaign = await getCampaignRow(db, campaignId);
  const listed = await db.query<{ s: number; c: string; o: string | null }>(
    `SELECT subscriber_id AS s, channel_id AS c, offer_id AS o FROM wave_contacts
     WHERE campaign_id = $campaignId AND wave_no = $waveNo AND status = 'listed' ORDER BY subscriber_id`,
    { campaignId, waveNo },
  );
  if (listed.length === 0) return null;
  const offers = new Map(campaign.plan.offers.map((o) => [o.productId, o]));
  const first = campaign.plan.offers[0];
  return {
    campaignId,
    waveNo,
    rows: listed.map((r) => {
      const offer = (r.o ? offers.get(r.o) : undefined) ?? first;
      return { subscriberId: r.s, channelId: r.c, offerId: r.o ?? first?.productId ?? '', script: offer?.scripts[r.c] ?? null };
    }),
  };
}

const rowsTable = 'wave_delivery_rows';
const stageChunk = 50_000;

/** The list's rows in a temp table on `c`, checked: known subscribers and channels. */
async function stageList(c: ConnectionDb, list: WaveList): Promise<void> {
  await c.run(`CREATE OR REPLACE TEMP TABLE ${rowsTable} (subscriber_id INTEGER, channel_id VARCHAR, offer_id VARCHAR, script VARCHAR)`);
  for (let at = 0; at < list.rows.length; at += stageChunk) {
    const part = list.rows.slice(at, at + stageChunk);
    await c.run(
      `INSERT INTO ${rowsTable} SELECT CAST(unnest($s) AS INTEGER), unnest($c), unnest($o), nullif(unnest($t), '')`,
      { s: part.map((r) => r.subscriberId), c: part.map((r) => r.channelId), o: part.map((r) => r.offerId), t: part.map((r) => r.script ?? '') },
    );
  }
  const unknown = await c.one<{ what: string; value: string }>(
    `SELECT 'channel' AS what, channel_id AS value FROM ${rowsTable} WHERE channel_id NOT IN (SELECT channel_id FROM channels)
     UNION ALL SELECT 'subscriber', CAST(subscriber_id AS VARCHAR) FROM ${rowsTable} WHERE subscriber_id NOT IN (SELECT subscriber_id FROM subscribers)
     LIMIT 1`,
  );
  if (unknown) throw new InvalidInput(`The wave list names an unknown ${unknown.what} ${unknown.value}`, { field: 'rows', code: `UNKNOWN_${unknown.what.toUpperCase()}` });
}

export interface WaveDeliveryResult {
  folder: string;
  deliveries: Delivery[];
  manifests: WaveManifest[];
  /** Settles when every HTTP push has delivered or given up (the caller need not wait). */
  pushes: Promise<void>;
}

const sqlString = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * Delivers a wave's list: per channel a CSV + manifest in the outbox, then an HTTP push where the
 * channel has an enabled endpoint, and worklist items for account managers and outbound agents.
 * A wave is delivered once; delivering it again is refused.
 */
export async function deliverWave(store: Store, outbox: string, list: WaveList, who: { username: string; revealPii: boolean }): Promise<WaveDeliveryResult> {
  const campaign = await getCampaignRow(store, list.campaignId);
  if (!['running', 'paused'].includes(campaign.status)) {
    throw new Conflict(`Campaign ${list.campaignId} is ${campaign.status}; its waves are delivered while it runs`, { field: 'status', code: 'NOT_RUNNING' });
  }
  const earlier = await store.one<{ n: number }>(`SELECT count(*) AS n FROM deliveries WHERE kind = 'wave_list' AND campaign_id = $id AND wave_no = $wave`, { id: list.campaignId, wave: list.waveNo });
  if ((earlier?.n ?? 0) > 0) {
    throw new Conflict(`Wave ${list.waveNo} of campaign ${list.campaignId} has already been delivered; see its deliveries`, { field: 'waveNo', code: 'ALREADY_DELIVERED' });
  }
  if (list.rows.some((r) => (worklistChannels as readonly string[]).includes(r.channelId))) await requireOperators(store);
  const createdAt = new Date();
  const folderName = `campaign-${list.campaignId}-wave-${list.waveNo}-${outboxStamp(createdAt)}`;
  const msisdn = who.revealPii ? 's.msisdn' : maskMsisdnSql('s.msisdn');

  const { ids, manifests } = await store.withConnection(async (c) => {
    try {
      await stageList(c, list);
      const channels = (await c.query<{ channel_id: string; n: number }>(`SELECT channel_id, count(*) AS n FROM ${rowsTable} GROUP BY 1 ORDER BY 1`));
      const ids: number[] = [];
      const manifests: WaveManifest[] = [];
      for (const { channel_id: channel, n } of channels) {
        const written = await writeOutboxFile(outbox, `${folderName}/${channel}.csv`, async (temp) => {
          // the path is ours (outbox, campaign id, stamp, a channel id from the channels table); COPY takes no parameter for it
          await c.run(
            `COPY (SELECT r.subscriber_id, ${msisdn} AS msisdn, $campaignId AS campaign_id, $waveNo AS wave_no, r.channel_id, r.offer_id, r.script
                   FROM ${rowsTable} r JOIN subscribers s USING (subscriber_id) WHERE r.channel_id = $channel ORDER BY r.subscriber_id)
             TO ${sqlString(temp)} (FORMAT csv, HEADER true)`,
            { campaignId: list.campaignId, waveNo: list.waveNo, channel },
          );
        });
        const delivered = await recordListDelivery(c, {
          kind: 'wave_list', campaignId: list.campaignId, waveNo: list.waveNo, channelId: channel, file: written.file, rows: n, sha256: written.sha256, createdBy: who.username,
        });
        const manifest: WaveManifest = {
          kind: 'wave_list', deliveryId: delivered[0], campaignId: list.campaignId, campaignName: campaign.plan.name, waveNo: list.waveNo, channel,
          file: written.file, rows: n, sha256: written.sha256, columns: waveListColumns, msisdn: who.revealPii ? 'full' : 'masked',
          createdBy: who.username, createdAt: createdAt.toISOString(),
        };
        await writeManifest(outbox, `${folderName}/${channel}.manifest.json`, manifest);
        manifests.push(manifest);
        ids.push(...delivered);
        if ((worklistChannels as readonly string[]).includes(channel)) {
          await c.run('BEGIN TRANSACTION');
          try {
            const id = await recordDelivery(c, {
              kind: 'wave_list', campaignId: list.campaignId, waveNo: list.waveNo, channelId: channel, method: 'worklist', rows: n, status: 'delivered', createdBy: who.username,
            });
            await assignWorklist(c, rowsTable, { deliveryId: id, campaignId: list.campaignId, waveNo: list.waveNo, channelId: channel });
            await c.run('COMMIT');
            ids.push(id);
          } catch (error) {
            await c.run('ROLLBACK').catch(() => undefined);
            throw error;
          }
        }
      }
      return { ids, manifests };
    } finally {
      await c.run(`DROP TABLE IF EXISTS ${rowsTable}`).catch(() => undefined);
    }
  });
  const { deliveries, pushes } = await startSends(store, outbox, ids);
  return { folder: folderName, deliveries, manifests, pushes };
}
