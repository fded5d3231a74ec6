// `npm start`: opens (or creates) the database, generates a demo province on first start,
// and serves the API and the console.
import { loadConfig } from '../config.ts';
import { ensureDemoUsers, demoPassword } from '../auth/users.ts';
import { recoverInterruptedWork } from '../jobs/recover.ts';
import { startDemoGeneration } from './demo-job.ts';
import { DatabaseLocked } from '../store/errors.ts';
import { Store } from '../store/store.ts';
import { buildApp } from './app.ts';
import { scheduleTagRecompute } from '../models/tags.ts';
import { webAnalytics } from '../analytics/contact-points.ts';
import { overview } from '../analytics/overview.ts';
import type { ServerContext } from './context.ts';

async function isEmptyProvince(store: Store): Promise<boolean> {
  const row = await store.one<{ subscribers: number; batches: number }>(
    'SELECT (SELECT count(*) FROM subscribers) AS subscribers, (SELECT count(*) FROM import_batches) AS batches',
  );
  return row?.subscribers === 0 && row?.batches === 0;
}

/**
 * Computes the overview, then the website paths, once in the background, so that the console's
 * first page and the contact-points page open at once on a large province (their scans are kept).
 */
function primeAnalytics(store: Store): void {
  overview(store)
    .then(() => webAnalytics(store, {}))
    .catch((error: Error) => console.error(`Preparing the overview and the website paths failed: ${error.message}`));
}

async function main(): Promise<void> {
  const config = loadConfig();
  let store: Store;
  try {
    store = await Store.open(config.dbPath, { timeZone: config.timeZone });
  } catch (error) {
    if (error instanceof DatabaseLocked) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  await recoverInterruptedWork(store);
  if (await ensureDemoUsers(store)) {
    console.log(`Created demo users admin, planner, approver, analyst, operator, auditor (password "${demoPassword}").`);
  }

  const context: ServerContext = { store, config, startup: { jobId: null, error: null } };
  const app = await buildApp(context, { logger: { level: config.logLevel } });

  if (await isEmptyProvince(store)) {
    const options = { subscribers: config.demoSubscribers, seed: config.demoSeed };
    console.log(
      `The database ${config.dbPath} has no data: generating a demo province of ${options.subscribers.toLocaleString('en')} subscribers (seed ${options.seed}). ` +
        'Progress: GET /api/health or the console\'s Jobs page.',
    );
    const job = await startDemoGeneration(store, options, 'system');
    context.startup.jobId = job.jobId;
    job.done.then(
      (summary) => {
        context.startup.jobId = null;
        console.log(`Demo province ready (${JSON.stringify(summary)}).`);
        primeAnalytics(store);
      },
      (error: Error) => {
        context.startup.error = `Demo generation failed: ${error.message}`;
        console.error(context.startup.error);
      },
    );
  }

  scheduleTagRecompute(store, config.tagsRecomputeMinutes, (error) => console.error(`Scheduled tag recomputation failed: ${error.message}`));

  const shutdown = async () => {
    await app.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  await app.listen({ host: config.host, port: config.port });
  if (context.startup.jobId === null) primeAnalytics(store);
  console.log(`Yiti console: http://localhost:${config.port}  (API docs: http://localhost:${config.port}/docs)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
