// Channel feedback intake: the outcomes channel systems report (delivered … ordered) for a
// subscriber, a campaign's offer and a time, each under the channel's own event id. HTTP batches,
// files (feedback-file.ts) and worklist clicks share one path: stage the events, check them all in
// SQL, store the new ones in one transaction, and only then acknowledge and publish them.
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler, ValueErrorType } from '@sinclair/typebox/compiler';
import { isCalendarDate } from '../campaigns/plan.ts';
import { publishContacts, type ContactFact } from '../policy/contacts.ts';
import { DomainError, InvalidInput } from '../store/errors.ts';
import type { ConnectionDb, Store } from '../store/store.ts';

export const feedbackOutcomes = ['delivered', 'shown', 'not_shown', 'viewed', 'accepted', 'refused', 'ordered', 'failed'] as const;
export type FeedbackOutcome = (typeof feedbackOutcomes)[number];
export type FeedbackSource = 'http' | 'file' | 'worklist';

/** Events one HTTP batch may carry; more is refused whole (send several batches). */
export const maxBatchEvents = 5000;
export const eventIdPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const timePattern = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

export const FeedbackEvent = Type.Object(
  {
    eventId: Type.String({ description: "The channel system's id of the event: 1–64 of A-Z a-z 0-9 . _ : -, starting with a letter or digit; unique per channel" }),
    subscriberId: Type.Integer({ minimum: 1 }),
    campaignId: Type.Integer({ minimum: 1 }),
    offerId: Type.String({ description: "One of the campaign's offers (a product id)" }),
    channel: Type.String({ description: 'The reporting channel: the one the X-Channel-Key speaks for' }),
    outcome: Type.String({ description: feedbackOutcomes.join(', ') }),
    at: Type.String({ description: "When it happened, operator-local 'YYYY-MM-DD HH:MM:SS'" }),
  },
  { additionalProperties: false },
);
export type FeedbackEvent = Static<typeof FeedbackEvent>;

export const FeedbackBatch = Type.Object({ events: Type.Array(FeedbackEvent, { description: `1 to ${maxBatchEvents} events` }) }, { additionalProperties: false });
export type FeedbackBatch = Static<typeof FeedbackBatch>;

export const FeedbackReceipt = Type.Object({
  received: Type.Integer(),
  /** Events stored by this call. */
  recorded: Type.Integer(),
  /** Events already stored with the same payload (a retry): not stored again. */
  duplicates: Type.Integer(),
});
export type FeedbackReceipt = Static<typeof FeedbackReceipt>;

/** A refused batch or file: the code names the first problem (EVENT_ID_CONFLICT, UNKNOWN_SUBSCRIBER …). */
export class FeedbackRejected extends DomainError {
  constructor(code: string, message: string, field: string, details: Record<string, unknown> = {}) {
    super(code, conflictCodes.has(code) ? 409 : code === 'BATCH_TOO_LARGE' ? 413 : 400, message, { field, details });
  }
}
const conflictCodes = new Set(['EVENT_ID_CONFLICT', 'CAMPAIGN_NOT_RUNNING']);

/** The columns of a staged event, as a feedback file names them. */
export const stageColumns = ['event_id', 'subscriber_id', 'campaign_id', 'offer_id', 'channel_id', 'outcome', 'event_time'] as const;
export type StageColumn = (typeof stageColumns)[number];
/** The same columns as an HTTP event names them. */
export const eventFields: Record<StageColumn, keyof FeedbackEvent> = {
  event_id: 'eventId',
  subscriber_id: 'subscriberId',
  campaign_id: 'campaignId',
  offer_id: 'offerId',
  channel_id: 'channel',
  outcome: 'outcome',
  event_time: 'at',
};

export interface FeedbackProblem {
  /** 1-based position of the event in the batch (the data row of a file). */
  row: number;
  column: StageColumn;
  code: string;
  reason: string;
}

/** The typed staging table of one intake, on the intake's own connection. */
export const feedbackStage = 'feedback_stage';
const newEvents = 'feedback_new';

// One intake at a time per database: two batches carrying the same event id must not both see it
// as new. The server is the one process that owns the file, so an in-process queue is enough.
const queues = new WeakMap<Store, Promise<unknown>>();

export function serializedFeedback<T>(store: Store, work: () => Promise<T>): Promise<T> {
  const before = queues.get(store) ?? Promise.resolve();
  const result = before.then(work, work);
  queues.set(store, result.catch(() => undefined));
  return result;
}

const validateBatch = TypeCompiler.Compile(FeedbackBatch);

/** '/events/3/subscriberId' → 'events[3].subscriberId' */
function fieldOfPath(path: string): string {
  return path
    .split('/')
    .filter(Boolean)
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return JSON.stringify(text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

/** The batch's shape: every field present with its JSON type, nothing else. No coercion ("12" is not a number). */
function checkShape(body: unknown): asserts body is FeedbackBatch {
  if (validateBatch.Check(body)) return;
  const error = validateBatch.Errors(body).First()!;
  const field = fieldOfPath(error.path) || 'body';
  if (error.type === ValueErrorType.ObjectAdditionalProperties) {
    throw new InvalidInput(`${field} is not a field of a feedback event; the fields are ${Object.keys(FeedbackEvent.properties).join(', ')}`, { field, code: 'UNKNOWN_FIELD' });
  }
  const missing = error.value === undefined;
  const reason = missing ? 'is required' : `${error.message.toLowerCase()}, got ${shown(error.value)}`;
  throw new InvalidInput(`${field} ${reason}`, { field, code: missing ? 'MISSING_FIELD' : 'WRONG_TYPE' });
}

/** 'YYYY-MM-DD HH:MM:SS' (or with a T) that names a real moment; null when it does not. */
export function feedbackTime(text: string): string | null {
  const m = timePattern.exec(text);
  if (!m || !isCalendarDate(m[1]!) || Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4]) > 59) return null;
  return `${m[1]} ${m[2]}:${m[3]}:${m[4]}`;
}

/** The per-event rules that need no database: id form, outcome, the caller's channel, the time. */
function eventProblem(e: FeedbackEvent, i: number, channelId: string): FeedbackRejected | null {
  const at = (name: keyof FeedbackEvent) => `events[${i}].${name}`;
  if (!eventIdPattern.test(e.eventId)) {
    return new FeedbackRejected('MALFORMED_EVENT_ID', `${at('eventId')}: ${shown(e.eventId)} is not an event id (1–64 of A-Z a-z 0-9 . _ : -, starting with a letter or digit)`, at('eventId'));
  }
  if (!(feedbackOutcomes as readonly string[]).includes(e.outcome)) {
    return new FeedbackRejected('UNKNOWN_OUTCOME', `${at('outcome')}: ${shown(e.outcome)} is not one of ${feedbackOutcomes.join(', ')}`, at('outcome'));
  }
  if (e.channel !== channelId) {
    return new FeedbackRejected('WRONG_CHANNEL', `${at('channel')}: ${shown(e.channel)} is not the channel of this key (${channelId}); a channel system reports its own events`, at('channel'));
  }
  if (feedbackTime(e.at) === null) {
    return new FeedbackRejected('BAD_TIME', `${at('at')}: ${shown(e.at)} is not a time YYYY-MM-DD HH:MM:SS (operator-local)`, at('at'));
  }
  return null;
}

/**
 * Records an HTTP batch from the channel system `channelId`: checked whole first (shape, size,
 * ids, outcomes, channel, times, then subscribers, campaigns, offers and event-id conflicts in
 * SQL), stored in one transaction; resolves only after the commit. A refused batch changes nothing.
 */
export async function recordFeedbackBatch(store: Store, channelId: string, body: unknown, source: FeedbackSource = 'http'): Promise<FeedbackReceipt> {
  checkShape(body);
  const events = body.events;
  if (events.length === 0) throw new FeedbackRejected('EMPTY_BATCH', 'events: the batch is empty; send 1 to 5000 events', 'events');
  if (events.length > maxBatchEvents) {
    throw new FeedbackRejected('BATCH_TOO_LARGE', `events: ${events.length} events is more than the ${maxBatchEvents} a batch may carry; split it`, 'events', { limit: maxBatchEvents });
  }
  for (let i = 0; i < events.length; i++) {
    const problem = eventProblem(events[i]!, i, channelId);
    if (problem) throw problem;
  }
  return serializedFeedback(store, () =>
    store.withConnection(async (c) => {
      await c.run('BEGIN TRANSACTION');
      let facts: ContactFact[];
      let recorded: number;
      try {
        await stageEvents(c, events);
        const found = await stagedFeedbackProblems(c, channelId, 1, (row) => `events[${row - 1}]`);
        if (found.problems.length > 0) throw batchRejection(found.problems[0]!, found.total, events);
        ({ recorded, facts } = await loadStagedFeedback(c, source, null));
        await c.run('COMMIT');
      } catch (error) {
        await c.run('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        await dropFeedbackStage(c);
      }
      publishContacts(store, facts);
      return { received: events.length, recorded, duplicates: events.length - recorded };
    }),
  );
}

function batchRejection(p: FeedbackProblem, total: number, events: FeedbackEvent[]): FeedbackRejected {
  const field = `events[${p.row - 1}].${eventFields[p.column]}`;
  const more = total > 1 ? ` (and ${total - 1} more problem${total > 2 ? 's' : ''})` : '';
  return new FeedbackRejected(p.code, `${field}: ${p.reason}${more}. Nothing was recorded.`, field, {
    eventId: events[p.row - 1]?.eventId,
    total,
  });
}

/** Puts checked events in the typed staging table, in batch order. */
async function stageEvents(c: ConnectionDb, events: FeedbackEvent[]): Promise<void> {
  await c.run(
    `CREATE OR REPLACE TEMP TABLE ${feedbackStage} AS
     SELECT CAST(unnest(range(1, $n + 1)) AS INTEGER) AS row, unnest($eventIds) AS event_id,
       CAST(unnest($subscribers) AS INTEGER) AS subscriber_id, CAST(unnest($campaigns) AS INTEGER) AS campaign_id,
       unnest($offers) AS offer_id, unnest($channels) AS channel_id, unnest($outcomes) AS outcome,
       CAST(unnest($times) AS TIMESTAMP) AS event_time`,
    {
      n: events.length,
      eventIds: events.map((e) => e.eventId),
      subscribers: events.map((e) => e.subscriberId),
      campaigns: events.map((e) => e.campaignId),
      offers: events.map((e) => e.offerId),
      channels: events.map((e) => e.channel),
      outcomes: events.map((e) => e.outcome),
      times: events.map((e) => feedbackTime(e.at)!),
    },
  );
}

export async function dropFeedbackStage(c: ConnectionDb): Promise<void> {
  for (const t of [feedbackStage, newEvents]) await c.run(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
}

/** Minutes a reported time may run ahead of the server's clock (channel clocks drift). */
const clockSlackMinutes = 10;

const payloadDiff = (a: string, b: string) => `concat_ws(', ',
  CASE WHEN ${a}.subscriber_id <> ${b}.subscriber_id THEN 'subscriber ' || ${a}.subscriber_id || ' not ' || ${b}.subscriber_id END,
  CASE WHEN ${a}.campaign_id <> ${b}.campaign_id THEN 'campaign ' || ${a}.campaign_id || ' not ' || ${b}.campaign_id END,
  CASE WHEN ${a}.offer_id <> ${b}.offer_id THEN 'offer ' || ${a}.offer_id || ' not ' || ${b}.offer_id END,
  CASE WHEN ${a}.outcome <> ${b}.outcome THEN 'outcome ' || ${a}.outcome || ' not ' || ${b}.outcome END,
  CASE WHEN ${a}.event_time <> ${b}.event_time THEN 'time ' || strftime(${a}.event_time, '%Y-%m-%d %H:%M:%S') || ' not ' || strftime(${b}.event_time, '%Y-%m-%d %H:%M:%S') END)`;

/**
 * What is wrong with the staged events, in batch order (the first `limit`) and how many problems
 * there are: unknown channel, another channel than the caller's, unknown subscriber or campaign, a
 * campaign not running, an offer not the campaign's, a time in the future, and an event id given
 * twice with different payloads — within the batch or against what is stored.
 */
export async function stagedFeedbackProblems(
  c: ConnectionDb,
  callerChannel: string | null,
  limit: number,
  rowName: (row: number) => string,
): Promise<{ problems: FeedbackProblem[]; total: number }> {
  const rows = await c.query<ProblemRow & { total: number }>(
    `WITH s AS (SELECT * FROM ${feedbackStage}),
     camp AS (SELECT campaign_id, status FROM campaigns),
     offers AS (
       SELECT campaign_id, unnest(CAST(json_extract_string(plan, '$.offers[*].productId') AS VARCHAR[])) AS offer_id FROM campaigns
     ),
     firsts AS (
       SELECT * FROM s QUALIFY row_number() OVER (PARTITION BY channel_id, event_id ORDER BY row) = 1
     ),
     found AS (
       SELECT row, 'channel_id' AS col, 'UNKNOWN_CHANNEL' AS code, channel_id AS value, NULL AS other, NULL AS other_row FROM s
         WHERE channel_id NOT IN (SELECT channel_id FROM channels)
       UNION ALL SELECT row, 'channel_id', 'WRONG_CHANNEL', channel_id, $caller, NULL FROM s
         WHERE $caller IS NOT NULL AND channel_id <> $caller AND channel_id IN (SELECT channel_id FROM channels)
       UNION ALL SELECT row, 'subscriber_id', 'UNKNOWN_SUBSCRIBER', CAST(subscriber_id AS VARCHAR), NULL, NULL FROM s
         WHERE subscriber_id NOT IN (SELECT subscriber_id FROM subscribers)
       UNION ALL SELECT row, 'campaign_id', 'UNKNOWN_CAMPAIGN', CAST(campaign_id AS VARCHAR), NULL, NULL FROM s
         WHERE campaign_id NOT IN (SELECT campaign_id FROM camp)
       UNION ALL SELECT s.row, 'campaign_id', 'CAMPAIGN_NOT_RUNNING', CAST(s.campaign_id AS VARCHAR), camp.status, NULL FROM s JOIN camp USING (campaign_id)
         WHERE camp.status NOT IN ('running', 'paused', 'finished')
       UNION ALL SELECT s.row, 'offer_id', 'UNKNOWN_OFFER', s.offer_id, CAST(s.campaign_id AS VARCHAR), NULL FROM s JOIN camp USING (campaign_id)
         WHERE NOT EXISTS (SELECT 1 FROM offers o WHERE o.campaign_id = s.campaign_id AND o.offer_id = s.offer_id)
       UNION ALL SELECT row, 'event_time', 'FUTURE_TIME', strftime(event_time, '%Y-%m-%d %H:%M:%S'), NULL, NULL FROM s
         WHERE event_time > current_localtimestamp() + INTERVAL ${clockSlackMinutes} MINUTE
       UNION ALL SELECT s.row, 'event_id', 'EVENT_ID_CONFLICT', s.event_id, ${payloadDiff('s', 'f')}, f.row
         FROM s JOIN firsts f ON f.channel_id = s.channel_id AND f.event_id = s.event_id AND f.row < s.row
         WHERE ${payloadDiff('s', 'f')} <> ''
       UNION ALL SELECT s.row, 'event_id', 'EVENT_ID_CONFLICT', s.event_id, ${payloadDiff('s', 'e')}, NULL
         FROM s JOIN feedback_events e ON e.channel_id = s.channel_id AND e.event_id = s.event_id
         WHERE ${payloadDiff('s', 'e')} <> ''
     )
     SELECT row, col, code, value, other, other_row, count(*) OVER () AS total FROM found ORDER BY row, col LIMIT $limit`,
    { caller: callerChannel, limit },
  );
  return { problems: rows.map((r) => describeProblem(r, rowName)), total: rows[0]?.total ?? 0 };
}

interface ProblemRow {
  row: number;
  col: StageColumn;
  code: string;
  value: string;
  other: string | null;
  other_row: number | null;
}

function describeProblem(r: ProblemRow, rowName: (row: number) => string): FeedbackProblem {
  const v = shown(r.value);
  const reason = ((): string => {
    switch (r.code) {
      case 'UNKNOWN_CHANNEL':
        return `${v} is not a channel (see GET /api/channels)`;
      case 'WRONG_CHANNEL':
        return `${v} is not the channel of this key (${r.other}); a channel system reports its own events`;
      case 'UNKNOWN_SUBSCRIBER':
        return `subscriber ${r.value} does not exist`;
      case 'UNKNOWN_CAMPAIGN':
        return `campaign ${r.value} does not exist`;
      case 'CAMPAIGN_NOT_RUNNING':
        return `campaign ${r.value} is ${r.other}; feedback is taken while a campaign runs, is paused or has just finished`;
      case 'UNKNOWN_OFFER':
        return `${v} is not an offer of campaign ${r.other}`;
      case 'FUTURE_TIME':
        return `${v} is in the future (more than ${clockSlackMinutes} minutes ahead of the server's clock)`;
      case 'EVENT_ID_CONFLICT':
        return r.other_row === null
          ? `event id ${v} was already recorded with another payload (${r.other}); an event id names one event`
          : `event id ${v} is repeated with another payload than ${rowName(r.other_row)} (${r.other}); an event id names one event`;
      default:
        return `${v} is not valid`;
    }
  })();
  return { row: r.row, column: r.col, code: r.code, reason };
}

/**
 * Stores the staged events not stored yet (the first of identical repeats) in feedback_events and,
 * for the campaign report, contact_events — all but not_shown, which is no contact. Runs inside
 * the caller's transaction; returns the new events as contact facts to publish after the commit.
 */
export async function loadStagedFeedback(c: ConnectionDb, source: FeedbackSource, batchId: number | null): Promise<{ recorded: number; facts: ContactFact[] }> {
  await c.run(
    `CREATE OR REPLACE TEMP TABLE ${newEvents} AS
     SELECT s.* FROM ${feedbackStage} s
     WHERE NOT EXISTS (SELECT 1 FROM feedback_events e WHERE e.channel_id = s.channel_id AND e.event_id = s.event_id)
     QUALIFY row_number() OVER (PARTITION BY s.channel_id, s.event_id ORDER BY s.row) = 1`,
  );
  await c.run(
    `INSERT INTO feedback_events (channel_id, event_id, subscriber_id, campaign_id, offer_id, outcome, event_time, source, batch_id)
     SELECT channel_id, event_id, subscriber_id, campaign_id, offer_id, outcome, event_time, $source, $batchId FROM ${newEvents}`,
    { source, batchId },
  );
  // the report counts accepted and refused as reached, anything else as attempted
  await c.run(
    `INSERT INTO contact_events (subscriber_id, event_time, channel_id, event_type, business, outcome, campaign_id, note, batch_id)
     SELECT subscriber_id, event_time, channel_id, 'marketing', offer_id,
       CAST(CASE outcome WHEN 'accepted' THEN 'accepted' WHEN 'ordered' THEN 'accepted' WHEN 'refused' THEN 'refused'
         WHEN 'failed' THEN 'no_answer' ELSE 'completed' END AS contact_outcome),
       CAST(campaign_id AS VARCHAR), 'feedback ' || outcome || ' ' || event_id, $batchId
     FROM ${newEvents} WHERE outcome <> 'not_shown'`,
    { batchId },
  );
  const [subscribers, channels, times, outcomes, campaigns, offers, ids] = await c.columns(
    `SELECT subscriber_id, channel_id, strftime(event_time, '%Y-%m-%d %H:%M:%S'), outcome, campaign_id, offer_id, event_id
     FROM ${newEvents} ORDER BY row`,
  );
  const facts: ContactFact[] = new Array(subscribers!.length);
  for (let i = 0; i < facts.length; i++) {
    facts[i] = {
      subscriberId: subscribers![i] as number,
      channelId: channels![i] as string,
      at: times![i] as string,
      outcome: outcomes![i] as FeedbackOutcome,
      campaignId: campaigns![i] as number,
      offerId: offers![i] as string,
      eventId: ids![i] as string,
    };
  }
  return { recorded: facts.length, facts };
}
