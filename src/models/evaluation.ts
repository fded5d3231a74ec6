// How well a score separates yes from no, computed in DuckDB over a scored table with columns
// y (0/1), p (the model's probability or any ordering value) and score (0–100): AUC by rank sums,
// log loss, and the decile (lift) table a planner reads.
import type { Db, SqlParams } from '../store/store.ts';
import type { DecileRow } from './types.ts';

/**
 * AUC = (R₁ − n₁(n₁+1)/2) / (n₁·n₀), R₁ the sum of the positives' ranks by p, tied values
 * given their average rank (Mann–Whitney U). NaN when one class is missing.
 */
export async function aucOf(db: Db, table: string, where: string, params: SqlParams = {}, value = 'p'): Promise<number> {
  const row = await db.one<{ auc: number | null }>(
    `WITH ranked AS (
       SELECT y, rank() OVER (ORDER BY ${value}) + (count(*) OVER (PARTITION BY ${value}) - 1) / 2.0 AS r
       FROM ${table} WHERE ${where} AND y IS NOT NULL
     ), sums AS (
       SELECT sum(r) FILTER (WHERE y = 1) AS r1, count(*) FILTER (WHERE y = 1)::DOUBLE AS n1, count(*) FILTER (WHERE y = 0)::DOUBLE AS n0 FROM ranked
     )
     SELECT CASE WHEN n1 > 0 AND n0 > 0 THEN (r1 - n1 * (n1 + 1) / 2) / (n1 * n0) END AS auc FROM sums`,
    params,
  );
  return row?.auc ?? NaN;
}

/** Mean negative log-likelihood of y under p (probabilities clipped away from 0 and 1). */
export async function logLossOf(db: Db, table: string, where: string): Promise<number> {
  const row = await db.one<{ loss: number | null }>(
    `SELECT avg(-(y * ln(greatest(p, 1e-15)) + (1 - y) * ln(greatest(1 - p, 1e-15)))) AS loss FROM ${table} WHERE ${where} AND y IS NOT NULL`,
  );
  return row?.loss ?? NaN;
}

/**
 * Ten equal-count groups by p, best first: each one's customers, positives, hit rate, lift over
 * the base rate, cumulative lift and the share of all positives captured so far.
 */
export async function decilesOf(db: Db, table: string, where: string, params: SqlParams = {}): Promise<DecileRow[]> {
  const rows = await db.query<Omit<DecileRow, 'lift' | 'cumulativeLift' | 'capture' | 'rate'>>(
    `WITH ranked AS (SELECT y, p, score, ntile(10) OVER (ORDER BY p DESC) AS decile FROM ${table} WHERE ${where} AND y IS NOT NULL)
     SELECT decile, count(*)::INTEGER AS customers, sum(y)::INTEGER AS positives, min(score) AS "minScore", max(score) AS "maxScore",
       avg(p) AS "meanProbability"
     FROM ranked GROUP BY decile ORDER BY decile`,
    params,
  );
  const customers = rows.reduce((n, r) => n + r.customers, 0);
  const positives = rows.reduce((n, r) => n + r.positives, 0);
  const base = customers > 0 ? positives / customers : 0;
  let seen = 0;
  let found = 0;
  return rows.map((r) => {
    seen += r.customers;
    found += r.positives;
    const rate = r.customers > 0 ? r.positives / r.customers : 0;
    return {
      ...r,
      rate,
      lift: base > 0 ? rate / base : 0,
      cumulativeLift: base > 0 && seen > 0 ? found / seen / base : 0,
      capture: positives > 0 ? found / positives : 0,
    };
  });
}
