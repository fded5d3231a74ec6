// Model runs are first-class: each training is a tracked job and a numbered version of its
// (model, target), with the parameters, data window, metrics and log it ran with. The work
// writes its scores into model_scores under the run id; a campaign pins a run, not "the latest".
import { Type, type Static } from '@sinclair/typebox';
import { startJob, type JobHandle, type Progress } from '../jobs/jobs.ts';
import { NotFound } from '../store/errors.ts';
import { Filters } from '../store/filters.ts';
import type { Db, Store } from '../store/store.ts';

export const ModelRun = Type.Object({
  runId: Type.Integer(),
  model: Type.String(),
  target: Type.String(),
  version: Type.Integer(),
  status: Type.Union([Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('cancelled')]),
  params: Type.Unknown(),
  dataWindow: Type.Unknown(),
  metrics: Type.Unknown(),
  jobId: Type.Union([Type.String(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  createdBy: Type.String(),
  startedAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
});
export type ModelRun = Static<typeof ModelRun>;

export interface ModelRunSpec {
  model: string;
  target: string;
  params: unknown;
  /** The data the model was trained on, e.g. {months: ['2026-08', …], rows: 1000000}. */
  dataWindow?: unknown;
  createdBy: string;
}

/** What a training function gets: its run id (to write model_scores), progress and a log. */
export interface ModelRunContext {
  runId: number;
  progress: Progress;
  log(message: string): Promise<void>;
}

/** What a training function returns: the metrics stored with the run (AUC, accuracy, sizes …). */
export interface ModelRunOutcome<M> {
  metrics: M;
  dataWindow?: unknown;
}

const runColumns = `run_id AS "runId", model, target, version, status, params, data_window AS "dataWindow", metrics,
  job_id AS "jobId", error, created_by AS "createdBy", strftime(started_at, '%Y-%m-%d %H:%M:%S') AS "startedAt",
  strftime(finished_at, '%Y-%m-%d %H:%M:%S') AS "finishedAt"`;

const parseJson = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value ?? null);
const parseRun = (row: ModelRun): ModelRun => ({ ...row, params: parseJson(row.params), dataWindow: parseJson(row.dataWindow), metrics: parseJson(row.metrics) });

/** Times a training's stages: lap(name) records the milliseconds since the last lap (or the start) under name. */
export function stageTimer(): { timingsMs: Record<string, number>; lap: (name: string) => void } {
  const timingsMs: Record<string, number> = {};
  let clock = Date.now();
  const lap = (name: string) => {
    const now = Date.now();
    timingsMs[name] = now - clock;
    clock = now;
  };
  return { timingsMs, lap };
}

/**
 * Starts training as a tracked job (kind `model.<model>`) under a new version of (model, target)
 * and returns at once. On failure the run is marked failed with the error and its scores removed.
 * The job can be cancelled: training stops at its next progress report, and the run is marked
 * cancelled with its scores removed.
 */
export async function startModelRun<M>(
  store: Store,
  spec: ModelRunSpec,
  train: (run: ModelRunContext) => Promise<ModelRunOutcome<M>>,
  onProgress?: Progress,
): Promise<JobHandle<ModelRun> & { runId: number }> {
  const created = await store.transaction(async (tx) => {
    const next = await tx.one<{ v: number }>('SELECT coalesce(max(version), 0) + 1 AS v FROM model_runs WHERE model = $model AND target = $target', {
      model: spec.model,
      target: spec.target,
    });
    return tx.one<{ id: number }>(
      `INSERT INTO model_runs (model, target, version, status, params, data_window, created_by)
       VALUES ($model, $target, $version, 'running', $params, $window, $by) RETURNING run_id AS id`,
      {
        model: spec.model,
        target: spec.target,
        version: next!.v,
        params: JSON.stringify(spec.params ?? null),
        window: spec.dataWindow === undefined ? null : JSON.stringify(spec.dataWindow),
        by: spec.createdBy,
      },
    );
  });
  const runId = created!.id;
  const log = (message: string) => store.run('INSERT INTO model_run_log (run_id, message) VALUES ($id, $message)', { id: runId, message });

  const handle = await startJob(
    store,
    `model.${spec.model}`,
    { runId, model: spec.model, target: spec.target, params: spec.params },
    spec.createdBy,
    async (progress, signal) => {
      // each progress report is also where a cancelled training stops
      const checked: Progress = (fraction, message) => {
        signal.throwIfAborted();
        progress(fraction, message);
      };
      try {
        const outcome = await train({ runId, progress: checked, log });
        await store.run(
          `UPDATE model_runs SET status = 'succeeded', metrics = $metrics, data_window = coalesce($window, data_window),
             finished_at = current_localtimestamp() WHERE run_id = $id`,
          { id: runId, metrics: JSON.stringify(outcome.metrics ?? null), window: outcome.dataWindow === undefined ? null : JSON.stringify(outcome.dataWindow) },
        );
      } catch (error) {
        await store.run('DELETE FROM model_scores WHERE run_id = $id', { id: runId });
        const stopped = signal.aborted ? (signal.reason as Error) : null;
        await store.run(`UPDATE model_runs SET status = $status, error = $error, finished_at = current_localtimestamp() WHERE run_id = $id`, {
          id: runId,
          status: stopped ? 'cancelled' : 'failed',
          error: (stopped ?? (error as Error)).message,
        });
        throw error;
      }
      return getModelRun(store, runId);
    },
    onProgress,
    { cancellable: true },
  );
  await store.run('UPDATE model_runs SET job_id = $job WHERE run_id = $id', { job: handle.jobId, id: runId });
  return { ...handle, runId };
}

/**
 * Runs left 'running' by a process that died (its job was failed by `failInterruptedJobs`):
 * marked failed like any failed training, their scores removed.
 */
export async function failInterruptedModelRuns(db: Db): Promise<void> {
  // looked up first: at almost every open there are none, and the scores table is large
  const stuck = (await db.query<{ id: number }>(`SELECT run_id AS id FROM model_runs WHERE status = 'running'`)).map((r) => r.id);
  if (stuck.length === 0) return;
  const ids = { ids: stuck.join(',') };
  await db.run(`DELETE FROM model_scores WHERE list_contains(CAST(string_split($ids, ',') AS INTEGER[]), run_id)`, ids);
  await db.run(
    `UPDATE model_runs SET status = 'failed', error = 'interrupted: the process stopped while this training ran',
       finished_at = current_localtimestamp() WHERE list_contains(CAST(string_split($ids, ',') AS INTEGER[]), run_id)`,
    ids,
  );
}

export async function findModelRun(db: Db, runId: number): Promise<ModelRun | undefined> {
  const row = await db.one<ModelRun>(`SELECT ${runColumns} FROM model_runs WHERE run_id = $id`, { id: runId });
  return row && parseRun(row);
}

export async function getModelRun(db: Db, runId: number): Promise<ModelRun> {
  const run = await findModelRun(db, runId);
  if (!run) throw new NotFound('Model run', runId);
  return run;
}

/** The newest succeeded run of (model, target), if any. */
export async function findLatestModelRun(db: Db, model: string, target: string): Promise<ModelRun | undefined> {
  const row = await db.one<ModelRun>(
    `SELECT ${runColumns} FROM model_runs WHERE model = $model AND target = $target AND status = 'succeeded' ORDER BY version DESC LIMIT 1`,
    { model, target },
  );
  return row && parseRun(row);
}

export async function listModelRuns(
  db: Db,
  opts: { model?: string; target?: string; limit: number; offset: number },
): Promise<{ total: number; items: ModelRun[] }> {
  const { where, params } = new Filters().when(opts.model, 'model', 'model = $model').when(opts.target, 'target', 'target = $target');
  const total = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM model_runs ${where}`, params);
  const rows = await db.query<ModelRun>(`SELECT ${runColumns} FROM model_runs ${where} ORDER BY run_id DESC LIMIT $limit OFFSET $offset`, {
    ...params,
    limit: opts.limit,
    offset: opts.offset,
  });
  return { total: total?.n ?? 0, items: rows.map(parseRun) };
}

export async function modelRunLog(db: Db, runId: number): Promise<Array<{ at: string; message: string }>> {
  await getModelRun(db, runId);
  return db.query(`SELECT strftime(logged_at, '%Y-%m-%d %H:%M:%S') AS at, message FROM model_run_log WHERE run_id = $id ORDER BY logged_at, rowid`, { id: runId });
}
