// The `yiti` command line: demo generation, imports, migrations and jobs on a database file.
// Every command takes --db FILE (default: the configured database) and --help.
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from '../config.ts';
import { generateProvince, tableChecksums } from '../demo/generate.ts';
import { importFile, importKinds, type ImportKind } from '../ingest/import.ts';
import { listJobs } from '../jobs/jobs.ts';
import { importPlanProducts, listPlanProducts } from '../tariffs/catalogue.ts';
import { startSimulation, type SimulationSummary } from '../tariffs/simulation.ts';
import { DomainError, InvalidInput } from '../store/errors.ts';
import { appliedVersions } from '../store/migrate.ts';
import { Store } from '../store/store.ts';
import fs from 'node:fs';
import os from 'node:os';
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
  .description('Generate a deterministic demo province (replaces the province data, its tariff runs and campaigns)')
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

const yuan = (fen: number) => `¥${(fen / 100).toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

function printSummary(runId: number, s: SimulationSummary): void {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  console.log(`Tariff run ${runId} over ${s.months.join(', ')}`);
  console.log(`  target customers          ${s.targetCount}${s.noBill ? ` (${s.noBill} without a bill in the months)` : ''}`);
  console.log(`  on a sub-optimal plan     ${s.subOptimal} (${pct(s.subOptimalShare)} of ${s.priced} priced)`);
  console.log(`  billed over the months    ${yuan(s.currentFen)}`);
  console.log(`  customers would save      ${yuan(s.savingFen)}`);
  console.log(`  revenue impact if all accept ${yuan(s.revenueImpactFen)}`);
  if (s.referenceMonths) console.log(`  customer-months rated call by call: ${s.referenceMonths}`);
  console.log('  plan            best for  saves  revenue change if all targets moved');
  for (const p of s.byPlan) console.log(`  ${p.planId.padEnd(15)} ${String(p.best).padStart(8)} ${String(p.saving).padStart(6)}  ${yuan(p.revenueChangeFen)}`);
  console.log(`  savings distribution (per ${yuan(s.savings.binFen)}):`);
  for (const b of s.savings.bins) console.log(`    ${yuan(b.fromFen).padStart(12)} – ${yuan(b.toFen).padEnd(12)} ${'█'.repeat(Math.ceil((b.customers / Math.max(1, s.subOptimal)) * 40))} ${b.customers}`);
}

const tariff = program.command('tariff').description('Tariff communication: plans and re-rating simulations');

tariff
  .command('plans')
  .description('List the tariff plans of the catalogue and whether each has a usable definition')
  .addOption(dbOption())
  .action(async (opts: { db: string }) => {
    await withStore(opts.db, async (store) => {
      const plans = await listPlanProducts(store);
      for (const p of plans) {
        console.log(`${p.planId.padEnd(14)} ${yuan(p.monthlyFeeFen).padStart(9)}/month  ${String(p.holders).padStart(7)} holders  ${p.defined ? 'defined' : `not defined: ${p.problem}`}  ${p.nameZh}`);
      }
      if (plans.length === 0) console.log('No tariff plans yet.');
    });
  });

tariff
  .command('import-plan')
  .description('Import plan JSON: one plan, {service, brands, plan}, or a list of them (all validated first)')
  .addOption(dbOption())
  .argument('<file>', 'a JSON file')
  .action(async (file: string, opts: { db: string }) => {
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      throw new InvalidInput(`${file} is not readable JSON: ${(error as Error).message}`, { field: 'file' });
    }
    await withStore(opts.db, async (store) => {
      for (const p of await importPlanProducts(store, json)) console.log(`${p.created ? 'Added' : 'Replaced'} plan ${p.planId}`);
    });
  });

tariff
  .command('simulate')
  .description('Re-rate a segment\'s months under candidate plans and recommend the plans that save each customer money')
  .addOption(dbOption())
  .requiredOption('--plans <ids>', 'candidate plan ids, comma-separated')
  .requiredOption('--segment <id|json>', 'a saved segment id, or a filter as JSON (e.g. \'{"field":"planId","op":"eq","value":"GT_BIZ"}\')')
  .option('--months <list>', 'YYYY-MM months, comma-separated (default: the data months)')
  .option('--min-saving <fen>', 'smallest saving over the months that counts as a better plan', positiveInt('--min-saving'))
  .option('--name <text>', 'a name for the run')
  .option('--json', 'print the summary as JSON')
  .action(async (opts: { db: string; plans: string; segment: string; months?: string; minSaving?: number; name?: string; json?: boolean }) => {
    let target: { segmentId: number } | { filter: unknown };
    if (/^\d+$/.test(opts.segment)) target = { segmentId: Number(opts.segment) };
    else {
      try {
        target = { filter: JSON.parse(opts.segment) };
      } catch {
        throw new InvalidInput(`--segment must be a saved segment id or a filter in JSON, got ${JSON.stringify(opts.segment)}`, { field: 'segment' });
      }
    }
    const request = {
      planIds: opts.plans.split(',').map((p) => p.trim()).filter(Boolean),
      ...target,
      ...(opts.months ? { months: opts.months.split(',').map((m) => m.trim()) } : {}),
      ...(opts.minSaving !== undefined ? { minSavingFen: opts.minSaving } : {}),
      ...(opts.name ? { name: opts.name } : {}),
    };
    await withStore(opts.db, async (store) => {
      const bar = progressBar('tariff simulate');
      const started = await startSimulation(store, request, `cli:${os.userInfo().username}`, bar.update);
      const summary = await started.done;
      bar.stop();
      if (opts.json) console.log(JSON.stringify({ runId: started.runId, ...summary }, null, 2));
      else printSummary(started.runId, summary);
    });
  });

program.parseAsync(process.argv).catch((error: Error) => {
  const prefix = error instanceof DomainError ? `${error.code}: ` : 'error: ';
  console.error(`${prefix}${error.message}`);
  process.exit(1);
});
