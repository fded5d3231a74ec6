// Feedback files from channel systems (through CRM or an upload): a CSV of outcome events,
// imported all or nothing. The same bytes twice change nothing (import_batches, kind 'feedback');
// events already stored with the same payload are skipped, a changed one refuses the whole file.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { publishContacts, type ContactFact } from '../policy/contacts.ts';
import { InvalidInput } from '../store/errors.ts';
import type { ConnectionDb, Db, Store } from '../store/store.ts';
import {
  FeedbackRejected,
  dropFeedbackStage,
  eventIdPattern,
  feedbackOutcomes,
  feedbackStage,
  loadStagedFeedback,
  serializedFeedback,
  stagedFeedbackProblems,
  stageColumns,
  stageStoredEvents,
  type FeedbackProblem,
} from './feedback.ts';
import type { KindSpec } from './kinds.ts';
import { csvStructureProblems, headerProblems, merge, rejectScansTable, rejectsTable, stageTable, valueProblems, valueSql, type Found, type Problem } from './problems.ts';

export const feedbackFileKind = 'feedback';

export const FeedbackFileReceipt = Type.Object({
  /** True when this exact file was imported before: nothing changed. */
  duplicate: Type.Boolean(),
  rows: Type.Integer(),
  /** Events stored by this import (rows less those already stored with the same payload). */
  recorded: Type.Integer(),
  batchId: Type.Union([Type.Integer(), Type.Null()]),
});
export type FeedbackFileReceipt = Static<typeof FeedbackFileReceipt>;

export interface FeedbackFileRequest {
  file: string;
  /** The name messages and the import history show; default the file's base name. */
  fileName?: string;
  /** The channel system that sent it (an upload with a channel key): every row must be its. */
  channelId?: string;
}

/** The file's columns, checked by the import's value finders (problems.ts). */
const spec: KindSpec = {
  source: 'CRM',
  table: 'feedback_events',
  description: 'Outcome events reported by a channel system',
  unique: [],
  columns: [
    { name: 'event_id', type: 'text', required: true, pattern: { regex: eventIdPattern.source.slice(1, -1), meaning: 'an event id (1–64 of A-Z a-z 0-9 . _ : -, starting with a letter or digit)' } },
    { name: 'subscriber_id', type: 'integer', required: true, min: 1 },
    { name: 'campaign_id', type: 'integer', required: true, min: 1 },
    { name: 'offer_id', type: 'text', required: true },
    { name: 'channel_id', type: 'text', required: true },
    { name: 'outcome', type: 'code', required: true, values: [...feedbackOutcomes] },
    { name: 'event_time', type: 'timestamp', required: true },
    { name: 'decision_id', type: 'text', required: false, pattern: { regex: eventIdPattern.source.slice(1, -1), meaning: 'a decision id (1–64 of A-Z a-z 0-9 . _ : -)' } },
  ],
};

const problemLimit = 10;
/** A naive timestamp as problems.ts accepts it. */
const timestampPattern = '[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?';

function invalid(message: string, details: Record<string, unknown> = {}, code = 'FEEDBACK_FILE_INVALID'): InvalidInput {
  return new InvalidInput(message, { code, field: 'file', details });
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The header: the first line, comma-separated, quotes and a UTF-8 BOM removed. */
function csvHeader(file: string, name: string): string[] {
  const chunk = Buffer.alloc(64 * 1024);
  const fd = fs.openSync(file, 'r');
  let bytes: number;
  try {
    bytes = fs.readSync(fd, chunk, 0, chunk.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  const text = chunk.subarray(0, bytes).toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim() === '') throw invalid(`${name} is empty: its first line must name the columns ${stageColumns.join(', ')}. Nothing was imported.`);
  const end = text.search(/\r|\n/);
  if (end < 0 && bytes === chunk.length) throw invalid(`${name} line 1 (header): the first line is longer than 64 KiB; is this a CSV file? Nothing was imported.`);
  const line = end < 0 ? text : text.slice(0, end);
  if (!line.includes(',') && /[;\t|]/.test(line)) throw invalid(`${name} line 1 (header): the columns are not separated by commas. Nothing was imported.`);
  return line.split(',').map((f) => f.trim().replace(/^"(.*)"$/, '$1'));
}

async function findBatch(db: Db, sha256: string): Promise<number | undefined> {
  const row = await db.one<{ batch_id: number }>('SELECT batch_id FROM import_batches WHERE kind = $kind AND file_sha256 = $sha256', { kind: feedbackFileKind, sha256 });
  return row?.batch_id;
}

function where(p: { row: number | null; line?: number }): string {
  return p.row === null ? 'line 1 (header)' : `line ${p.row + 1} (row ${p.row})`;
}

function fileRejection(name: string, found: Found): InvalidInput {
  const first = found.problems[0]!;
  const others = Math.max(found.total, found.problems.length) - 1;
  const more = others > 0 ? ` (and ${others.toLocaleString('en')} more problem${others > 1 ? 's' : ''})` : '';
  return invalid(`${name} ${where(first)}${first.column ? `, column ${first.column}` : ''}: ${first.reason}${more}. Nothing was imported.`, {
    file: name,
    problems: found.problems,
    total: Math.max(found.total, found.problems.length),
  });
}

function semanticRejection(name: string, problems: FeedbackProblem[], total: number): FeedbackRejected {
  const first = problems[0]!;
  const more = total > 1 ? ` (and ${(total - 1).toLocaleString('en')} more problem${total > 2 ? 's' : ''})` : '';
  return new FeedbackRejected(first.code, `${name} ${where(first)}, column ${first.column}: ${first.reason}${more}. Nothing was imported.`, 'file', {
    file: name,
    line: first.row + 1,
    problems: problems.map((p) => ({ ...p, line: p.row + 1 })),
    total,
  });
}

/** The trimmed text of a column, NULL when empty or when the file has no such column. */
const text = (columns: string[], name: string) => (columns.includes(name) ? valueSql(name) : 'NULL');

/**
 * True for a row with a value its column's rules refuse — the same rules valueProblems applies,
 * so that the fast path (one typed pass) and the slow path (finding the words for the problem) agree.
 */
function badRowSql(): string {
  const integer = (v: string) =>
    `${v} IS NULL OR NOT regexp_full_match(${v}, '[+-]?[0-9]+') OR TRY_CAST(${v} AS BIGINT) IS NULL OR TRY_CAST(${v} AS BIGINT) NOT BETWEEN 1 AND 2147483647`;
  return `(t_event_id IS NULL OR NOT regexp_full_match(t_event_id, $idPattern)
    OR ${integer('t_subscriber_id')} OR ${integer('t_campaign_id')} OR t_offer_id IS NULL OR t_channel_id IS NULL
    OR t_outcome IS NULL OR NOT list_contains($outcomes, t_outcome)
    OR t_event_time IS NULL OR NOT regexp_full_match(t_event_time, $timePattern) OR TRY_CAST(t_event_time AS TIMESTAMP) IS NULL
    OR (t_decision_id IS NOT NULL AND NOT regexp_full_match(t_decision_id, $idPattern)))`;
}

/**
 * Reads the file in one pass into the typed feedback stage, marking rows with a bad value. Only
 * when some row is bad is the file read again as text to name the problems (problems.ts).
 */
async function stage(c: ConnectionDb, file: string, name: string, columns: string[]): Promise<number> {
  await c.run(`DROP TABLE IF EXISTS ${rejectsTable}`);
  await c.run(`DROP TABLE IF EXISTS ${rejectScansTable}`);
  // column names come from the spec (the header was matched against it), never from the file
  const source = `read_csv($file,
       header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
       columns = {${columns.map((n) => `'${n}': 'VARCHAR'`).join(', ')}},
       store_rejects = true, rejects_table = '${rejectsTable}', rejects_scan = '${rejectScansTable}')`;
  const texts = stageColumns.map((n) => `${text(columns, n)} AS t_${n}`).join(', ');
  try {
    await c.run(
      `CREATE OR REPLACE TEMP TABLE ${feedbackStage} AS
       SELECT t_event_id AS event_id, TRY_CAST(t_subscriber_id AS INTEGER) AS subscriber_id, TRY_CAST(t_campaign_id AS INTEGER) AS campaign_id,
         t_offer_id AS offer_id, t_channel_id AS channel_id, t_outcome AS outcome, TRY_CAST(t_event_time AS TIMESTAMP) AS event_time,
         t_decision_id AS decision_id, ${badRowSql()} AS bad
       FROM (SELECT ${texts} FROM ${source})`,
      { file, idPattern: spec.columns[0]!.pattern!.regex, outcomes: [...feedbackOutcomes], timePattern: timestampPattern },
    );
  } catch (error) {
    const reason = ((error as Error).message ?? '').split('\n')[0]!.split(file).join(name);
    throw invalid(`${name} could not be read as CSV (${reason}). Nothing was imported.`);
  }
  const broken = await csvStructureProblems(c, columns.length, problemLimit);
  if (broken.total > 0) throw fileRejection(name, broken);
  const counts = await c.one<{ rows: number; bad: number }>(`SELECT count(*) AS rows, count(*) FILTER (WHERE bad) AS bad FROM ${feedbackStage}`);
  if ((counts?.bad ?? 0) > 0) {
    await c.run(`CREATE OR REPLACE TEMP TABLE ${stageTable} AS SELECT * FROM ${source}`, { file });
    const values = await valueProblems(c, spec, columns, 'csv', problemLimit);
    if (values.total > 0) throw fileRejection(name, merge([values], problemLimit));
    throw invalid(`${name}: ${counts!.bad} rows have values that cannot be read. Nothing was imported.`);
  }
  return counts?.rows ?? 0;
}

/**
 * Imports a feedback CSV (columns event_id, subscriber_id, campaign_id, offer_id, channel_id,
 * outcome, event_time; optionally decision_id) all or nothing, and resolves after the commit. A bad file throws an error
 * naming its line, column and reason; a file imported before returns { duplicate: true }.
 */
export async function importFeedbackFile(store: Store, request: FeedbackFileRequest): Promise<FeedbackFileReceipt> {
  const { file } = request;
  const name = request.fileName ?? path.basename(file);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw invalid(`The file ${file} does not exist`, { file: name }, 'FEEDBACK_FILE_MISSING');
  if (path.extname(name).toLowerCase() !== '.csv') throw invalid(`${name}: a feedback file is CSV; name it .csv. Nothing was imported.`);
  const sha256 = await sha256Of(file);
  const header = csvHeader(file, name);
  const { columns, problems } = headerProblems(spec, header, 'csv');
  if (problems.length > 0) throw fileRejection(name, { problems: problems.slice(0, problemLimit) as Problem[], total: problems.length });

  return serializedFeedback(store, async () => {
    const earlier = await findBatch(store, sha256);
    if (earlier !== undefined) return { duplicate: true, rows: 0, recorded: 0, batchId: earlier };
    return store.withConnection(async (c) => {
      let facts: ContactFact[] = [];
      let receipt: FeedbackFileReceipt;
      try {
        const rows = await stage(c, file, name, columns);
        await c.run('BEGIN TRANSACTION');
        try {
          await stageStoredEvents(c, null);
          const found = await stagedFeedbackProblems(c, request.channelId ?? null, problemLimit, (row) => `line ${row + 1}`);
          if (found.total > 0) throw semanticRejection(name, found.problems, found.total);
          const batch = await c.one<{ batch_id: number }>(
            `INSERT INTO import_batches (kind, file_name, file_sha256, row_count, source) VALUES ($kind, $name, $sha256, $rows, $source) RETURNING batch_id`,
            { kind: feedbackFileKind, name, sha256, rows, source: request.channelId ?? 'CRM' },
          );
          const loaded = await loadStagedFeedback(c, 'file', batch!.batch_id);
          facts = loaded.facts;
          await c.run('COMMIT');
          receipt = { duplicate: false, rows, recorded: loaded.recorded, batchId: batch!.batch_id };
        } catch (error) {
          await c.run('ROLLBACK').catch(() => undefined);
          throw error;
        }
      } finally {
        await dropFeedbackStage(c);
        for (const t of [stageTable, rejectsTable, rejectScansTable]) await c.run(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
      }
      publishContacts(store, facts);
      return receipt;
    });
  });
}
