import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { listMigrations, migrate } from '../src/store/migrate.ts';
import { Store } from '../src/store/store.ts';
import { maskMsisdn, maskMsisdnSql } from '../src/customers/msisdn.ts';
import { csvField, csvFieldSql, csvRowSql, yuanTextSql } from '../src/store/sql.ts';
import { tempDbPath } from './builders.ts';

const run = promisify(execFile);
let open: Store[] = [];
afterEach(async () => {
  for (const s of open) await s.close();
  open = [];
});

describe('store and migrations', () => {
  it('applies every numbered migration once, in order, and records it', async () => {
    const file = tempDbPath();
    const store = await Store.open(file);
    const versions = (await store.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).map((r) => r.version);
    expect(versions).toEqual(listMigrations().map((m) => m.version));
    expect(versions[0]).toBe(1);
    expect(await migrate(store)).toEqual([]);
    await store.close();

    const reopened = await Store.open(file);
    open.push(reopened);
    expect(await migrate(reopened)).toEqual([]);
    const channels = await reopened.one<{ n: number }>('SELECT count(*) AS n FROM channels');
    expect(channels?.n).toBe(10);
  });

  it('rolls a failing migration back whole and records nothing for it', async () => {
    const store = await Store.open(tempDbPath());
    open.push(store);
    const bad = { version: 999, name: 'broken', sql: 'CREATE TABLE half_done (x INTEGER); SELECT * FROM no_such_table;' };
    await expect(migrate(store, [bad])).rejects.toThrow(/no_such_table/);
    const tables = await store.query("SELECT table_name FROM information_schema.tables WHERE table_name = 'half_done'");
    expect(tables).toEqual([]);
    expect(await store.one('SELECT version FROM schema_migrations WHERE version = 999')).toBeUndefined();
  });

  it('converts DuckDB values to plain numbers and text', async () => {
    const store = await Store.open(tempDbPath());
    open.push(store);
    const row = await store.one(
      `SELECT 12::BIGINT AS big, 3.50::DECIMAL(10,2) AS dec, DATE '2026-10-31' AS d, TIMESTAMP '2026-10-31 23:59:59' AS ts, [1, 2] AS list`,
    );
    expect(row).toEqual({ big: 12, dec: 3.5, d: '2026-10-31', ts: '2026-10-31 23:59:59', list: [1, 2] });
  });

  it('streams a large result in batches, in order, and frees its connection when the reader stops early', async () => {
    const store = await Store.open(':memory:');
    open.push(store);
    const seen: number[] = [];
    let batches = 0;
    for await (const batch of store.stream<{ i: number }>('SELECT CAST(i AS INTEGER) AS i FROM range($n) t(i) ORDER BY i', { n: 5000 })) {
      batches++;
      for (const r of batch) seen.push(r.i);
    }
    expect(batches).toBeGreaterThan(1);
    expect(seen).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    // more abandoned streams than the pool has connections: a connection kept by one would stall the next
    for (let k = 0; k < 10; k++) {
      for await (const batch of store.stream('SELECT i FROM range(10000) t(i)')) {
        expect(batch.length).toBeGreaterThan(0);
        break;
      }
    }
    expect(await store.one('SELECT 42 AS x')).toEqual({ x: 42 });
  });

  it('writes CSV fields, yuan and masked numbers in SQL exactly as the JS helpers do', async () => {
    const store = await Store.open(':memory:');
    open.push(store);
    const texts = ['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\r', '', null, '中文,逗号'];
    for (const text of texts) {
      const row = await store.one<{ v: string }>(`SELECT ${csvFieldSql('CAST($t AS VARCHAR)')} AS v`, { t: text });
      expect(row?.v, String(text)).toBe(csvField(text));
    }
    for (const fen of [0, 1, 5, 10, 99, 100, 12345, -1, -12345, 999_999_999_99, null]) {
      const row = await store.one<{ v: string }>(`SELECT ${yuanTextSql('CAST($f AS BIGINT)')} AS v`, { f: fen });
      expect(row?.v, String(fen)).toBe(fen === null ? '' : (fen / 100).toFixed(2));
    }
    const line = await store.one<{ v: string }>(`SELECT ${csvRowSql(['1', 'NULL', csvFieldSql("'a,b'"), 'CAST(NULL AS INTEGER)', '2.5'])} AS v`);
    expect(line?.v).toBe('1,,"a,b",,2.5');
    for (const msisdn of ['13812345678', '8613812345678', '1234567', '12345678', '']) {
      const row = await store.one<{ v: string }>(`SELECT ${maskMsisdnSql('CAST($m AS VARCHAR)')} AS v`, { m: msisdn });
      expect(row?.v, msisdn).toBe(maskMsisdn(msisdn));
    }
  });

  it('refuses a second process that tries to open the same database, with a clear message', async () => {
    const file = tempDbPath();
    const store = await Store.open(file);
    open.push(store);
    const result = await run('node', ['bin/yiti.mjs', 'migrate', '--db', file]).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('DATABASE_LOCKED');
    expect(result.stderr).toContain(`The database ${file} is already open in another process`);
  }, 30_000);
});
