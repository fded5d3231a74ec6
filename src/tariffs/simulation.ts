// Tariff communication (seed 004 §2.2.1.6): re-rate a target segment's months under candidate
// plans, compare with what each customer was billed, and recommend the plans that save them
// money, with the operator's revenue change beside it. A run is a tracked job that works through
// the target in chunks of consecutive subscriber ids (one SQL pass over the CDRs per chunk, so
// memory stays flat at any size); every customer's result is stored for paging and export.
import { Type, type Static } from '@sinclair/typebox';
import { campaignsNamingTariffRun } from '../campaigns/campaigns.ts';
import { checkSegmentFilter, savedSegmentAt, segmentMembersSql, segmentsNamingTariffRun } from '../customers/segments.ts';
import { maskMsisdn, maskMsisdnSql } from '../customers/msisdn.ts';
import { startJob, type Progress } from '../jobs/jobs.ts';
import { Conflict, InvalidInput, NotFound } from '../store/errors.ts';
import { Filters } from '../store/filters.ts';
import { csvFieldSql, csvLine, csvRowSql, yuanTextSql } from '../store/sql.ts';
import type { Db, SqlValue, Store } from '../store/store.ts';
import { tariffAddOns, withAddOns } from './addons.ts';
import { definedPlans } from './catalogue.ts';
import { validatePlan, type TariffPlan } from './plan.ts';
import { customerMonthsFor } from './cdrs.ts';
import { priceChunk, resultStructure, unpackNotes, type LoadMonths, type RunPricing, type TargetCustomer } from './pricing.ts';
import { PricingWorker } from './pricing-worker.ts';
import { profileSpecFor, usageProfileBatch, type ProfileBatch } from './profile.ts';
import { MonthTotals } from './totals.ts';

const monthPattern = '^\\d{4}-(0[1-9]|1[0-2])$';

export const SimulationRequest = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    planIds: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 20, description: 'Candidate plans (defined tariff plans)' }),
    segmentId: Type.Optional(Type.Integer({ minimum: 1, description: 'A saved segment; or give filter' })),
    filter: Type.Optional(Type.Unknown({ description: 'An inline segment filter (the segment language)' })),
    months: Type.Optional(Type.Array(Type.String({ pattern: monthPattern }), { minItems: 1, maxItems: 12, uniqueItems: true, description: 'YYYY-MM; default the data months' })),
    minSavingFen: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'Smallest saving over the months that counts as a better plan' })),
  },
  { additionalProperties: false },
);
export type SimulationRequest = Static<typeof SimulationRequest>;

/** How many consecutive target subscribers one pass over the CDRs prices. */
export const chunkSize = 10_000;
/** Chunks profiled ahead of the one being read, and chunks between read and stored at most. */
const prefetch = 2;
const inFlight = 3;

export interface RunOptions {
  /** price on a worker thread (default: when the target is more than one chunk) */
  worker?: boolean;
}

// --- preparing a run ----------------------------------------------------------------------

export interface PreparedSimulation {
  name: string;
  planIds: string[];
  plans: TariffPlan[];
  /** brands each plan may be sold to (null = all) */
  planBrands: Array<string[] | null>;
  segmentId: number | null;
  filter: unknown;
  members: { sql: string; params: Record<string, string | number> };
  months: string[];
  minSavingFen: number;
  targetCount: number;
}

/** The data months: the province's, else the three latest billed months. */
export async function dataMonths(db: Db): Promise<string[]> {
  const meta = await db.one<{ v: string }>(`SELECT value AS v FROM province_meta WHERE key = 'data_months'`);
  if (meta?.v) return meta.v.split(',').sort();
  const rows = await db.query<{ m: string }>(`SELECT strftime(bill_month, '%Y-%m') AS m FROM (SELECT DISTINCT bill_month FROM bills) ORDER BY bill_month DESC LIMIT 3`);
  return rows.map((r) => r.m).sort();
}

/** Checks everything a run needs, so that a bad request is refused before any job starts. */
export async function prepareSimulation(db: Db, request: SimulationRequest): Promise<PreparedSimulation> {
  // HTTP checks these with the schema; the CLI and other callers come here directly
  if (request.planIds.length === 0 || request.planIds.length > 20) {
    throw new InvalidInput(`planIds: give from 1 to 20 candidate plans (got ${request.planIds.length})`, { field: 'planIds' });
  }
  if (request.months?.some((m) => !new RegExp(monthPattern).test(m))) {
    throw new InvalidInput(`months: months are YYYY-MM (got ${request.months.join(', ')})`, { field: 'months' });
  }
  if ((request.segmentId === undefined) === (request.filter === undefined)) {
    throw new InvalidInput('segmentId: give either a saved segment (segmentId) or an inline filter, not both and not neither', { field: 'segmentId' });
  }
  let filter = request.filter;
  let targetField = 'filter';
  let name = request.name;
  if (request.segmentId !== undefined) {
    targetField = 'segmentId';
    const segment = await savedSegmentAt(db, request.segmentId, 'segmentId');
    filter = segment.filter;
    name ??= segment.name;
  }
  await checkSegmentFilter(db, filter);
  const members = segmentMembersSql(filter);
  const defined = await definedPlans(db, request.planIds);
  const available = await db.query<{ m: string }>(`SELECT DISTINCT strftime(bill_month, '%Y-%m') AS m FROM bills`);
  const billed = new Set(available.map((r) => r.m));
  const months = request.months ? [...request.months].sort() : await dataMonths(db);
  if (months.length === 0) throw new InvalidInput('months: there are no bills to compare with', { field: 'months' });
  (request.months ?? months).forEach((m, i) => {
    if (!billed.has(m)) throw new InvalidInput(`months[${i}]: there are no bills for ${m}`, { field: `months[${i}]`, code: 'NO_DATA' });
  });
  const count = await db.one<{ n: number }>(`SELECT count(*) AS n FROM (${members.where})`, members.params);
  const targetCount = count?.n ?? 0;
  if (targetCount === 0) {
    throw new InvalidInput(`${targetField}: the target segment has no subscribers, so there is nothing to simulate`, { field: targetField, code: 'EMPTY_SEGMENT' });
  }
  return {
    name: name ?? `${request.planIds.join(', ')} · ${months[0]}–${months[months.length - 1]}`,
    planIds: request.planIds,
    plans: defined.map((d) => d.plan),
    planBrands: defined.map((d) => d.product.brands),
    segmentId: request.segmentId ?? null,
    filter,
    members: { sql: members.where, params: members.params },
    months,
    minSavingFen: request.minSavingFen ?? 0,
    targetCount,
  };
}

// --- running it ---------------------------------------------------------------------------

export interface SimulationStarted {
  runId: number;
  jobId: string;
  targetCount: number;
  done: Promise<SimulationSummary>;
}

/** Records the run and its target, then prices it as a tracked job; returns at once. */
export async function startSimulation(store: Store, request: SimulationRequest, createdBy: string, onProgress?: Progress, options: RunOptions = {}): Promise<SimulationStarted> {
  const prepared = await prepareSimulation(store, request);
  let runReady!: (runId: number) => void;
  let runFailed!: (error: unknown) => void;
  const run = new Promise<number>((resolve, reject) => {
    runReady = resolve;
    runFailed = reject;
  });
  const params = { name: prepared.name, planIds: prepared.planIds, segmentId: prepared.segmentId, months: prepared.months, targetCount: prepared.targetCount };
  const job = await startJob(store, 'tariff.simulate', params, createdBy, async (progress, signal) => runSimulation(store, await run, prepared, progress, signal, options), onProgress, {
    cancellable: true,
  });
  try {
    const runId = await store.transaction(async (tx) => {
      const row = await tx.one<{ id: number }>(
        `INSERT INTO tariff_runs (name, job_id, plan_ids, segment_id, filter, months, min_saving_fen, target_count, created_by)
         VALUES ($name, $job, string_split($plans, ','), $segment, $filter, string_split($months, ','), $minSaving, $count, $by)
         RETURNING run_id AS id`,
        {
          name: prepared.name,
          job: job.jobId,
          plans: prepared.planIds.join(','),
          segment: prepared.segmentId,
          filter: JSON.stringify(prepared.filter),
          months: prepared.months.join(','),
          minSaving: prepared.minSavingFen,
          count: prepared.targetCount,
          by: createdBy,
        },
      );
      await tx.run(`INSERT INTO tariff_run_targets SELECT $run, subscriber_id FROM (${prepared.members.sql})`, { ...prepared.members.params, run: row!.id });
      return row!.id;
    });
    runReady(runId);
    return { runId, jobId: job.jobId, targetCount: prepared.targetCount, done: job.done };
  } catch (error) {
    runFailed(error);
    throw error;
  }
}

/**
 * The run's target in subscriber order, each with the tariff add-ons it holds, compact: a million
 * customer objects kept for the whole run would make every major garbage collection mark them
 * all. Customer i is sids[i] with the plan, brand and add-ons kinds[kind[i]]; `slice` makes the
 * objects of one chunk.
 */
interface Target {
  sids: Int32Array;
  kind: Int32Array;
  kinds: Array<Omit<TargetCustomer, 'sid'>>;
  slice(from: number, to: number): TargetCustomer[];
}

async function targetCustomers(db: Db, runId: number, addOnIds: string[]): Promise<Target> {
  const [sid, planId, brand, addOns] = await db.columns(
    `WITH held AS (
       SELECT subscriber_id, array_to_string(list_sort(list(product_id)), ',') AS add_ons FROM holdings
       WHERE end_date IS NULL AND list_contains(string_split($addOns, ','), product_id)
       GROUP BY subscriber_id)
     SELECT s.subscriber_id, s.plan_id, CAST(s.brand AS VARCHAR), h.add_ons
     FROM tariff_run_targets t JOIN subscribers s USING (subscriber_id) LEFT JOIN held h USING (subscriber_id)
     WHERE t.run_id = $run
     ORDER BY s.subscriber_id`,
    { run: runId, addOns: addOnIds.join(',') },
  );
  const kinds: Target['kinds'] = [];
  const kindOf = new Map<string, number>();
  const kind = new Int32Array(sid.length);
  for (let i = 0; i < sid.length; i++) {
    const key = `${planId[i]}\n${brand[i]}\n${addOns[i] ?? ''}`;
    let k = kindOf.get(key);
    if (k === undefined) {
      k = kinds.length;
      kinds.push({ planId: planId[i] as string, brand: brand[i] as string, addOns: addOns[i] === null ? [] : (addOns[i] as string).split(',') });
      kindOf.set(key, k);
    }
    kind[i] = k;
  }
  const sids = Int32Array.from(sid as Float64Array);
  return {
    sids,
    kind,
    kinds,
    slice: (from, to) => Array.from(sids.subarray(from, to), (id, i) => ({ sid: id, ...kinds[kind[from + i]] })),
  };
}

/**
 * Prices the run: the candidate plans in one variant per combination of add-ons held in the
 * target (a GPRS-pack holder keeps the pack under every plan), one profile pass per chunk.
 * Cancelled (`signal`), it stops before its next chunk and removes the results stored so far.
 */
async function runSimulation(store: Store, runId: number, prepared: PreparedSimulation, progress: Progress, signal: AbortSignal, options: RunOptions): Promise<SimulationSummary> {
  const stored: Array<Promise<void>> = [];
  let worker: PricingWorker | null = null;
  try {
    progress(0, 'reading the target');
    const loadMonths: LoadMonths = (subscriberIds, months) => customerMonthsFor(store, subscriberIds, months);
    // a run of more than one chunk prices on a worker thread; one chunk is done before a worker would start
    if (options.worker ?? prepared.targetCount > chunkSize) worker = new PricingWorker(loadMonths);
    const addOns = await tariffAddOns(store);
    const everyone = await targetCustomers(store, runId, [...addOns.keys()]);
    const targetCount = everyone.sids.length;
    const sets = [...new Set(everyone.kinds.map((c) => c.addOns.join(',')))].sort();
    const variants = sets.flatMap((set) => {
      const held = set ? set.split(',').map((id) => addOns.get(id)!) : [];
      return prepared.plans.map((plan) => validatePlan(withAddOns(plan, held)));
    });
    const spec = profileSpecFor(variants);
    const run: RunPricing = {
      plans: prepared.plans,
      planIds: prepared.planIds,
      planBrands: prepared.planBrands,
      months: prepared.months,
      minSavingFen: prepared.minSavingFen,
      addOns,
      setIndex: new Map(sets.map((s, i) => [s, i])),
      variants,
    };
    worker?.start(run);

    const chunks = Math.ceil(targetCount / chunkSize);
    const totals = worker ? null : new MonthTotals(spec);
    const chunkStart = (k: number) => k * chunkSize;
    const chunkEnd = (k: number) => Math.min(targetCount, (k + 1) * chunkSize);
    const profileChunk = (k: number) => {
      const lo = everyone.sids[chunkStart(k)];
      const hi = everyone.sids[chunkEnd(k) - 1];
      const target = {
        members: { sql: 'SELECT subscriber_id FROM tariff_run_targets WHERE run_id = $run_id AND subscriber_id BETWEEN $chunk_lo AND $chunk_hi', params: { run_id: runId, chunk_lo: lo, chunk_hi: hi } },
        range: { lo, hi, dense: hi - lo + 1 <= 2 * (chunkEnd(k) - chunkStart(k)) },
      };
      const batch = usageProfileBatch(store, target, prepared.months, spec);
      batch.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
      return batch;
    };
    const price = (slice: TargetCustomer[], batch: ProfileBatch) =>
      worker ? worker.price(slice, batch) : priceChunk(totals!, run, slice, batch, loadMonths).then((lines) => lines.join('\n'));
    // one JSON document per line (JSON.stringify never writes a raw newline): DuckDB parses many
    // small documents several times faster than one large array
    const storeLines = (lines: string) =>
      store.run(
        `INSERT INTO tariff_run_results
         SELECT $run, r.subscriber_id, r.current_plan_id, r.months_billed, r.current_fen, r.costs, r.outcome, r.best_plan_ids,
           r.recommended, r.best_fen, r.saving_fen, r.revenue_change_fen, r.reference_months, r.notes
         FROM (SELECT from_json(line, '${resultStructure}') AS r FROM (SELECT unnest(string_split($rows, chr(10))) AS line))`,
        { run: runId, rows: lines },
      );

    // A pipeline, so that both cores work: DuckDB profiles the next chunks while this thread reads
    // the last one and hands it to the pricing worker, and each chunk's results are stored as they come.
    const ahead: Array<Promise<ProfileBatch>> = [];
    // the first chunks one after the other, so that the first is ready as soon as it can be
    for (let k = 0; k < Math.min(chunks, prefetch); k++) {
      const batch = k === 0 ? profileChunk(0) : ahead[k - 1].then(() => profileChunk(k));
      batch.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
      ahead.push(batch);
    }
    let done = 0;
    try {
      for (let k = 0; k < chunks; k++) {
        signal.throwIfAborted();
        const slice = everyone.slice(chunkStart(k), chunkEnd(k));
        progress((done + 0.1) / chunks * 0.97, `profiling customers ${k * chunkSize + 1}–${k * chunkSize + slice.length} of ${targetCount}`);
        const batch = await ahead.shift()!;
        if (k + prefetch < chunks) ahead.push(profileChunk(k + prefetch));
        const chunk = price(slice, batch)
          .then(storeLines)
          .then(() => {
            done++;
            progress((done / chunks) * 0.97, `priced ${Math.min(done * chunkSize, targetCount)} of ${targetCount} customers`);
          });
        chunk.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
        stored.push(chunk);
        // a few chunks at most between profiled and stored
        if (stored.length >= inFlight) await stored.shift();
      }
      await Promise.all(stored);
    } finally {
      // nothing may still be writing or reading when the run is summarized or cleaned up
      await Promise.allSettled([...stored, ...ahead]);
    }
    signal.throwIfAborted();
    progress(0.98, 'summarizing');
    const summary = await computeSummary(store, runId);
    await store.run(`UPDATE tariff_runs SET summary = $summary, finished_at = current_localtimestamp() WHERE run_id = $run`, {
      summary: JSON.stringify(summary),
      run: runId,
    });
    return summary;
  } catch (error) {
    await store.run('DELETE FROM tariff_run_results WHERE run_id = $run', { run: runId }).catch(() => undefined);
    await store.run('UPDATE tariff_runs SET finished_at = current_localtimestamp() WHERE run_id = $run', { run: runId }).catch(() => undefined);
    throw error;
  } finally {
    await worker?.close();
  }
}

// --- the summary ------------------------------------------------------------------------------

export const SimulationSummary = Type.Object({
  targetCount: Type.Integer(),
  priced: Type.Integer({ description: 'Target customers with a bill in the months' }),
  noBill: Type.Integer(),
  subOptimal: Type.Integer({ description: 'Customers for whom a candidate plan saves more than the minimum' }),
  subOptimalShare: Type.Number({ description: 'subOptimal / priced' }),
  currentFen: Type.Integer({ description: 'What the priced customers were billed over the months' }),
  savingFen: Type.Integer({ description: 'What the sub-optimal customers would save on their best plans' }),
  revenueImpactFen: Type.Integer({ description: 'The operator’s revenue change if every sub-optimal customer takes the best plan (≤ 0)' }),
  months: Type.Array(Type.String()),
  referenceMonths: Type.Integer({ description: 'Customer-months priced by the per-call reference rater' }),
  savings: Type.Object({
    binFen: Type.Integer(),
    bins: Type.Array(Type.Object({ fromFen: Type.Integer(), toFen: Type.Integer(), customers: Type.Integer() })),
  }),
  byPlan: Type.Array(
    Type.Object({
      planId: Type.String(),
      best: Type.Integer({ description: 'Customers for whom it is (one of) the best plans' }),
      saving: Type.Integer({ description: 'Customers it would save money (recommended to them)' }),
      costFen: Type.Integer({ description: 'What every priced target would pay on it' }),
      revenueChangeFen: Type.Integer({ description: 'Revenue change if every priced target moved to it' }),
    }),
  ),
});
export type SimulationSummary = Static<typeof SimulationSummary>;

/** 1, 2 or 5 × 10^k fen, at least one yuan: about ten bins up to the largest saving. */
export function histogramStep(maxFen: number, bins = 10): number {
  const raw = Math.max(100, maxFen / bins);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  return step;
}

export async function computeSummary(db: Db, runId: number): Promise<SimulationSummary> {
  const run = await db.one<{ plans: string[]; months: string[]; target: number }>(
    'SELECT plan_ids AS plans, months, target_count AS target FROM tariff_runs WHERE run_id = $run',
    { run: runId },
  );
  if (!run) throw new NotFound('Tariff run', runId);
  const totals = (await db.one<Record<string, number>>(
    `SELECT count(*) FILTER (WHERE outcome <> 'no_bill') AS priced, count(*) FILTER (WHERE outcome = 'no_bill') AS "noBill",
       count(*) FILTER (WHERE outcome = 'better') AS "subOptimal",
       coalesce(sum(current_fen), 0) AS "currentFen", coalesce(sum(saving_fen), 0) AS "savingFen",
       coalesce(sum(revenue_change_fen), 0) AS "revenueImpactFen", coalesce(sum(reference_months), 0) AS "referenceMonths",
       coalesce(max(saving_fen), 0) AS "maxSaving"
     FROM tariff_run_results WHERE run_id = $run`,
    { run: runId },
  ))!;
  const binFen = histogramStep(totals.maxSaving);
  const counted = await db.query<{ b: number; n: number }>(
    `SELECT CAST((saving_fen - 1) // $bin AS INTEGER) AS b, count(*) AS n FROM tariff_run_results
     WHERE run_id = $run AND outcome = 'better' GROUP BY b ORDER BY b`,
    { run: runId, bin: binFen },
  );
  const lastBin = counted.length ? counted[counted.length - 1].b : -1;
  const byBin = new Map(counted.map((r) => [r.b, r.n]));
  const bins = Array.from({ length: lastBin + 1 }, (_, b) => ({ fromFen: b * binFen, toFen: (b + 1) * binFen, customers: byBin.get(b) ?? 0 }));
  // per plan in three grouped passes over the results rather than one query per plan
  const planCounts = async (list: 'best_plan_ids' | 'recommended') =>
    new Map(
      (await db.query<{ plan: string; n: number }>(
        `SELECT plan, count(*) AS n FROM (SELECT unnest(list_distinct(${list})) AS plan FROM tariff_run_results WHERE run_id = $run) GROUP BY plan`,
        { run: runId },
      )).map((r) => [r.plan, r.n]),
    );
  const [best, saving, sums] = await Promise.all([
    planCounts('best_plan_ids'),
    planCounts('recommended'),
    db.query<{ i: number; cost: number; change: number }>(
      `SELECT i, sum(cost) AS cost, sum(cost - current_fen) AS change FROM (
         SELECT generate_subscripts(costs, 1) AS i, unnest(costs) AS cost, current_fen FROM tariff_run_results WHERE run_id = $run AND outcome <> 'no_bill')
       GROUP BY i`,
      { run: runId },
    ),
  ]);
  const byIndex = new Map(sums.map((r) => [r.i, r]));
  const byPlan = run.plans.map((planId, i) => ({
    planId,
    best: best.get(planId) ?? 0,
    saving: saving.get(planId) ?? 0,
    costFen: byIndex.get(i + 1)?.cost ?? 0,
    revenueChangeFen: byIndex.get(i + 1)?.change ?? 0,
  }));
  return {
    targetCount: run.target,
    priced: totals.priced,
    noBill: totals.noBill,
    subOptimal: totals.subOptimal,
    subOptimalShare: totals.priced ? totals.subOptimal / totals.priced : 0,
    currentFen: totals.currentFen,
    savingFen: totals.savingFen,
    revenueImpactFen: totals.revenueImpactFen,
    months: run.months,
    referenceMonths: totals.referenceMonths,
    savings: { binFen, bins },
    byPlan,
  };
}

// --- reading runs ---------------------------------------------------------------------------

export const TariffRun = Type.Object({
  runId: Type.Integer(),
  name: Type.String(),
  jobId: Type.String(),
  status: Type.String({ description: "The job's: running, succeeded, failed or cancelled" }),
  progress: Type.Number(),
  error: Type.Union([Type.String(), Type.Null()]),
  planIds: Type.Array(Type.String()),
  segmentId: Type.Union([Type.Integer(), Type.Null()]),
  filter: Type.Unknown(),
  months: Type.Array(Type.String()),
  minSavingFen: Type.Integer(),
  targetCount: Type.Integer(),
  summary: Type.Union([SimulationSummary, Type.Null()]),
  createdBy: Type.String(),
  createdAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
});
export type TariffRun = Static<typeof TariffRun>;

const runColumns = `r.run_id AS "runId", r.name, r.job_id AS "jobId", coalesce(CAST(j.status AS VARCHAR), 'failed') AS status,
  coalesce(j.progress, 0) AS progress, j.error, r.plan_ids AS "planIds", r.segment_id AS "segmentId", CAST(r.filter AS VARCHAR) AS filter,
  r.months, r.min_saving_fen AS "minSavingFen", r.target_count AS "targetCount", CAST(r.summary AS VARCHAR) AS summary,
  r.created_by AS "createdBy", strftime(r.created_at, '%Y-%m-%d %H:%M:%S') AS "createdAt",
  strftime(r.finished_at, '%Y-%m-%d %H:%M:%S') AS "finishedAt"`;

type RunRow = Omit<TariffRun, 'filter' | 'summary'> & { filter: string; summary: string | null };
const parseRun = (r: RunRow): TariffRun => ({ ...r, filter: JSON.parse(r.filter), summary: r.summary === null ? null : JSON.parse(r.summary) });

export async function listRuns(db: Db, opts: { limit: number; offset: number }): Promise<{ total: number; items: TariffRun[] }> {
  const total = await db.one<{ n: number }>('SELECT count(*) AS n FROM tariff_runs');
  const rows = await db.query<RunRow>(
    `SELECT ${runColumns} FROM tariff_runs r LEFT JOIN jobs j ON j.job_id = r.job_id ORDER BY r.run_id DESC LIMIT $limit OFFSET $offset`,
    { limit: opts.limit, offset: opts.offset },
  );
  return { total: total?.n ?? 0, items: rows.map(parseRun) };
}

export async function getRun(db: Db, runId: number): Promise<TariffRun> {
  const row = await db.one<RunRow>(`SELECT ${runColumns} FROM tariff_runs r LEFT JOIN jobs j ON j.job_id = r.job_id WHERE r.run_id = $run`, { run: runId });
  if (!row) throw new NotFound('Tariff run', runId);
  return parseRun(row);
}

/**
 * Deletes a finished run with its target and results (a run of a million customers keeps two
 * million rows). A run still pricing is refused. Later runs, pushes already written and the audit
 * trail are untouched; the decision API's tariff savings fall back to the plan's latest run left.
 */
/**
 * Runs whose process died part-way (their job failed by `failInterruptedJobs`): the results they
 * had stored are removed, as a failed or cancelled run's are, and they are marked finished.
 */
export async function cleanInterruptedRuns(db: Db): Promise<void> {
  // a run that ended by itself has finished_at; looked up first, as at almost every open there are none
  const stuck = await db.query<{ id: number }>(
    `SELECT r.run_id AS id FROM tariff_runs r JOIN jobs j USING (job_id) WHERE r.finished_at IS NULL AND j.status IN ('failed', 'cancelled')`,
  );
  if (stuck.length === 0) return;
  const ids = { ids: stuck.map((r) => r.id).join(',') };
  await db.run(`DELETE FROM tariff_run_results WHERE list_contains(CAST(string_split($ids, ',') AS INTEGER[]), run_id)`, ids);
  await db.run(`UPDATE tariff_runs SET finished_at = current_localtimestamp() WHERE list_contains(CAST(string_split($ids, ',') AS INTEGER[]), run_id)`, ids);
}

export async function deleteRun(store: Store, runId: number): Promise<{ runId: number; results: number }> {
  const run = await getRun(store, runId);
  if (run.status === 'running') throw new Conflict(`Run ${runId} is still running; delete it when it has finished`, { code: 'RUN_RUNNING' });
  // a saved segment, or a campaign whose targets are not chosen yet, targets the run's recommendations: they would silently empty
  const users = [
    ...(await segmentsNamingTariffRun(store, runId)).map((s) => `saved segment "${s.name}" (${s.segmentId})`),
    ...(await campaignsNamingTariffRun(store, runId)).map((c) => `campaign "${c.name}" (${c.campaignId})`),
  ];
  if (users.length > 0) {
    throw new Conflict(`Run ${runId} is the target of the ${users.join(', ')}; delete or change ${users.length > 1 ? 'them' : 'it'} first`, { code: 'RUN_IN_USE' });
  }
  return store.transaction(async (tx) => {
    const counted = await tx.one<{ n: number }>('SELECT count(*) AS n FROM tariff_run_results WHERE run_id = $run', { run: runId });
    await tx.run('DELETE FROM tariff_run_results WHERE run_id = $run', { run: runId });
    await tx.run('DELETE FROM tariff_run_targets WHERE run_id = $run', { run: runId });
    await tx.run('DELETE FROM tariff_runs WHERE run_id = $run', { run: runId });
    return { runId, results: counted!.n };
  });
}

export const resultSorts = ['savingFen', 'currentFen', 'bestFen', 'revenueChangeFen', 'subscriberId', 'monthsBilled'] as const;
const sortColumns: Record<(typeof resultSorts)[number], string> = {
  savingFen: 'r.saving_fen',
  currentFen: 'r.current_fen',
  bestFen: 'r.best_fen',
  revenueChangeFen: 'r.revenue_change_fen',
  subscriberId: 'r.subscriber_id',
  monthsBilled: 'r.months_billed',
};

export const ResultQuery = Type.Object({
  page: Type.Integer({ minimum: 1, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
  sort: Type.Union(resultSorts.map((s) => Type.Literal(s)), { default: 'savingFen' }),
  order: Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'desc' }),
  outcome: Type.Optional(Type.Union([Type.Literal('better'), Type.Literal('no_better'), Type.Literal('no_bill')])),
  bestPlanId: Type.Optional(Type.String({ maxLength: 64 })),
  currentPlanId: Type.Optional(Type.String({ maxLength: 64 })),
  brand: Type.Optional(Type.Union([Type.Literal('gotone'), Type.Literal('mzone'), Type.Literal('easyown')])),
});
export type ResultQuery = Static<typeof ResultQuery>;

export const CustomerResult = Type.Object({
  subscriberId: Type.Integer(),
  msisdn: Type.String(),
  brand: Type.String(),
  cityCode: Type.String(),
  currentPlanId: Type.String(),
  monthsBilled: Type.Integer(),
  currentFen: Type.Integer(),
  costs: Type.Record(Type.String(), Type.Integer(), { description: 'plan id → cost over the months billed' }),
  outcome: Type.String(),
  bestPlanIds: Type.Array(Type.String()),
  recommended: Type.Array(Type.String()),
  bestFen: Type.Union([Type.Integer(), Type.Null()]),
  savingFen: Type.Integer(),
  revenueChangeFen: Type.Integer(),
  referenceMonths: Type.Integer(),
  notes: Type.Array(Type.Unknown()),
});
export type CustomerResult = Static<typeof CustomerResult>;

interface ResultSqlRow extends Omit<CustomerResult, 'costs' | 'notes'> {
  costs: number[];
  notes: string | null;
  dnd: boolean;
  status: string;
}

const resultColumns = `r.subscriber_id AS "subscriberId", s.msisdn, CAST(s.brand AS VARCHAR) AS brand, s.city_code AS "cityCode",
  r.current_plan_id AS "currentPlanId", r.months_billed AS "monthsBilled", r.current_fen AS "currentFen", r.costs, r.outcome,
  r.best_plan_ids AS "bestPlanIds", r.recommended, r.best_fen AS "bestFen", r.saving_fen AS "savingFen",
  r.revenue_change_fen AS "revenueChangeFen", r.reference_months AS "referenceMonths", CAST(r.notes AS VARCHAR) AS notes,
  s.dnd, CAST(s.status AS VARCHAR) AS status`;

function resultFilter(runId: number, q: Partial<ResultQuery>): { where: string; params: Record<string, SqlValue> } {
  const filters = new Filters()
    .always('r.run_id = $run', { run: runId })
    .when(q.outcome, 'outcome', 'r.outcome = $outcome')
    .when(q.bestPlanId, 'best', 'list_contains(r.best_plan_ids, $best)')
    .when(q.currentPlanId, 'current', 'r.current_plan_id = $current')
    .when(q.brand, 'brand', 'r.subscriber_id IN (SELECT subscriber_id FROM subscribers WHERE brand = $brand)');
  return { where: filters.all, params: filters.params };
}

function toResult(row: ResultSqlRow, planIds: string[], revealPii: boolean): CustomerResult {
  const { costs, notes, dnd: _dnd, status: _status, msisdn, ...rest } = row;
  return {
    ...rest,
    msisdn: revealPii ? msisdn : maskMsisdn(msisdn),
    costs: Object.fromEntries(planIds.map((id, i) => [id, costs[i]])),
    notes: unpackNotes(notes),
  };
}

export async function listRunResults(db: Db, runId: number, q: ResultQuery, opts: { revealPii: boolean }): Promise<{ total: number; items: CustomerResult[] }> {
  const run = await getRun(db, runId);
  const { where, params } = resultFilter(runId, q);
  const total = await db.one<{ n: number }>(`SELECT count(*) AS n FROM tariff_run_results r WHERE ${where}`, params);
  // the page is chosen among the run's results alone; only its rows meet the subscribers
  const order = `${sortColumns[q.sort]} ${q.order === 'asc' ? 'ASC' : 'DESC'} NULLS LAST, r.subscriber_id`;
  const rows = await db.query<ResultSqlRow>(
    `WITH page AS (SELECT * FROM tariff_run_results r WHERE ${where} ORDER BY ${order} LIMIT $limit OFFSET $offset)
     SELECT ${resultColumns} FROM page r JOIN subscribers s USING (subscriber_id)
     ORDER BY ${order}`,
    { ...params, limit: q.pageSize, offset: (q.page - 1) * q.pageSize },
  );
  return { total: total?.n ?? 0, items: rows.map((r) => toResult(r, run.planIds, opts.revealPii)) };
}

export async function findRunResult(db: Db, runId: number, subscriberId: number, opts: { revealPii: boolean }): Promise<CustomerResult | undefined> {
  const run = await getRun(db, runId);
  const row = await db.one<ResultSqlRow>(
    `SELECT ${resultColumns} FROM tariff_run_results r JOIN subscribers s USING (subscriber_id) WHERE r.run_id = $run AND r.subscriber_id = $sid`,
    { run: runId, sid: subscriberId },
  );
  return row && toResult(row, run.planIds, opts.revealPii);
}

// --- CSV ----------------------------------------------------------------------------------------


/**
 * The run's results as CSV text (header first), streamed: DuckDB sorts the run once and writes
 * each line, so that a million rows never sit in memory as objects. Numbers are masked unless
 * `revealPii`.
 */
export async function* runResultsCsv(db: Db, runId: number, q: Partial<ResultQuery>, opts: { revealPii: boolean }): AsyncGenerator<string> {
  const run = await getRun(db, runId);
  yield '\uFEFF' + csvLine([
    'subscriber_id', 'msisdn', 'brand', 'city', 'current_plan', 'months_billed', 'current_yuan',
    ...run.planIds.map((id) => `cost_${id}_yuan`),
    'outcome', 'best_plans', 'recommended', 'best_yuan', 'saving_yuan', 'revenue_change_yuan', 'reference_months',
  ]);
  const { where, params } = resultFilter(runId, q);
  const fields = [
    'r.subscriber_id', csvFieldSql(opts.revealPii ? 's.msisdn' : maskMsisdnSql('s.msisdn')), 'CAST(s.brand AS VARCHAR)', csvFieldSql('s.city_code'), csvFieldSql('r.current_plan_id'),
    'r.months_billed', yuanTextSql('r.current_fen'),
    ...run.planIds.map((_, i) => yuanTextSql(`r.costs[${i + 1}]`)),
    csvFieldSql('r.outcome'), csvFieldSql(`array_to_string(r.best_plan_ids, ' ')`), csvFieldSql(`array_to_string(r.recommended, ' ')`),
    yuanTextSql('r.best_fen'), yuanTextSql('r.saving_fen'), yuanTextSql('r.revenue_change_fen'), 'r.reference_months',
  ];
  const lines = db.stream<{ line: string }>(
    `SELECT ${csvRowSql(fields)} || chr(13) || chr(10) AS line
     FROM tariff_run_results r JOIN subscribers s USING (subscriber_id) WHERE ${where}
     ORDER BY r.saving_fen DESC, r.subscriber_id`,
    params,
  );
  for await (const batch of lines) {
    let chunk = '';
    for (const r of batch) chunk += r.line;
    yield chunk;
  }
}

