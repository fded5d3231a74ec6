// The model frame: where the customers and their attributes come from (the province or any table),
// and the standardized design every model fits on. Standardization, one-hot encoding and the
// statistics behind them run in DuckDB; only the finished design columns go to JS as Float64Arrays.
// Attribute SQL comes from allow-lists (the segment fields) or from the table's own column names,
// quoted; every value (means, levels, coefficients) is a bound parameter.
import fs from 'node:fs';
import path from 'node:path';
import { segmentFields } from '../customers/segments.ts';
import { InvalidInput } from '../store/errors.ts';
import type { Db, SqlValue } from '../store/store.ts';
import type { DesignMatrix } from './logistic.ts';
import type { DroppedFeature, ModelSource } from './types.ts';

export type AttributeKind = 'numeric' | 'categorical';

/** An attribute a model may use: its name (as the user says it) and SQL over the source. */
export interface Attribute {
  name: string;
  sql: string;
  kind: AttributeKind;
  /** province attributes: profile, usage or contact (channel preference leaves contact out) */
  group?: string;
}

/** A customer table as models see it: a FROM clause, an integer id and the usable attributes. */
export interface CustomerTable {
  from: string;
  idSql: string;
  attributes: Attribute[];
  /** what the ids are, for the run's record (model_scores.subscriber_id holds them) */
  keyedBy: string;
  /** the column names of a table source (a label column is one of them) */
  columns: Map<string, { sql: string; type: string }>;
  /** attributes that cannot be used, with the reason (dates, identifiers) */
  unusable: DroppedFeature[];
}

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

/** The province: subscribers and their behaviour, attributes from the segment language's allow-list. */
export function provinceTable(): CustomerTable {
  const attributes: Attribute[] = Object.entries(segmentFields).map(([name, spec]) => ({
    name,
    group: spec.group,
    kind: spec.type === 'enum' || spec.type === 'string' ? 'categorical' : 'numeric',
    sql:
      spec.type === 'boolean'
        ? `CAST(coalesce(${spec.sql}, false) AS DOUBLE)`
        : spec.type === 'number'
          ? `CAST(${spec.sql} AS DOUBLE)`
          : `CAST(${spec.sql} AS VARCHAR)`,
  }));
  return {
    from: 'subscribers s LEFT JOIN customer_features f USING (subscriber_id)',
    idSql: 's.subscriber_id',
    attributes,
    keyedBy: 'subscriber_id',
    columns: new Map(),
    unusable: [],
  };
}

const numericTypes = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|REAL|DECIMAL.*)$/;
const integerTypes = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/;

/** Loads a CSV or Parquet file into the temporary table model_input (on this connection), numbering its rows. */
export async function loadTableFile(db: Db, file: string): Promise<void> {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new InvalidInput(`${file} is not a readable file`, { field: 'source.path' });
  const reader = /\.parquet$/i.test(file) ? 'read_parquet' : 'read_csv';
  try {
    await db.run(`CREATE OR REPLACE TEMP TABLE model_input AS SELECT row_number() OVER () AS __row_id, * FROM ${reader}($file)`, { file: path.resolve(file) });
  } catch (error) {
    throw new InvalidInput(`${file} could not be read as ${reader === 'read_csv' ? 'CSV' : 'Parquet'}: ${(error as Error).message.split('\n')[0]}`, { field: 'source.path' });
  }
}

/**
 * Any table with one row per customer: numeric and boolean columns are numeric attributes, text
 * columns whose values are numbers (blank aside) too, other text columns categorical.
 */
export async function tableOf(db: Db, table: string, idColumn: string | null, keyedBy: string): Promise<CustomerTable> {
  const exists = await db.one('SELECT 1 FROM duckdb_tables() WHERE table_name = $t', { t: table });
  if (!exists) throw new InvalidInput(`There is no table named "${table}"`, { field: 'source.table' });
  const described = await db.query<{ name: string; type: string }>(`SELECT column_name AS name, column_type AS type FROM (DESCRIBE ${quote(table)})`);
  const columns = new Map(described.map((c) => [c.name, { sql: `t.${quote(c.name)}`, type: c.type }]));
  let idSql = 't.__row_id';
  if (idColumn !== null) {
    const id = columns.get(idColumn);
    if (!id) throw new InvalidInput(`The table has no column "${idColumn}"; columns: ${[...columns.keys()].join(', ')}`, { field: 'source.idColumn' });
    if (!integerTypes.test(id.type)) throw new InvalidInput(`The id column "${idColumn}" must hold whole numbers, it is ${id.type}`, { field: 'source.idColumn' });
    idSql = `CAST(${id.sql} AS INTEGER)`;
  }
  const attributes: Attribute[] = [];
  const unusable: DroppedFeature[] = [];
  for (const [name, c] of columns) {
    if (name === '__row_id' || name === idColumn) continue;
    if (numericTypes.test(c.type) || c.type === 'BOOLEAN') attributes.push({ name, kind: 'numeric', sql: `CAST(${c.sql} AS DOUBLE)` });
    else if (c.type === 'VARCHAR') {
      // numbers written as text with a few blanks (e.g. TotalCharges in the IBM sample) are numbers
      const parsed = await db.one<{ filled: number; numbers: number }>(
        `SELECT count(nullif(trim(${c.sql}), '')) AS filled, count(TRY_CAST(trim(${c.sql}) AS DOUBLE)) AS numbers FROM ${quote(table)} t`,
      );
      if (parsed && parsed.filled > 0 && parsed.numbers >= 0.95 * parsed.filled) attributes.push({ name, kind: 'numeric', sql: `TRY_CAST(trim(${c.sql}) AS DOUBLE)` });
      else attributes.push({ name, kind: 'categorical', sql: `nullif(trim(${c.sql}), '')` });
    } else unusable.push({ feature: name, reason: `type ${c.type} is neither a number, a yes/no nor a category` });
  }
  return { from: `${quote(table)} t`, idSql, attributes, keyedBy, columns, unusable };
}

/** Resolves a source on this connection (a file source becomes the temporary table model_input). */
export async function customerTable(db: Db, source: ModelSource): Promise<CustomerTable> {
  if (source.kind === 'province') return provinceTable();
  if (source.kind === 'table') return tableOf(db, source.table, source.idColumn, `${source.table}.${source.idColumn}`);
  await loadTableFile(db, source.path);
  return tableOf(db, 'model_input', source.idColumn ?? null, source.idColumn ? `${path.basename(source.path)}.${source.idColumn}` : `row number in ${path.basename(source.path)}`);
}

/** The attributes named (all usable ones when none are), refusing names the source does not have. */
export function chooseAttributes(table: CustomerTable, names: string[] | undefined, usable: (a: Attribute) => boolean = () => true): Attribute[] {
  if (names === undefined) return table.attributes.filter(usable);
  const chosen: Attribute[] = [];
  for (const [i, name] of names.entries()) {
    const attribute = table.attributes.find((a) => a.name === name);
    if (!attribute || !usable(attribute)) {
      const known = table.attributes.filter(usable).map((a) => a.name);
      throw new InvalidInput(`"${name}" is not an attribute this model can use; attributes: ${known.join(', ')}`, { field: `features[${i}]` });
    }
    if (!chosen.includes(attribute)) chosen.push(attribute);
  }
  return chosen;
}

/** One standardized design column: (value − mean) / sd, a one-hot level standardized likewise. */
export interface DesignColumn {
  feature: string;
  level: string | null;
  mean: number;
  sd: number;
  meanPositive: number | null;
  meanNegative: number | null;
}

export interface Design {
  columns: DesignColumn[];
  dropped: DroppedFeature[];
}

/** Bounds of one-hot encoding: rarer levels join the reference, too many levels mean an identifier. */
const maxLevels = 20;
const maxDistinct = 50;
const minLevelShare = 0.005;

/**
 * Statistics of the frame's attribute columns x0…xk over the training rows (`trainWhere`): the
 * mean and sd of each numeric one, the levels of each categorical one. With a 0/1 column `y`
 * the means among positives and negatives are kept for the report. Constant attributes and
 * identifiers are dropped with the reason.
 */
export async function designOf(db: Db, frame: string, attributes: Attribute[], trainWhere: string, withLabel: boolean): Promise<Design> {
  const columns: DesignColumn[] = [];
  const dropped: DroppedFeature[] = [];
  const numeric = attributes.map((a, i) => ({ a, i })).filter(({ a }) => a.kind === 'numeric');
  if (numeric.length) {
    const parts = numeric.flatMap(({ i }) => [
      `avg(x${i}) AS m${i}`,
      `coalesce(stddev_pop(x${i}), 0) AS s${i}`,
      `count(x${i}) AS n${i}`,
      withLabel ? `avg(x${i}) FILTER (WHERE y = 1) AS p${i}` : `NULL AS p${i}`,
      withLabel ? `avg(x${i}) FILTER (WHERE y = 0) AS q${i}` : `NULL AS q${i}`,
    ]);
    const stats = (await db.one<Record<string, number | null>>(`SELECT count(*) AS rows, ${parts.join(', ')} FROM ${frame} WHERE ${trainWhere}`))!;
    for (const { a, i } of numeric) {
      const mean = stats[`m${i}`];
      const sd = stats[`s${i}`] ?? 0;
      if (stats[`n${i}`] === 0 || mean === null) dropped.push({ feature: a.name, reason: 'has no values in the training rows' });
      else if (!(sd > 1e-12 * Math.max(1, Math.abs(mean)))) dropped.push({ feature: a.name, reason: `is constant (${+mean.toPrecision(6)}) in the training rows, so it cannot tell customers apart` });
      else columns.push({ feature: a.name, level: null, mean, sd, meanPositive: stats[`p${i}`], meanNegative: stats[`q${i}`] });
    }
  }
  for (const [i, a] of attributes.entries()) {
    if (a.kind !== 'categorical') continue;
    const levels = await db.query<{ v: string; n: number; pos: number }>(
      `SELECT x${i} AS v, count(*) AS n, ${withLabel ? 'count(*) FILTER (WHERE y = 1)' : '0'} AS pos
       FROM ${frame} WHERE ${trainWhere} AND x${i} IS NOT NULL GROUP BY 1 ORDER BY n DESC, v LIMIT ${maxDistinct + 1}`,
    );
    const totals = (await db.one<{ n: number; pos: number }>(`SELECT count(*) AS n, ${withLabel ? 'count(*) FILTER (WHERE y = 1)' : '0'} AS pos FROM ${frame} WHERE ${trainWhere}`))!;
    if (levels.length > maxDistinct) {
      dropped.push({ feature: a.name, reason: `has more than ${maxDistinct} distinct values (an identifier or free text, not a category)` });
      continue;
    }
    if (levels.length <= 1) {
      dropped.push({ feature: a.name, reason: levels.length ? `is constant ("${levels[0].v}") in the training rows, so it cannot tell customers apart` : 'has no values in the training rows' });
      continue;
    }
    const kept = levels.filter((l) => l.n >= minLevelShare * totals.n).slice(0, maxLevels);
    for (const l of kept) {
      const share = l.n / totals.n;
      if (share >= 1) continue;
      columns.push({
        feature: a.name,
        level: l.v,
        mean: share,
        sd: Math.sqrt(share * (1 - share)),
        meanPositive: withLabel && totals.pos > 0 ? l.pos / totals.pos : null,
        meanNegative: withLabel && totals.n - totals.pos > 0 ? (l.n - l.pos) / (totals.n - totals.pos) : null,
      });
    }
  }
  return { columns, dropped };
}

/** SQL of each standardized design column over the frame's x columns, and its parameters. */
export function designSql(attributes: Attribute[], design: Design): { columns: string[]; params: Record<string, SqlValue> } {
  const params: Record<string, SqlValue> = {};
  const columns = design.columns.map((c, j) => {
    const x = `x${attributes.findIndex((a) => a.name === c.feature)}`;
    params[`mu${j}`] = c.mean;
    params[`sd${j}`] = c.sd;
    if (c.level === null) return `(coalesce(${x}, $mu${j}) - $mu${j}) / $sd${j}`;
    params[`lv${j}`] = c.level;
    return `(CASE WHEN ${x} = $lv${j} THEN 1.0 ELSE 0.0 END - $mu${j}) / $sd${j}`;
  });
  return { columns, params };
}

/**
 * Materializes the standardized design of every frame row as `target` (id, the frame's extra
 * columns, d0…dp), so that fitting pulls plain columns and scoring is a dot product.
 */
export async function materializeDesign(db: Db, frame: string, target: string, keep: string[], attributes: Attribute[], design: Design): Promise<void> {
  const { columns, params } = designSql(attributes, design);
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ${target} AS SELECT ${['id', ...keep].join(', ')}${columns.map((sql, j) => `, CAST(${sql} AS DOUBLE) AS d${j}`).join('')} FROM ${frame}`,
    params,
  );
}

/** Pulls the design rows matching `where` into JS: the matrix and the named extra columns. */
export async function pullDesign(db: Db, designTable: string, width: number, where: string, extra: string[]): Promise<{ x: DesignMatrix; extra: Float64Array[] }> {
  const d = Array.from({ length: width }, (_, j) => `d${j}`);
  const columns = (await db.columns(`SELECT ${[...extra.map((e) => `CAST(${e} AS DOUBLE)`), ...d].join(', ')} FROM ${designTable} WHERE ${where}`)) as Float64Array[];
  const rows = columns[0]?.length ?? 0;
  return { x: { rows, columns: columns.slice(extra.length) }, extra: columns.slice(0, extra.length) };
}

/** σ(b₀ + Σ bⱼ·dⱼ) as SQL over a design table, coefficients bound as `$<prefix>j`. */
export function probabilitySql(intercept: number, coefficients: Float64Array, prefix: string): { sql: string; params: Record<string, number> } {
  const params: Record<string, number> = { [`${prefix}i`]: intercept };
  const terms = Array.from(coefficients, (b, j) => {
    params[`${prefix}${j}`] = b;
    return ` + $${prefix}${j} * d${j}`;
  });
  return { sql: `1.0 / (1.0 + exp(-($${prefix}i${terms.join('')})))`, params };
}

/** Design columns with their fitted coefficients, strongest first. */
export function rankedCoefficients(design: Design, coefficients: Float64Array) {
  return design.columns
    .map((c, j) => ({ feature: c.feature, level: c.level, coefficient: coefficients[j], meanPositive: c.meanPositive, meanNegative: c.meanNegative }))
    .sort((a, b) => Math.abs(b.coefficient) - Math.abs(a.coefficient));
}
