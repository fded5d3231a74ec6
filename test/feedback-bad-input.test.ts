// Bad feedback, one case per row: each batch or file is refused whole with a precise
// {code, message, field} and a 4xx status, and nothing of it is stored — not an event, not a
// contact row, not an import batch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFeedbackFile } from '../src/ingest/feedback-file.ts';
import type { Store } from '../src/store/store.ts';
import { tempStore } from './builders.ts';
import { basePlan, campaignIn } from './campaign-builders.ts';
import { countOf, csvFile, event, feedbackHeader, feedbackLine, feedbackWorld, type FeedbackWorld } from './feedback-builders.ts';

let store: Store;
let world: FeedbackWorld;
let draftCampaign: number;
let campaign: number;

beforeAll(async () => {
  store = await tempStore('feedback-bad');
  world = await feedbackWorld(store);
  campaign = world.campaignId;
  draftCampaign = (await campaignIn(world.client, 'draft', basePlan({ name: 'Draft campaign' }))).id;
  // one stored event the conflicts below contradict
  const res = await post({ events: [event(campaign, 1)] });
  expect(res.status).toBe(200);
});

afterAll(async () => {
  await world?.client.app.close();
  await store?.close();
});

async function post(body: unknown, key = world.outboundKey) {
  const res = await world.client.app.inject({ method: 'POST', url: '/api/feedback', headers: { 'x-channel-key': key, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  return { status: res.statusCode, body: res.json() };
}

/** A multipart upload of `text` as `name`, as a channel system's client sends it. */
async function upload(name: string, text: string, key = world.outboundKey) {
  const boundary = '----yiti-test-boundary';
  const payload = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n${text}\r\n--${boundary}--\r\n`;
  const res = await world.client.app.inject({
    method: 'POST',
    url: '/api/feedback/files',
    headers: { 'x-channel-key': key, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
  return { status: res.statusCode, body: res.json() };
}

async function stored() {
  return { events: await countOf(store, 'feedback_events'), contacts: await countOf(store, 'contact_events'), batches: await countOf(store, 'import_batches') };
}

const e = (n: number, o: Record<string, unknown> = {}) => ({ ...event(0, n), campaignId: campaign, ...o });

type BatchCase = [string, () => unknown, number, { code: string; field: string; message: string }];
const batches: BatchCase[] = [
  ['an unknown subscriber', () => ({ events: [e(2), e(3, { subscriberId: 99_999 })] }), 400, { code: 'UNKNOWN_SUBSCRIBER', field: 'events[1].subscriberId', message: 'events[1].subscriberId: subscriber 99999 does not exist' }],
  ['an unknown campaign', () => ({ events: [e(2, { campaignId: 777 })] }), 400, { code: 'UNKNOWN_CAMPAIGN', field: 'events[0].campaignId', message: 'campaign 777 does not exist' }],
  ['a campaign that has not started', () => ({ events: [e(2, { campaignId: draftCampaign })] }), 409, { code: 'CAMPAIGN_NOT_RUNNING', field: 'events[0].campaignId', message: 'is draft; feedback is taken while a campaign runs, is paused or has just finished' }],
  ['an offer the campaign does not make', () => ({ events: [e(2, { offerId: 'MAIL139' })] }), 400, { code: 'UNKNOWN_OFFER', field: 'events[0].offerId', message: '"MAIL139" is not an offer of campaign' }],
  ['another channel than the key\'s', () => ({ events: [e(2), e(3, { channel: 'app' })] }), 400, { code: 'WRONG_CHANNEL', field: 'events[1].channel', message: '"app" is not the channel of this key (outbound)' }],
  ['an unknown channel', () => ({ events: [e(2, { channel: 'pigeon' })] }), 400, { code: 'WRONG_CHANNEL', field: 'events[0].channel', message: '"pigeon" is not the channel of this key' }],
  ['a malformed event id', () => ({ events: [e(2, { eventId: 'ob 2; DROP TABLE' })] }), 400, { code: 'MALFORMED_EVENT_ID', field: 'events[0].eventId', message: '"ob 2; DROP TABLE" is not an event id' }],
  ['an event id of 65 characters', () => ({ events: [e(2, { eventId: 'x'.repeat(65) })] }), 400, { code: 'MALFORMED_EVENT_ID', field: 'events[0].eventId', message: 'is not an event id' }],
  ['a subscriber id sent as text', () => ({ events: [e(2, { subscriberId: '12' })] }), 400, { code: 'WRONG_TYPE', field: 'events[0].subscriberId', message: 'events[0].subscriberId expected integer, got "12"' }],
  ['a fractional campaign id', () => ({ events: [e(2, { campaignId: 1.5 })] }), 400, { code: 'WRONG_TYPE', field: 'events[0].campaignId', message: 'expected integer, got "1.5"' }],
  ['a boolean event id', () => ({ events: [e(2, { eventId: true })] }), 400, { code: 'WRONG_TYPE', field: 'events[0].eventId', message: 'expected string' }],
  ['a missing outcome', () => ({ events: [(({ outcome: _, ...rest }) => rest)(e(2))] }), 400, { code: 'MISSING_FIELD', field: 'events[0].outcome', message: 'events[0].outcome is required' }],
  ['a field no event has', () => ({ events: [e(2, { price: 5 })] }), 400, { code: 'UNKNOWN_FIELD', field: 'events[0].price', message: 'is not a field of a feedback event' }],
  ['events that are not a list', () => ({ events: { eventId: 'x' } }), 400, { code: 'WRONG_TYPE', field: 'events', message: 'events expected array' }],
  ['an unknown outcome', () => ({ events: [e(2, { outcome: 'clicked' })] }), 400, { code: 'UNKNOWN_OUTCOME', field: 'events[0].outcome', message: '"clicked" is not one of delivered, shown, not_shown, viewed, accepted, refused, ordered, failed' }],
  ['a day that does not exist', () => ({ events: [e(2, { at: '2026-02-30 10:00:00' })] }), 400, { code: 'BAD_TIME', field: 'events[0].at', message: '"2026-02-30 10:00:00" is not a time' }],
  ['a time with a zone offset', () => ({ events: [e(2, { at: '2026-11-05T10:00:00+08:00' })] }), 400, { code: 'BAD_TIME', field: 'events[0].at', message: 'operator-local' }],
  ['a time in the future', () => ({ events: [e(2, { at: '2099-01-01 00:00:00' })] }), 400, { code: 'FUTURE_TIME', field: 'events[0].at', message: '"2099-01-01 00:00:00" is in the future' }],
  ['a malformed decision id', () => ({ events: [e(2, { decisionId: 'd 1' })] }), 400, { code: 'MALFORMED_DECISION_ID', field: 'events[0].decisionId', message: '"d 1" is not a decision id' }],
  ['an empty batch', () => ({ events: [] }), 400, { code: 'EMPTY_BATCH', field: 'events', message: 'the batch is empty' }],
  ['a batch of 5,001 events', () => ({ events: Array.from({ length: 5001 }, (_, i) => e(1000 + i)) }), 413, { code: 'BATCH_TOO_LARGE', field: 'events', message: '5001 events is more than the 5000' }],
  ['one id twice in a batch with different outcomes', () => ({ events: [e(2), e(3), e(2, { outcome: 'refused' })] }), 409, { code: 'EVENT_ID_CONFLICT', field: 'events[2].eventId', message: 'event id "ob-2" is repeated with another payload than events[0] (outcome refused not delivered)' }],
  ['a stored id with another time', () => ({ events: [e(2), e(1, { at: '2026-11-05 10:00:01' })] }), 409, { code: 'EVENT_ID_CONFLICT', field: 'events[1].eventId', message: '"ob-1" was already recorded with another payload (time 2026-11-05 10:00:01 not 2026-11-05 10:00:00)' }],
];

describe('bad feedback batches', () => {
  it.each(batches)('refuses %s', async (_name, body, status, expected) => {
    const before = await stored();
    const res = await post(body());
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.code).toBe(expected.code);
    expect(res.body.field).toBe(expected.field);
    expect(res.body.message).toContain(expected.message);
    expect(await stored()).toEqual(before);
  });
});

const line = (n: number, o: Record<string, unknown> = {}) => feedbackLine({ ...event(campaign, n), ...o } as never);
type FileCase = [string, string, () => string, { code: string; message: string }];
const files: FileCase[] = [
  ['an empty file', 'empty.csv', () => '', { code: 'FEEDBACK_FILE_INVALID', message: 'empty.csv is empty' }],
  ['a missing column', 'no-outcome.csv', () => ['event_id,subscriber_id,campaign_id,offer_id,channel_id,event_time', `f-1,5,${campaign},FETION,outbound,2026-11-05 10:00:00`].join('\n'), { code: 'FEEDBACK_FILE_INVALID', message: 'no-outcome.csv line 1 (header), column outcome: is required but missing from the header' }],
  ['a column no feedback file has', 'extra.csv', () => [`${feedbackHeader},price`, `${line(2)},5`].join('\n'), { code: 'FEEDBACK_FILE_INVALID', message: 'extra.csv line 1 (header), column price: is not a column of feedback_events' }],
  ['a file cut off in its last row', 'truncated.csv', () => [feedbackHeader, line(2), line(3), `f-4,5,${campaign}`].join('\n'), { code: 'FEEDBACK_FILE_INVALID', message: 'truncated.csv line 4 (row 3), column offer_id: has 3 values where the header has 7 columns' }],
  ['a subscriber id that is not a number', 'bad-int.csv', () => [feedbackHeader, line(2), line(3, { subscriberId: '5x' })].join('\n'), { code: 'FEEDBACK_FILE_INVALID', message: 'bad-int.csv line 3 (row 2), column subscriber_id: "5x" is not a whole number in range' }],
  ['an outcome no channel reports', 'bad-outcome.csv', () => [feedbackHeader, line(2, { outcome: 'liked' })].join('\n'), { code: 'FEEDBACK_FILE_INVALID', message: 'column outcome: "liked" is not one of the allowed codes' }],
  ['a time that is not a timestamp', 'bad-time.csv', () => [feedbackHeader, line(2, { at: '05/11/2026 10:00' })].join('\n'), { code: 'FEEDBACK_FILE_INVALID', message: 'column event_time: "05/11/2026 10:00" is not a timestamp YYYY-MM-DD HH:MM:SS' }],
  ['a malformed event id', 'bad-id.csv', () => [feedbackHeader, line(2, { eventId: '-leading-dash' })].join('\n'), { code: 'FEEDBACK_FILE_INVALID', message: 'column event_id: "-leading-dash" is not an event id' }],
  ['a malformed decision id', 'bad-decision.csv', () => [`${feedbackHeader},decision_id`, `${line(2)},d 1`].join('\n'), { code: 'FEEDBACK_FILE_INVALID', message: 'bad-decision.csv line 2 (row 1), column decision_id: "d 1" is not a decision id' }],
  ['an unknown channel', 'pigeon.csv', () => [feedbackHeader, line(2), line(3, { channel: 'pigeon' })].join('\n'), { code: 'UNKNOWN_CHANNEL', message: 'pigeon.csv line 3 (row 2), column channel_id: "pigeon" is not a channel' }],
  ['an unknown subscriber', 'ghost.csv', () => [feedbackHeader, line(2, { subscriberId: 99_999 })].join('\n'), { code: 'UNKNOWN_SUBSCRIBER', message: 'ghost.csv line 2 (row 1), column subscriber_id: subscriber 99999 does not exist' }],
  ['one id twice with different payloads', 'twice.csv', () => [feedbackHeader, line(2), line(3), line(2, { outcome: 'refused' })].join('\n'), { code: 'EVENT_ID_CONFLICT', message: 'twice.csv line 4 (row 3), column event_id: event id "ob-2" is repeated with another payload than line 2 (outcome refused not delivered)' }],
  ['a file that is not CSV', 'events.json', () => '[]', { code: 'FEEDBACK_FILE_INVALID', message: 'events.json: a feedback file is CSV' }],
  ['semicolon-separated columns', 'semicolons.csv', () => [feedbackHeader.replace(/,/g, ';'), line(2).replace(/,/g, ';')].join('\n'), { code: 'FEEDBACK_FILE_INVALID', message: 'the columns are not separated by commas' }],
];

describe('bad feedback files', () => {
  it.each(files)('refuses %s', async (_name, name, text, expected) => {
    const before = await stored();
    const error = await importFeedbackFile(store, { file: csvFile(name, [text()]) }).then(
      () => null,
      (e: Error & { code: string; status: number; field: string }) => e,
    );
    expect(error).not.toBeNull();
    expect(error!.code).toBe(expected.code);
    expect(error!.status).toBeGreaterThanOrEqual(400);
    expect(error!.status).toBeLessThan(500);
    expect(error!.field).toBe('file');
    expect(error!.message).toContain(expected.message);
    expect(await stored()).toEqual(before);
  });

  it('refuses an upload whose rows name another channel than the key\'s, with nothing stored', async () => {
    const before = await stored();
    const res = await upload('app-rows.csv', [feedbackHeader, line(2), line(3, { channel: 'app' })].join('\n'));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'WRONG_CHANNEL', field: 'file' });
    expect(res.body.message).toContain('app-rows.csv line 3 (row 2), column channel_id: "app" is not the channel of this key (outbound)');
    expect(await stored()).toEqual(before);
  });

  it('takes a good upload once: the same bytes again are a no-op', async () => {
    const text = [feedbackHeader, line(50), line(51, { outcome: 'accepted' })].join('\n');
    const first = await upload('good.csv', text);
    expect(first).toMatchObject({ status: 200, body: { duplicate: false, rows: 2, recorded: 2 } });
    const again = await upload('good.csv', text);
    expect(again).toMatchObject({ status: 200, body: { duplicate: true, rows: 0, recorded: 0, batchId: first.body.batchId } });
  });
});
