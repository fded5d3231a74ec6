// Customer–business–channel matching, the alternative method: one multi-target, multi-valued
// decision tree (CART-style) predicting at once the product a customer took most recently among
// candidate products ("none" included) and the channel they contact most. Split candidates and their
// counts come from DuckDB (quantiles, GROUP BY over the node's rows); JS only picks the best split.
import { Type, type Static } from '@sinclair/typebox';
import { dataEndSql } from '../customers/features.ts';
import type { Progress } from '../jobs/jobs.ts';
import { InvalidInput } from '../store/errors.ts';
import type { Db, SqlValue, Store } from '../store/store.ts';
import { startModelRun } from './runs.ts';

const asOf = `(SELECT coalesce((SELECT TRY_CAST(value AS DATE) FROM province_meta WHERE key = 'as_of_date'), current_date))`;
const customerInitiated = `('consultation', 'transaction', 'complaint', 'browse')`;
/** The product value of customers holding none of the candidates. */
export const noProduct = 'none';

interface TreeFeature {
  sql: string;
  kind: 'numeric' | 'categorical';
}

/**
 * Profile and usage attributes (subscribers s, customer_features f) in readable units, so rules
 * read "sms > 60". Contact-derived columns (store visits, e-channel share) and product usage
 * (VAS count, Fetion traffic) are left out: they would restate the targets.
 */
export const treeFeatures = {
  age: { sql: 's.age', kind: 'numeric' },
  tenureMonths: { sql: `datediff('month', s.join_date, ${asOf})`, kind: 'numeric' },
  billYuan: { sql: 'coalesce(f.bill_fen, 0) / 100.0', kind: 'numeric' },
  voiceMinutes: { sql: 'coalesce(f.voice_minutes, 0)', kind: 'numeric' },
  longDistanceMinutes: { sql: 'coalesce(f.long_distance_minutes, 0) + coalesce(f.ip_minutes, 0)', kind: 'numeric' },
  roamingMinutes: { sql: 'coalesce(f.roam_intra_minutes, 0) + coalesce(f.roam_inter_minutes, 0)', kind: 'numeric' },
  sms: { sql: 'coalesce(f.sms, 0)', kind: 'numeric' },
  dataMb: { sql: 'coalesce(f.gprs_mb, 0)', kind: 'numeric' },
  smartphone: { sql: 'CASE WHEN s.handset_smart THEN 1 ELSE 0 END', kind: 'numeric' },
  groupMember: { sql: 'CASE WHEN s.group_id IS NOT NULL THEN 1 ELSE 0 END', kind: 'numeric' },
  brand: { sql: 'CAST(s.brand AS VARCHAR)', kind: 'categorical' },
  gender: { sql: 'CAST(s.gender AS VARCHAR)', kind: 'categorical' },
} as const satisfies Record<string, TreeFeature>;
export type TreeFeatureName = keyof typeof treeFeatures;
const featureNames = Object.keys(treeFeatures) as TreeFeatureName[];

export const MatchingTreeRequest = Type.Object({
  products: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50, description: 'candidate product ids (at least one)' }),
  maxDepth: Type.Optional(Type.Integer({ description: 'depth of the tree, 1..6', default: 4 })),
  minLeafSize: Type.Optional(Type.Integer({ description: 'fewest customers on either side of a split', default: 50 })),
  quantiles: Type.Optional(Type.Integer({ description: 'numeric split thresholds tried per feature and node, 2..32', default: 8 })),
  minContacts: Type.Optional(Type.Integer({ description: 'customer-initiated contacts that make a frequent contacter (the channel target)', default: 10 })),
  windowMonths: Type.Optional(Type.Integer({ description: 'months of contacts counted', default: 3 })),
});
export type MatchingTreeRequest = Static<typeof MatchingTreeRequest>;
export type MatchingTreeSettings = Required<MatchingTreeRequest>;

export function validateMatchingTree(request: MatchingTreeRequest): MatchingTreeSettings {
  const products = request.products ?? [];
  if (products.length === 0) throw new InvalidInput('Name at least one candidate product', { field: 'products' });
  if (new Set(products).size !== products.length) throw new InvalidInput('A product is listed twice', { field: 'products' });
  const ranged = (field: keyof MatchingTreeRequest, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) throw new InvalidInput(`${field} must be a whole number from ${min} to ${max}, got ${value}`, { field });
    return value;
  };
  return {
    products,
    maxDepth: ranged('maxDepth', request.maxDepth ?? 4, 1, 6),
    minLeafSize: ranged('minLeafSize', request.minLeafSize ?? 50, 1, 1_000_000),
    quantiles: ranged('quantiles', request.quantiles ?? 8, 2, 32),
    minContacts: ranged('minContacts', request.minContacts ?? 10, 1, 10_000),
    windowMonths: ranged('windowMonths', request.windowMonths ?? 3, 1, 24),
  };
}

// The tree ------------------------------------------------------------------------------------

export interface TreeCondition {
  feature: TreeFeatureName;
  op: '<=' | '>' | '=' | '<>';
  value: number | string;
}

export interface TreeNode {
  id: number;
  depth: number;
  /** the chain of conditions from the root, as text ("all customers" at the root) */
  rule: string;
  conditions: TreeCondition[];
  subscribers: number;
  /** frequent contacters among them (the rows that know the channel target) */
  contacters: number;
  /** share of each product value (incl. "none") and of each preferred channel */
  products: Record<string, number>;
  channels: Record<string, number>;
  split: { feature: TreeFeatureName; op: '<=' | '='; value: number | string; gain: number } | null;
  children: [number, number] | null;
}

export interface TreeLeaf {
  nodeId: number;
  rule: string;
  conditions: TreeCondition[];
  subscribers: number;
  product: string;
  productProbability: number;
  channel: string;
  channelProbability: number;
  /** probability of the pair × 100, the score each of its customers gets */
  score: number;
}

export interface MatchingTreeMetrics {
  subscribers: number;
  contacters: number;
  baseProducts: Record<string, number>;
  baseChannels: Record<string, number>;
  /** training accuracy of the leaves' most likely value (product incl. "none"; channel on frequent contacters) */
  productAccuracy: number;
  channelAccuracy: number;
  nodes: TreeNode[];
  leaves: TreeLeaf[];
  rules: string[];
}

type Counts = Map<string, number>;
const total = (c: Counts) => [...c.values()].reduce((a, b) => a + b, 0);
const gini = (c: Counts, n = total(c)) => (n === 0 ? 0 : 1 - [...c.values()].reduce((s, k) => s + (k / n) ** 2, 0));
const add = (into: Counts, from: Counts, sign = 1) => {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + sign * v);
};
const shares = (c: Counts): Record<string, number> => {
  const n = total(c);
  return Object.fromEntries([...c.entries()].filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k, v]) => [k, v / n]));
};

/** Counts of both targets among a set of rows. */
interface Side {
  product: Counts;
  channel: Counts;
}
const emptySide = (): Side => ({ product: new Map(), channel: new Map() });

/**
 * The impurity decrease of a split summed over the targets, each normalized by the root's rows
 * that know it, so the channel target (known for frequent contacters only) weighs as much as the product.
 */
export function splitGain(parent: Side, left: Side, rootRows: { product: number; channel: number }): number {
  const right: Side = { product: new Map(parent.product), channel: new Map(parent.channel) };
  add(right.product, left.product, -1);
  add(right.channel, left.channel, -1);
  let gain = 0;
  for (const t of ['product', 'channel'] as const) {
    if (rootRows[t] === 0) continue;
    const decrease = total(parent[t]) * gini(parent[t]) - total(left[t]) * gini(left[t]) - total(right[t]) * gini(right[t]);
    gain += decrease / rootRows[t];
  }
  return gain;
}

const col = (f: TreeFeatureName) => `x_${f}`;
const opText: Record<TreeCondition['op'], string> = { '<=': '≤', '>': '>', '=': '=', '<>': '≠' };
const conditionText = (c: TreeCondition) => `${c.feature} ${opText[c.op]} ${typeof c.value === 'number' ? +c.value.toPrecision(6) : c.value}`;
const ruleText = (cs: TreeCondition[]) => (cs.length ? cs.map(conditionText).join(' AND ') : 'all customers');

/** The WHERE clause of a node (its condition chain) with each value bound. */
function nodeWhere(conditions: TreeCondition[]): { where: string; params: Record<string, SqlValue> } {
  const params: Record<string, SqlValue> = {};
  const parts = conditions.map((c, i) => {
    params[`c${i}`] = c.value;
    return `${col(c.feature)} ${c.op} $c${i}`;
  });
  return { where: parts.length ? parts.join(' AND ') : 'true', params };
}

/** mt_frame: one row per customer not cancelled — the features, the product target and (frequent contacters) the channel target. */
async function buildFrame(db: Db, s: MatchingTreeSettings): Promise<void> {
  await db.run(
    `CREATE OR REPLACE TEMP TABLE mt_frame AS
     WITH latest AS (
         SELECT subscriber_id, product_id FROM holdings
         WHERE end_date IS NULL AND list_contains($products, product_id)
         QUALIFY row_number() OVER (PARTITION BY subscriber_id ORDER BY start_date DESC, product_id) = 1),
       own AS (
         SELECT e.subscriber_id, e.channel_id, count(*) AS n
         FROM contact_events e, (SELECT ${dataEndSql} AS data_end) w
         WHERE e.event_type IN ${customerInitiated}
           AND e.event_time >= w.data_end - to_months(CAST($months AS INTEGER)) AND e.event_time < w.data_end
         GROUP BY ALL),
       preferred AS (
         SELECT subscriber_id, channel_id FROM own
         QUALIFY sum(n) OVER (PARTITION BY subscriber_id) >= $min
           AND row_number() OVER (PARTITION BY subscriber_id ORDER BY n DESC, channel_id) = 1)
     SELECT s.subscriber_id, ${featureNames.map((f) => `${treeFeatures[f].kind === 'numeric' ? `CAST(${treeFeatures[f].sql} AS DOUBLE)` : `coalesce(${treeFeatures[f].sql}, 'unknown')`} AS ${col(f)}`).join(', ')},
       coalesce(l.product_id, '${noProduct}') AS product, p.channel_id AS channel
     FROM subscribers s LEFT JOIN customer_features f USING (subscriber_id)
       LEFT JOIN latest l USING (subscriber_id) LEFT JOIN preferred p USING (subscriber_id)
     WHERE s.status <> 'cancelled'`,
    { products: s.products, months: s.windowMonths, min: s.minContacts },
  );
}

/** Per node: each numeric feature's quantile thresholds (distinct values of the node's rows). */
async function thresholdsOf(db: Db, conditions: TreeCondition[], quantiles: number): Promise<Map<TreeFeatureName, number[]>> {
  const numeric = featureNames.filter((f) => treeFeatures[f].kind === 'numeric');
  const probabilities = Array.from({ length: quantiles }, (_, k) => (k + 1) / (quantiles + 1));
  const { where, params } = nodeWhere(conditions);
  const row = await db.one<Record<string, number[] | null>>(
    `SELECT ${numeric.map((f) => `quantile_disc(${col(f)}, $probs) AS ${col(f)}`).join(', ')} FROM mt_frame WHERE ${where}`,
    { ...params, probs: probabilities },
  );
  return new Map(numeric.map((f) => [f, [...new Set([...(row?.[col(f)] ?? [])].map(Number).filter(Number.isFinite))].sort((a, b) => a - b)]));
}

/**
 * Per node, feature and bin (the interval between two thresholds, or a category), the counts of
 * each product and each channel: one GROUP BY over the node's rows.
 */
async function binCounts(db: Db, conditions: TreeCondition[], thresholds: Map<TreeFeatureName, number[]>) {
  const { where, params } = nodeWhere(conditions);
  const binParams: Record<string, SqlValue> = {};
  const bins = featureNames.map((f) => {
    if (treeFeatures[f].kind === 'categorical') return `SELECT '${f}' AS f, ${col(f)} AS bin, product, channel FROM node`;
    const ts = thresholds.get(f) ?? [];
    const cases = ts.map((t, k) => {
      binParams[`t_${f}_${k}`] = t;
      return `WHEN ${col(f)} <= $t_${f}_${k} THEN '${k}'`;
    });
    return `SELECT '${f}' AS f, ${cases.length ? `CASE ${cases.join(' ')} ELSE '${ts.length}' END` : `'0'`} AS bin, product, channel FROM node`;
  });
  return db.query<{ f: TreeFeatureName; bin: string; target: 'product' | 'channel'; v: string; n: number }>(
    `WITH node AS (SELECT * FROM mt_frame WHERE ${where}), b AS (${bins.join(' UNION ALL ')})
     SELECT f, bin, 'product' AS target, product AS v, count(*)::INTEGER AS n FROM b GROUP BY ALL
     UNION ALL
     SELECT f, bin, 'channel' AS target, channel AS v, count(*)::INTEGER AS n FROM b WHERE channel IS NOT NULL GROUP BY ALL`,
    { ...params, ...binParams },
  );
}

/** Targets' counts of the node's rows. */
async function nodeCounts(db: Db, conditions: TreeCondition[]): Promise<Side> {
  const { where, params } = nodeWhere(conditions);
  const rows = await db.query<{ target: 'product' | 'channel'; v: string; n: number }>(
    `SELECT 'product' AS target, product AS v, count(*)::INTEGER AS n FROM mt_frame WHERE ${where} GROUP BY ALL
     UNION ALL SELECT 'channel', channel, count(*)::INTEGER FROM mt_frame WHERE ${where} AND channel IS NOT NULL GROUP BY ALL`,
    params,
  );
  const side = emptySide();
  for (const r of rows) side[r.target].set(r.v, r.n);
  return side;
}

interface Candidate {
  feature: TreeFeatureName;
  op: '<=' | '=';
  value: number | string;
  gain: number;
}

/** The best split of a node among the counted candidates, or null when none leaves minLeafSize rows on both sides. */
function bestSplit(
  parent: Side,
  rows: Awaited<ReturnType<typeof binCounts>>,
  thresholds: Map<TreeFeatureName, number[]>,
  minLeafSize: number,
  rootRows: { product: number; channel: number },
): Candidate | null {
  const n = total(parent.product);
  const byFeature = new Map<TreeFeatureName, Map<string, Side>>();
  for (const r of rows) {
    const bins = byFeature.get(r.f) ?? new Map<string, Side>();
    const side = bins.get(r.bin) ?? emptySide();
    side[r.target].set(r.v, r.n);
    bins.set(r.bin, side);
    byFeature.set(r.f, bins);
  }
  let best: Candidate | null = null;
  const consider = (feature: TreeFeatureName, op: '<=' | '=', value: number | string, left: Side) => {
    const nLeft = total(left.product);
    if (nLeft < minLeafSize || n - nLeft < minLeafSize) return;
    const gain = splitGain(parent, left, rootRows);
    if (!best || gain > best.gain + 1e-12) best = { feature, op, value, gain };
  };
  for (const [feature, bins] of byFeature) {
    if (treeFeatures[feature].kind === 'categorical') {
      for (const [value, side] of [...bins.entries()].sort((a, b) => a[0].localeCompare(b[0]))) consider(feature, '=', value, side);
      continue;
    }
    const ts = thresholds.get(feature) ?? [];
    const left = emptySide();
    for (let k = 0; k < ts.length; k++) {
      const side = bins.get(String(k));
      if (side) {
        add(left.product, side.product);
        add(left.channel, side.channel);
      }
      consider(feature, '<=', ts[k], { product: new Map(left.product), channel: new Map(left.channel) });
    }
  }
  return best;
}

const negate = (c: Candidate): TreeCondition => ({ feature: c.feature, op: c.op === '<=' ? '>' : '<>', value: c.value });
/** Splits that gain less than this (summed normalized Gini decrease) are not worth a rule. */
const minGain = 1e-3;
/** A leaf with fewer frequent contacters takes its channel distribution from the nearest ancestor with enough. */
const minChannelRows = 10;

/** Grows the tree top-down on mt_frame (this connection). */
export async function growTree(db: Db, s: MatchingTreeSettings, progress: Progress = () => undefined): Promise<TreeNode[]> {
  const root = await nodeCounts(db, []);
  const rootRows = { product: total(root.product), channel: total(root.channel) };
  const nodes: TreeNode[] = [];
  const queue: Array<{ conditions: TreeCondition[]; side: Side; depth: number }> = [{ conditions: [], side: root, depth: 0 }];
  while (queue.length) {
    const { conditions, side, depth } = queue.shift()!;
    const node: TreeNode = {
      id: nodes.length,
      depth,
      rule: ruleText(conditions),
      conditions,
      subscribers: total(side.product),
      contacters: total(side.channel),
      products: shares(side.product),
      channels: shares(side.channel),
      split: null,
      children: null,
    };
    nodes.push(node);
    progress(0.1 + 0.7 * Math.min(1, nodes.length / 2 ** (s.maxDepth + 1)), `node ${node.id}: ${node.rule}`);
    if (depth >= s.maxDepth || node.subscribers < 2 * s.minLeafSize) continue;
    const thresholds = await thresholdsOf(db, conditions, s.quantiles);
    const split = bestSplit(side, await binCounts(db, conditions, thresholds), thresholds, s.minLeafSize, rootRows);
    if (!split || split.gain < minGain) continue;
    node.split = split;
    const left = [...conditions, { feature: split.feature, op: split.op, value: split.value } as TreeCondition];
    const right = [...conditions, negate(split)];
    // children get ids in the order they are queued (breadth first)
    node.children = [nodes.length + queue.length, nodes.length + queue.length + 1];
    queue.push({ conditions: left, side: await nodeCounts(db, left), depth: depth + 1 }, { conditions: right, side: await nodeCounts(db, right), depth: depth + 1 });
  }
  return nodes;
}

/** Each leaf's best (product, channel) pair: the likeliest candidate product (never "none") and the likeliest channel. */
export function leavesOf(nodes: TreeNode[]): TreeLeaf[] {
  const parent = new Map<number, TreeNode>();
  for (const n of nodes) for (const c of n.children ?? []) parent.set(c, n);
  const topOf = (shares: Record<string, number>, skip?: string): [string, number] | undefined => Object.entries(shares).find(([k]) => k !== skip);
  return nodes
    .filter((n) => !n.children)
    .map((n) => {
      let channelNode: TreeNode | undefined = n;
      while (channelNode && channelNode.contacters < minChannelRows) channelNode = parent.get(channelNode.id);
      const [product, productProbability] = topOf(n.products, noProduct) ?? [noProduct, 0];
      const [channel, channelProbability] = topOf((channelNode ?? nodes[0]).channels) ?? ['', 0];
      return {
        nodeId: n.id,
        rule: n.rule,
        conditions: n.conditions,
        subscribers: n.subscribers,
        product,
        productProbability,
        channel,
        channelProbability,
        score: 100 * productProbability * channelProbability,
      };
    });
}

/** Training accuracy of the leaves' modal values, from their counts. */
function accuracy(nodes: TreeNode[], target: 'products' | 'channels'): number {
  let hits = 0;
  let rows = 0;
  for (const n of nodes.filter((x) => !x.children)) {
    const size = target === 'products' ? n.subscribers : n.contacters;
    rows += size;
    hits += size * Math.max(0, ...Object.values(n[target]));
  }
  return rows === 0 ? 0 : hits / rows;
}

/**
 * Trains the tree as a tracked, versioned run (model 'matching_tree', target 'products'); every
 * customer gets its leaf's pair: label `${productId}|${channelId}`, score = probability × 100.
 */
export async function startMatchingTree(store: Store, request: MatchingTreeRequest, createdBy: string, onProgress?: Progress) {
  const settings = validateMatchingTree(request);
  const known = await store.query<{ id: string }>('SELECT product_id AS id FROM products WHERE list_contains($ids, product_id)', { ids: settings.products });
  for (const [i, p] of settings.products.entries()) {
    if (!known.some((k) => k.id === p)) throw new InvalidInput(`There is no product "${p}"`, { field: `products[${i}]` });
  }
  return startModelRun<MatchingTreeMetrics>(
    store,
    { model: 'matching_tree', target: 'products', params: settings, createdBy },
    ({ runId, progress, log }) =>
      store.withConnection(async (c) => {
        try {
          progress(0, 'building the frame');
          await buildFrame(c, settings);
          const nodes = await growTree(c, settings, progress);
          const root = nodes[0];
          if (root.subscribers === 0) throw new InvalidInput('There are no customers to train on', { field: 'products' });
          if (root.contacters === 0) {
            throw new InvalidInput(`No customer has ${settings.minContacts} or more own contacts in ${settings.windowMonths} months: the channel target is empty; lower minContacts`, { field: 'minContacts' });
          }
          const leaves = leavesOf(nodes);
          progress(0.85, 'scoring');
          for (const leaf of leaves) {
            const { where, params } = nodeWhere(leaf.conditions);
            await c.run(`INSERT INTO model_scores (run_id, subscriber_id, label, score) SELECT $run, subscriber_id, $label, $score FROM mt_frame WHERE ${where}`, {
              ...params,
              run: runId,
              label: `${leaf.product}|${leaf.channel}`,
              score: leaf.score,
            });
          }
          await log(`tree: ${nodes.length} nodes, ${leaves.length} leaves over ${root.subscribers} customers (${root.contacters} frequent contacters)`);
          const metrics: MatchingTreeMetrics = {
            subscribers: root.subscribers,
            contacters: root.contacters,
            baseProducts: root.products,
            baseChannels: root.channels,
            productAccuracy: accuracy(nodes, 'products'),
            channelAccuracy: accuracy(nodes, 'channels'),
            nodes,
            leaves,
            rules: leaves.map((l) => `IF ${l.rule} THEN ${l.product} (${(100 * l.productProbability).toFixed(1)}%) via ${l.channel} (${(100 * l.channelProbability).toFixed(1)}%)`),
          };
          return { metrics, dataWindow: { subscribers: root.subscribers, contacters: root.contacters, windowMonths: settings.windowMonths } };
        } finally {
          await c.run('DROP TABLE IF EXISTS mt_frame');
        }
      }),
    onProgress,
  );
}
