// Demo province generation (issue: 1,000,000 subscribers with three months of CDRs in under
// 3 minutes, ≤ 3× a bare INSERT … SELECT of the same number of rows from range()).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateProvince, provinceTables } from '../src/demo/generate.ts';
import { Store } from '../src/store/store.ts';
import { perSecond, seconds, type Benchmark } from './benchmark.ts';

const subscribers = Number(process.env.BENCH_SUBSCRIBERS ?? 1_000_000);

/** A cheap expression of the row number for a column of this type: the bare baseline's values. */
function bareValue(type: string): string {
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT)$/.test(type)) return `CAST(i % 100 AS ${type})`;
  if (type === 'DOUBLE') return 'i * 0.5';
  if (type === 'BOOLEAN') return 'i % 2 = 0';
  if (type === 'DATE') return `DATE '2026-08-01' + CAST(i % 90 AS INTEGER)`;
  if (type === 'TIMESTAMP') return `make_timestamp(1785542400000000 + i * 1000000)`;
  if (type === 'VARCHAR') return `CAST(i % 1000 AS VARCHAR)`;
  // an ENUM column gets its first code as a constant: the cast happens once per vector
  const firstCode = /^ENUM\('([^']*)'/.exec(type);
  if (firstCode) return `'${firstCode[1]}'`;
  return 'NULL';
}

const bench: Benchmark = {
  name: 'demo-generation',
  description: `Generate a demo province of ${subscribers.toLocaleString('en')} subscribers (three months of CDRs, bills, contacts) vs a bare INSERT … SELECT of as many rows from range().`,
  async run(log) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yiti-bench-'));
    const store = await Store.open(path.join(dir, 'bench.duckdb'));
    try {
      let lastLabel = '';
      const started = Date.now();
      const summary = await generateProvince(store, { subscribers, seed: 1 }, (_f, message) => {
        if (message && message !== lastLabel) log(`${seconds(Date.now() - started).padStart(8)}  ${message}`);
        lastLabel = message ?? lastLabel;
      });
      const generationMs = Date.now() - started;
      const totalRows = Object.values(summary.rows).reduce((a, b) => a + b, 0);

      // The baseline: the same number of rows into tables of the same columns, with values that
      // cost nothing to compute, committed the same way (a statement at a time, same settings).
      const columns = await store.query<{ table_name: string; column_name: string; data_type: string }>(
        `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' ORDER BY table_name, ordinal_position`,
      );
      const baselineStarted = Date.now();
      await store.withConnection(async (tx) => {
        // the generator's own setting, so both sides insert the same way
        await tx.run('SET preserve_insertion_order = false');
        for (const table of provinceTables) {
          const values = columns.filter((c) => c.table_name === table).map((c) => bareValue(c.data_type)).join(', ');
          await tx.run(`CREATE TABLE bare_${table} AS SELECT * FROM ${table} LIMIT 0`);
          await tx.run(`INSERT INTO bare_${table} SELECT ${values} FROM range(${summary.rows[table]}) t(i)`);
        }
        await tx.run('RESET preserve_insertion_order');
      });
      const baselineMs = Date.now() - baselineStarted;
      return {
        figures: {
          subscribers: subscribers.toLocaleString('en'),
          'CDR rows': summary.cdrs.toLocaleString('en'),
          'CDRs per subscriber-month': (summary.cdrs / subscribers / 3).toFixed(1),
          'all rows': totalRows.toLocaleString('en'),
          'generation time': seconds(generationMs),
          'generation rows/s': perSecond(totalRows, generationMs),
          'bare INSERT … SELECT time': seconds(baselineMs),
          'bare INSERT rows/s': perSecond(totalRows, baselineMs),
        },
        ratios: [{ label: 'generation / bare insert', value: generationMs / baselineMs, target: 3 }],
        limits: subscribers >= 1_000_000 ? [{ label: 'generation time', value: generationMs / 1000, max: 180, unit: 's' }] : [],
      };
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
