// What a process that died part-way leaves behind, put right when the database is next opened by
// the server or the CLI (DuckDB allows one writing process, so nothing else can still be running).
import { failInterruptedModelRuns } from '../models/runs.ts';
import type { Db } from '../store/store.ts';
import { cleanInterruptedRuns } from '../tariffs/simulation.ts';
import { failInterruptedJobs } from './jobs.ts';

/** Jobs still marked running are failed; their model runs failed and their tariff results removed. */
export async function recoverInterruptedWork(db: Db): Promise<void> {
  await failInterruptedJobs(db);
  await failInterruptedModelRuns(db);
  await cleanInterruptedRuns(db);
}
