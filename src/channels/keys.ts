// API keys of channel systems. A channel system (online hall, app, store desk, outbound centre …)
// sends `X-Channel-Key: <secret>`; the key names its channel. Only a SHA-256 of the secret is
// stored; verified keys are cached in memory because the decision API checks one per request.
import { createHash, randomBytes } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { DomainError, InvalidInput, NotFound } from '../store/errors.ts';
import type { Db } from '../store/store.ts';

export const ChannelKey = Type.Object({
  keyId: Type.String(),
  channelId: Type.String(),
  label: Type.String(),
  createdBy: Type.String(),
  createdAt: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
});
export type ChannelKey = Static<typeof ChannelKey>;

/** The channel a verified key speaks for. */
export interface ChannelCaller {
  keyId: string;
  channelId: string;
}

export class InvalidChannelKey extends DomainError {
  constructor(message: string) {
    super('INVALID_CHANNEL_KEY', 401, message, { field: 'x-channel-key' });
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const keyPattern = /^yk_([0-9a-f]{12})_([0-9a-f]{40})$/;

// secret hash → caller; a revocation clears the cache (one server process owns the database)
const verified = new Map<string, ChannelCaller>();

const keyColumns = `key_id AS "keyId", channel_id AS "channelId", label, created_by AS "createdBy",
  strftime(created_at, '%Y-%m-%d %H:%M:%S') AS "createdAt", strftime(revoked_at, '%Y-%m-%d %H:%M:%S') AS "revokedAt"`;

/** Issues a key for a channel. The secret is returned once and never stored. */
export async function createChannelKey(db: Db, channelId: string, label: string, createdBy: string): Promise<{ key: ChannelKey; secret: string }> {
  const channel = await db.one('SELECT 1 FROM channels WHERE channel_id = $id', { id: channelId });
  if (!channel) throw new InvalidInput(`Unknown channel "${channelId}"`, { field: 'channelId', code: 'UNKNOWN_CHANNEL' });
  if (!label.trim()) throw new InvalidInput('A key needs a label saying which system uses it', { field: 'label' });
  const keyId = randomBytes(6).toString('hex');
  const secret = `yk_${keyId}_${randomBytes(20).toString('hex')}`;
  await db.run(
    `INSERT INTO channel_api_keys (key_id, channel_id, label, secret_sha256, created_by) VALUES ($keyId, $channelId, $label, $hash, $by)`,
    { keyId, channelId, label: label.trim(), hash: sha256(secret), by: createdBy },
  );
  return { key: await getChannelKey(db, keyId), secret };
}

export async function getChannelKey(db: Db, keyId: string): Promise<ChannelKey> {
  const row = await db.one<ChannelKey>(`SELECT ${keyColumns} FROM channel_api_keys WHERE key_id = $keyId`, { keyId });
  if (!row) throw new NotFound('Channel key', keyId);
  return row;
}

export async function listChannelKeys(db: Db, channelId?: string): Promise<ChannelKey[]> {
  return db.query<ChannelKey>(
    `SELECT ${keyColumns} FROM channel_api_keys WHERE $channelId IS NULL OR channel_id = $channelId ORDER BY created_at DESC, key_id`,
    { channelId: channelId ?? null },
  );
}

export async function revokeChannelKey(db: Db, keyId: string): Promise<ChannelKey> {
  await getChannelKey(db, keyId);
  await db.run('UPDATE channel_api_keys SET revoked_at = current_localtimestamp() WHERE key_id = $keyId AND revoked_at IS NULL', { keyId });
  verified.clear();
  return getChannelKey(db, keyId);
}

/** The channel a presented secret speaks for; a missing, malformed, unknown or revoked key is refused (401). */
export async function authenticateChannel(db: Db, secret: string | undefined): Promise<ChannelCaller> {
  if (!secret) throw new InvalidChannelKey('Send the channel system\'s API key in the X-Channel-Key header');
  const hash = sha256(secret);
  const cached = verified.get(hash);
  if (cached) return cached;
  const match = keyPattern.exec(secret);
  if (!match) throw new InvalidChannelKey('The channel key is malformed: expected yk_<12 hex>_<40 hex>');
  const row = await db.one<{ channelId: string; revoked: boolean }>(
    `SELECT channel_id AS "channelId", revoked_at IS NOT NULL AS revoked FROM channel_api_keys WHERE key_id = $keyId AND secret_sha256 = $hash`,
    { keyId: match[1], hash },
  );
  if (!row) throw new InvalidChannelKey('The channel key is not known');
  if (row.revoked) throw new InvalidChannelKey('The channel key has been revoked');
  const caller = { keyId: match[1]!, channelId: row.channelId };
  verified.set(hash, caller);
  return caller;
}
