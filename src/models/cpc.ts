// CPC segments (the Anhui CPC fit model): k-means over standardized customer features done in
// DuckDB SQL — the assignment step and the centroid update are one scan each iteration over a
// centroids table — then each cluster is named from its centroid, and the CP (segment × product),
// CC (segment × channel) and PC (product × channel) fit matrices are computed for the run.
import { Type, type Static } from '@sinclair/typebox';
import type { Progress } from '../jobs/jobs.ts';
import { InvalidInput, NotFound } from '../store/errors.ts';
import type { Db, Store } from '../store/store.ts';
import { findLatestModelRun, getModelRun, startModelRun, type ModelRun } from './runs.ts';

const asOf = `(SELECT coalesce((SELECT TRY_CAST(value AS DATE) FROM province_meta WHERE key = 'as_of_date'), current_date))`;

interface FeatureSpec {
  /** SQL over subscribers s and customer_features f; volumes are log-scaled so that heavy users do not dominate. */
  sql: string;
  labelZh: string;
  labelEn: string;
}

/** The features a CPC run may cluster on (allow-listed; names become SQL column names). */
export const cpcFeatures = {
  age: { sql: 's.age', labelZh: '年龄', labelEn: 'Age' },
  tenure: { sql: `datediff('month', s.join_date, ${asOf})`, labelZh: '在网时长', labelEn: 'Tenure' },
  female: { sql: `CASE WHEN s.gender = 'F' THEN 1 ELSE 0 END`, labelZh: '女性', labelEn: 'Female' },
  gotone: { sql: `CASE WHEN s.brand = 'gotone' THEN 1 ELSE 0 END`, labelZh: '全球通品牌', labelEn: 'GoTone brand' },
  mzone: { sql: `CASE WHEN s.brand = 'mzone' THEN 1 ELSE 0 END`, labelZh: '动感地带品牌', labelEn: 'M-Zone brand' },
  smartphone: { sql: `CASE WHEN s.handset_smart THEN 1 ELSE 0 END`, labelZh: '智能终端', labelEn: 'Smartphone' },
  inGroup: { sql: `CASE WHEN s.group_id IS NOT NULL THEN 1 ELSE 0 END`, labelZh: '集团成员', labelEn: 'Group member' },
  bill: { sql: 'ln(1 + coalesce(f.bill_fen, 0) / 100.0)', labelZh: '月均账单', labelEn: 'Monthly bill' },
  voice: { sql: 'ln(1 + coalesce(f.voice_minutes, 0))', labelZh: '通话分钟', labelEn: 'Voice minutes' },
  longDistance: { sql: 'ln(1 + coalesce(f.long_distance_minutes, 0) + coalesce(f.ip_minutes, 0))', labelZh: '长途分钟', labelEn: 'Long-distance minutes' },
  roaming: { sql: 'ln(1 + coalesce(f.roam_intra_minutes, 0) + coalesce(f.roam_inter_minutes, 0))', labelZh: '漫游分钟', labelEn: 'Roaming minutes' },
  sms: { sql: 'ln(1 + coalesce(f.sms, 0))', labelZh: '短信条数', labelEn: 'SMS' },
  data: { sql: 'ln(1 + coalesce(f.gprs_mb, 0))', labelZh: 'GPRS 流量', labelEn: 'Data (MB)' },
  vas: { sql: 'coalesce(f.vas_count, 0)', labelZh: '增值业务数', labelEn: 'VAS held' },
  eChannel: { sql: 'coalesce(f.e_channel_share, 0)', labelZh: '电子渠道占比', labelEn: 'E-channel share' },
  storeVisits: { sql: 'ln(1 + coalesce(f.store_visits_90d, 0))', labelZh: '到厅次数', labelEn: 'Store visits' },
} as const satisfies Record<string, FeatureSpec>;

export type CpcFeature = keyof typeof cpcFeatures;
export const cpcFeatureNames = Object.keys(cpcFeatures) as CpcFeature[];
/** Clustered on unless a run names its own: gender splits every persona in two, so it is left out. */
export const defaultCpcFeatures: CpcFeature[] = cpcFeatureNames.filter((f) => f !== 'female');

export const CpcParams = Type.Object({
  k: Type.Optional(Type.Integer({ description: 'number of segments, 2..30', default: 10 })),
  features: Type.Optional(Type.Array(Type.String(), { description: `features to cluster on (default all): ${cpcFeatureNames.join(', ')}` })),
  maxIterations: Type.Optional(Type.Integer({ description: 'iteration cap, 1..200', default: 30 })),
  tolerance: Type.Optional(Type.Number({ description: 'stop when no centroid moves more than this (standardized units)', default: 0.001 })),
  seed: Type.Optional(Type.Integer({ description: 'seed of the k-means++ initialisation', default: 1 })),
});
export type CpcParams = Static<typeof CpcParams>;
export type CpcSettings = Required<Omit<CpcParams, 'features'>> & { features: CpcFeature[] };

export function validateCpcParams(params: CpcParams): CpcSettings {
  const k = params.k ?? 10;
  if (!Number.isInteger(k) || k < 2 || k > 30) throw new InvalidInput(`k must be a whole number from 2 to 30, got ${k}`, { field: 'k' });
  const features = params.features ?? defaultCpcFeatures;
  if (features.length === 0) throw new InvalidInput('Pick at least one feature to cluster on', { field: 'features' });
  for (const [i, f] of features.entries()) {
    if (!cpcFeatureNames.includes(f as CpcFeature)) {
      throw new InvalidInput(`"${f}" is not a CPC feature; features: ${cpcFeatureNames.join(', ')}`, { field: `features[${i}]` });
    }
  }
  if (new Set(features).size !== features.length) throw new InvalidInput('A feature is listed twice', { field: 'features' });
  const maxIterations = params.maxIterations ?? 30;
  if (!Number.isInteger(maxIterations) || maxIterations < 1 || maxIterations > 200) {
    throw new InvalidInput(`maxIterations must be from 1 to 200, got ${maxIterations}`, { field: 'maxIterations' });
  }
  const tolerance = params.tolerance ?? 0.001;
  if (!(tolerance >= 0 && tolerance < 10)) throw new InvalidInput('tolerance must be from 0 to 10', { field: 'tolerance' });
  return { k, features: features as CpcFeature[], maxIterations, tolerance, seed: params.seed ?? 1 };
}

// Segment names ------------------------------------------------------------------------------

interface SegmentPrototype {
  key: string;
  nameZh: string;
  nameEn: string;
  /** The signs a centroid of this kind shows, in standardized units (weights). */
  weights: Partial<Record<CpcFeature, number>>;
}

/** The seed's customer groups (学生群、商务人士、家庭主妇、农民、夕阳红、时尚小资 …) as centroid patterns. */
export const segmentPrototypes: SegmentPrototype[] = [
  { key: 'student', nameZh: '学生群', nameEn: 'Students', weights: { age: -2, sms: 2, mzone: 2, tenure: -1, bill: -1, inGroup: -1 } },
  { key: 'youth', nameZh: '时尚小资', nameEn: 'Trendy youth', weights: { age: -1.5, data: 2, smartphone: 1.5, vas: 1.5, eChannel: 1 } },
  { key: 'business', nameZh: '商务人士', nameEn: 'Business people', weights: { roaming: 2, longDistance: 2, bill: 1, inGroup: 0.5 } },
  { key: 'white_collar', nameZh: '白领', nameEn: 'Office workers', weights: { gotone: 1.5, eChannel: 1, data: 1, inGroup: 1, age: -0.5, storeVisits: -0.5 } },
  { key: 'senior', nameZh: '夕阳红', nameEn: 'Seniors', weights: { age: 2.5, data: -1.5, sms: -1.5, smartphone: -1, mzone: -1, storeVisits: 1 } },
  { key: 'homemaker', nameZh: '家庭主妇', nameEn: 'Homemakers', weights: { female: 2.5, roaming: -1, inGroup: -1, gotone: -0.5 } },
  { key: 'farmer', nameZh: '农民', nameEn: 'Farmers', weights: { data: -1.5, smartphone: -1, gotone: -1, mzone: -1, eChannel: -1, female: -1, age: 0.5 } },
];

const generalSegment = { key: 'general', nameZh: '大众客户', nameEn: 'Mass market' };

export interface SegmentName {
  labelKey: string;
  nameZh: string;
  nameEn: string;
}

/**
 * Names clusters from their standardized centroids: each cluster takes the prototype whose
 * pattern it matches best (weighted mean of the centroid's z-values, clipped to ±2; at least 0.3), else "mass
 * market". Two clusters of one kind are told apart by their strongest feature (高/低 …).
 */
export function nameSegments(centroids: Array<Partial<Record<CpcFeature, number>>>): SegmentName[] {
  const names = centroids.map((c) => {
    let best: { proto: SegmentPrototype; score: number } | null = null;
    for (const proto of segmentPrototypes) {
      let sum = 0;
      let weight = 0;
      for (const [f, w] of Object.entries(proto.weights) as Array<[CpcFeature, number]>) {
        // a feature the run did not use counts as average (0)
        sum += w * Math.max(-2, Math.min(2, c[f] ?? 0));
        weight += Math.abs(w);
      }
      if (weight === 0) continue;
      const score = sum / weight;
      if (!best || score > best.score) best = { proto, score };
    }
    const chosen = best && best.score >= 0.3 ? best.proto : generalSegment;
    return { labelKey: chosen.key, nameZh: chosen.nameZh, nameEn: chosen.nameEn };
  });
  // namesakes are told apart by the feature on which each differs most from their mean
  const named = names.map((n, i) => {
    const kin = names.map((m, j) => (m.labelKey === n.labelKey ? j : -1)).filter((j) => j >= 0);
    if (kin.length < 2) return n;
    const features = Object.keys(centroids[i]) as CpcFeature[];
    const mean = (f: CpcFeature) => kin.reduce((sum, j) => sum + (centroids[j][f] ?? 0), 0) / kin.length;
    let best: { f: CpcFeature; diff: number } | null = null;
    for (const f of features) {
      const diff = (centroids[i][f] ?? 0) - mean(f);
      if (!best || Math.abs(diff) > Math.abs(best.diff)) best = { f, diff };
    }
    if (!best) return n;
    const spec = cpcFeatures[best.f];
    const high = best.diff >= 0;
    return { ...n, nameZh: `${n.nameZh}（${spec.labelZh}${high ? '较高' : '较低'}）`, nameEn: `${n.nameEn} (${high ? 'higher' : 'lower'} ${spec.labelEn.toLowerCase()})` };
  });
  const seen = new Map<string, number>();
  return named.map((n) => {
    const times = (seen.get(n.nameEn) ?? 0) + 1;
    seen.set(n.nameEn, times);
    return times === 1 ? n : { ...n, nameZh: `${n.nameZh} ${times}`, nameEn: `${n.nameEn} ${times}` };
  });
}

// Training -----------------------------------------------------------------------------------

export interface CpcMetrics {
  subscribers: number;
  k: number;
  iterations: number;
  converged: boolean;
  /** Mean squared distance of a customer to its centroid (standardized units). */
  inertia: number;
  /** Features that did not vary (left out of the distance). */
  constantFeatures: string[];
}

// Column names for feature i: x0, x1, … (the feature names themselves never reach SQL).
const col = (i: number) => `x${i}`;

/** Sample size for the first phase: k-means converges on a sample, then refines on everyone. */
const sampleSize = 50_000;
/** Lloyd iterations over every customer after the sample phase (fewer when it converges). */
const fullIterations = 3;

/**
 * Each point's distances to every centroid (the centroids table collected into one list, so a
 * point is compared with all of them in one vectorized expression) and its nearest cluster.
 */
const nearestSql = (where = '') => `
  SELECT p.subscriber_id, p.v, list_position(ds, list_min(ds)) - 1 AS cluster, list_min(ds) AS dist
  FROM (SELECT p.subscriber_id, p.v, list_transform(cs.cs, c -> array_distance(p.v, c)) AS ds
        FROM cpc_points p CROSS JOIN (SELECT list(v ORDER BY cluster) AS cs FROM cpc_centroids) cs ${where}) p`;

/**
 * Runs k-means on one connection (its temp tables are per connection). The points are the
 * standardized features of every customer not cancelled; the initial centroids come from a
 * seeded k-means++ on a sample (D²-weighted draws by exponential race, deterministic for a
 * seed); Lloyd iterations run on the sample to convergence, then on every customer.
 */
export async function clusterCustomers(
  db: Db,
  settings: CpcSettings,
  progress: Progress = () => undefined,
  log: (message: string) => Promise<void> = async () => undefined,
): Promise<{ metrics: CpcMetrics; centroids: number[][] }> {
  const { k, features, maxIterations, tolerance, seed } = settings;
  const d = features.length;
  const xs = features.map((_, i) => col(i));
  progress(0, 'standardizing features');
  await db.run(`CREATE OR REPLACE TEMP TABLE cpc_raw AS
    SELECT s.subscriber_id, ${features.map((f, i) => `CAST(${cpcFeatures[f].sql} AS DOUBLE) AS ${col(i)}`).join(', ')}
    FROM subscribers s LEFT JOIN customer_features f USING (subscriber_id) WHERE s.status <> 'cancelled'`);
  const stats = await db.one<Record<string, number>>(`SELECT count(*) AS n, ${xs.map((x) => `stddev_pop(${x}) AS s_${x}`).join(', ')} FROM cpc_raw`);
  const n = stats?.n ?? 0;
  if (n < k) throw new InvalidInput(`There are ${n} customers to cluster, fewer than k = ${k}`, { field: 'k' });
  const constant = features.filter((_, i) => !(stats![`s_${col(i)}`] > 1e-12));
  if (constant.length === d) throw new InvalidInput('Every chosen feature is constant over the customers: nothing to cluster on', { field: 'features' });
  if (constant.length) await log(`constant features left out of the distance: ${constant.join(', ')}`);
  const sampleEvery = Math.max(1, Math.ceil(n / sampleSize));
  await db.run(
    `CREATE OR REPLACE TEMP TABLE cpc_points AS
     SELECT r.subscriber_id, [${xs.map((x) => `coalesce((r.${x} - st.m_${x}) / nullif(st.s_${x}, 0), 0)`).join(', ')}]::DOUBLE[${d}] AS v,
       hash($seed, r.subscriber_id) % $every = 0 AS sampled
     FROM cpc_raw r CROSS JOIN (SELECT ${xs.map((x) => `avg(${x}) AS m_${x}, stddev_pop(${x}) AS s_${x}`).join(', ')} FROM cpc_raw) st`,
    { seed, every: sampleEvery },
  );

  // k-means++ on the sample: the first centre by the seed's hash order, then each next one
  // drawn with probability ∝ D² (the point minimizing −ln(u)/D²)
  await db.run(`CREATE OR REPLACE TEMP TABLE cpc_centroids (cluster INTEGER, v DOUBLE[${d}])`);
  await db.run('INSERT INTO cpc_centroids SELECT 0, v FROM cpc_points WHERE sampled ORDER BY hash($seed, subscriber_id), subscriber_id LIMIT 1', { seed });
  for (let j = 1; j < k; j++) {
    await db.run(
      `INSERT INTO cpc_centroids SELECT $j, v FROM (${nearestSql('WHERE p.sampled')})
       WHERE dist > 0 ORDER BY -ln((hash($seed, $j, subscriber_id) % 1000000007 + 0.5) / 1000000007.0) / (dist * dist), subscriber_id LIMIT 1`,
      { seed, j },
    );
  }
  const have = await db.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM cpc_centroids');
  if ((have?.n ?? 0) < k) throw new InvalidInput(`The customers have fewer than k = ${k} distinct feature profiles`, { field: 'k' });

  const means = `[${xs.map((_, i) => `avg(v[${i + 1}])`).join(', ')}]::DOUBLE[${d}]`;
  /** One Lloyd iteration (assign, then move each centre to its members' mean); returns the largest move. */
  const step = async (sampleOnly: boolean): Promise<number> => {
    await db.run(`CREATE OR REPLACE TEMP TABLE cpc_next AS
      SELECT cluster, ${means} AS v FROM (${nearestSql(sampleOnly ? 'WHERE p.sampled' : '')}) GROUP BY cluster`);
    const shift = await db.one<{ shift: number | null }>('SELECT max(array_distance(o.v, n.v)) AS shift FROM cpc_centroids o JOIN cpc_next n USING (cluster)');
    // a cluster that lost every member keeps its centre
    await db.run('DELETE FROM cpc_centroids WHERE cluster IN (SELECT cluster FROM cpc_next)');
    await db.run('INSERT INTO cpc_centroids SELECT cluster, v FROM cpc_next');
    return shift?.shift ?? 0;
  };

  let iterations = 0;
  let converged = false;
  const sampled = sampleEvery > 1;
  if (sampled) {
    for (let i = 0; i < maxIterations; i++) {
      progress(0.05 + (0.35 * i) / maxIterations, `sample iteration ${i + 1}`);
      if ((await step(true)) <= tolerance) break;
    }
  }
  const full = sampled ? Math.min(fullIterations, maxIterations) : maxIterations;
  while (iterations < full) {
    iterations++;
    progress(0.4 + (0.5 * iterations) / full, `iteration ${iterations}`);
    if ((await step(false)) <= tolerance) {
      converged = true;
      break;
    }
  }
  await log(`k-means: ${n} customers, k = ${k}, ${iterations} iterations over everyone${sampled ? ` after converging on a 1-in-${sampleEvery} sample` : ''}${converged ? ', converged' : ', stopped at the cap'}`);
  progress(0.9, 'assigning');
  await db.run(`CREATE OR REPLACE TEMP TABLE cpc_assignment AS SELECT subscriber_id, cluster, dist FROM (${nearestSql()})`);
  const inertia = await db.one<{ v: number }>('SELECT avg(dist * dist) AS v FROM cpc_assignment');
  const rows = await db.query<{ v: number[] }>('SELECT cluster, v::DOUBLE[] AS v FROM cpc_centroids ORDER BY cluster');
  return {
    metrics: { subscribers: n, k, iterations, converged, inertia: inertia?.v ?? 0, constantFeatures: constant },
    centroids: rows.map((r) => [...r.v].map(Number)),
  };
}

/** Starts a CPC segmentation as a tracked, versioned model run (model 'cpc', target 'segments'). */
export async function startCpcRun(store: Store, params: CpcParams, createdBy: string, onProgress?: Progress) {
  const settings = validateCpcParams(params);
  return startModelRun<CpcMetrics>(
    store,
    { model: 'cpc', target: 'segments', params: settings, createdBy },
    ({ runId, progress, log }) =>
      store.withConnection(async (c) => {
        try {
          const { metrics, centroids } = await clusterCustomers(c, settings, progress, log);
          progress(0.92, 'saving segments');
          await c.run(
            `INSERT INTO model_scores (run_id, subscriber_id, label, score)
             SELECT $run, subscriber_id, cluster::VARCHAR, 100.0 / (1 + dist) FROM cpc_assignment`,
            { run: runId },
          );
          await saveSegments(c, runId, settings, centroids);
          progress(0.96, 'fit matrices');
          await saveFitMatrices(c, runId);
          return { metrics, dataWindow: { subscribers: metrics.subscribers } };
        } finally {
          for (const t of ['cpc_raw', 'cpc_points', 'cpc_centroids', 'cpc_next', 'cpc_assignment']) await c.run(`DROP TABLE IF EXISTS ${t}`);
        }
      }),
    onProgress,
  );
}

async function saveSegments(db: Db, runId: number, settings: CpcSettings, centroids: number[][]): Promise<void> {
  const zs = centroids.map((c) => Object.fromEntries(settings.features.map((f, i) => [f, c[i]])) as Partial<Record<CpcFeature, number>>);
  const names = nameSegments(zs);
  const means = await db.query<Record<string, number>>(
    `SELECT a.cluster, count(*)::INTEGER AS n, ${settings.features.map((_, i) => `avg(r.${col(i)}) AS ${col(i)}`).join(', ')}
     FROM cpc_assignment a JOIN cpc_raw r USING (subscriber_id) GROUP BY a.cluster`,
  );
  const byCluster = new Map(means.map((m) => [m.cluster, m]));
  for (let j = 0; j < centroids.length; j++) {
    const m = byCluster.get(j);
    await db.run(
      `INSERT INTO cpc_segments (run_id, cluster, subscribers, label_key, name_zh, name_en, centroid, means)
       VALUES ($run, $cluster, $n, $key, $zh, $en, $centroid, $means)`,
      {
        run: runId,
        cluster: j,
        n: m?.n ?? 0,
        key: names[j].labelKey,
        zh: names[j].nameZh,
        en: names[j].nameEn,
        centroid: JSON.stringify(zs[j]),
        means: JSON.stringify(Object.fromEntries(settings.features.map((f, i) => [f, m ? m[col(i)] : null]))),
      },
    );
  }
}

/**
 * CP: share of a segment holding a product ÷ the province's share; CC: share of a segment's
 * customer-initiated contacts on a channel ÷ the province's share; PC: share of a product's
 * orders taken on a channel ÷ the channel's share of all orders.
 */
async function saveFitMatrices(db: Db, runId: number): Promise<void> {
  await db.run(
    `INSERT INTO cpc_fit_cells
     WITH seg AS (SELECT subscriber_id, label AS segment FROM model_scores WHERE run_id = $run),
       sizes AS (SELECT segment, count(*) AS n FROM seg GROUP BY segment),
       total AS (SELECT count(*) AS n FROM seg),
       held AS (
         SELECT seg.segment, h.product_id, count(DISTINCT h.subscriber_id) AS n
         FROM holdings h JOIN products p USING (product_id) JOIN seg USING (subscriber_id)
         WHERE h.end_date IS NULL AND p.kind IN ('vas', 'offer') GROUP BY ALL),
       province AS (SELECT product_id, sum(n) AS n FROM held GROUP BY product_id)
     SELECT $run, 'cp', held.segment, held.product_id, held.n / sizes.n, (held.n / sizes.n) / (province.n / total.n)
     FROM held JOIN sizes USING (segment) JOIN province USING (product_id) CROSS JOIN total`,
    { run: runId },
  );
  await db.run(
    `INSERT INTO cpc_fit_cells
     WITH seg AS (SELECT subscriber_id, label AS segment FROM model_scores WHERE run_id = $run),
       contacts AS (
         SELECT seg.segment, e.channel_id, count(*) AS n FROM contact_events e JOIN seg USING (subscriber_id)
         WHERE e.event_type IN ('consultation', 'complaint', 'transaction', 'browse') GROUP BY ALL),
       bySegment AS (SELECT segment, sum(n) AS n FROM contacts GROUP BY segment),
       byChannel AS (SELECT channel_id, sum(n) AS n FROM contacts GROUP BY channel_id),
       total AS (SELECT sum(n) AS n FROM contacts)
     SELECT $run, 'cc', c.segment, c.channel_id, c.n / s.n, (c.n / s.n) / (ch.n / total.n)
     FROM contacts c JOIN bySegment s USING (segment) JOIN byChannel ch USING (channel_id) CROSS JOIN total`,
    { run: runId },
  );
  await db.run(
    `INSERT INTO cpc_fit_cells
     WITH o AS (
         SELECT o.product_id, o.channel_id, count(*) AS n FROM orders o JOIN products p USING (product_id)
         WHERE o.action = 'order' AND o.status = 'completed' AND p.kind IN ('vas', 'offer') GROUP BY ALL),
       byProduct AS (SELECT product_id, sum(n) AS n FROM o GROUP BY product_id),
       byChannel AS (SELECT channel_id, sum(n) AS n FROM o GROUP BY channel_id),
       total AS (SELECT sum(n) AS n FROM o)
     SELECT $run, 'pc', o.product_id, o.channel_id, o.n / p.n, (o.n / p.n) / (c.n / total.n)
     FROM o JOIN byProduct p USING (product_id) JOIN byChannel c USING (channel_id) CROSS JOIN total`,
    { run: runId },
  );
}

// Reading ------------------------------------------------------------------------------------

export const CpcSegment = Type.Object({
  cluster: Type.Integer(),
  subscribers: Type.Integer(),
  labelKey: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  centroid: Type.Record(Type.String(), Type.Number()),
  means: Type.Record(Type.String(), Type.Union([Type.Number(), Type.Null()])),
});
export type CpcSegment = Static<typeof CpcSegment>;

const FitMatrix = Type.Object({
  rows: Type.Array(Type.Object({ key: Type.String(), nameZh: Type.String(), nameEn: Type.String() })),
  columns: Type.Array(Type.Object({ key: Type.String(), nameZh: Type.String(), nameEn: Type.String() })),
  cells: Type.Array(Type.Object({ row: Type.String(), column: Type.String(), value: Type.Number(), ratio: Type.Union([Type.Number(), Type.Null()]) })),
});

export const CpcResult = Type.Object({
  runId: Type.Integer(),
  version: Type.Integer(),
  metrics: Type.Unknown(),
  params: Type.Unknown(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
  features: Type.Array(Type.Object({ name: Type.String(), labelZh: Type.String(), labelEn: Type.String() })),
  segments: Type.Array(CpcSegment),
  cp: FitMatrix,
  cc: FitMatrix,
  pc: FitMatrix,
});
export type CpcResult = Static<typeof CpcResult>;

export async function cpcSegments(db: Db, runId: number): Promise<CpcSegment[]> {
  const rows = await db.query<CpcSegment & { centroid: string; means: string }>(
    `SELECT cluster, subscribers, label_key AS "labelKey", name_zh AS "nameZh", name_en AS "nameEn", centroid, means
     FROM cpc_segments WHERE run_id = $run ORDER BY cluster`,
    { run: runId },
  );
  return rows.map((r) => ({ ...r, centroid: JSON.parse(r.centroid), means: JSON.parse(r.means) }));
}

/** A CPC run's segments and fit matrices; the latest succeeded run when runId is not given. */
export async function getCpcResult(db: Db, runId?: number): Promise<CpcResult> {
  let run: ModelRun | undefined;
  if (runId === undefined) {
    run = await findLatestModelRun(db, 'cpc', 'segments');
    if (!run) throw new NotFound('CPC segmentation', 'latest');
  } else {
    run = await getModelRun(db, runId);
    if (run.model !== 'cpc') throw new NotFound('CPC segmentation', runId);
  }
  const segments = await cpcSegments(db, run.runId);
  const segmentHeads = segments.map((s) => ({ key: String(s.cluster), nameZh: s.nameZh, nameEn: s.nameEn }));
  const products = await db.query<{ key: string; nameZh: string; nameEn: string }>(
    `SELECT product_id AS key, name_zh AS "nameZh", name_en AS "nameEn" FROM products
     WHERE product_id IN (SELECT DISTINCT row_key FROM cpc_fit_cells WHERE run_id = $run AND matrix = 'pc'
                          UNION SELECT DISTINCT col_key FROM cpc_fit_cells WHERE run_id = $run AND matrix = 'cp') ORDER BY product_id`,
    { run: run.runId },
  );
  const channels = await db.query<{ key: string; nameZh: string; nameEn: string }>(
    `SELECT channel_id AS key, name_zh AS "nameZh", name_en AS "nameEn" FROM channels ORDER BY channel_id`,
  );
  const cells = await db.query<{ matrix: string; row: string; column: string; value: number; ratio: number | null }>(
    `SELECT matrix, row_key AS row, col_key AS "column", value, ratio FROM cpc_fit_cells WHERE run_id = $run ORDER BY matrix, row_key, col_key`,
    { run: run.runId },
  );
  const pick = (m: string) => cells.filter((c) => c.matrix === m).map(({ row, column, value, ratio }) => ({ row, column, value, ratio }));
  const features = (run.params as CpcSettings).features.map((name) => ({ name, labelZh: cpcFeatures[name].labelZh, labelEn: cpcFeatures[name].labelEn }));
  return {
    runId: run.runId,
    version: run.version,
    metrics: run.metrics,
    params: run.params,
    finishedAt: run.finishedAt,
    features,
    segments,
    cp: { rows: segmentHeads, columns: products, cells: pick('cp') },
    cc: { rows: segmentHeads, columns: channels, cells: pick('cc') },
    pc: { rows: products, columns: channels, cells: pick('pc') },
  };
}

/** The CPC segment a customer is in under the latest run, if any. */
export async function findCustomerSegment(db: Db, subscriberId: number): Promise<(SegmentName & { cluster: number; runId: number }) | undefined> {
  const run = await findLatestModelRun(db, 'cpc', 'segments');
  if (!run) return undefined;
  return db.one(
    `SELECT g.cluster, g.run_id AS "runId", g.label_key AS "labelKey", g.name_zh AS "nameZh", g.name_en AS "nameEn"
     FROM model_scores m JOIN cpc_segments g ON g.run_id = m.run_id AND g.cluster = CAST(m.label AS INTEGER)
     WHERE m.run_id = $run AND m.subscriber_id = $id`,
    { run: run.runId, id: subscriberId },
  );
}
