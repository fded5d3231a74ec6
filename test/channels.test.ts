// Channel systems' API keys over HTTP (Fastify inject) on a real temp DuckDB file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoUsers } from '../src/auth/users.ts';
import { authenticateChannel } from '../src/channels/keys.ts';
import { loadConfig } from '../src/config.ts';
import { buildApp } from '../src/server/app.ts';
import type { App } from '../src/server/context.ts';
import type { Store } from '../src/store/store.ts';
import { tempDbPath, tempStore, yiti } from './builders.ts';

let store: Store;
let app: App;
const tokens: Record<string, string> = {};

const call = (method: 'GET' | 'POST', url: string, as: string, payload?: unknown) =>
  app.inject({ method, url, payload: payload as never, headers: { authorization: `Bearer ${tokens[as]}` } });

beforeAll(async () => {
  store = await tempStore('channels');
  await ensureDemoUsers(store);
  app = await buildApp({ store, config: loadConfig(), startup: { jobId: null, error: null } });
  for (const username of ['admin', 'planner']) {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'yiti-demo' } });
    tokens[username] = res.json().token;
  }
});

afterAll(async () => {
  await app?.close();
  await store?.close();
});

describe('channels', () => {
  it('lists the ten channels with their daily capacity', async () => {
    const res = await call('GET', '/api/channels', 'planner');
    expect(res.statusCode).toBe(200);
    const channels = res.json() as Array<{ channelId: string; dailyCapacity: number | null }>;
    expect(channels).toHaveLength(10);
    expect(channels.map((c) => c.channelId)).toContain('outbound');
  });
});

describe('channel API keys', () => {
  it('issues a key once, authenticates it as its channel, and refuses it after revocation', async () => {
    const issued = await call('POST', '/api/channels/app/keys', 'admin', { label: 'mobile app backend' });
    expect(issued.statusCode).toBe(201);
    const { key, secret } = issued.json() as { key: { keyId: string; channelId: string }; secret: string };
    expect(key.channelId).toBe('app');
    expect(secret).toMatch(/^yk_[0-9a-f]{12}_[0-9a-f]{40}$/);

    expect(await authenticateChannel(store, secret)).toEqual({ keyId: key.keyId, channelId: 'app' });
    const listed = await call('GET', '/api/channel-keys?channelId=app', 'admin');
    expect(listed.json()).toEqual([expect.objectContaining({ keyId: key.keyId, revokedAt: null })]);
    expect(JSON.stringify(listed.json())).not.toContain(secret.slice(-40));

    const revoked = await call('POST', `/api/channel-keys/${key.keyId}/revoke`, 'admin');
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).not.toBeNull();
    await expect(authenticateChannel(store, secret)).rejects.toMatchObject({ code: 'INVALID_CHANNEL_KEY', status: 401, message: /revoked/ });

    const audit = await store.query<{ action: string }>(`SELECT action FROM audit_log WHERE target = $t ORDER BY audit_id`, { t: `channel_key:${key.keyId}` });
    expect(audit.map((a) => a.action)).toEqual(['channel_key.create', 'channel_key.revoke']);
  });

  it.each([
    ['no key', undefined, /X-Channel-Key/],
    ['a malformed key', 'let-me-in', /malformed/],
    ['an unknown key', `yk_${'0'.repeat(12)}_${'1'.repeat(40)}`, /not known/],
  ])('refuses %s', async (_name, secret, message) => {
    await expect(authenticateChannel(store, secret)).rejects.toMatchObject({ code: 'INVALID_CHANNEL_KEY', field: 'x-channel-key', message });
  });

  it('refuses a key for an unknown channel, an empty label, and a role without channels.manage', async () => {
    const unknown = await call('POST', '/api/channels/pigeon/keys', 'admin', { label: 'x' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: 'UNKNOWN_CHANNEL', field: 'channelId' });
    const blank = await call('POST', '/api/channels/app/keys', 'admin', { label: '   ' });
    expect(blank.json()).toMatchObject({ field: 'label' });
    const planner = await call('POST', '/api/channels/app/keys', 'planner', { label: 'x' });
    expect(planner.statusCode).toBe(403);
    expect(await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM channel_api_keys WHERE channel_id = $c', { c: 'pigeon' })).toEqual({ n: 0 });
  });
});

describe('yiti channel-key', () => {
  it('issues, lists and revokes a key from the command line, and refuses an unknown channel', async () => {
    const db = tempDbPath('channel-cli');
    const created = await yiti('channel-key', 'create', 'web', '--label', 'online hall', '--db', db);
    expect(created.code).toBe(0);
    const secret = created.stdout.trim().split('\n').at(-1)!;
    expect(secret).toMatch(/^yk_[0-9a-f]{12}_[0-9a-f]{40}$/);
    const keyId = secret.slice(3, 15);
    expect((await yiti('channel-key', 'list', '--db', db)).stdout).toContain(`${keyId}  web`);
    expect((await yiti('channel-key', 'revoke', keyId, '--db', db)).stdout).toContain('revoked');
    expect((await yiti('channel-key', 'list', '--db', db)).stdout).toContain('REVOKED');
    const unknown = await yiti('channel-key', 'create', 'pigeon', '--label', 'x', '--db', db);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('Unknown channel "pigeon"');
  }, 60_000);
});
