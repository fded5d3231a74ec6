// Delivery of a wave's lists on a real DuckDB file: outbox CSV + manifest per channel (row count and
// SHA-256 a reader can check, nothing half-written left behind), HTTP push to a real local endpoint
// with retries and exponential backoff and every attempt recorded, and the operators' worklists
// whose outcomes go through the feedback intake.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverWave, recordDelivery, targetWaveList, type WaveDeliveryResult } from '../src/channels/delivery.ts';
import { writeOutboxBytes, writeOutboxFiles } from '../src/channels/outbox.ts';
import { backoffDelay, pushDelivery, setEndpoint } from '../src/channels/push.ts';
import { hashPassword } from '../src/auth/users.ts';
import type { Store } from '../src/store/store.ts';
import { wallSeconds } from '../src/policy/clock.ts';
import { policyEngine, stopPolicyEngine } from '../src/policy/engine.ts';
import { tempStore } from './builders.ts';
import { basePlan, campaignIn } from './campaign-builders.ts';
import { feedbackWorld, type FeedbackWorld } from './feedback-builders.ts';

let store: Store;
let world: FeedbackWorld;
let outbox: string;
let receiver: http.Server;
let receiverUrl: string;
/** What the receiver answers next, per path; then 200. */
const script = new Map<string, number[]>();
const received: Array<{ path: string; at: number; headers: http.IncomingHttpHeaders; body: Buffer }> = [];

beforeAll(async () => {
  outbox = fs.mkdtempSync(path.join(os.tmpdir(), 'yiti-outbox-'));
  // the app's configuration (read when the app is built) sends the wave files here, not into data/
  process.env.YITI_OUTBOX = outbox;
  store = await tempStore('delivery');
  // the policy engine's clock: the first morning of the campaigns' wave (lists are checked then)
  await policyEngine(store, { clock: () => wallSeconds('2026-11-01 10:00:00') });
  world = await feedbackWorld(store);
  // a second operator shares the lists
  await store.run("INSERT INTO users (username, display_name, role, password_hash) VALUES ('operator2', 'Operator 2', 'operator', $h)", { h: hashPassword('yiti-demo') });
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', at: Date.now(), headers: req.headers, body: Buffer.concat(chunks) });
      const status = script.get(req.url ?? '')?.shift() ?? 200;
      res.writeHead(status).end(status === 200 ? 'ok' : 'busy');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => receiver?.close(r));
  await world?.client.app.close();
  await stopPolicyEngine(store);
  await store?.close();
  delete process.env.YITI_OUTBOX;
});

const who = { username: 'planner', revealPii: false };

describe('a wave delivered to the channel systems', () => {
  let result: WaveDeliveryResult;
  let treatment: Array<{ subscriber_id: number; channel_id: string }>;

  beforeAll(async () => {
    await setEndpoint(store, 'outbound', { url: `${receiverUrl}/outbound`, authHeader: 'Bearer crm-token', maxAttempts: 4, backoffMs: 40 }, 'admin');
    script.set('/outbound', [503, 503]);
    treatment = await store.query("SELECT subscriber_id, channel_id FROM campaign_targets WHERE campaign_id = $id AND wave_no = 1 AND grp = 'treatment' ORDER BY 1", { id: world.campaignId });
    result = await deliverWave(store, outbox, await targetWaveList(store, world.campaignId, 1), who);
    await result.pushes;
  });

  it('writes one CSV and manifest per channel whose row count and SHA-256 match the file, and no temp file', () => {
    expect(result.manifests.map((m) => m.channel)).toEqual(['account_mgr', 'outbound']);
    for (const m of result.manifests) {
      const bytes = fs.readFileSync(path.join(outbox, m.file));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(m.sha256);
      const lines = bytes.toString('utf8').trim().split('\n');
      expect(lines[0]).toBe('subscriber_id,msisdn,campaign_id,wave_no,channel_id,offer_id,script');
      expect(lines.length - 1).toBe(m.rows);
      expect(m.rows).toBe(treatment.filter((t) => t.channel_id === m.channel).length);
      const first = lines[1]!.split(',');
      expect(first[1]).toMatch(/^138\*{4}\d{4}$/);
      expect(first.slice(2, 6)).toEqual([String(world.campaignId), '1', m.channel, 'FETION']);
      expect(JSON.parse(fs.readFileSync(path.join(outbox, m.file.replace(/\.csv$/, '.manifest.json')), 'utf8'))).toEqual(m);
    }
    expect(fs.readdirSync(path.join(outbox, result.folder)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('carries each channel\'s script from the campaign\'s offer', () => {
    const text = fs.readFileSync(path.join(outbox, result.manifests[0]!.file), 'utf8');
    expect(text.trim().split('\n')[1]).toContain('您好，为您推荐飞信……');
  });

  it('pushes to the endpoint, retrying after 503s with a doubling wait, and records every attempt', async () => {
    const push = result.deliveries.find((d) => d.method === 'http')!;
    const attempts = await store.query<{ attempt: number; http_status: number; result: string }>(
      'SELECT attempt, http_status, result FROM delivery_attempts WHERE delivery_id = $id ORDER BY attempt',
      { id: push.deliveryId },
    );
    expect(attempts).toEqual([
      { attempt: 1, http_status: 503, result: 'retry' },
      { attempt: 2, http_status: 503, result: 'retry' },
      { attempt: 3, http_status: 200, result: 'delivered' },
    ]);
    const calls = received.filter((r) => r.path === '/outbound');
    expect(calls).toHaveLength(3);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(backoffDelay(40, 1) - 5);
    expect(calls[2]!.at - calls[1]!.at).toBeGreaterThanOrEqual(backoffDelay(40, 2) - 5);
    const manifest = result.manifests.find((m) => m.channel === 'outbound')!;
    expect(createHash('sha256').update(calls[2]!.body).digest('hex')).toBe(manifest.sha256);
    expect(calls[2]!.headers).toMatchObject({ 'x-yiti-sha256': manifest.sha256, 'x-yiti-rows': String(manifest.rows), authorization: 'Bearer crm-token', 'x-yiti-delivery-id': String(push.deliveryId) });
    const after = (await world.client.call('planner', 'GET', `/api/deliveries/${push.deliveryId}`)).body;
    expect(after.delivery).toMatchObject({ status: 'delivered', attempts: 3, method: 'http' });
    expect(after.attempts.map((a: { result: string }) => a.result)).toEqual(['retry', 'retry', 'delivered']);
  });

  it('refuses to deliver the same wave twice', async () => {
    await expect(deliverWave(store, outbox, await targetWaveList(store, world.campaignId, 1), who)).rejects.toMatchObject({ code: 'ALREADY_DELIVERED', status: 409 });
  });

  it('puts the account-manager and outbound lists in the operators\' worklists with the script', async () => {
    const items = await store.query<{ assignee: string; n: number }>('SELECT assignee, count(*) AS n FROM worklist_items GROUP BY 1 ORDER BY 1');
    expect(items.map((i) => i.assignee)).toEqual(['operator', 'operator2']);
    expect(items.reduce((n, i) => n + i.n, 0)).toBe(treatment.length);
    const mine = (await world.client.call('operator', 'GET', '/api/worklist?status=open&pageSize=200')).body;
    expect(mine.items.length).toBe(items.find((i) => i.assignee === 'operator')!.n);
    expect(mine.items[0]).toMatchObject({ campaignId: world.campaignId, offerId: 'FETION', offerNameEn: 'Fetion', status: 'open' });
    expect(mine.items[0].msisdn).toMatch(/^138\*{4}\d{4}$/);
    expect(mine.items.every((i: { script: string; channelId: string }) => i.script === (i.channelId === 'outbound' ? '您好，这里是 10086……' : '您好，为您推荐飞信……'))).toBe(true);
  });

  it('records an operator\'s outcome through the feedback intake and closes the item', async () => {
    const item = (await world.client.call('operator', 'GET', '/api/worklist?status=open&pageSize=1')).body.items[0];
    const res = await world.client.call('operator', 'POST', `/api/worklist/${item.itemId}/outcome`, { outcome: 'accepted' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ item: { itemId: item.itemId, status: 'done', lastOutcome: 'accepted' }, receipt: { recorded: 1 } });
    const event = await store.one<{ subscriber_id: number; channel_id: string; outcome: string; source: string }>(
      "SELECT subscriber_id, channel_id, outcome, source FROM feedback_events WHERE source = 'worklist'",
    );
    expect(event).toEqual({ subscriber_id: item.subscriberId, channel_id: item.channelId, outcome: 'accepted', source: 'worklist' });
    const failed = await world.client.call('operator', 'POST', `/api/worklist/${item.itemId + 0}/outcome`, { outcome: 'failed' });
    expect(failed.body.item.status).toBe('open');
  });

  it('refuses an outcome on another operator\'s item and an outcome no call has', async () => {
    const theirs = await store.one<{ id: number }>("SELECT min(item_id) AS id FROM worklist_items WHERE assignee = 'operator2'");
    const res = await world.client.call('operator', 'POST', `/api/worklist/${theirs!.id}/outcome`, { outcome: 'refused' });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'NOT_YOUR_ITEM', field: 'itemId' });
    const bad = await world.client.call('operator', 'POST', `/api/worklist/${theirs!.id}/outcome`, { outcome: 'shown' });
    expect(bad.status).toBe(400);
    expect((await world.client.call('planner', 'GET', '/api/worklist')).status).toBe(403);
  });
});

describe('delivering a wave over HTTP', () => {
  it('lets a planner deliver a running campaign\'s wave and lists its deliveries; an analyst may not', async () => {
    const { id } = await campaignIn(world.client, 'running', basePlan({ name: 'Second wave test' }));
    expect((await world.client.call('analyst', 'POST', `/api/campaigns/${id}/waves/1/deliver`)).status).toBe(403);
    const res = await world.client.call('planner', 'POST', `/api/campaigns/${id}/waves/1/deliver`);
    expect(res.status, res.text).toBe(201);
    const methods = res.body.deliveries.map((d: { channelId: string; method: string }) => `${d.channelId}/${d.method}`).sort();
    // outbound has an endpoint (set above), account managers do not
    expect(methods).toEqual(['account_mgr/file', 'account_mgr/worklist', 'outbound/file', 'outbound/http', 'outbound/worklist']);
    // the list that went out is the one the contact policy checked
    const checked = await store.one<{ n: number }>("SELECT count(*)::INTEGER AS n FROM wave_contacts WHERE campaign_id = $id AND status = 'listed'", { id });
    expect(res.body.deliveries.filter((d: { method: string }) => d.method === 'file').reduce((n: number, d: { rows: number }) => n + d.rows, 0)).toBe(checked!.n);
    const listed = (await world.client.call('analyst', 'GET', `/api/deliveries?campaignId=${id}`)).body;
    expect(listed.total).toBe(5);
    const file = res.body.deliveries.find((d: { method: string }) => d.method === 'file').file;
    expect(fs.existsSync(path.join(outbox, file))).toBe(true);
    const unknownWave = await world.client.call('planner', 'POST', `/api/campaigns/${id}/waves/9/deliver`);
    expect(unknownWave.body).toMatchObject({ code: 'UNKNOWN_WAVE', field: 'waveNo' });
  });
});

describe('outbox files written in one pass', () => {
  it('publishes every list with its hash, or none of them when the writing fails', async () => {
    const names = ['one-pass/a.csv', 'one-pass/b.csv'];
    const files = await writeOutboxFiles(outbox, names, (temps) => temps.forEach((temp, i) => fs.writeFileSync(temp, `list ${i}\n`)));
    expect(files.map((f) => f.file)).toEqual(names);
    files.forEach((f, i) => {
      const bytes = fs.readFileSync(path.join(outbox, f.file));
      expect(bytes.toString()).toBe(`list ${i}\n`);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(f.sha256);
    });
    const failing = writeOutboxFiles(outbox, ['half/a.csv', 'half/b.csv'], (temps) => {
      fs.writeFileSync(temps[0], 'written');
      throw new Error('the second list could not be read');
    });
    await expect(failing).rejects.toThrow('the second list could not be read');
    expect(fs.readdirSync(path.join(outbox, 'half'))).toEqual([]);
  });
});

describe('HTTP push failures', () => {
  async function pending(channelId: string): Promise<number> {
    const written = await writeOutboxBytes(outbox, `push-test/${channelId}-${Date.now()}.csv`, Buffer.from('subscriber_id\n1\n'));
    return recordDelivery(store, { kind: 'wave_list', campaignId: world.campaignId, waveNo: 1, channelId, method: 'http', file: written.file, rows: 1, sha256: written.sha256, status: 'pending', createdBy: 'test' });
  }

  it('gives up at once when the endpoint refuses the list (4xx)', async () => {
    await setEndpoint(store, 'web', { url: `${receiverUrl}/web`, maxAttempts: 5, backoffMs: 10 }, 'admin');
    script.set('/web', [422]);
    const id = await pending('web');
    expect(await pushDelivery(store, outbox, id)).toBe('failed');
    const d = await store.one('SELECT status, attempts, last_error FROM deliveries WHERE delivery_id = $id', { id });
    expect(d).toEqual({ status: 'failed', attempts: 1, last_error: 'HTTP 422 busy' });
  });

  it('stops after the configured attempts when nothing answers', async () => {
    await setEndpoint(store, 'wap', { url: 'http://127.0.0.1:9/unreachable', maxAttempts: 3, backoffMs: 10 }, 'admin');
    const id = await pending('wap');
    expect(await pushDelivery(store, outbox, id)).toBe('failed');
    const attempts = await store.query<{ result: string; http_status: number | null }>('SELECT result, http_status FROM delivery_attempts WHERE delivery_id = $id ORDER BY attempt', { id });
    expect(attempts).toEqual([
      { result: 'retry', http_status: null },
      { result: 'retry', http_status: null },
      { result: 'failed', http_status: null },
    ]);
  });

  it('lets only channels.manage set an endpoint, and refuses one that is not http(s)', async () => {
    expect((await world.client.call('planner', 'PUT', '/api/channels/app/endpoint', { url: `${receiverUrl}/app` })).status).toBe(403);
    const bad = await world.client.call('admin', 'PUT', '/api/channels/app/endpoint', { url: 'ftp://crm/app' });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('url');
    const unknown = await world.client.call('admin', 'PUT', '/api/channels/pigeon/endpoint', { url: `${receiverUrl}/p` });
    expect(unknown.body).toMatchObject({ code: 'UNKNOWN_CHANNEL', field: 'channelId' });
    const ok = await world.client.call('admin', 'PUT', '/api/channels/app/endpoint', { url: `${receiverUrl}/app`, authHeader: 'secret' });
    expect(ok.body).toMatchObject({ channelId: 'app', hasAuth: true, maxAttempts: 5, enabled: true });
    expect(JSON.stringify((await world.client.call('admin', 'GET', '/api/channel-endpoints')).body)).not.toContain('secret');
  });
});
