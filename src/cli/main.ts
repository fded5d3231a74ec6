// The `yiti` command line: demo generation, imports, migrations and jobs on a database file.
// Every command takes --db FILE (default: the configured database) and --help.
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from '../config.ts';
import { generateProvince, tableChecksums } from '../demo/generate.ts';
import { importFile, importKinds, type ImportKind } from '../ingest/import.ts';
import { listJobs } from '../jobs/jobs.ts';
import { DomainError } from '../store/errors.ts';
import { appliedVersions } from '../store/migrate.ts';
import { Store } from '../store/store.ts';
import { progressBar } from './progress.ts';

const config = loadConfig();

function dbOption(): Option {
  return new Option('--db <file>', 'DuckDB database file').default(config.dbPath);
}

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
      throw new InvalidArgumentError(`${name} must be a positive whole number, got "${value}"`);
    }
    return n;
  };
}

async function withStore<T>(file: string, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await Store.open(file, { timeZone: config.timeZone });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const program = new Command()
  .name('yiti')
  .description('Yiti — integrated marketing & service platform for mobile operators')
  .showHelpAfterError('(run with --help for usage)');

program
  .command('demo')
  .description('Generate a deterministic demo province (replaces the data in the database)')
  .addOption(dbOption())
  .option('--subscribers <n>', 'number of subscribers', positiveInt('--subscribers'), 20_000)
  .option('--seed <s>', 'random seed: the same seed gives the same data', positiveInt('--seed'), 1)
  .option('--end-month <YYYY-MM>', 'last of the three data months', '2026-10')
  .option('--checksums', 'print a checksum of every table when done')
  .action(async (opts: { db: string; subscribers: number; seed: number; endMonth: string; checksums?: boolean }) => {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(opts.endMonth)) throw new Error(`--end-month must be YYYY-MM, got "${opts.endMonth}"`);
    await withStore(opts.db, async (store) => {
      const bar = progressBar('demo');
      const summary = await generateProvince(store, { subscribers: opts.subscribers, seed: opts.seed, endMonth: opts.endMonth }, bar.update);
      bar.stop();
      console.log(JSON.stringify(summary, null, 2));
      if (opts.checksums) console.log(JSON.stringify(await tableChecksums(store), null, 2));
    });
  });

const kindNames = Object.keys(importKinds) as ImportKind[];
program
  .command('import')
  .description('Import a CSV or Parquet file from BOSS, CRM, VGOP, MIS or IVR (all-or-nothing; the same file twice is a no-op)')
  .addOption(dbOption())
  .addOption(new Option('--format <format>', 'file format (default: from the extension)').choices(['csv', 'parquet']))
  .argument('<kind>', `what the file holds: ${kindNames.join(', ')}`)
  .argument('<file>', 'path of the CSV or Parquet file')
  .action(async (kind: string, file: string, opts: { db: string; format?: 'csv' | 'parquet' }) => {
    if (!kindNames.includes(kind as ImportKind)) {
      throw new Error(`Unknown kind "${kind}". Kinds: ${kindNames.join(', ')}`);
    }
    await withStore(opts.db, async (store) => {
      const bar = progressBar(`import ${kind}`);
      const result = await importFile(store, { kind: kind as ImportKind, file, format: opts.format }, bar.update);
      bar.stop();
      console.log(
        result.duplicate
          ? `${file} was already imported as ${kind}: nothing changed.`
          : `Imported ${result.rows.toLocaleString('en')} ${kind} rows from ${file} (batch ${result.batchId}).`,
      );
    });
  });

program
  .command('migrate')
  .description('Apply pending schema migrations and list the applied versions')
  .addOption(dbOption())
  .action(async (opts: { db: string }) => {
    await withStore(opts.db, async (store) => console.log(`Schema versions: ${(await appliedVersions(store)).join(', ')}`));
  });

program
  .command('checksum')
  .description('Print an order-independent checksum of every data table')
  .addOption(dbOption())
  .action(async (opts: { db: string }) => {
    await withStore(opts.db, async (store) => console.log(JSON.stringify(await tableChecksums(store), null, 2)));
  });

program
  .command('jobs')
  .description('List recent tracked jobs')
  .addOption(dbOption())
  .option('--limit <n>', 'how many', positiveInt('--limit'), 20)
  .action(async (opts: { db: string; limit: number }) => {
    await withStore(opts.db, async (store) => {
      const { items } = await listJobs(store, { limit: opts.limit, offset: 0 });
      for (const j of items) {
        console.log(`${j.created_at}  ${j.kind.padEnd(16)} ${j.status.padEnd(9)} ${Math.round(j.progress * 100)}%  ${j.error ?? j.message ?? ''}`);
      }
      if (items.length === 0) console.log('No jobs yet.');
    });
  });

program.parseAsync(process.argv).catch((error: Error) => {
  const prefix = error instanceof DomainError ? `${error.code}: ` : 'error: ';
  console.error(`${prefix}${error.message}`);
  process.exit(1);
});
