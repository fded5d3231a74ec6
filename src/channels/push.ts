// HTTP push of a delivered list (a campaign wave's, or a tariff run's recommendations) to a
// channel system's endpoint: the CSV as the body, its manifest in headers (the receiver checks the
// SHA-256 and may use the delivery id to ignore a repeat).
// A failed attempt (no answer, timeout, 5xx, 429) is retried after an exponential backoff; every
// attempt and the delivery's status are recorded. Endpoints are managed per channel.
import fs from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { InvalidInput, NotFound } from '../store/errors.ts';
import type { Db, Store } from '../store/store.ts';
import { outboxPath } from './outbox.ts';

export const ChannelEndpoint = Type.Object({
  channelId: Type.String(),
  url: Type.String(),
  /** Whether an Authorization header is configured (the value itself is never shown). */
  hasAuth: Type.Boolean(),
  maxAttempts: Type.Integer(),
  backoffMs: Type.Integer(),
  timeoutMs: Type.Integer(),
  enabled: Type.Boolean(),
  updatedBy: Type.String(),
  updatedAt: Type.String(),
});
export type ChannelEndpoint = Static<typeof ChannelEndpoint>;

export const ChannelEndpointBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2000, description: 'http(s) URL the lists are POSTed to' }),
    authHeader: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()], { description: 'Sent as the Authorization header' })),
    maxAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, default: 5 })),
    backoffMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000, default: 1000, description: 'Wait before the first retry; doubled for each next one' })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600_000, default: 10_000 })),
    enabled: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);
export type ChannelEndpointBody = Static<typeof ChannelEndpointBody>;

const endpointColumns = `channel_id AS "channelId", url, auth_header IS NOT NULL AS "hasAuth", max_attempts AS "maxAttempts", backoff_ms AS "backoffMs",
  timeout_ms AS "timeoutMs", enabled, updated_by AS "updatedBy", strftime(updated_at, '%Y-%m-%d %H:%M:%S') AS "updatedAt"`;

export async function listEndpoints(db: Db): Promise<ChannelEndpoint[]> {
  return db.query<ChannelEndpoint>(`SELECT ${endpointColumns} FROM channel_endpoints ORDER BY channel_id`);
}

/** The enabled endpoint of a channel, if it has one. */
export async function endpointFor(db: Db, channelId: string): Promise<ChannelEndpoint | undefined> {
  return db.one<ChannelEndpoint>(`SELECT ${endpointColumns} FROM channel_endpoints WHERE channel_id = $channelId AND enabled`, { channelId });
}

export async function setEndpoint(db: Db, channelId: string, body: ChannelEndpointBody, by: string): Promise<ChannelEndpoint> {
  if (!(await db.one('SELECT 1 FROM channels WHERE channel_id = $channelId', { channelId }))) {
    throw new InvalidInput(`Unknown channel "${channelId}"`, { field: 'channelId', code: 'UNKNOWN_CHANNEL' });
  }
  let url: URL;
  try {
    url = new URL(body.url);
  } catch {
    throw new InvalidInput(`url: "${body.url}" is not a URL`, { field: 'url' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidInput(`url: ${url.protocol} is not http or https`, { field: 'url' });
  await db.run(
    `INSERT OR REPLACE INTO channel_endpoints (channel_id, url, auth_header, max_attempts, backoff_ms, timeout_ms, enabled, updated_by, updated_at)
     VALUES ($channelId, $url, $auth, $maxAttempts, $backoffMs, $timeoutMs, $enabled, $by, current_localtimestamp())`,
    {
      channelId,
      url: url.toString(),
      auth: body.authHeader ?? null,
      maxAttempts: body.maxAttempts ?? 5,
      backoffMs: body.backoffMs ?? 1000,
      timeoutMs: body.timeoutMs ?? 10_000,
      enabled: body.enabled ?? true,
      by,
    },
  );
  return (await db.one<ChannelEndpoint>(`SELECT ${endpointColumns} FROM channel_endpoints WHERE channel_id = $channelId`, { channelId }))!;
}

export async function deleteEndpoint(db: Db, channelId: string): Promise<void> {
  if (!(await db.one('SELECT 1 FROM channel_endpoints WHERE channel_id = $channelId', { channelId }))) throw new NotFound('Endpoint of channel', channelId);
  await db.run('DELETE FROM channel_endpoints WHERE channel_id = $channelId', { channelId });
}

/** Wait before retry `attempt` (1-based: the wait after the first failure is backoffMs). */
export function backoffDelay(backoffMs: number, attempt: number): number {
  return backoffMs * 2 ** (attempt - 1);
}

/** Whether an answer is worth another attempt: the receiver was down or busy, not refusing the list. */
export function retryable(status: number | null): boolean {
  return status === null || status === 408 || status === 429 || status >= 500;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Pushes one pending HTTP delivery until the endpoint takes it (2xx), refuses it (another 4xx),
 * or the attempts run out; records every attempt. Resolves with the final status.
 */
export async function pushDelivery(store: Store, outbox: string, deliveryId: number): Promise<'delivered' | 'failed'> {
  const d = await store.one<{ channel_id: string; file: string; sha256: string; row_count: number; campaign_id: number | null; wave_no: number | null; run_id: number | null; attempts: number }>(
    `SELECT channel_id, file, sha256, row_count, campaign_id, wave_no, run_id, attempts FROM deliveries WHERE delivery_id = $deliveryId AND method = 'http'`,
    { deliveryId },
  );
  if (!d) throw new NotFound('HTTP delivery', deliveryId);
  const endpoint = await store.one<{ url: string; auth_header: string | null; max_attempts: number; backoff_ms: number; timeout_ms: number }>(
    'SELECT url, auth_header, max_attempts, backoff_ms, timeout_ms FROM channel_endpoints WHERE channel_id = $channelId',
    { channelId: d.channel_id },
  );
  const fail = async (error: string) => {
    await store.run(`UPDATE deliveries SET status = 'failed', last_error = $error WHERE delivery_id = $deliveryId`, { deliveryId, error });
    return 'failed' as const;
  };
  if (!endpoint) return fail(`channel ${d.channel_id} has no endpoint any more`);
  const body = fs.readFileSync(outboxPath(outbox, d.file));
  const headers: Record<string, string> = {
    'content-type': 'text/csv; charset=utf-8',
    'x-yiti-delivery-id': String(deliveryId),
    'x-yiti-rows': String(d.row_count),
    'x-yiti-sha256': d.sha256,
    'x-yiti-channel': d.channel_id,
    ...(d.campaign_id !== null ? { 'x-yiti-campaign-id': String(d.campaign_id), 'x-yiti-wave': String(d.wave_no) } : {}),
    ...(d.run_id !== null ? { 'x-yiti-tariff-run-id': String(d.run_id) } : {}),
    ...(endpoint.auth_header ? { authorization: endpoint.auth_header } : {}),
  };
  for (let attempt = d.attempts + 1; attempt <= d.attempts + endpoint.max_attempts; attempt++) {
    const startedAt = new Date();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(endpoint.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(endpoint.timeout_ms) });
      status = res.status;
      if (!res.ok) error = `HTTP ${res.status} ${(await res.text()).slice(0, 200)}`.trim();
      else await res.arrayBuffer();
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      error = err.name === 'TimeoutError' ? `no answer within ${endpoint.timeout_ms} ms` : `${err.cause?.code ?? err.name}: ${err.message}`;
    }
    const last = attempt === d.attempts + endpoint.max_attempts;
    const result = error === null ? 'delivered' : retryable(status) && !last ? 'retry' : 'failed';
    await store.run(
      `INSERT INTO delivery_attempts (delivery_id, attempt, started_at, duration_ms, http_status, error, result)
       VALUES ($deliveryId, $attempt, CAST($startedAt AS TIMESTAMP), $duration, $status, $error, $result)`,
      { deliveryId, attempt, startedAt: localTime(startedAt), duration: Date.now() - startedAt.getTime(), status, error, result },
    );
    await store.run(
      `UPDATE deliveries SET attempts = $attempt, last_error = $error,
         status = CASE WHEN $result = 'delivered' THEN 'delivered' WHEN $result = 'failed' THEN 'failed' ELSE 'pending' END,
         delivered_at = CASE WHEN $result = 'delivered' THEN current_localtimestamp() END
       WHERE delivery_id = $deliveryId`,
      { deliveryId, attempt, error, result },
    );
    if (result !== 'retry') return result;
    await sleep(backoffDelay(endpoint.backoff_ms, attempt - d.attempts));
  }
  return 'failed';
}

/** Local wall-clock text of a Date (the process runs in the operator's zone). */
function localTime(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** Sends a failed HTTP delivery again (a new round of attempts). */
export async function retryDelivery(store: Store, outbox: string, deliveryId: number): Promise<void> {
  const d = await store.one<{ status: string }>(`SELECT status FROM deliveries WHERE delivery_id = $deliveryId AND method = 'http'`, { deliveryId });
  if (!d) throw new NotFound('HTTP delivery', deliveryId);
  if (d.status !== 'failed') throw new InvalidInput(`Delivery ${deliveryId} is ${d.status}; only a failed push is sent again`, { field: 'status', code: 'NOT_FAILED' });
  await store.run(`UPDATE deliveries SET status = 'pending' WHERE delivery_id = $deliveryId`, { deliveryId });
  void pushDelivery(store, outbox, deliveryId).catch(() => undefined);
}
