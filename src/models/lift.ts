// Association / lift (the Heilongjiang Fetion lift model): for one product, support, confidence
// and lift against every other product held, and against bands of each customer attribute
// (equal-count bands of a number, each level of a category). Each customer's 0–100 lift score
// adds up the log-lifts of the bands they fall in (a naive-Bayes ranking, smoothed towards the
// base rate so that small bands cannot dominate) and takes its percentile: "≥ 80" is the fifth
// of customers who look most like the product's users. All counting runs in DuckDB.
import type { JobHandle, Progress } from '../jobs/jobs.ts';
import { InvalidInput } from '../store/errors.ts';
import type { Db, SqlValue, Store } from '../store/store.ts';
import { aucOf, decilesOf } from './evaluation.ts';
import { chooseAttributes, provinceTable, type Attribute } from './frame.ts';
import { type ModelRun, type ModelRunContext, stageTimer, startModelRun } from './runs.ts';
import type { AssociationRule, DroppedFeature, LiftMetrics, LiftRequest } from './types.ts';

const defaults = { bins: 5, minSupportCount: 30 };
/** Pseudo-customers at the base rate added to every band before its lift is taken. */
const smoothing = 20;
const maxLevels = 30;

interface Band {
  /** SQL of the band number over lift_frame's x column, and its parameters */
  sql: string;
  params: Record<string, SqlValue>;
  labels: string[];
}

const round = (x: number) => +x.toPrecision(4);

/** Equal-count bands of a number (tied cut points merged), yes/no for 0/1, one band per level of a category. */
async function bandOf(db: Db, a: Attribute, i: number, bins: number): Promise<Band | DroppedFeature> {
  const x = `x${i}`;
  if (a.kind === 'categorical') {
    const levels = await db.query<{ v: string }>(`SELECT ${x} AS v FROM lift_frame WHERE ${x} IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, v LIMIT ${maxLevels + 1}`);
    if (levels.length < 2) return { feature: a.name, reason: 'has fewer than two values' };
    if (levels.length > maxLevels) return { feature: a.name, reason: `has more than ${maxLevels} values` };
    const params: Record<string, SqlValue> = {};
    const whens = levels.map((l, k) => {
      params[`${x}_${k}`] = l.v;
      return `WHEN $${x}_${k} THEN ${k}`;
    });
    return { sql: `CASE ${x} ${whens.join(' ')} END`, params, labels: levels.map((l) => `${a.name} = ${l.v}`) };
  }
  const stats = (await db.one<{ lo: number | null; hi: number | null; distinct: number; cuts: number[] | null }>(
    `SELECT min(${x}) AS lo, max(${x}) AS hi, approx_count_distinct(${x}) AS "distinct",
       quantile_cont(${x}, [${Array.from({ length: bins - 1 }, (_, k) => (k + 1) / bins).join(', ')}]) AS cuts FROM lift_frame`,
  ))!;
  if (stats.lo === null || stats.hi === null || stats.lo === stats.hi) return { feature: a.name, reason: 'is constant, so it cannot tell customers apart' };
  if (stats.lo === 0 && stats.hi === 1 && stats.distinct <= 2) {
    return { sql: `CASE WHEN ${x} IS NULL THEN NULL WHEN ${x} >= 0.5 THEN 1 ELSE 0 END`, params: {}, labels: [`${a.name} = no`, `${a.name} = yes`] };
  }
  const cuts = [...new Set((stats.cuts ?? []).map(round))].filter((c) => c > stats.lo! && c <= stats.hi!).sort((p, q) => p - q);
  if (cuts.length === 0) cuts.push(round((stats.lo + stats.hi) / 2));
  const params: Record<string, SqlValue> = {};
  const whens = cuts.map((c, k) => {
    params[`${x}_${k}`] = c;
    return `WHEN ${x} < $${x}_${k} THEN ${k}`;
  });
  const edges = [round(stats.lo), ...cuts, round(stats.hi)];
  const labels = edges.slice(0, -1).map((lo, k) => (k === cuts.length ? `${a.name} ∈ [${lo}, ${edges[k + 1]}]` : `${a.name} ∈ [${lo}, ${edges[k + 1]})`));
  return { sql: `CASE WHEN ${x} IS NULL THEN NULL ${whens.join(' ')} ELSE ${cuts.length} END`, params, labels };
}

/** The product against every other product currently held. */
async function productRules(db: Db, productId: string, customers: number, holders: number, minSupport: number): Promise<LiftMetrics['products']> {
  const rows = await db.query<{ productId: string; both: number; held: number }>(
    `SELECT h.product_id AS "productId", count(*) FILTER (WHERE l.subscriber_id IS NOT NULL)::INTEGER AS both, count(*)::INTEGER AS held
     FROM (SELECT DISTINCT subscriber_id, product_id FROM holdings WHERE end_date IS NULL AND product_id <> $product) h
       LEFT JOIN lift_holders l USING (subscriber_id)
     GROUP BY 1 HAVING count(*) FILTER (WHERE l.subscriber_id IS NOT NULL) >= $min`,
    { product: productId, min: minSupport },
  );
  return rows
    .map((r) => ({
      productId: r.productId,
      both: r.both,
      support: r.both / customers,
      confidenceTo: r.both / r.held,
      confidenceFrom: r.both / holders,
      lift: (r.both * customers) / (r.held * holders),
    }))
    .sort((a, b) => b.lift - a.lift || a.productId.localeCompare(b.productId));
}

async function dropScratch(db: Db): Promise<void> {
  for (const t of ['lift_holders', 'lift_frame', 'lift_pred']) await db.run(`DROP TABLE IF EXISTS ${t}`);
}

async function attributesFor(db: Db, request: LiftRequest): Promise<{ attributes: Attribute[]; excluded: DroppedFeature[] }> {
  const product = await db.one<{ kind: string }>('SELECT kind FROM products WHERE product_id = $id', { id: request.productId });
  if (!product) throw new InvalidInput(`There is no product "${request.productId}"`, { field: 'productId' });
  const restating = product.kind === 'vas' ? 'vasCount' : product.kind === 'tariff_plan' ? 'planId' : null;
  const excluded = restating ? [{ feature: restating, reason: `counts or names ${request.productId} itself, so it restates the product` }] : [];
  if (restating && request.features?.includes(restating)) {
    throw new InvalidInput(`${restating} restates ${request.productId}; leave it out of the features`, { field: `features[${request.features.indexOf(restating)}]` });
  }
  return { attributes: chooseAttributes(provinceTable(), request.features).filter((a) => a.name !== restating), excluded };
}

export async function trainLift(store: Store, request: LiftRequest, run: Pick<ModelRunContext, 'runId' | 'progress' | 'log'>): Promise<{ metrics: LiftMetrics; dataWindow: unknown }> {
  const bins = request.bins ?? defaults.bins;
  const minSupport = request.minSupportCount ?? defaults.minSupportCount;
  const { timingsMs, lap } = stageTimer();
  const table = provinceTable();
  return store.withConnection(async (db) => {
    try {
      const { attributes, excluded } = await attributesFor(db, request);
      run.progress(0.05, 'holders');
      await db.run(`CREATE OR REPLACE TEMP TABLE lift_holders AS SELECT DISTINCT subscriber_id FROM holdings WHERE end_date IS NULL AND product_id = $product`, { product: request.productId });
      await db.run(
        `CREATE OR REPLACE TEMP TABLE lift_frame AS
         SELECT ${table.idSql} AS id, CAST(l.subscriber_id IS NOT NULL AS INTEGER) AS y${attributes.map((a, i) => `, ${a.sql} AS x${i}`).join('')}
         FROM ${table.from} LEFT JOIN lift_holders l ON l.subscriber_id = s.subscriber_id`,
      );
      const totals = (await db.one<{ n: number; h: number }>('SELECT count(*)::INTEGER AS n, sum(y)::INTEGER AS h FROM lift_frame'))!;
      if (!totals.h) throw new InvalidInput(`Nobody holds ${request.productId}: there is no lift to measure`, { field: 'productId' });
      if (totals.h === totals.n) throw new InvalidInput(`Everyone holds ${request.productId}: there is no lift to measure`, { field: 'productId' });
      const base = totals.h / totals.n;
      await run.log(`${totals.n} customers, ${totals.h} hold ${request.productId} (base rate ${(base * 100).toFixed(2)}%)`);
      lap('frame');

      run.progress(0.15, 'products');
      const products = await productRules(db, request.productId, totals.n, totals.h, minSupport);
      lap('products');

      run.progress(0.3, 'attribute bands');
      const rules: AssociationRule[] = [];
      const dropped: DroppedFeature[] = [...excluded];
      const terms: string[] = [];
      const params: Record<string, SqlValue> = {};
      for (const [i, a] of attributes.entries()) {
        const band = await bandOf(db, a, i, bins);
        if (!('sql' in band)) {
          dropped.push(band);
          continue;
        }
        const counts = await db.query<{ band: number; n: number; pos: number }>(
          `SELECT b AS band, count(*)::INTEGER AS n, sum(y)::INTEGER AS pos FROM (SELECT ${band.sql} AS b, y FROM lift_frame) WHERE b IS NOT NULL GROUP BY 1 ORDER BY 1`,
          band.params,
        );
        Object.assign(params, band.params);
        const whens = counts.map((c) => {
          const confidence = c.pos / c.n;
          if (c.n >= minSupport) rules.push({ antecedent: band.labels[c.band], feature: a.name, customers: c.n, support: c.pos / totals.n, confidence, lift: confidence / base });
          params[`l${i}_${c.band}`] = Math.log((c.pos + smoothing * base) / (c.n + smoothing) / base);
          return `WHEN ${c.band} THEN $l${i}_${c.band}`;
        });
        terms.push(`coalesce(CASE ${band.sql} ${whens.join(' ')} END, 0)`);
      }
      for (const d of dropped) await run.log(`left out ${d.feature}: ${d.reason}`);
      if (terms.length === 0) throw new InvalidInput('No usable attribute is left', { field: 'features' });
      rules.sort((a, b) => b.lift - a.lift || a.antecedent.localeCompare(b.antecedent));
      lap('bands');

      run.progress(0.7, 'lift scores');
      await db.run(
        `CREATE OR REPLACE TEMP TABLE lift_pred AS SELECT id, y, p, 100.0 * percent_rank() OVER (ORDER BY p) AS score FROM (SELECT id, y, ${terms.join(' + ')} AS p FROM lift_frame)`,
        params,
      );
      const auc = await aucOf(db, 'lift_pred', 'true');
      const deciles = await decilesOf(db, 'lift_pred', 'true');
      await db.run(`INSERT INTO model_scores (run_id, subscriber_id, label, score) SELECT $run, id, '', round(score, 2) FROM lift_pred`, { run: run.runId });
      lap('score');
      await run.log(`lift score AUC ${auc.toFixed(4)} (in sample), top-decile lift ${deciles[0]?.lift.toFixed(2) ?? '–'}; strongest bands: ${rules.slice(0, 3).map((r) => `${r.antecedent} ×${r.lift.toFixed(2)}`).join(', ')}`);
      return {
        metrics: { productId: request.productId, customers: totals.n, holders: totals.h, baseRate: base, products, attributes: rules, auc, deciles, dropped, timingsMs },
        dataWindow: { rows: totals.n },
      };
    } finally {
      await dropScratch(db);
    }
  });
}

export async function startLift(store: Store, request: LiftRequest, createdBy: string, onProgress?: Progress): Promise<JobHandle<ModelRun> & { runId: number }> {
  await attributesFor(store, request);
  return startModelRun(store, { model: 'lift', target: request.productId, params: request, createdBy }, (run) => trainLift(store, request, run), onProgress);
}
