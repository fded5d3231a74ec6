// What is wrong with an import file, found in SQL over the staged rows (all text) before anything
// is loaded: header, CSV structure, values, duplicate keys and unknown references. Each finder
// returns the first problems in file order and how many there are in all.
import type { ColumnSpec, KindSpec } from './kinds.ts';
import type { Db, SqlValue } from '../store/store.ts';

export interface Problem {
  /** 1-based data row (the header is not counted); null for a problem with the header. */
  row: number | null;
  /** For CSV: the line in the file (the header is line 1). */
  line?: number;
  column: string | null;
  reason: string;
}

export interface Found {
  problems: Problem[];
  total: number;
}

export type FileFormat = 'csv' | 'parquet';

/** Temp tables of one import, on the import's own connection. */
export const stageTable = 'ingest_stage';
export const rejectsTable = 'ingest_rejects';
export const rejectScansTable = 'ingest_reject_scans';

const integerRange = { min: -2_147_483_648, max: 2_147_483_647 };
const formats = {
  integer: '[+-]?[0-9]+',
  date: '[0-9]{4}-[0-9]{2}-[0-9]{2}',
  timestamp: '[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?',
};

const quoteId = (name: string) => `"${name.replace(/"/g, '""')}"`;

function shown(value: unknown): string {
  const text = String(value);
  return `"${text.length > 60 ? `${text.slice(0, 60)}…` : text}"`;
}

function lineOf(row: number, format: FileFormat): number | undefined {
  // one line per record: a quoted field spanning lines shifts the lines after it
  return format === 'csv' ? row + 1 : undefined;
}

/**
 * Matches a header against the spec: names are compared trimmed and case-insensitively. Returns
 * the spec's names in file order, and the problems (unknown, repeated, missing required columns).
 */
export function headerProblems(spec: KindSpec, header: string[], format: FileFormat): { columns: string[]; problems: Problem[] } {
  const known = new Map(spec.columns.map((c) => [c.name, c]));
  const line = format === 'csv' ? 1 : undefined;
  const problems: Problem[] = [];
  const columns: string[] = [];
  header.forEach((raw, i) => {
    const name = raw.trim().toLowerCase();
    if (name === '') {
      problems.push({ row: null, line, column: null, reason: `column ${i + 1} of the header has no name` });
    } else if (!known.has(name)) {
      problems.push({ row: null, line, column: raw, reason: `is not a column of ${spec.table}; the columns are ${spec.columns.map((c) => c.name).join(', ')}` });
    } else if (columns.includes(name)) {
      problems.push({ row: null, line, column: name, reason: 'appears twice in the header' });
    } else {
      columns.push(name);
    }
  });
  for (const c of spec.columns) {
    if (c.required && !columns.includes(c.name)) {
      problems.push({ row: null, line, column: c.name, reason: 'is required but missing from the header' });
    }
  }
  return { columns, problems };
}

/** Rows DuckDB's CSV reader could not split into the header's columns (kept in rejectsTable). */
export async function csvStructureProblems(db: Db, columnCount: number, limit: number): Promise<Found> {
  const rows = await db.query<{ line: number; column_name: string | null; error_type: string; error_message: string; total: number }>(
    `SELECT line, column_name, error_type, error_message, count(*) OVER () AS total
     FROM ${rejectsTable} ORDER BY line LIMIT $limit`,
    { limit },
  );
  const reasonOf = (r: (typeof rows)[number]) => {
    const found = /Found: (\d+)/.exec(r.error_message)?.[1];
    switch (r.error_type) {
      case 'MISSING COLUMNS':
      case 'TOO MANY COLUMNS':
        return `has ${found ?? 'a different number of'} values where the header has ${columnCount} columns`;
      case 'INVALID ENCODING':
        return 'is not UTF-8 text; save the file as UTF-8';
      case 'UNQUOTED VALUE':
        return 'has a quote inside an unquoted value';
      case 'LINE SIZE OVER MAXIMUM':
        return 'is longer than the longest line a CSV file may have';
      default:
        return r.error_message.split('\n')[0];
    }
  };
  return {
    problems: rows.map((r) => ({ row: r.line - 1, line: r.line, column: r.error_type === 'TOO MANY COLUMNS' ? null : r.column_name, reason: reasonOf(r) })),
    total: rows[0]?.total ?? 0,
  };
}

/** The trimmed value of a staged column, NULL when empty. */
export function valueSql(column: string): string {
  return `nullif(trim(${quoteId(column)}), '')`;
}

/**
 * A CASE expression naming what is wrong with value `v` of column `c` (NULL when it is fine).
 * Bounds, codes and patterns go in as parameters named after the column's position.
 */
function tagSql(c: ColumnSpec, i: number, params: Record<string, SqlValue>, columns: string[]): string {
  const v = `v${i}`;
  const whens: string[] = [`WHEN ${v} IS NULL THEN ${c.required ? `'empty'` : 'NULL'}`];
  const param = (name: string, value: SqlValue) => {
    params[`${name}${i}`] = value;
    return `$${name}${i}`;
  };
  switch (c.type) {
    case 'integer':
    case 'bigint': {
      const whole = `TRY_CAST(${v} AS BIGINT)`;
      whens.push(`WHEN NOT regexp_full_match(${v}, ${param('format', formats.integer)}) OR ${whole} IS NULL THEN 'integer'`);
      const min = c.min ?? (c.type === 'integer' ? integerRange.min : undefined);
      const max = c.max ?? (c.type === 'integer' ? integerRange.max : undefined);
      if (min !== undefined) whens.push(`WHEN ${whole} < ${param('min', min)} THEN 'min'`);
      if (max !== undefined) whens.push(`WHEN ${whole} > ${param('max', max)} THEN 'max'`);
      break;
    }
    case 'boolean':
      whens.push(`WHEN TRY_CAST(${v} AS BOOLEAN) IS NULL THEN 'boolean'`);
      break;
    case 'date':
      whens.push(`WHEN NOT regexp_full_match(${v}, ${param('format', formats.date)}) OR TRY_CAST(${v} AS DATE) IS NULL THEN 'date'`);
      if (c.monthStart) whens.push(`WHEN day(TRY_CAST(${v} AS DATE)) <> 1 THEN 'month_start'`);
      if (c.notBefore && columns.includes(c.notBefore)) {
        whens.push(`WHEN TRY_CAST(${v} AS DATE) < TRY_CAST(v${columns.indexOf(c.notBefore)} AS DATE) THEN 'not_before'`);
      }
      break;
    case 'timestamp':
      whens.push(`WHEN NOT regexp_full_match(${v}, ${param('format', formats.timestamp)}) OR TRY_CAST(${v} AS TIMESTAMP) IS NULL THEN 'timestamp'`);
      break;
    case 'code':
      whens.push(`WHEN NOT list_contains(from_json(${param('codes', JSON.stringify(c.values ?? []))}, '["VARCHAR"]'), ${v}) THEN 'code'`);
      break;
    case 'code_list': {
      const list = `TRY_CAST(${v} AS VARCHAR[])`;
      const codes = `from_json(${param('codes', JSON.stringify(c.values ?? []))}, '["VARCHAR"]')`;
      whens.push(`WHEN ${list} IS NULL THEN 'list'`);
      whens.push(`WHEN NOT list_bool_and(list_transform(${list}, lambda x: list_contains(${codes}, x))) THEN 'code'`);
      break;
    }
    case 'json':
      whens.push(`WHEN NOT json_valid(${v}) THEN 'json'`);
      break;
    case 'text':
      break;
  }
  if (c.pattern) whens.push(`WHEN NOT regexp_full_match(${v}, ${param('pattern', c.pattern.regex)}) THEN 'pattern'`);
  return `CASE ${whens.join(' ')} END`;
}

function reasonFor(tag: string, value: unknown, c: ColumnSpec, row: Record<string, unknown>, columns: string[]): string {
  const v = shown(value);
  switch (tag) {
    case 'empty':
      return 'is empty, but a value is required';
    case 'integer':
      return `${v} is not a whole number${c.type === 'bigint' ? '' : ' in range'}`;
    case 'min':
      return c.min === 0 ? `${v} is negative` : `${v} is less than ${c.min ?? integerRange.min}`;
    case 'max':
      return `${v} is more than ${c.max ?? integerRange.max}`;
    case 'boolean':
      return `${v} is not true or false`;
    case 'date':
      return `${v} is not a date YYYY-MM-DD`;
    case 'month_start':
      return `${v} is not the first day of a month`;
    case 'not_before':
      return `${v} is before ${c.notBefore} ${shown(row[`v${columns.indexOf(c.notBefore ?? '')}`])}`;
    case 'timestamp':
      return `${v} is not a timestamp YYYY-MM-DD HH:MM:SS`;
    case 'code':
      return c.type === 'code_list'
        ? `${v} holds a code that is not one of ${(c.values ?? []).join(', ')}`
        : `${v} is not one of the allowed codes ${(c.values ?? []).join(', ')}`;
    case 'list':
      return `${v} is not a list of codes like [${(c.values ?? []).slice(0, 2).join(', ')}]`;
    case 'json':
      return `${v} is not valid JSON`;
    case 'pattern':
      return `${v} is not ${c.pattern?.meaning ?? 'in the expected form'}`;
    default:
      return `${v} is not valid`;
  }
}

/**
 * Every staged value checked against its column in one scan: required, format, range, codes,
 * pattern. `spec` must be described (code columns carry their values).
 */
export async function valueProblems(db: Db, spec: KindSpec, columns: string[], format: FileFormat, limit: number): Promise<Found> {
  const byName = new Map(spec.columns.map((c) => [c.name, c]));
  const params: Record<string, SqlValue> = { limit };
  const values = columns.map((name, i) => `${valueSql(name)} AS v${i}`);
  const tags = columns.map((name, i) => `${tagSql(byName.get(name)!, i, params, columns)} AS t${i}`);
  if (columns.length === 0) return { problems: [], total: 0 };
  const rows = await db.query<Record<string, unknown>>(
    `WITH vals AS (SELECT rowid + 1 AS row, ${values.join(', ')} FROM ${stageTable}),
     tagged AS (SELECT *, ${tags.join(', ')} FROM vals)
     SELECT *, sum(${columns.map((_, i) => `(t${i} IS NOT NULL)::INTEGER`).join(' + ')}) OVER () AS total
     FROM tagged WHERE ${columns.map((_, i) => `t${i} IS NOT NULL`).join(' OR ')}
     ORDER BY row LIMIT $limit`,
    params,
  );
  const problems: Problem[] = [];
  for (const r of rows) {
    const row = Number(r.row);
    columns.forEach((name, i) => {
      const tag = r[`t${i}`];
      if (typeof tag === 'string') {
        problems.push({ row, line: lineOf(row, format), column: name, reason: reasonFor(tag, r[`v${i}`], byName.get(name)!, r, columns) });
      }
    });
  }
  return { problems, total: Number(rows[0]?.total ?? 0) };
}

function keySql(c: ColumnSpec): string {
  const v = valueSql(c.name);
  return c.type === 'integer' || c.type === 'bigint' ? `TRY_CAST(${v} AS BIGINT)` : v;
}

/** Keys repeated within the file, and keys already loaded in the target table. */
export async function keyProblems(db: Db, spec: KindSpec, columns: string[], format: FileFormat, limit: number): Promise<Found> {
  const found: Found = { problems: [], total: 0 };
  for (const name of spec.unique.filter((u) => columns.includes(u))) {
    const c = spec.columns.find((x) => x.name === name)!;
    const keyed = `keyed AS (SELECT rowid + 1 AS row, ${keySql(c)} AS k FROM ${stageTable} WHERE k IS NOT NULL)`;
    const repeated = await db.query<{ row: number; value: string; first_row: number; total: number }>(
      `WITH ${keyed}, dup AS (SELECT k, min(row) AS first_row FROM keyed GROUP BY k HAVING count(*) > 1)
       SELECT keyed.row, CAST(keyed.k AS VARCHAR) AS value, dup.first_row, count(*) OVER () AS total
       FROM keyed JOIN dup USING (k) WHERE keyed.row > dup.first_row ORDER BY keyed.row LIMIT $limit`,
      { limit },
    );
    for (const r of repeated) {
      const first = format === 'csv' ? `line ${r.first_row + 1}` : `row ${r.first_row}`;
      found.problems.push({ row: r.row, line: lineOf(r.row, format), column: name, reason: `${shown(r.value)} is repeated: ${first} has the same ${name}` });
    }
    found.total += repeated[0]?.total ?? 0;
    const existing = await db.query<{ row: number; value: string; total: number }>(
      `WITH ${keyed}
       SELECT row, CAST(k AS VARCHAR) AS value, count(*) OVER () AS total FROM keyed
       WHERE k IN (SELECT ${quoteId(name)} FROM ${quoteId(spec.table)}) ORDER BY row LIMIT $limit`,
      { limit },
    );
    for (const r of existing) {
      found.problems.push({ row: r.row, line: lineOf(r.row, format), column: name, reason: `${shown(r.value)} is already loaded: ${spec.table} has a row with this ${name}` });
    }
    found.total += existing[0]?.total ?? 0;
  }
  return found;
}

/** Values that name reference data (a city, product, group or channel) that does not exist. */
export async function referenceProblems(db: Db, spec: KindSpec, columns: string[], format: FileFormat, limit: number): Promise<Found> {
  const found: Found = { problems: [], total: 0 };
  for (const c of spec.columns.filter((x) => x.references && columns.includes(x.name))) {
    const ref = c.references!;
    const rows = await db.query<{ row: number; value: string; total: number }>(
      `WITH vals AS (SELECT rowid + 1 AS row, ${valueSql(c.name)} AS v FROM ${stageTable})
       SELECT row, v AS value, count(*) OVER () AS total FROM vals
       WHERE v IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${quoteId(ref.table)} r WHERE r.${quoteId(ref.column)} = vals.v)
       ORDER BY row LIMIT $limit`,
      { limit },
    );
    for (const r of rows) {
      found.problems.push({
        row: r.row,
        line: lineOf(r.row, format),
        column: c.name,
        reason: `${shown(r.value)} is not a ${ref.column} in ${ref.table}${ref.table === 'channels' ? '' : ` (import ${ref.table} first)`}`,
      });
    }
    found.total += rows[0]?.total ?? 0;
  }
  return found;
}

/** The first `limit` problems of several finders, in file order. */
export function merge(found: Found[], limit: number): Found {
  const problems = found
    .flatMap((f) => f.problems)
    .sort((a, b) => (a.row ?? 0) - (b.row ?? 0))
    .slice(0, limit);
  return { problems, total: found.reduce((n, f) => n + f.total, 0) };
}
