// Imports one CSV or Parquet file of a kind (BOSS, CRM, VGOP, MIS, IVR) all or nothing: the file is
// staged as text in DuckDB, checked in SQL, and only a clean file is loaded — in one transaction
// with its import_batches row. The same bytes imported twice as the same kind change nothing.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { refreshCustomerFeatures } from '../customers/features.ts';
import { noProgress, type Progress } from '../jobs/jobs.ts';
import { InvalidInput } from '../store/errors.ts';
import { publishContacts, type ContactFact, type ContactOutcome } from '../policy/contacts.ts';
import type { ConnectionDb, Db, SqlValue, Store } from '../store/store.ts';
import { describeImportKinds, featureKinds, importKinds, isImportKind, type ColumnSpec, type ImportKind, type KindSpec } from './kinds.ts';
import {
  csvStructureProblems,
  headerProblems,
  keyProblems,
  merge,
  referenceProblems,
  rejectScansTable,
  rejectsTable,
  stageTable,
  valueProblems,
  valueSql,
  type FileFormat,
  type Found,
  type Problem,
} from './problems.ts';

export { describeImportKinds, importKinds, isImportKind, type ColumnSpec, type ImportKind, type KindSpec } from './kinds.ts';
export type { FileFormat, Problem } from './problems.ts';

export interface ImportRequest {
  kind: ImportKind;
  /** Path of the file to read. */
  file: string;
  /** Default: from the extension (.csv or .parquet). */
  format?: FileFormat;
  /** The name messages and the import history show (an upload's original name); default: the file's base name. */
  fileName?: string;
}

export interface ImportResult {
  /** True when this kind already imported the same bytes: nothing changed. */
  duplicate: boolean;
  /** Rows loaded by this call (0 for a duplicate). */
  rows: number;
  /** The new batch, or for a duplicate the batch that loaded the file before. */
  batchId: number | null;
}

/** Problems listed in an error's details; the message states the first. */
const problemLimit = 10;

// Shares of the progress bar per phase.
const phases = { checksum: [0, 0.1], read: [0.1, 0.45], check: [0.45, 0.6], load: [0.6, 0.9], features: [0.9, 1] } as const;

function invalid(message: string, details: Record<string, unknown> = {}, code = 'IMPORT_INVALID'): InvalidInput {
  return new InvalidInput(message, { code, field: 'file', details });
}

function formatOf(file: string, name: string, format?: FileFormat): FileFormat {
  if (format) return format;
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.parquet') return 'parquet';
  throw invalid(`${name}: cannot tell the format from the extension "${ext}"; name the file .csv or .parquet, or give the format`);
}

async function sha256Of(file: string, report: (fraction: number) => void): Promise<string> {
  const size = fs.statSync(file).size;
  const hash = createHash('sha256');
  let read = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    read += (chunk as Buffer).length;
    report(size > 0 ? read / size : 1);
  }
  return hash.digest('hex');
}

/** The header of a CSV file: its first record, RFC 4180 quoting, UTF-8 (a BOM is skipped). */
function csvHeader(file: string, name: string): string[] {
  const chunk = Buffer.alloc(1 << 20);
  const fd = fs.openSync(file, 'r');
  let bytes: number;
  try {
    bytes = fs.readSync(fd, chunk, 0, chunk.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  // only the header is decoded here; DuckDB checks the encoding of the rows
  const text = new TextDecoder('utf-8').decode(chunk.subarray(0, bytes), { stream: true });
  if (text.trim() === '') throw invalid(`${name} is empty: its first line must name the columns. Nothing was imported.`);
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  let ended = false;
  for (let i = 0; i < text.length && !ended; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      ended = true;
    } else {
      field += ch;
    }
  }
  if (!ended && bytes === chunk.length) {
    throw invalid(`${name} line 1 (header): the first line is longer than 1 MiB; is this a CSV file? Nothing was imported.`);
  }
  fields.push(field);
  if (fields.some((f) => f.includes('\uFFFD'))) {
    throw invalid(`${name} line 1 (header): is not UTF-8 text; save the file as UTF-8. Nothing was imported.`);
  }
  if (fields.length === 1 && /[;\t|]/.test(fields[0])) {
    throw invalid(`${name} line 1 (header): the columns are not separated by commas. Nothing was imported.`);
  }
  return fields;
}

/** DuckDB's reason without the SQL it quotes or the server's path of the file. */
function readError(error: unknown, file: string, name: string): string {
  return ((error as Error).message ?? '').split('\n')[0].split(file).join(name);
}

async function parquetHeader(db: Db, file: string, name: string): Promise<string[]> {
  try {
    const rows = await db.query<{ column_name: string }>('DESCRIBE SELECT * FROM read_parquet($file)', { file });
    return rows.map((r) => r.column_name);
  } catch (error) {
    throw invalid(`${name} could not be read as Parquet (${readError(error, file, name)}). Nothing was imported.`);
  }
}

/** Runs a long statement while reporting DuckDB's own progress of it. */
async function withQueryProgress<T>(c: ConnectionDb, report: (fraction: number) => void, work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => {
    const { percentage } = c.connection.progress;
    if (percentage >= 0) report(Math.min(1, percentage / 100));
  }, 250);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** Reads the whole file into a temp table of text columns named as the spec names them, in file order. */
async function stage(c: ConnectionDb, format: FileFormat, file: string, columns: string[]): Promise<void> {
  // column names come from the spec (the header was matched against it), never from the file
  const quoted = columns.map((n) => `"${n}"`);
  if (format === 'csv') {
    await c.run(`DROP TABLE IF EXISTS ${rejectsTable}`);
    await c.run(`DROP TABLE IF EXISTS ${rejectScansTable}`);
    await c.run(
      `CREATE OR REPLACE TEMP TABLE ${stageTable} AS SELECT * FROM read_csv($file,
         header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
         columns = {${columns.map((n) => `'${n}': 'VARCHAR'`).join(', ')}},
         store_rejects = true, rejects_table = '${rejectsTable}', rejects_scan = '${rejectScansTable}')`,
      { file },
    );
  } else {
    await c.run(
      `CREATE OR REPLACE TEMP TABLE ${stageTable} AS
       SELECT ${quoted.map((q) => `CAST(${q} AS VARCHAR) AS ${q}`).join(', ')} FROM read_parquet($file)`,
      { file },
    );
  }
}

async function dropStage(c: ConnectionDb): Promise<void> {
  for (const t of [stageTable, rejectsTable, rejectScansTable]) await c.run(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
}

async function findBatch(db: Db, kind: ImportKind, sha256: string): Promise<number | undefined> {
  const row = await db.one<{ batch_id: number }>('SELECT batch_id FROM import_batches WHERE kind = $kind AND file_sha256 = $sha256', { kind, sha256 });
  return row?.batch_id;
}

async function hasBatchColumn(db: Db, table: string): Promise<boolean> {
  const row = await db.one<{ n: number }>(
    `SELECT count(*) AS n FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = $table AND column_name = 'batch_id'`,
    { table },
  );
  return (row?.n ?? 0) > 0;
}

/** The staged text of column `c` as the target column's value (the checks made the casts safe). */
function loadSql(c: ColumnSpec, i: number, params: Record<string, SqlValue>): string {
  const v = valueSql(c.name);
  const typed = {
    text: v,
    code: v,
    json: v,
    integer: `CAST(${v} AS BIGINT)`,
    bigint: `CAST(${v} AS BIGINT)`,
    boolean: `CAST(${v} AS BOOLEAN)`,
    date: `CAST(${v} AS DATE)`,
    timestamp: `CAST(${v} AS TIMESTAMP)`,
    code_list: `CAST(${v} AS VARCHAR[])`,
  }[c.type];
  if (c.default === undefined) return typed;
  params[`default${i}`] = c.default;
  return `coalesce(${typed}, $default${i})`;
}

async function load(c: ConnectionDb, spec: KindSpec, columns: string[], batchId: number | null): Promise<void> {
  const byName = new Map(spec.columns.map((x) => [x.name, x]));
  const params: Record<string, SqlValue> = {};
  const targets = columns.map((n) => `"${n}"`);
  const values = columns.map((n, i) => loadSql(byName.get(n)!, i, params));
  if (batchId !== null) {
    targets.push('batch_id');
    values.push('$batchId');
    params.batchId = batchId;
  }
  await c.run(`INSERT INTO "${spec.table}" (${targets.join(', ')}) SELECT ${values.join(', ')} FROM ${stageTable}`, params);
}

/** Everything wrong with the staged rows: values, then keys and references (inside the load's transaction). */
async function stagedProblems(c: ConnectionDb, spec: KindSpec, columns: string[], format: FileFormat, report: (fraction: number) => void): Promise<Found> {
  report(0);
  const values = await valueProblems(c, spec, columns, format, problemLimit);
  report(0.6);
  const keys = await keyProblems(c, spec, columns, format, problemLimit);
  const references = await referenceProblems(c, spec, columns, format, problemLimit);
  report(1);
  return merge([values, keys, references], problemLimit);
}

function rejection(name: string, kind: ImportKind, format: FileFormat, found: Found): InvalidInput {
  const first = found.problems[0];
  const where =
    first.row === null
      ? format === 'csv' ? 'line 1 (header)' : 'header'
      : format === 'csv' && first.line !== undefined ? `line ${first.line} (row ${first.row})` : `row ${first.row}`;
  const column = first.column ? `, column ${first.column}` : '';
  const others = Math.max(found.total, found.problems.length) - 1;
  const more = others > 0 ? ` (and ${others.toLocaleString('en')} more problem${others > 1 ? 's' : ''})` : '';
  return invalid(`${name} ${where}${column}: ${first.reason}${more}. Nothing was imported.`, {
    file: name,
    kind,
    problems: found.problems,
    total: Math.max(found.total, found.problems.length),
  });
}

/**
 * The contact records of an import batch as the facts the contact policy counts: complaints and
 * service contacts as such, marketing contacts with their answer (the business is the offer).
 */
async function importedContacts(db: Db, batchId: number): Promise<ContactFact[]> {
  const rows = await db.query<{ s: number; at: string; c: string; type: string; outcome: string; business: string; campaign: string | null }>(
    `SELECT subscriber_id AS s, strftime(event_time, '%Y-%m-%d %H:%M:%S') AS at, channel_id AS c, CAST(event_type AS VARCHAR) AS type,
       CAST(outcome AS VARCHAR) AS outcome, business, campaign_id AS campaign
     FROM contact_events WHERE batch_id = $batchId`,
    { batchId },
  );
  return rows.map((r) => {
    const marketing = r.type === 'marketing';
    const outcome: ContactOutcome =
      r.type === 'complaint' ? 'complaint' : !marketing ? 'service' : r.outcome === 'accepted' ? 'accepted' : r.outcome === 'refused' ? 'refused' : 'delivered';
    const campaignId = r.campaign !== null && /^\d+$/.test(r.campaign) ? Number(r.campaign) : null;
    return { subscriberId: r.s, channelId: r.c, at: r.at, outcome, campaignId, offerId: marketing ? r.business : null, eventId: null };
  });
}

/**
 * Imports a file of `kind`: validates all of it first, then loads it in one transaction with a
 * new import batch; rebuilds customer features when the kind feeds them. A bad file throws
 * InvalidInput (IMPORT_INVALID) naming the file, row (line), column and reason; nothing changes.
 */
export async function importFile(store: Store, request: ImportRequest, progress: Progress = noProgress, signal?: AbortSignal): Promise<ImportResult> {
  // cancelled, an import stops between its phases; the last check is just before the commit, so a
  // cancelled import leaves nothing behind and the same file can be imported again
  const check = () => signal?.throwIfAborted();
  const { kind, file } = request;
  if (!isImportKind(kind)) {
    throw new InvalidInput(`Unknown import kind "${kind}"; kinds: ${Object.keys(importKinds).join(', ')}`, { field: 'kind' });
  }
  const name = request.fileName ?? path.basename(file);
  if (!fs.existsSync(file)) throw invalid(`The file ${file} does not exist`, { file: name }, 'IMPORT_FILE_MISSING');
  if (!fs.statSync(file).isFile()) throw invalid(`${file} is not a file`, { file: name }, 'IMPORT_FILE_MISSING');
  const format = formatOf(file, name, request.format);
  const phase = (p: keyof typeof phases, message: string) => (fraction: number) =>
    progress(phases[p][0] + (phases[p][1] - phases[p][0]) * fraction, message);

  const sha256 = await sha256Of(file, phase('checksum', 'checksum'));
  const earlier = await findBatch(store, kind, sha256);
  if (earlier !== undefined) return { duplicate: true, rows: 0, batchId: earlier };

  const spec = (await describeImportKinds(store))[kind];
  const header = format === 'csv' ? csvHeader(file, name) : await parquetHeader(store, file, name);
  const { columns, problems } = headerProblems(spec, header, format);
  if (problems.length > 0) throw rejection(name, kind, format, { problems: problems.slice(0, problemLimit), total: problems.length });
  const batched = await hasBatchColumn(store, spec.table);
  check();

  return store.withConnection(async (c) => {
    await c.run('SET enable_progress_bar = true');
    await c.run('SET enable_progress_bar_print = false');
    try {
      phase('read', 'reading')(0);
      try {
        await withQueryProgress(c, phase('read', 'reading'), () => stage(c, format, file, columns));
      } catch (error) {
        throw invalid(`${name} could not be read as ${format === 'csv' ? 'CSV' : 'Parquet'} (${readError(error, file, name)}). Nothing was imported.`);
      }
      if (format === 'csv') {
        const broken = await csvStructureProblems(c, columns.length, problemLimit);
        if (broken.total > 0) throw rejection(name, kind, format, broken);
      }
      const rows = (await c.one<{ n: number }>(`SELECT count(*) AS n FROM ${stageTable}`))?.n ?? 0;
      check();

      await c.run('BEGIN TRANSACTION');
      try {
        const found = await stagedProblems(c, spec, columns, format, phase('check', 'validating'));
        check();
        if (found.problems.length > 0) throw rejection(name, kind, format, found);

        // a concurrent import of the same bytes may have committed while this one was checking
        const raced = await findBatch(c, kind, sha256);
        if (raced !== undefined) {
          await c.run('ROLLBACK');
          return { duplicate: true, rows: 0, batchId: raced };
        }
        const batch = await c.one<{ batch_id: number }>(
          `INSERT INTO import_batches (kind, file_name, file_sha256, row_count, source)
           VALUES ($kind, $name, $sha256, $rows, $source) RETURNING batch_id`,
          { kind, name, sha256, rows, source: spec.source },
        );
        const batchId = batch!.batch_id;
        phase('load', 'loading')(0);
        await withQueryProgress(c, phase('load', 'loading'), () => load(c, spec, columns, batched ? batchId : null));
        check();
        if (rows > 0 && featureKinds.has(kind)) {
          await refreshCustomerFeatures(c, phase('features', 'customer features'));
        }
        check();
        await c.run('COMMIT');
        if (kind === 'contact_events' && rows > 0) publishContacts(store, await importedContacts(c, batchId));
        progress(1, 'done');
        return { duplicate: false, rows, batchId };
      } catch (error) {
        await c.run('ROLLBACK').catch(() => undefined);
        if (!(error instanceof InvalidInput)) {
          const raced = await findBatch(c, kind, sha256).catch(() => undefined);
          if (raced !== undefined) return { duplicate: true, rows: 0, batchId: raced };
        }
        throw error;
      }
    } finally {
      await dropStage(c);
      await c.run('RESET enable_progress_bar').catch(() => undefined);
      await c.run('RESET enable_progress_bar_print').catch(() => undefined);
    }
  });
}
