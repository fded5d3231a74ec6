// The `yiti` command line: demo generation, imports, migrations and jobs on a database file.
// Every command takes --db FILE (default: the configured database) and --help.
import { Command, InvalidArgumentError, Option } from 'commander';
import { recordAudit } from '../audit/audit.ts';
import { getDelivery } from '../channels/delivery.ts';
import { customersCsv } from '../customers/customers.ts';
import { createSegment, deleteSegment, getSegment, listSegments, previewSegment } from '../customers/segments.ts';
import { createChannelKey, listChannelKeys, revokeChannelKey } from '../channels/keys.ts';
import { loadConfig, outboxDirFor } from '../config.ts';
import { generateProvince, tableChecksums } from '../demo/generate.ts';
import { importFile, importKinds, type ImportKind } from '../ingest/import.ts';
import { importFeedbackFile } from '../ingest/feedback-file.ts';
import { listJobs } from '../jobs/jobs.ts';
import { recoverInterruptedWork } from '../jobs/recover.ts';
import { startChannelPreference } from '../models/channel-preference.ts';
import { startLift } from '../models/lift.ts';
import { startPropensity } from '../models/propensity.ts';
import { listModelRuns } from '../models/runs.ts';
import type { ChannelPreferenceMetrics, ChannelPreferenceRequest, LiftMetrics, PropensityMetrics, PropensityRequest } from '../models/types.ts';
import { importPlanProducts, listPlanProducts } from '../tariffs/catalogue.ts';
import { pushChannels, pushRecommendations, type PushChannel } from '../tariffs/push.ts';
import { deleteRun, startSimulation, type SimulationSummary } from '../tariffs/simulation.ts';
import { DomainError, InvalidInput } from '../store/errors.ts';
import { appliedVersions } from '../store/migrate.ts';
import { Store } from '../store/store.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { untilDone } from './interrupt.ts';
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
    await recoverInterruptedWork(store);
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

/** A saved segment's id, or a filter written as JSON: what `--segment` and `yiti segment …` take. */
function segmentArgument(value: string, name: string): { segmentId: number } | { filter: unknown } {
  if (/^\d+$/.test(value)) return { segmentId: Number(value) };
  try {
    return { filter: JSON.parse(value) };
  } catch {
    throw new InvalidInput(`${name} must be a saved segment id or a filter in JSON, got ${JSON.stringify(value)}`, { field: name.replace(/^-+/, '') });
  }
}

const segment = program.command('segment').description('Saved segments: list, count, save, delete, and export their members as CSV');

segment
  .command('list')
  .description('List the saved segments with their filters')
  .addOption(dbOption())
  .action(async (opts: { db: string }) => {
    await withStore(opts.db, async (store) => {
      const segments = await listSegments(store);
      for (const x of segments) console.log(`${String(x.segmentId).padStart(4)}  ${x.name}  (${x.createdBy}, ${x.updatedAt})  ${JSON.stringify(x.filter)}`);
      if (segments.length === 0) console.log('No saved segments yet.');
    });
  });

segment
  .command('count')
  .description('Count the customers a saved segment or a filter selects, by brand and city')
  .addOption(dbOption())
  .argument('<segment>', 'a saved segment id, or a filter as JSON (e.g. \'{"field":"age","op":"gte","value":60}\')')
  .option('--json', 'print the count and composition as JSON')
  .action(async (value: string, opts: { db: string; json?: boolean }) => {
    await withStore(opts.db, async (store) => {
      // a saved segment's own filter, or the one given (previewSegment checks it)
      const target = segmentArgument(value, 'segment');
      const preview = await previewSegment(store, 'segmentId' in target ? (await getSegment(store, target.segmentId)).filter : target.filter);
      if (opts.json) {
        console.log(JSON.stringify(preview, null, 2));
        return;
      }
      console.log(`${preview.count} of ${preview.total} subscribers (${preview.total ? ((preview.count / preview.total) * 100).toFixed(1) : '0.0'}%)`);
      console.log(`by brand: ${preview.byBrand.map((b) => `${b.key} ${b.subscribers}`).join(', ') || '—'}`);
      console.log(`by city:  ${preview.byCity.map((c) => `${c.key} ${c.subscribers}`).join(', ') || '—'}`);
    });
  });

segment
  .command('save')
  .description('Save a filter as a named segment (audited)')
  .addOption(dbOption())
  .requiredOption('--name <text>', 'the segment name (unique)')
  .requiredOption('--filter <json>', 'the filter, as JSON')
  .option('--description <text>', 'what the segment is for')
  .action(async (opts: { db: string; name: string; filter: string; description?: string }) => {
    const target = segmentArgument(opts.filter, '--filter');
    if (!('filter' in target)) throw new InvalidInput('--filter must be a filter in JSON, not a segment id', { field: 'filter' });
    await withStore(opts.db, async (store) => {
      const who = `cli:${os.userInfo().username}`;
      const saved = await createSegment(store, { name: opts.name, filter: target.filter, ...(opts.description ? { description: opts.description } : {}) }, who);
      await recordAudit(store, who, 'segment.create', `segment:${saved.segmentId}`, { name: saved.name });
      console.log(`Saved segment ${saved.segmentId} "${saved.name}".`);
    });
  });

segment
  .command('delete')
  .description('Delete a saved segment; refused while a draft campaign targets it (audited)')
  .addOption(dbOption())
  .argument('<segmentId>', 'the saved segment id', positiveInt('segmentId'))
  .action(async (segmentId: number, opts: { db: string }) => {
    await withStore(opts.db, async (store) => {
      const { name } = await getSegment(store, segmentId);
      await deleteSegment(store, segmentId);
      await recordAudit(store, `cli:${os.userInfo().username}`, 'segment.delete', `segment:${segmentId}`, { name });
      console.log(`Deleted segment ${segmentId} "${name}".`);
    });
  });

segment
  .command('export')
  .description("Write a saved segment's members as CSV (numbers masked), to a file or standard output (audited)")
  .addOption(dbOption())
  .argument('<segmentId>', 'the saved segment id', positiveInt('segmentId'))
  .option('--out <file>', 'the CSV file to write (default: standard output)')
  .action(async (segmentId: number, opts: { db: string; out?: string }) => {
    await withStore(opts.db, async (store) => {
      const lines = customersCsv(store, { segmentId, sort: 'subscriberId', order: 'asc' }, { revealPii: false });
      // the segment is read before anything is written: an unknown one leaves no file behind
      const first = await lines.next();
      const out: NodeJS.WritableStream = opts.out ? fs.createWriteStream(opts.out) : process.stdout;
      let rows = -1;
      for (let chunk = first; !chunk.done; chunk = await lines.next()) {
        rows += chunk.value.split('\r\n').length - 1;
        if (!out.write(chunk.value)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      }
      if (opts.out) await new Promise<void>((resolve) => out.end(() => resolve()));
      await recordAudit(store, `cli:${os.userInfo().username}`, 'customers.export', 'customers', { filter: { segmentId }, rows, file: opts.out ?? 'stdout' });
      if (opts.out) console.error(`Wrote ${rows} customers of segment ${segmentId} to ${opts.out}.`);
    });
  });

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
    const target = segmentArgument(opts.segment, '--segment');
    const request = {
      planIds: opts.plans.split(',').map((p) => p.trim()).filter(Boolean),
      ...target,
      ...(opts.months ? { months: opts.months.split(',').map((m) => m.trim()) } : {}),
      ...(opts.minSaving !== undefined ? { minSavingFen: opts.minSaving } : {}),
      ...(opts.name ? { name: opts.name } : {}),
    };
    await withStore(opts.db, async (store) => {
      const bar = progressBar('tariff simulate');
      const by = `cli:${os.userInfo().username}`;
      const done = await untilDone(store, by, bar, () => startSimulation(store, request, by, bar.update), (s) => `run ${s.runId}`);
      if (!done) return;
      if (opts.json) console.log(JSON.stringify({ runId: done.started.runId, ...done.result }, null, 2));
      else printSummary(done.started.runId, done.result);
    });
  });

tariff
  .command('push')
  .description("Push a run's recommendations to the channels: CSV + manifest per channel in the outbox, and HTTP where a channel has an endpoint (audited)")
  .addOption(dbOption())
  .argument('<runId>', 'the run id', positiveInt('runId'))
  .option('--channels <list>', `channels, comma-separated: ${pushChannels.join(', ')}`, pushChannels.join(','))
  .option('--outbox <dir>', 'where the lists are written (default: YITI_OUTBOX, else outbox beside the database)')
  .option('--reveal', 'write full phone numbers instead of masked ones')
  .action(async (runId: number, opts: { db: string; channels: string; outbox?: string; reveal?: boolean }) => {
    const channels = opts.channels.split(',').map((c) => c.trim()).filter(Boolean);
    const unknown = channels.filter((c) => !(pushChannels as readonly string[]).includes(c));
    if (channels.length === 0 || unknown.length > 0) {
      throw new InvalidInput(`--channels: ${unknown.length ? `${unknown.join(', ')} is not one of` : 'give one or more of'} ${pushChannels.join(', ')}`, { field: 'channels' });
    }
    const outbox = path.resolve(opts.outbox ?? outboxDirFor(opts.db));
    await withStore(opts.db, async (store) => {
      const who = `cli:${os.userInfo().username}`;
      const pushed = await pushRecommendations(store, outbox, runId, { channels: channels as PushChannel[] }, { username: who, revealPii: opts.reveal === true });
      await recordAudit(store, who, 'tariff.push', `tariff_run:${runId}`, {
        channels: pushed.manifests.map((m) => ({ channel: m.channel, rows: m.rows, sha256: m.sha256 })),
        msisdn: opts.reveal ? 'full' : 'masked',
      });
      for (const m of pushed.manifests) console.log(`${m.channel.padEnd(9)} ${String(m.rows).padStart(8)} rows  ${path.join(outbox, m.file)}  sha256 ${m.sha256}`);
      // the HTTP sends finish before the command does
      await pushed.pushes;
      for (const d of pushed.deliveries.filter((x) => x.method === 'http')) {
        const after = await getDelivery(store, d.deliveryId);
        console.log(`${d.channelId.padEnd(9)} HTTP ${after.status}${after.lastError ? `: ${after.lastError}` : ''} (delivery ${d.deliveryId}, ${after.attempts} attempt(s))`);
      }
    });
  });

tariff
  .command('delete-run')
  .description('Delete a finished simulation run with its target and results (audited)')
  .addOption(dbOption())
  .argument('<runId>', 'the run id', positiveInt('runId'))
  .action(async (runId: number, opts: { db: string }) => {
    await withStore(opts.db, async (store) => {
      const deleted = await deleteRun(store, runId);
      await recordAudit(store, `cli:${os.userInfo().username}`, 'tariff.run.delete', `tariff_run:${deleted.runId}`, { results: deleted.results });
      console.log(`Deleted run ${deleted.runId} and its ${deleted.results} customer results.`);
    });
  });

const channelKeys = program.command('channel-key').description("API keys of the channel systems (decision API and feedback): issue, list, revoke");

channelKeys
  .command('create')
  .description('Issue a key for a channel system; the secret is printed once and never stored')
  .addOption(dbOption())
  .argument('<channel>', 'the channel id, e.g. app, web, store, outbound')
  .requiredOption('--label <text>', 'which system uses the key')
  .action(async (channel: string, opts: { db: string; label: string }) => {
    await withStore(opts.db, async (store) => {
      const { key, secret } = await createChannelKey(store, channel, opts.label, `cli:${os.userInfo().username}`);
      await recordAudit(store, `cli:${os.userInfo().username}`, 'channel_key.create', `channel_key:${key.keyId}`, { channelId: key.channelId, label: key.label });
      console.log(`Key ${key.keyId} for channel ${key.channelId} (${key.label}). Send it as X-Channel-Key; it is shown only now:\n${secret}`);
    });
  });

channelKeys
  .command('list')
  .description('Keys by channel, with when they were issued or revoked')
  .addOption(dbOption())
  .option('--channel <id>', 'only this channel')
  .action(async (opts: { db: string; channel?: string }) => {
    await withStore(opts.db, async (store) => {
      const keys = await listChannelKeys(store, opts.channel);
      if (keys.length === 0) console.log('No channel keys.');
      for (const k of keys) console.log(`${k.keyId}  ${k.channelId.padEnd(12)} ${k.label.padEnd(30)} issued ${k.createdAt} by ${k.createdBy}${k.revokedAt ? `  REVOKED ${k.revokedAt}` : ''}`);
    });
  });

channelKeys
  .command('revoke')
  .description('Revoke a key: the channel system using it is refused from then on')
  .addOption(dbOption())
  .argument('<keyId>', 'the key id (the 12 hex digits after yk_)')
  .action(async (keyId: string, opts: { db: string }) => {
    await withStore(opts.db, async (store) => {
      const key = await revokeChannelKey(store, keyId);
      await recordAudit(store, `cli:${os.userInfo().username}`, 'channel_key.revoke', `channel_key:${key.keyId}`, { channelId: key.channelId });
      console.log(`Key ${key.keyId} of channel ${key.channelId} revoked at ${key.revokedAt}.`);
    });
  });

const feedback = program.command('feedback').description('Channel feedback: outcome events reported by the channel systems');

feedback
  .command('import')
  .description('Import a feedback CSV (event_id, subscriber_id, campaign_id, offer_id, channel_id, outcome, event_time): all or nothing; the same file twice is a no-op')
  .addOption(dbOption())
  .argument('<file>', 'path of the CSV file')
  .action(async (file: string, opts: { db: string }) => {
    await withStore(opts.db, async (store) => {
      const r = await importFeedbackFile(store, { file });
      console.log(
        r.duplicate
          ? `${file} was already imported (batch ${r.batchId}): nothing changed.`
          : `Imported ${r.rows.toLocaleString('en')} feedback rows from ${file} (batch ${r.batchId}): ${r.recorded.toLocaleString('en')} new events, ${(r.rows - r.recorded).toLocaleString('en')} already recorded.`,
      );
    });
  });

const model = program.command('model').description('Customer models: propensity, channel preference, lift; each training is a versioned run');

function printPropensity(runId: number, m: PropensityMetrics): void {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  console.log(`Propensity run ${runId}: ${m.label}`);
  console.log(`  customers scored ${m.rows.scored}, population ${m.rows.population} (fitted on ${m.rows.fitted}, held out ${m.rows.holdout}); base rate ${pct(m.baseRate)}`);
  console.log(`  AUC held out ${m.auc.holdout.toFixed(4)}, training ${m.auc.train.toFixed(4)}; log loss ${m.logLoss.toFixed(4)}; ${m.iterations} IRLS iterations`);
  for (const d of m.dropped) console.log(`  left out ${d.feature}: ${d.reason}`);
  console.log('  top attributes (coefficient per standard deviation; mean among positives / others)');
  for (const c of m.topAttributes) {
    const name = c.level === null ? c.feature : `${c.feature} = ${c.level}`;
    console.log(`    ${name.padEnd(36)} ${c.coefficient >= 0 ? '+' : ''}${c.coefficient.toFixed(3)}   ${c.meanPositive?.toPrecision(4) ?? '–'} / ${c.meanNegative?.toPrecision(4) ?? '–'}`);
  }
  console.log('  decile  customers  positives   rate    lift  capture  scores');
  for (const d of m.deciles) {
    console.log(`  ${String(d.decile).padStart(6)} ${String(d.customers).padStart(10)} ${String(d.positives).padStart(10)} ${pct(d.rate).padStart(7)} ${d.lift.toFixed(2).padStart(7)} ${pct(d.capture).padStart(8)}  ${d.minScore.toFixed(1)}–${d.maxScore.toFixed(1)}`);
  }
}

function jsonOption(name: string, text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidInput(`${name} must be JSON, got ${JSON.stringify(text)}`, { field: name.replace(/^--/, '') });
  }
}

model
  .command('train-propensity')
  .description('Train a propensity model: holders of a product, a segment-defined yes/no, or a label column of any customer table (CSV/Parquet or a table)')
  .addOption(dbOption())
  .option('--product <id>', 'the product whose current holders are the positives')
  .option('--filter <json>', 'a segment filter defining the positives (with --name)')
  .option('--name <text>', 'the name of a --filter label')
  .option('--table-file <file>', 'a CSV or Parquet customer table, loaded into a temporary table for the run')
  .option('--table <name>', 'a customer table of the database')
  .option('--label <column>', 'the yes/no label column of the table')
  .option('--positive <value>', 'the label value that means yes (default for yes/no, true/false, 1/0)')
  .option('--id <column>', 'the integer customer-id column of the table (scores are stored under it)')
  .option('--features <list>', 'attributes to learn from, comma-separated (default: all usable)')
  .option('--population <json>', 'train on this segment only (province)')
  .option('--lambda <x>', 'ridge penalty', Number)
  .option('--train-share <x>', 'share of customers to fit on; the rest is held out', Number)
  .option('--seed <n>', 'seed of the train/held-out split', positiveInt('--seed'))
  .option('--json', 'print the run as JSON')
  .action(async (opts: { db: string; product?: string; filter?: string; name?: string; tableFile?: string; table?: string; label?: string; positive?: string; id?: string; features?: string; population?: string; lambda?: number; trainShare?: number; seed?: number; json?: boolean }) => {
    const source = opts.tableFile
      ? { kind: 'file' as const, path: opts.tableFile, ...(opts.id ? { idColumn: opts.id } : {}) }
      : opts.table
        ? { kind: 'table' as const, table: opts.table, idColumn: opts.id ?? '' }
        : { kind: 'province' as const };
    if (source.kind === 'table' && !opts.id) throw new InvalidInput('--table needs --id, the integer customer-id column', { field: 'id' });
    const label = opts.product
      ? { productId: opts.product }
      : opts.filter
        ? { filter: jsonOption('--filter', opts.filter), name: opts.name ?? 'segment' }
        : opts.label
          ? { column: opts.label, ...(opts.positive !== undefined ? { positive: opts.positive } : {}) }
          : undefined;
    if (!label) throw new InvalidInput('Say what to model: --product ID, --filter JSON --name TEXT, or --label COLUMN with --table-file/--table', { field: 'label' });
    const request: PropensityRequest = {
      source,
      label,
      ...(opts.features ? { features: opts.features.split(',').map((f) => f.trim()).filter(Boolean) } : {}),
      ...(opts.population ? { population: jsonOption('--population', opts.population) } : {}),
      ...(opts.lambda !== undefined ? { lambda: opts.lambda } : {}),
      ...(opts.trainShare !== undefined ? { trainShare: opts.trainShare } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    };
    await withStore(opts.db, async (store) => {
      const bar = progressBar('train propensity');
      const by = `cli:${os.userInfo().username}`;
      const done = await untilDone(store, by, bar, () => startPropensity(store, request, by, bar.update), (s) => `model run ${s.runId}`);
      if (!done) return;
      if (opts.json) console.log(JSON.stringify(done.result, null, 2));
      else printPropensity(done.started.runId, done.result.metrics as PropensityMetrics);
    });
  });

model
  .command('train-channel-preference')
  .description('Train channel preference: frequent contacters from their contact shares (channels complained on left out), everyone else by a classifier')
  .addOption(dbOption())
  .option('--min-contacts <n>', 'a frequent contacter has at least this many contacts in the window', positiveInt('--min-contacts'))
  .option('--window-months <n>', 'months of contacts, ending with the data', positiveInt('--window-months'))
  .option('--features <list>', 'non-contact attributes to learn from, comma-separated (default: all)')
  .option('--json', 'print the run as JSON')
  .action(async (opts: { db: string; minContacts?: number; windowMonths?: number; features?: string; json?: boolean }) => {
    const request: ChannelPreferenceRequest = {
      ...(opts.minContacts !== undefined ? { minContacts: opts.minContacts } : {}),
      ...(opts.windowMonths !== undefined ? { windowMonths: opts.windowMonths } : {}),
      ...(opts.features ? { features: opts.features.split(',').map((f) => f.trim()).filter(Boolean) } : {}),
    };
    await withStore(opts.db, async (store) => {
      const bar = progressBar('train channel preference');
      const by = `cli:${os.userInfo().username}`;
      const done = await untilDone(store, by, bar, () => startChannelPreference(store, request, by, bar.update), (s) => `model run ${s.runId}`);
      if (!done) return;
      const { started, result: run } = done;
      if (opts.json) return console.log(JSON.stringify(run, null, 2));
      const m = run.metrics as ChannelPreferenceMetrics;
      const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
      console.log(`Channel-preference run ${started.runId}: ${m.frequentContacters} frequent contacters (≥ ${m.minContacts} contacts, ${m.window.from} to ${m.window.to}); ${m.scored} customers scored`);
      console.log(`  held-out frequent contacters ${m.holdout}: first channel right ${pct(m.accuracy)} (always the commonest: ${pct(m.baselineAccuracy)}), in the top two ${pct(m.top2Accuracy)}`);
      console.log('  channel         preferred by    AUC  strongest attributes');
      for (const c of m.channels) {
        const top = c.topAttributes.slice(0, 3).map((a) => `${a.level === null ? a.feature : `${a.feature}=${a.level}`} ${a.coefficient >= 0 ? '+' : ''}${a.coefficient.toFixed(2)}`).join(', ');
        console.log(`  ${c.channelId.padEnd(15)} ${String(c.preferredBy).padStart(12)} ${c.auc === null ? '    –' : c.auc.toFixed(3)}  ${top}`);
      }
    });
  });

model
  .command('lift')
  .description('Association / lift of a product: with other products and with attribute bands; a 0–100 lift score per customer')
  .addOption(dbOption())
  .requiredOption('--product <id>', 'the product')
  .option('--bins <n>', 'equal-count bands per numeric attribute', positiveInt('--bins'))
  .option('--json', 'print the run as JSON')
  .action(async (opts: { db: string; product: string; bins?: number; json?: boolean }) => {
    await withStore(opts.db, async (store) => {
      const bar = progressBar('lift');
      const by = `cli:${os.userInfo().username}`;
      const request = { productId: opts.product, ...(opts.bins ? { bins: opts.bins } : {}) };
      const done = await untilDone(store, by, bar, () => startLift(store, request, by, bar.update), (s) => `model run ${s.runId}`);
      if (!done) return;
      const { started, result: run } = done;
      if (opts.json) return console.log(JSON.stringify(run, null, 2));
      const m = run.metrics as LiftMetrics;
      const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
      console.log(`Lift run ${started.runId}: ${m.holders} of ${m.customers} customers hold ${m.productId} (${pct(m.baseRate)}); lift-score AUC ${m.auc.toFixed(3)}`);
      console.log('  products held with it            both  support  conf→  conf←   lift');
      for (const p of m.products.slice(0, 10)) console.log(`  ${p.productId.padEnd(30)} ${String(p.both).padStart(6)} ${pct(p.support).padStart(8)} ${pct(p.confidenceTo).padStart(6)} ${pct(p.confidenceFrom).padStart(6)} ${p.lift.toFixed(2).padStart(6)}`);
      console.log('  attribute bands                customers  confidence   lift');
      for (const r of m.attributes.slice(0, 15)) console.log(`  ${r.antecedent.padEnd(34)} ${String(r.customers).padStart(7)} ${pct(r.confidence).padStart(11)} ${r.lift.toFixed(2).padStart(6)}`);
    });
  });

model
  .command('runs')
  .description('List model runs, newest first')
  .addOption(dbOption())
  .option('--model <name>', 'only this model (propensity, channel_preference, lift, …)')
  .option('--limit <n>', 'how many', positiveInt('--limit'), 20)
  .action(async (opts: { db: string; model?: string; limit: number }) => {
    await withStore(opts.db, async (store) => {
      const { items } = await listModelRuns(store, { model: opts.model, limit: opts.limit, offset: 0 });
      for (const r of items) {
        const m = (r.metrics ?? {}) as { auc?: { holdout?: number } | number; accuracy?: number };
        const auc = typeof m.auc === 'number' ? m.auc : m.auc?.holdout;
        const figure = auc !== undefined ? `AUC ${auc.toFixed(3)}` : m.accuracy !== undefined ? `accuracy ${m.accuracy.toFixed(3)}` : '';
        console.log(`${String(r.runId).padStart(5)}  ${r.startedAt}  ${r.model.padEnd(18)} ${r.target.padEnd(24)} v${String(r.version).padEnd(3)} ${r.status.padEnd(9)} ${r.error ?? figure}`);
      }
      if (items.length === 0) console.log('No model runs yet.');
    });
  });

program.parseAsync(process.argv).catch((error: Error) => {
  const prefix = error instanceof DomainError ? `${error.code}: ` : 'error: ';
  console.error(`${prefix}${error.message}`);
  process.exit(1);
});
