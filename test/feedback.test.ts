// Channel feedback intake on a real DuckDB file through the HTTP app: batches idempotent on event
// id, conflicts named, files all or nothing, campaign tracking and the policy's contact stream fed
// after the commit, and a table of bad batches and files each refused precisely with nothing stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFeedbackFile } from '../src/ingest/feedback-file.ts';
import { onContacts, type ContactFact } from '../src/policy/contacts.ts';
import type { Store } from '../src/store/store.ts';
import { tempStore, yiti } from './builders.ts';
import { countOf, csvFile, event, feedbackHeader, feedbackLine, feedbackWorld, type FeedbackWorld } from './feedback-builders.ts';

let store: Store;
let world: FeedbackWorld;
let treatment: number[];

beforeAll(async () => {
  store = await tempStore('feedback');
  world = await feedbackWorld(store);
  treatment = (
    await store.query<{ s: number }>(
      "SELECT DISTINCT subscriber_id AS s FROM campaign_targets WHERE campaign_id = $id AND grp = 'treatment' ORDER BY 1",
      { id: world.campaignId },
    )
  ).map((r) => r.s);
});

afterAll(async () => {
  await world?.client.app.close();
  await store?.close();
});

async function send(body: unknown, key = world.outboundKey) {
  const res = await world.client.app.inject({ method: 'POST', url: '/api/feedback', headers: { 'x-channel-key': key }, payload: body as object });
  return { status: res.statusCode, body: res.json() };
}

describe('feedback batches over HTTP', () => {
  it('stores a batch, answers a retry with duplicates and stores nothing twice', async () => {
    const events = [event(world.campaignId, 1), event(world.campaignId, 2, { outcome: 'failed' }), event(world.campaignId, 3, { outcome: 'not_shown' })];
    const before = await countOf(store, 'feedback_events');
    expect(await send({ events })).toEqual({ status: 200, body: { received: 3, recorded: 3, duplicates: 0 } });
    expect(await send({ events })).toEqual({ status: 200, body: { received: 3, recorded: 0, duplicates: 3 } });
    expect(await countOf(store, 'feedback_events')).toBe(before + 3);
    const stored = await store.query<{ event_id: string; outcome: string; source: string }>(
      "SELECT event_id, outcome, source FROM feedback_events WHERE event_id IN ('ob-1', 'ob-2', 'ob-3') ORDER BY event_id",
    );
    expect(stored).toEqual([
      { event_id: 'ob-1', outcome: 'delivered', source: 'http' },
      { event_id: 'ob-2', outcome: 'failed', source: 'http' },
      { event_id: 'ob-3', outcome: 'not_shown', source: 'http' },
    ]);
  });

  it('stores an id repeated with the same payload inside one batch once', async () => {
    const e = event(world.campaignId, 10);
    expect(await send({ events: [e, e] })).toEqual({ status: 200, body: { received: 2, recorded: 1, duplicates: 1 } });
  });

  it('keeps the ids of two channel systems apart: the app may use an id the outbound centre used', async () => {
    const res = await send({ events: [event(world.campaignId, 1, { channel: 'app', outcome: 'shown' })] }, world.appKey);
    expect(res).toEqual({ status: 200, body: { received: 1, recorded: 1, duplicates: 0 } });
  });

  it('answers 409 naming the event id sent again with another payload, and stores nothing of that batch', async () => {
    const before = await countOf(store, 'feedback_events');
    const res = await send({ events: [event(world.campaignId, 20), event(world.campaignId, 1, { outcome: 'accepted' })] });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('EVENT_ID_CONFLICT');
    expect(res.body.field).toBe('events[1].eventId');
    expect(res.body.message).toContain('"ob-1" was already recorded with another payload (outcome accepted not delivered)');
    expect(await countOf(store, 'feedback_events')).toBe(before);
  });

  it('writes the campaign tracking rows the report counts and publishes the facts after the commit', async () => {
    const seen: ContactFact[] = [];
    const stop = onContacts(store, (facts) => seen.push(...facts));
    const [a, b, c] = treatment;
    const reportBefore = (await world.client.call('analyst', 'GET', `/api/campaigns/${world.campaignId}/report`)).body;
    const events = [
      event(world.campaignId, 100, { subscriberId: a, outcome: 'accepted', at: '2026-11-06 09:30:00' }),
      event(world.campaignId, 101, { subscriberId: b, outcome: 'refused', at: '2026-11-06 09:31:00' }),
      event(world.campaignId, 102, { subscriberId: c, outcome: 'ordered', at: '2026-11-06 09:32:00' }),
    ];
    expect((await send({ events })).status).toBe(200);
    stop();
    expect(seen).toEqual([
      { subscriberId: a, channelId: 'outbound', at: '2026-11-06 09:30:00', outcome: 'accepted', campaignId: world.campaignId, offerId: 'FETION', eventId: 'ob-100', decisionId: null },
      { subscriberId: b, channelId: 'outbound', at: '2026-11-06 09:31:00', outcome: 'refused', campaignId: world.campaignId, offerId: 'FETION', eventId: 'ob-101', decisionId: null },
      { subscriberId: c, channelId: 'outbound', at: '2026-11-06 09:32:00', outcome: 'ordered', campaignId: world.campaignId, offerId: 'FETION', eventId: 'ob-102', decisionId: null },
    ]);
    const rows = await store.query<{ subscriber_id: number; outcome: string; campaign_id: string; event_type: string }>(
      "SELECT subscriber_id, CAST(outcome AS VARCHAR) AS outcome, campaign_id, CAST(event_type AS VARCHAR) AS event_type FROM contact_events WHERE note LIKE 'feedback % ob-10_' ORDER BY event_time",
    );
    expect(rows).toEqual([
      { subscriber_id: a, outcome: 'accepted', campaign_id: String(world.campaignId), event_type: 'marketing' },
      { subscriber_id: b, outcome: 'refused', campaign_id: String(world.campaignId), event_type: 'marketing' },
      { subscriber_id: c, outcome: 'accepted', campaign_id: String(world.campaignId), event_type: 'marketing' },
    ]);
    const report = (await world.client.call('analyst', 'GET', `/api/campaigns/${world.campaignId}/report`)).body;
    expect(report.overall.contacted - reportBefore.overall.contacted).toBe(3);
    expect(report.overall.accepted - reportBefore.overall.accepted).toBe(2);
  });

  it('passes the decision id a channel sends back to the policy, and stores it with the event', async () => {
    const seen: ContactFact[] = [];
    const stop = onContacts(store, (facts) => seen.push(...facts));
    const res = await send({ events: [event(world.campaignId, 110, { outcome: 'not_shown', decisionId: 'd-20261106-7' })] });
    stop();
    expect(res.status).toBe(200);
    expect(seen.map((f) => [f.outcome, f.decisionId])).toEqual([['not_shown', 'd-20261106-7']]);
    expect(await store.one("SELECT decision_id FROM feedback_events WHERE event_id = 'ob-110'")).toEqual({ decision_id: 'd-20261106-7' });
    const other = await send({ events: [event(world.campaignId, 110, { outcome: 'not_shown', decisionId: 'd-other' })] });
    expect(other.status).toBe(409);
    expect(other.body.message).toContain('(decision d-other not d-20261106-7)');
  });

  it('writes no contact for not_shown: the offer never reached the customer', async () => {
    const notes = await store.query("SELECT 1 FROM contact_events WHERE note = 'feedback not_shown ob-3'");
    expect(notes).toEqual([]);
  });

  it('refuses a request without a valid channel key', async () => {
    const res = await send({ events: [event(world.campaignId, 30)] }, 'yk_000000000000_0000000000000000000000000000000000000000');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'INVALID_CHANNEL_KEY', field: 'x-channel-key' });
  });
});

describe('feedback files', () => {
  it('imports a file once: the same file again changes nothing', async () => {
    const lines = [feedbackHeader, ...Array.from({ length: 5 }, (_, i) => feedbackLine(event(world.campaignId, 200 + i, { outcome: 'viewed' })))];
    const file = csvFile('outbound-20261106.csv', lines);
    const first = await importFeedbackFile(store, { file });
    expect(first).toMatchObject({ duplicate: false, rows: 5, recorded: 5 });
    const before = await countOf(store, 'feedback_events');
    expect(await importFeedbackFile(store, { file })).toEqual({ duplicate: true, rows: 0, recorded: 0, batchId: first.batchId });
    expect(await countOf(store, 'feedback_events')).toBe(before);
    const batch = await store.one('SELECT kind, row_count FROM import_batches WHERE batch_id = $id', { id: first.batchId });
    expect(batch).toEqual({ kind: 'feedback', row_count: 5 });
  });

  it('takes a re-sent file with more rows: those stored are skipped, the new ones stored', async () => {
    const lines = [feedbackHeader, ...Array.from({ length: 7 }, (_, i) => feedbackLine(event(world.campaignId, 200 + i, { outcome: 'viewed' })))];
    expect(await importFeedbackFile(store, { file: csvFile('outbound-20261106-v2.csv', lines) })).toMatchObject({ duplicate: false, rows: 7, recorded: 2 });
  });

  it('takes an optional decision_id column', async () => {
    const file = csvFile('with-decisions.csv', [`${feedbackHeader},decision_id`, `${feedbackLine(event(world.campaignId, 250, { outcome: 'shown' }))},d-250`, `${feedbackLine(event(world.campaignId, 251))},`]);
    expect(await importFeedbackFile(store, { file })).toMatchObject({ rows: 2, recorded: 2 });
    const rows = await store.query("SELECT event_id, decision_id FROM feedback_events WHERE event_id IN ('ob-250', 'ob-251') ORDER BY 1");
    expect(rows).toEqual([{ event_id: 'ob-250', decision_id: 'd-250' }, { event_id: 'ob-251', decision_id: null }]);
  });

  it('refuses a re-sent file with one changed row, naming its line', async () => {
    const lines = [feedbackHeader, ...Array.from({ length: 7 }, (_, i) => feedbackLine(event(world.campaignId, 200 + i, { outcome: i === 3 ? 'accepted' : 'viewed' })))];
    const before = await countOf(store, 'feedback_events');
    await expect(importFeedbackFile(store, { file: csvFile('outbound-20261106-v3.csv', lines) })).rejects.toMatchObject({
      code: 'EVENT_ID_CONFLICT',
      status: 409,
      field: 'file',
      message: expect.stringContaining('outbound-20261106-v3.csv line 5 (row 4), column event_id: event id "ob-203" was already recorded with another payload (outcome accepted not viewed)'),
    });
    expect(await countOf(store, 'feedback_events')).toBe(before);
  });

  it('imports from the command line, and exits non-zero naming the line of a bad file', async () => {
    await store.checkpoint();
    const good = csvFile('cli-good.csv', [feedbackHeader, feedbackLine(event(world.campaignId, 300))]);
    const bad = csvFile('cli-bad.csv', [feedbackHeader, feedbackLine(event(world.campaignId, 301)), feedbackLine(event(world.campaignId, 302, { subscriberId: 99_999 }))]);
    // the CLI opens the file itself: this test's store lets go of it meanwhile
    const file = store.file;
    await store.close();
    try {
      const ok = await yiti('feedback', 'import', '--db', file, good);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toContain('Imported 1 feedback rows');
      const again = await yiti('feedback', 'import', '--db', file, good);
      expect(again.stdout).toContain('was already imported');
      const refused = await yiti('feedback', 'import', '--db', file, bad);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('UNKNOWN_SUBSCRIBER: cli-bad.csv line 3 (row 2), column subscriber_id: subscriber 99999 does not exist');
    } finally {
      store = await (await import('../src/store/store.ts')).Store.open(file);
    }
    expect(await store.one("SELECT count(*) AS n FROM feedback_events WHERE event_id IN ('ob-300', 'ob-301', 'ob-302')")).toEqual({ n: 1 });
  }, 60_000);
});
