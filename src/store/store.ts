// The one place that knows the DuckDB file: opening it (and its lock), a small
// connection pool, transactions, and conversion of DuckDB values to plain JSON-able JS.
import fs from 'node:fs';
import path from 'node:path';
import {
  DuckDBConnection,
  DuckDBInstance,
  DuckDBTypeId,
  JSDuckDBValueConverter,
  JsonDuckDBValueConverter,
  createDuckDBValueConverter,
  listValue,
  type DuckDBValueConverter,
} from '@duckdb/node-api';
import { DatabaseLocked } from './errors.ts';
import { migrate } from './migrate.ts';

export type SqlValue = string | number | boolean | null | bigint | Date | readonly (string | number)[];
export type SqlParams = Record<string, SqlValue> | SqlValue[];
export type Row = Record<string, unknown>;

/** What repository functions take as their first argument: the pool or one transaction. */
export interface Db {
  query<T = Row>(sql: string, params?: SqlParams): Promise<T[]>;
  one<T = Row>(sql: string, params?: SqlParams): Promise<T | undefined>;
  run(sql: string, params?: SqlParams): Promise<void>;
  /**
   * The result as columns, for bulk reads where building a row object per row costs more than
   * the query: INTEGER and DOUBLE columns as Float64Array (NULL as NaN; no boxed number per
   * value), others as arrays of DuckDB values (VARCHAR: strings or null).
   */
  columns(sql: string, params?: SqlParams): Promise<Array<Float64Array | unknown[]>>;
  /**
   * The result streamed in batches of rows (a DuckDB chunk each), for reads too large to hold:
   * the query runs once, and rows are converted as they are consumed.
   */
  stream<T = Row>(sql: string, params?: SqlParams): AsyncGenerator<T[]>;
}

// Integers come back as numbers (ids and fen amounts are far below 2^53), decimals as
// numbers, timestamps and dates as their ISO-like text in the operator's zone (they are
// stored naive, in operator local time).
const plainConverters = {} as Record<DuckDBTypeId, DuckDBValueConverter<unknown> | undefined>;
for (const id of Object.values(DuckDBTypeId).filter((v): v is DuckDBTypeId => typeof v === 'number')) {
  plainConverters[id] = (value, type, converter) => JSDuckDBValueConverter(value, type, converter as never);
}
const toNumber: DuckDBValueConverter<unknown> = (value) => (value === null ? null : Number(String(value)));
const toText: DuckDBValueConverter<unknown> = (value, type, converter) => JsonDuckDBValueConverter(value, type, converter as never);
plainConverters[DuckDBTypeId.BIGINT] = toNumber;
plainConverters[DuckDBTypeId.UBIGINT] = toNumber;
plainConverters[DuckDBTypeId.HUGEINT] = toNumber;
plainConverters[DuckDBTypeId.UHUGEINT] = toNumber;
plainConverters[DuckDBTypeId.DECIMAL] = toNumber;
plainConverters[DuckDBTypeId.TIMESTAMP] = toText;
plainConverters[DuckDBTypeId.TIMESTAMP_TZ] = toText;
plainConverters[DuckDBTypeId.DATE] = toText;
plainConverters[DuckDBTypeId.TIME] = toText;
const plain = createDuckDBValueConverter(plainConverters);

function normalizeParams(params?: SqlParams): Record<string, unknown> | unknown[] | undefined {
  if (params === undefined) return undefined;
  // a JS array binds as a DuckDB LIST
  const fix = (v: SqlValue) => (v instanceof Date ? v.toISOString() : Array.isArray(v) ? listValue([...v]) : v);
  if (Array.isArray(params)) return params.map(fix);
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, fix(v)]));
}

class ConnectionDb implements Db {
  constructor(readonly connection: DuckDBConnection) {}

  async query<T = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql, normalizeParams(params) as never);
    return reader.convertRowObjects(plain) as T[];
  }

  async one<T = Row>(sql: string, params?: SqlParams): Promise<T | undefined> {
    const rows = await this.query<T>(sql, params);
    return rows[0];
  }

  async run(sql: string, params?: SqlParams): Promise<void> {
    await this.connection.run(sql, normalizeParams(params) as never);
  }

  async *stream<T = Row>(sql: string, params?: SqlParams): AsyncGenerator<T[]> {
    const result = await this.connection.stream(sql, normalizeParams(params) as never);
    for await (const rows of result.yieldConvertedRowObjects(plain)) yield rows as T[];
  }

  async columns(sql: string, params?: SqlParams): Promise<Array<Float64Array | unknown[]>> {
    const result = await this.connection.run(sql, normalizeParams(params) as never);
    const numeric = Array.from({ length: result.columnCount }, (_, i) => [DuckDBTypeId.INTEGER, DuckDBTypeId.DOUBLE].includes(result.columnTypeId(i)));
    const columns = numeric.map((isNumber) => (isNumber ? new Float64Array(result.rowCount) : new Array<unknown>(result.rowCount)));
    let at = 0;
    for (let c = 0; c < result.chunkCount; c++) {
      const chunk = result.getChunk(c);
      const rows = chunk.rowCount;
      columns.forEach((column, i) => {
        const vector = chunk.getColumnVector(i);
        // a vector without NULLs is copied whole (per-item access costs more than the query)
        const bulk = vector as unknown as { items?: Float64Array | Int32Array; validity?: { data: unknown } };
        if (column instanceof Float64Array && bulk.items && bulk.validity?.data === null) column.set(bulk.items.subarray(0, rows), at);
        else if (column instanceof Float64Array) for (let r = 0; r < rows; r++) column[at + r] = (vector.getItem(r) as number | null) ?? NaN;
        else for (let r = 0; r < rows; r++) column[at + r] = vector.getItem(r);
      });
      at += rows;
    }
    return columns;
  }
}

export interface OpenOptions {
  /** Create the file (and its folder) if missing. Default true. */
  create?: boolean;
  /** Apply pending migrations. Default true. */
  migrate?: boolean;
  threads?: number;
  /** IANA zone the session clock follows (current_localtimestamp, calendar windows). */
  timeZone?: string;
}

export class Store implements Db {
  private idle: ConnectionDb[] = [];
  private open = 0;
  private waiting: Array<(c: ConnectionDb) => void> = [];
  private closed = false;

  private constructor(
    readonly file: string,
    readonly instance: DuckDBInstance,
    private readonly maxConnections: number,
  ) {}

  static async open(file: string, options: OpenOptions = {}): Promise<Store> {
    const resolved = file === ':memory:' ? file : path.resolve(file);
    if (resolved !== ':memory:') {
      if (options.create === false && !fs.existsSync(resolved)) {
        throw new Error(`The database ${resolved} does not exist`);
      }
      fs.mkdirSync(path.dirname(resolved), { recursive: true });
    }
    let instance: DuckDBInstance;
    try {
      // DuckDB's ICU extension (for SET TimeZone) cannot be downloaded here, so the process
      // itself runs in the operator's zone: current_localtimestamp() and Node's Date follow TZ.
      process.env.TZ = options.timeZone ?? 'Asia/Shanghai';
      const config: Record<string, string> = {};
      if (options.threads) config.threads = String(options.threads);
      instance = await DuckDBInstance.create(resolved, config);
    } catch (error) {
      const message = (error as Error).message ?? '';
      const lock = /Conflicting lock is held in (.*?)(?:\. See|$)/.exec(message);
      if (lock) throw new DatabaseLocked(resolved, lock[1]);
      throw error;
    }
    const store = new Store(resolved, instance, 6);
    if (options.migrate !== false) await migrate(store);
    return store;
  }

  /** Whether a database file already exists (before opening it). */
  static exists(file: string): boolean {
    return fs.existsSync(path.resolve(file));
  }

  private async acquire(): Promise<ConnectionDb> {
    if (this.closed) throw new Error('The store is closed');
    const ready = this.idle.pop();
    if (ready) return ready;
    if (this.open < this.maxConnections) {
      this.open++;
      return new ConnectionDb(await this.instance.connect());
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(c: ConnectionDb): void {
    const next = this.waiting.shift();
    if (next) next(c);
    else this.idle.push(c);
  }

  /** Runs fn on one dedicated connection (for session state, progress polling, appenders). */
  async withConnection<T>(fn: (db: ConnectionDb) => Promise<T>): Promise<T> {
    const c = await this.acquire();
    try {
      return await fn(c);
    } finally {
      this.release(c);
    }
  }

  query<T = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    return this.withConnection((c) => c.query<T>(sql, params));
  }

  one<T = Row>(sql: string, params?: SqlParams): Promise<T | undefined> {
    return this.withConnection((c) => c.one<T>(sql, params));
  }

  run(sql: string, params?: SqlParams): Promise<void> {
    return this.withConnection((c) => c.run(sql, params));
  }

  columns(sql: string, params?: SqlParams): Promise<Array<Float64Array | unknown[]>> {
    return this.withConnection((c) => c.columns(sql, params));
  }

  /** Holds one connection until the stream is consumed or abandoned. */
  async *stream<T = Row>(sql: string, params?: SqlParams): AsyncGenerator<T[]> {
    const c = await this.acquire();
    try {
      yield* c.stream<T>(sql, params);
    } finally {
      this.release(c);
    }
  }

  /** All-or-nothing: commits when fn resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: ConnectionDb) => Promise<T>): Promise<T> {
    return this.withConnection(async (c) => {
      await c.run('BEGIN TRANSACTION');
      try {
        const result = await fn(c);
        await c.run('COMMIT');
        return result;
      } catch (error) {
        await c.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  async checkpoint(): Promise<void> {
    await this.run('CHECKPOINT');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.idle) c.connection.closeSync();
    this.idle = [];
    this.instance.closeSync();
  }
}

export type { ConnectionDb };
