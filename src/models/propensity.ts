// The potential-customer (propensity) model: current users of a product — or customers with any
// yes/no attribute, or a label column of any customer table — against everyone else, by ridge
// logistic regression over chosen attributes. Every customer gets a score 0–100: the percentile
// of their fitted probability, so "score ≥ 80" is always the best-scored fifth and the decile
// table tells what hit rate that band holds. Evaluation is on a held-out share of customers.
import path from 'node:path';
import { checkSegmentFilter, compileSegment } from '../customers/segments.ts';
import { InvalidInput } from '../store/errors.ts';
import type { Db, SqlValue, Store } from '../store/store.ts';
import { aucOf, decilesOf, logLossOf } from './evaluation.ts';
import {
  chooseAttributes,
  customerTable,
  designOf,
  materializeDesign,
  probabilitySql,
  pullDesign,
  rankedCoefficients,
  type Attribute,
  type CustomerTable,
} from './frame.ts';
import { fitLogistic } from './logistic.ts';
import { type ModelRun, type ModelRunContext, stageTimer, startModelRun } from './runs.ts';
import type { DroppedFeature, ModelSource, PropensityMetrics, PropensityRequest } from './types.ts';
import type { JobHandle, Progress } from '../jobs/jobs.ts';

// A quarter of a million rows pin 30–60 coefficients far below their differences (standard errors
// ~1/√n); a larger training share is sampled for the fit, while every row is still scored.
const defaults = { lambda: 1, trainShare: 0.7, maxTrainRows: 250_000, seed: 1 };

/** The label as SQL over the source, with its parameters and a readable name. */
interface LabelSpec {
  sql: string;
  params: Record<string, SqlValue>;
  name: string;
  /** attributes left out because they restate the label (e.g. the VAS count for a VAS) */
  excluded: DroppedFeature[];
}

/** The target a run is filed under: the product, the attribute's name, or file/table and column. */
export function propensityTarget(request: PropensityRequest): string {
  const label = request.label;
  if ('productId' in label) return label.productId;
  if ('filter' in label) return label.name;
  const source = request.source ?? { kind: 'province' };
  const where = source.kind === 'file' ? `file:${path.basename(source.path)}` : source.kind === 'table' ? `table:${source.table}` : 'province';
  return `${where}:${label.column}`;
}

/** The field names a segment filter mentions (a label defined by them must not be learnt from them). */
function fieldsIn(filter: unknown): string[] {
  if (Array.isArray(filter)) return filter.flatMap(fieldsIn);
  if (typeof filter !== 'object' || filter === null) return [];
  const node = filter as Record<string, unknown>;
  return [...(typeof node.field === 'string' ? [node.field] : []), ...Object.values(node).flatMap(fieldsIn)];
}

const knownPairs: Array<[string, string]> = [
  ['yes', 'no'],
  ['true', 'false'],
  ['1', '0'],
  ['y', 'n'],
  ['positive', 'negative'],
];

async function labelOf(db: Db, source: ModelSource, table: CustomerTable, request: PropensityRequest): Promise<LabelSpec> {
  const label = request.label;
  if ('productId' in label) {
    if (source.kind !== 'province') throw new InvalidInput('A product label needs the province as source; for a table, name its label column', { field: 'label.productId' });
    const product = await db.one<{ kind: string }>('SELECT kind FROM products WHERE product_id = $id', { id: label.productId });
    if (!product) throw new InvalidInput(`There is no product "${label.productId}"`, { field: 'label.productId' });
    const excluded: DroppedFeature[] = [];
    if (product.kind === 'vas') excluded.push({ feature: 'vasCount', reason: `counts ${label.productId} itself, so it restates the label` });
    if (product.kind === 'tariff_plan') excluded.push({ feature: 'planId', reason: `names ${label.productId} itself, so it restates the label` });
    return {
      sql: 's.subscriber_id IN (SELECT subscriber_id FROM holdings WHERE end_date IS NULL AND product_id = $labelProduct)',
      params: { labelProduct: label.productId },
      name: `holds ${label.productId}`,
      excluded,
    };
  }
  if ('filter' in label) {
    if (source.kind !== 'province') throw new InvalidInput('A segment-filter label needs the province as source', { field: 'label.filter' });
    await checkSegmentFilter(db, label.filter, 'label.filter');
    const compiled = compileSegment(label.filter);
    const excluded = [...new Set(fieldsIn(label.filter))].map((feature) => ({ feature, reason: 'defines the label' }));
    return { sql: compiled.where, params: compiled.params, name: label.name, excluded };
  }
  const column = table.columns.get(label.column);
  if (!column) throw new InvalidInput(`The table has no column "${label.column}"; columns: ${[...table.columns.keys()].filter((c) => c !== '__row_id').join(', ')}`, { field: 'label.column' });
  const excluded = [{ feature: label.column, reason: 'is the label' }];
  if (column.type === 'BOOLEAN') {
    if (label.positive !== undefined && !['true', 'false'].includes(label.positive.toLowerCase())) {
      throw new InvalidInput(`${label.column} is a yes/no column; the positive value is true or false, not "${label.positive}"`, { field: 'label.positive' });
    }
    const positive = label.positive === undefined || label.positive.toLowerCase() === 'true';
    return { sql: `(${column.sql} = $labelPositive)`, params: { labelPositive: positive }, name: `${label.column} = ${positive}`, excluded };
  }
  const text = `nullif(trim(CAST(${column.sql} AS VARCHAR)), '')`;
  const values = (await db.query<{ v: string }>(`SELECT DISTINCT ${text} AS v FROM ${table.from} WHERE ${text} IS NOT NULL ORDER BY v LIMIT 11`)).map((r) => r.v);
  if (values.length !== 2) {
    const shown = values.length > 10 ? `${values.slice(0, 10).join(', ')}, …` : values.join(', ');
    throw new InvalidInput(
      values.length < 2
        ? `The label column ${label.column} has ${values.length ? `only the value ${shown}` : 'no values'}; a propensity label needs exactly two`
        : `The label column ${label.column} has ${values.length > 10 ? 'more than ten' : values.length} values (${shown}); a propensity label needs exactly two, e.g. Yes/No`,
      { field: 'label.column' },
    );
  }
  let positive = label.positive;
  if (positive === undefined) {
    const pair = knownPairs.find(([yes, no]) => values.map((v) => v.toLowerCase()).sort().join() === [yes, no].sort().join());
    if (!pair) throw new InvalidInput(`Say which value of ${label.column} is the positive one: ${values.join(' or ')}`, { field: 'label.positive' });
    positive = values.find((v) => v.toLowerCase() === pair[0])!;
  } else if (!values.includes(positive)) {
    throw new InvalidInput(`"${positive}" is not a value of ${label.column} (${values.join(', ')})`, { field: 'label.positive' });
  }
  return { sql: `(${text} = $labelPositive)`, params: { labelPositive: positive }, name: `${label.column} = ${positive}`, excluded };
}

/** Everything about a request that can be checked before training: refusals come back as 400s. */
interface Prepared {
  table: CustomerTable;
  label: LabelSpec;
  attributes: Attribute[];
  excluded: DroppedFeature[];
}

async function prepare(db: Db, request: PropensityRequest): Promise<Prepared> {
  const source = request.source ?? { kind: 'province' as const };
  const table = await customerTable(db, source);
  if (request.population !== undefined && source.kind !== 'province') throw new InvalidInput('A training population (segment) needs the province as source', { field: 'population' });
  if (request.population !== undefined) await checkSegmentFilter(db, request.population, 'population');
  const label = await labelOf(db, source, table, request);
  const leaks = new Set(label.excluded.map((e) => e.feature));
  if (request.features) {
    const leak = request.features.findIndex((f) => leaks.has(f));
    if (leak >= 0) throw new InvalidInput(`${request.features[leak]} ${label.excluded.find((e) => e.feature === request.features![leak])!.reason}; leave it out of the features`, { field: `features[${leak}]` });
  }
  const attributes = chooseAttributes(table, request.features).filter((a) => !leaks.has(a.name));
  if (attributes.length === 0) throw new InvalidInput('No attributes are left to learn from', { field: 'features' });
  const excluded = [...table.unusable, ...label.excluded.filter((e) => table.attributes.some((a) => a.name === e.feature))];
  return { table, label, attributes, excluded };
}

/** Creates model_population (the training population) and model_frame (id, y, pop, train, x0…xk). */
async function buildFrame(db: Db, request: PropensityRequest, p: Prepared, seed: number, trainShare: number): Promise<void> {
  if (request.population !== undefined) {
    const { where, params } = compileSegment(request.population);
    await db.run(`CREATE OR REPLACE TEMP TABLE model_population AS SELECT s.subscriber_id AS id FROM ${p.table.from} WHERE ${where}`, params);
  }
  const pop = request.population !== undefined ? 'id IN (SELECT id FROM model_population)' : 'true';
  await db.run(
    `CREATE OR REPLACE TEMP TABLE model_frame AS
     SELECT *, ${pop} AND y IS NOT NULL AS pop, (hash(id, $seed) % 10000) < $trainCut AS train FROM (
       SELECT ${p.table.idSql} AS id, CAST(${p.label.sql} AS INTEGER) AS y${p.attributes.map((a, i) => `, ${a.sql} AS x${i}`).join('')}
       FROM ${p.table.from})`,
    { ...p.label.params, seed, trainCut: Math.round(trainShare * 10000) },
  );
}

async function counts(db: Db) {
  return (await db.one<{ scored: number; distinct: number; population: number; train: number; trainPos: number; holdout: number; holdoutPos: number }>(
    `SELECT count(*)::INTEGER AS scored, count(DISTINCT id)::INTEGER AS "distinct", count(*) FILTER (WHERE pop)::INTEGER AS population,
       count(*) FILTER (WHERE pop AND train)::INTEGER AS train, count(*) FILTER (WHERE pop AND train AND y = 1)::INTEGER AS "trainPos",
       count(*) FILTER (WHERE pop AND NOT train)::INTEGER AS holdout, count(*) FILTER (WHERE pop AND NOT train AND y = 1)::INTEGER AS "holdoutPos"
     FROM model_frame`,
  ))!;
}

const minimumPerClass = 5;

function refuseUnlearnable(c: Awaited<ReturnType<typeof counts>>, labelName: string, request: PropensityRequest): void {
  const field = request.population !== undefined ? 'population' : 'label';
  if (c.distinct !== c.scored) throw new InvalidInput(`The id column holds ${c.scored - c.distinct} repeated ids; each customer must have one row`, { field: 'source.idColumn' });
  if (c.population === 0) throw new InvalidInput('The training population is empty', { field });
  const positives = c.trainPos + c.holdoutPos;
  const negatives = c.population - positives;
  if (positives === 0) throw new InvalidInput(`None of the ${c.population} customers in the training population has "${labelName}": there is nothing to learn`, { field });
  if (negatives === 0) throw new InvalidInput(`Every one of the ${c.population} customers in the training population has "${labelName}": there is nothing to tell apart`, { field });
  if (c.trainPos < minimumPerClass || c.train - c.trainPos < minimumPerClass) {
    throw new InvalidInput(
      `Too few examples to learn "${labelName}": the training share holds ${c.trainPos} positive and ${c.train - c.trainPos} negative (of ${positives} and ${negatives}); at least ${minimumPerClass} of each are needed`,
      { field },
    );
  }
}

async function dropScratch(db: Db): Promise<void> {
  for (const t of ['model_population', 'model_frame', 'model_design', 'model_pred', 'model_input']) await db.run(`DROP TABLE IF EXISTS ${t}`);
}

/** The training itself, on one connection (its temporary tables live there). */
export async function trainPropensity(store: Store, request: PropensityRequest, run: Pick<ModelRunContext, 'runId' | 'progress' | 'log'>): Promise<{ metrics: PropensityMetrics; dataWindow: unknown }> {
  const lambda = request.lambda ?? defaults.lambda;
  const trainShare = request.trainShare ?? defaults.trainShare;
  const maxTrainRows = request.maxTrainRows ?? defaults.maxTrainRows;
  const seed = request.seed ?? defaults.seed;
  const { timingsMs, lap } = stageTimer();
  return store.withConnection(async (db) => {
    try {
      run.progress(0.02, 'reading the customers');
      const p = await prepare(db, request);
      await buildFrame(db, request, p, seed, trainShare);
      const c = await counts(db);
      refuseUnlearnable(c, p.label.name, request);
      lap('frame');
      await run.log(`${c.scored} customers (ids: ${p.table.keyedBy}); training population ${c.population}: ${c.train} to fit (${c.trainPos} "${p.label.name}"), ${c.holdout} held out (${c.holdoutPos})`);
      for (const e of p.excluded) await run.log(`left out ${e.feature}: ${e.reason}`);

      run.progress(0.15, 'standardizing the attributes');
      const trainWhere = 'pop AND train';
      const design = await designOf(db, 'model_frame', p.attributes, trainWhere, true);
      for (const d of design.dropped) await run.log(`left out ${d.feature}: ${d.reason}`);
      if (design.columns.length === 0) {
        throw new InvalidInput(`No usable attribute is left: ${design.dropped.map((d) => `${d.feature} ${d.reason}`).join('; ')}`, { field: 'features' });
      }
      await materializeDesign(db, 'model_frame', 'model_design', ['y', 'pop', 'train'], p.attributes, design);
      lap('design');
      await run.log(`${design.columns.length} standardized columns from ${p.attributes.length - design.dropped.length} attributes`);

      run.progress(0.3, 'fitting');
      // a deterministic sample when the training share is larger than the fit needs
      const fitShare = Math.min(1, maxTrainRows / c.train);
      const fitWhere = fitShare < 1 ? `${trainWhere} AND (hash(id, ${seed + 1}) % 1000000) < ${Math.floor(fitShare * 1_000_000)}` : trainWhere;
      const { x, extra } = await pullDesign(db, 'model_design', design.columns.length, fitWhere, ['y']);
      lap('pull');
      const fit = fitLogistic(x, extra[0], { lambda });
      lap('fit');
      await run.log(`IRLS on ${x.rows} rows × ${x.columns.length} columns: ${fit.iterations} iterations, ${fit.converged ? 'converged' : 'NOT converged'}, deviance ${fit.deviance.toFixed(1)}`);

      run.progress(0.7, 'scoring');
      const probability = probabilitySql(fit.intercept, fit.coefficients, 'b');
      await db.run(
        `CREATE OR REPLACE TEMP TABLE model_pred AS
         SELECT id, y, pop, train, p, 100.0 * percent_rank() OVER (ORDER BY p) AS score
         FROM (SELECT id, y, pop, train, ${probability.sql} AS p FROM model_design)`,
        probability.params,
      );
      lap('score');
      run.progress(0.8, 'evaluating');
      const holdoutWhere = 'pop AND NOT train';
      const aucHoldout = await aucOf(db, 'model_pred', holdoutWhere);
      const aucTrain = await aucOf(db, 'model_pred', trainWhere);
      const logLoss = await logLossOf(db, 'model_pred', holdoutWhere);
      const deciles = await decilesOf(db, 'model_pred', holdoutWhere);
      lap('evaluate');
      await run.log(`held-out AUC ${aucHoldout.toFixed(4)} (training ${aucTrain.toFixed(4)}), top-decile lift ${deciles[0]?.lift.toFixed(2) ?? '–'}`);

      run.progress(0.9, 'storing scores');
      await db.run(`INSERT INTO model_scores (run_id, subscriber_id, label, score) SELECT $run, id, '', round(score, 2) FROM model_pred`, { run: run.runId });
      lap('store');
      const coefficients = rankedCoefficients(design, fit.coefficients);
      const meta = await db.one<{ months: string | null }>("SELECT max(value) FILTER (WHERE key = 'data_months') AS months FROM province_meta");
      const source = request.source ?? { kind: 'province' };
      return {
        metrics: {
          label: p.label.name,
          rows: { population: c.population, train: c.train, fitted: x.rows, holdout: c.holdout, scored: c.scored },
          positives: { train: c.trainPos, holdout: c.holdoutPos },
          baseRate: (c.trainPos + c.holdoutPos) / c.population,
          auc: { train: aucTrain, holdout: aucHoldout },
          logLoss,
          iterations: fit.iterations,
          converged: fit.converged,
          lambda,
          intercept: fit.intercept,
          coefficients,
          topAttributes: coefficients.slice(0, 10),
          deciles,
          dropped: [...p.excluded, ...design.dropped],
          scoresKeyedBy: p.table.keyedBy,
          timingsMs,
        },
        dataWindow: {
          source: source.kind === 'file' ? { kind: 'file', file: path.basename(source.path) } : source,
          months: source.kind === 'province' && meta?.months ? meta.months.split(',') : null,
          rows: c.scored,
        },
      };
    } finally {
      await dropScratch(db);
    }
  });
}

/** Checks a request against the data (a 400 before any job starts), then trains as a tracked run. */
export async function startPropensity(
  store: Store,
  request: PropensityRequest,
  createdBy: string,
  onProgress?: Progress,
): Promise<JobHandle<ModelRun> & { runId: number }> {
  await store.withConnection(async (db) => {
    try {
      // the label alone (no attributes) is cheap to count, and a label nobody has is refused here
      const p = await prepare(db, request);
      await buildFrame(db, request, { ...p, attributes: [] }, request.seed ?? defaults.seed, request.trainShare ?? defaults.trainShare);
      refuseUnlearnable(await counts(db), p.label.name, request);
    } finally {
      await dropScratch(db);
    }
  });
  return startModelRun(store, { model: 'propensity', target: propensityTarget(request), params: request, createdBy }, (run) => trainPropensity(store, request, run), onProgress);
}
