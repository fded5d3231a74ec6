// Channel feedback intake: the outcomes channel systems report (delivered … ordered) for a
// subscriber, a campaign's offer and a time, each under the channel's own event id. HTTP batches,
// files (feedback-file.ts) and worklist clicks share one path: stage the events, check them all in
// SQL, store the new ones in one transaction, and only then acknowledge and publish them.
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler, ValueErrorType } from '@sinclair/typebox/compiler';
import { isCalendarDate } from '../store/dates.ts';
import { publishContacts, type ContactFact } from '../policy/contacts.ts';
import { DomainError, fieldOfPointer, InvalidInput } from '../store/errors.ts';
import { listValue } from '@duckdb/node-api';
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
    decisionId: Type.Optional(
      Type.Union([Type.String(), Type.Null()], { description: 'The id POST /api/decide answered with, when the event reports on a real-time offer: its reservation is then confirmed or released' }),
    ),
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
export const stageColumns = ['event_id', 'subscriber_id', 'campaign_id', 'offer_id', 'channel_id', 'outcome', 'event_time', 'decision_id'] as const;
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
  decision_id: 'decisionId',
};

export interface FeedbackProblem {
  /** 1-based position of the event in the batch (the data row of a file). */
  row: number;
  column: StageColumn;
  code: string;
  reason: string;
}

/**
 * The typed staging table of one intake, on the intake's own connection: the columns of
 * stageColumns, in batch (file) order, so that rowid + 1 is an event's position. It is made
 * outside the intake's transaction: rows a transaction adds have provisional rowids until it commits.
 */
export const feedbackStage = 'feedback_stage';
/** The staged events with their 1-based position as `row`. */
const staged = `(SELECT rowid + 1 AS row, * FROM ${feedbackStage})`;
const newEvents = 'feedback_new';
/** The stored events that share a key with a staged one. */
const storedEvents = 'feedback_stored';
/** feedback_events.event_key of a staged row `s`. */
const eventKeySql = (s: string) => `${s}.channel_id || ':' || ${s}.event_id`;

/**
 * Copies the stored events that share a key with the staged ones aside: by an index lookup of
 * their keys for a batch, by one join for a file (whose keys are too many to list).
 */
export async function stageStoredEvents(c: ConnectionDb, keys: string[] | null): Promise<void> {
  if (keys === null) {
    await c.run(
      `CREATE OR REPLACE TEMP TABLE ${storedEvents} AS
       SELECT e.* FROM feedback_events e WHERE e.event_key IN (SELECT ${eventKeySql('s')} FROM ${feedbackStage} s)`,
    );
  } else {
    // one placeholder per key: an IN list of values is what DuckDB answers from the index
    await c.run(
      `CREATE OR REPLACE TEMP TABLE ${storedEvents} AS
       SELECT * FROM feedback_events WHERE event_key IN (${keys.map((_, i) => `$${i + 1}`).join(', ')})`,
      keys,
    );
  }
}

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

function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return JSON.stringify(text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

/** The batch's shape: every field present with its JSON type, nothing else. No coercion ("12" is not a number). */
function checkShape(body: unknown): asserts body is FeedbackBatch {
  if (validateBatch.Check(body)) return;
  const error = validateBatch.Errors(body).First()!;
  const field = fieldOfPointer(error.path) || 'body';
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
  if (e.decisionId != null && !eventIdPattern.test(e.decisionId)) {
    return new FeedbackRejected('MALFORMED_DECISION_ID', `${at('decisionId')}: ${shown(e.decisionId)} is not a decision id (1–64 of A-Z a-z 0-9 . _ : -)`, at('decisionId'));
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
      let facts: ContactFact[];
      let recorded: number;
      try {
        await stageEvents(c, events);
        await c.run('BEGIN TRANSACTION');
        await stageStoredEvents(c, [...new Set(events.map((e) => `${e.channel}:${e.eventId}`))]);
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
     SELECT unnest($eventIds) AS event_id,
       CAST(unnest($subscribers) AS INTEGER) AS subscriber_id, CAST(unnest($campaigns) AS INTEGER) AS campaign_id,
       unnest($offers) AS offer_id, unnest($channels) AS channel_id, unnest($outcomes) AS outcome,
       CAST(unnest($times) AS TIMESTAMP) AS event_time, nullif(unnest($decisions), '') AS decision_id`,
    {
      eventIds: events.map((e) => e.eventId),
      subscribers: events.map((e) => e.subscriberId),
      campaigns: events.map((e) => e.campaignId),
      offers: events.map((e) => e.offerId),
      channels: events.map((e) => e.channel),
      outcomes: events.map((e) => e.outcome),
      times: events.map((e) => feedbackTime(e.at)!),
      decisions: events.map((e) => e.decisionId ?? ''),
    },
  );
}

export async function dropFeedbackStage(c: ConnectionDb): Promise<void> {
  for (const t of [feedbackStage, newEvents, storedEvents]) await c.run(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
}

/** Minutes a reported time may run ahead of the server's clock (channel clocks drift). */
const clockSlackMinutes = 10;

const payloadDiff = (a: string, b: string) => `concat_ws(', ',
  CASE WHEN ${a}.subscriber_id <> ${b}.subscriber_id THEN 'subscriber ' || ${a}.subscriber_id || ' not ' || ${b}.subscriber_id END,
  CASE WHEN ${a}.campaign_id <> ${b}.campaign_id THEN 'campaign ' || ${a}.campaign_id || ' not ' || ${b}.campaign_id END,
  CASE WHEN ${a}.offer_id <> ${b}.offer_id THEN 'offer ' || ${a}.offer_id || ' not ' || ${b}.offer_id END,
  CASE WHEN ${a}.outcome <> ${b}.outcome THEN 'outcome ' || ${a}.outcome || ' not ' || ${b}.outcome END,
  CASE WHEN ${a}.event_time <> ${b}.event_time THEN 'time ' || strftime(${a}.event_time, '%Y-%m-%d %H:%M:%S') || ' not ' || strftime(${b}.event_time, '%Y-%m-%d %H:%M:%S') END,
  CASE WHEN ${a}.decision_id IS DISTINCT FROM ${b}.decision_id THEN 'decision ' || coalesce(${a}.decision_id, 'none') || ' not ' || coalesce(${b}.decision_id, 'none') END)`;

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
    `WITH s AS ${staged},
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
         FROM s JOIN ${storedEvents} e ON e.channel_id = s.channel_id AND e.event_id = s.event_id
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
     SELECT s.* FROM ${staged} s
     WHERE NOT EXISTS (SELECT 1 FROM ${storedEvents} e WHERE e.channel_id = s.channel_id AND e.event_id = s.event_id)
     QUALIFY row_number() OVER (PARTITION BY s.channel_id, s.event_id ORDER BY s.row) = 1`,
  );
  await c.run(
    `INSERT INTO feedback_events (event_key, channel_id, event_id, subscriber_id, campaign_id, offer_id, outcome, event_time, decision_id, source, batch_id)
     SELECT ${eventKeySql(newEvents)}, channel_id, event_id, subscriber_id, campaign_id, offer_id, outcome, event_time, decision_id, $source, $batchId FROM ${newEvents}`,
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
  return { recorded: (await c.one<{ n: number }>(`SELECT count(*) AS n FROM ${newEvents}`))?.n ?? 0, facts: await newFacts(c) };
}

let clock: string[] | undefined;
/** 'HH:MM:SS' of every second of a day, made once: formatting a million times costs more. */
function clockTimes(): string[] {
  if (!clock) {
    const two = (n: number) => String(n).padStart(2, '0');
    clock = Array.from({ length: 86_400 }, (_, s) => `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`);
  }
  return clock;
}

/**
 * The new events as contact facts, in batch order. A file brings a million of them, so the few
 * (channel, campaign, offer) combinations and the outcomes come back as small numbers and the
 * time as epoch seconds, read a column of a chunk at a time.
 */
async function newFacts(c: ConnectionDb): Promise<ContactFact[]> {
  const keys = await c.query<{ channel_id: string; campaign_id: number; offer_id: string }>(
    `SELECT DISTINCT channel_id, campaign_id, offer_id FROM ${newEvents} ORDER BY ALL`,
  );
  if (keys.length === 0) return [];
  const result = await c.connection.run(
    `WITH k AS (SELECT CAST(unnest(range(len($channels))) AS INTEGER) AS k, unnest($channels) AS channel_id,
                  CAST(unnest($campaigns) AS INTEGER) AS campaign_id, unnest($offers) AS offer_id)
     SELECT n.subscriber_id, k.k, CAST(epoch(n.event_time) AS BIGINT) AS at, CAST(list_position($outcomes, n.outcome) - 1 AS INTEGER) AS outcome,
       n.event_id, n.decision_id
     FROM ${newEvents} n JOIN k USING (channel_id, campaign_id, offer_id) ORDER BY n.row`,
    {
      channels: listValue(keys.map((k) => k.channel_id)),
      campaigns: listValue(keys.map((k) => k.campaign_id)),
      offers: listValue(keys.map((k) => k.offer_id)),
      outcomes: listValue([...feedbackOutcomes]),
    },
  );
  const facts: ContactFact[] = [];
  const days = new Map<number, string>();
  for (let i = 0; i < result.chunkCount; i++) {
    const chunk = result.getChunk(i);
    const [subscribers, ks, ats, outcomes, ids, decisions] = [0, 1, 2, 3, 4, 5].map((col) => chunk.getColumnValues(col));
    for (let r = 0; r < chunk.rowCount; r++) {
      const key = keys[ks![r] as number]!;
      const seconds = Number(ats![r]);
      const day = Math.floor(seconds / 86_400);
      let date = days.get(day);
      if (date === undefined) days.set(day, (date = new Date(day * 86_400_000).toISOString().slice(0, 10)));
      const at = `${date} ${clockTimes()[seconds - day * 86_400]}`;
      facts.push({
        subscriberId: subscribers![r] as number,
        channelId: key.channel_id,
        at,
        outcome: feedbackOutcomes[outcomes![r] as number]!,
        campaignId: key.campaign_id,
        offerId: key.offer_id,
        eventId: ids![r] as string,
        decisionId: (decisions![r] as string | null) ?? null,
      });
    }
  }
  return facts;
}
