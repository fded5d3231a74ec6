// The propensity model: the IRLS fit against its own optimality condition, the IBM Telco churn
// sample against the published AUC, bad input refused, and on the demo province the Fetion users
// the generator plants (src/demo/generate.ts: Fetion is held with probability persona share ×1.4
// on a smartphone (×0.6 otherwise) ×1.2 under 25, and its users send 1.35× the SMS).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSegment, countSegment, createSegment } from '../src/customers/segments.ts';
import { generateProvince } from '../src/demo/generate.ts';
import { choleskySolve, fitLogistic } from '../src/models/logistic.ts';
import { startPropensity } from '../src/models/propensity.ts';
import { modelRunLog } from '../src/models/runs.ts';
import type { PropensityMetrics, PropensityRequest } from '../src/models/types.ts';
import { InvalidInput } from '../src/store/errors.ts';
import type { Store } from '../src/store/store.ts';
import { tempStore } from './builders.ts';

const telco = path.resolve('test/fixtures/telco-customer-churn.csv');

/** A seeded Park–Miller generator, so the synthetic data is the same every run. */
function random(seed: number) {
  let s = seed;
  const next = () => (s = (s * 16807) % 2147483647) / 2147483647;
  return { next, gauss: () => Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next()) };
}

describe('ridge logistic regression by IRLS', () => {
  it('solves a symmetric positive definite system by Cholesky', () => {
    // [[4, 2], [2, 3]] · [1, 2] = [8, 8]
    const x = choleskySolve(Float64Array.from([4, 2, 2, 3]), Float64Array.from([8, 8]), 2);
    expect(x[0]).toBeCloseTo(1, 12);
    expect(x[1]).toBeCloseTo(2, 12);
  });

  const n = 20_000;
  const truth = [0.8, -0.5, 0];
  const rng = random(7);
  const columns = truth.map(() => new Float64Array(n));
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let eta = -1;
    truth.forEach((b, j) => {
      columns[j][i] = rng.gauss();
      eta += b * columns[j][i];
    });
    y[i] = rng.next() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }

  it('recovers the coefficients the data was drawn with', () => {
    const fit = fitLogistic({ rows: n, columns }, y, { lambda: 1 });
    expect(fit.converged).toBe(true);
    expect(fit.iterations).toBeLessThan(10);
    expect(fit.intercept).toBeCloseTo(-1, 1);
    truth.forEach((b, j) => expect(Math.abs(fit.coefficients[j] - b)).toBeLessThan(0.05));
  });

  it('stops where the penalized score equations hold: Xᵀ(y − p) = λ·b', () => {
    const lambda = 50;
    const fit = fitLogistic({ rows: n, columns }, y, { lambda, tolerance: 1e-10 });
    const residual = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let eta = fit.intercept;
      columns.forEach((c, j) => (eta += fit.coefficients[j] * c[i]));
      residual[i] = y[i] - 1 / (1 + Math.exp(-eta));
    }
    expect(Math.abs(residual.reduce((a, b) => a + b, 0))).toBeLessThan(1e-6);
    columns.forEach((c, j) => {
      const score = c.reduce((sum, v, i) => sum + v * residual[i], 0);
      expect(score).toBeCloseTo(lambda * fit.coefficients[j], 5);
    });
    // the penalty pulls the coefficients towards zero
    expect(Math.abs(fit.coefficients[0])).toBeLessThan(0.8);
  });

  it('stays finite on perfectly separable data thanks to the ridge', () => {
    const x = Float64Array.from({ length: 200 }, (_, i) => (i < 100 ? -1 - i / 100 : 1 + i / 100));
    const labels = Float64Array.from({ length: 200 }, (_, i) => (i < 100 ? 0 : 1));
    const fit = fitLogistic({ rows: 200, columns: [x] }, labels, { lambda: 1 });
    expect(Number.isFinite(fit.coefficients[0])).toBe(true);
    expect(fit.coefficients[0]).toBeGreaterThan(2);
  });
});

describe('the model-score condition of the segment language', () => {
  it('binds the run, label and threshold as parameters', () => {
    expect(compileSegment({ modelScore: { runId: 7, op: 'gte', value: 80 } })).toEqual({
      where: 'EXISTS (SELECT 1 FROM model_scores ms WHERE ms.run_id = $p0 AND ms.subscriber_id = s.subscriber_id AND ms.label = $p1 AND ms.score >= $p2)',
      params: { p0: 7, p1: '', p2: 80 },
    });
    expect(compileSegment({ modelScore: { runId: 3, label: 'app', op: 'between', value: [60, 100] } }).params).toEqual({ p0: 3, p1: 'app', p2: 60, p3: 100 });
  });

  const refusals: Array<[string, unknown, string]> = [
    ['a score above 100', { modelScore: { runId: 1, op: 'gte', value: 120 } }, 'filter.modelScore.value'],
    ['an operator scores do not take', { modelScore: { runId: 1, op: 'in', value: 80 } }, 'filter.modelScore.op'],
    ['a run id that is no id', { modelScore: { runId: 'x', op: 'gte', value: 80 } }, 'filter.modelScore.runId'],
    ['an unknown key', { modelScore: { runId: 1, op: 'gte', value: 80, sql: '1=1' } }, 'filter.modelScore.sql'],
  ];
  it.each(refusals)('refuses %s, naming the field', (_name, filter, field) => {
    expect(() => compileSegment(filter)).toThrow(InvalidInput);
    try {
      compileSegment(filter);
    } catch (error) {
      expect((error as InvalidInput).field).toBe(field);
    }
  });
});

let store: Store;
beforeAll(async () => {
  store = await tempStore('models-propensity');
});
afterAll(async () => {
  await store?.close();
});

async function train(request: PropensityRequest): Promise<{ runId: number; metrics: PropensityMetrics }> {
  const started = await startPropensity(store, request, 'analyst');
  const run = await started.done;
  return { runId: started.runId, metrics: run.metrics as PropensityMetrics };
}

describe('propensity on the IBM Telco Customer Churn sample', () => {
  it('reaches the published held-out AUC of logistic regression (≈ 0.84) from the raw CSV', async () => {
    const { runId, metrics } = await train({ source: { kind: 'file', path: telco }, label: { column: 'Churn' } });
    expect(metrics.rows.scored).toBe(7043);
    expect(metrics.rows.population).toBe(7043);
    expect(metrics.positives.train + metrics.positives.holdout).toBe(1869);
    expect(metrics.auc.holdout).toBeGreaterThan(0.8);
    expect(metrics.auc.holdout).toBeLessThan(0.88);
    expect(metrics.converged).toBe(true);
    // the customer id is no category; TotalCharges (text with 11 blanks) is read as a number
    expect(metrics.dropped.map((d) => d.feature)).toContain('customerID');
    expect(metrics.coefficients.some((c) => c.feature === 'TotalCharges' && c.level === null)).toBe(true);
    // what churn analyses of this sample find: short tenure and month-to-month contracts churn
    const coefficient = (feature: string, level: string | null = null) => metrics.coefficients.find((c) => c.feature === feature && c.level === level)!.coefficient;
    expect(coefficient('tenure')).toBeLessThan(0);
    expect(coefficient('Contract', 'Month-to-month')).toBeGreaterThan(0);
    expect(metrics.deciles).toHaveLength(10);
    expect(metrics.deciles[0].lift).toBeGreaterThan(2);
    expect(metrics.deciles[9].capture).toBeCloseTo(1, 10);
    const scores = await store.one<{ n: number; lo: number; hi: number }>('SELECT count(*) AS n, min(score) AS lo, max(score) AS hi FROM model_scores WHERE run_id = $id', { id: runId });
    expect(scores).toEqual({ n: 7043, lo: 0, hi: 100 });
  });

  it('refuses a label column with three values, naming the field', async () => {
    const attempt = startPropensity(store, { source: { kind: 'file', path: telco }, label: { column: 'Contract' } }, 'analyst');
    await expect(attempt).rejects.toThrow(/Contract has 3 values \(Month-to-month, One year, Two year\); a propensity label needs exactly two/);
    await expect(attempt).rejects.toMatchObject({ field: 'label.column' });
    await expect(attempt).rejects.toBeInstanceOf(InvalidInput);
  });

  it('refuses a positive value the label column does not have', async () => {
    await expect(startPropensity(store, { source: { kind: 'file', path: telco }, label: { column: 'Churn', positive: 'maybe' } }, 'analyst')).rejects.toMatchObject({
      field: 'label.positive',
    });
  });

  it('refuses an attribute the table does not have', async () => {
    await expect(startPropensity(store, { source: { kind: 'file', path: telco }, label: { column: 'Churn' }, features: ['tenure', 'shoeSize'] }, 'analyst')).rejects.toMatchObject({
      field: 'features[1]',
      message: expect.stringMatching(/"shoeSize" is not an attribute/),
    });
  });
});

describe('propensity on a hand-made customer table', () => {
  beforeAll(async () => {
    // 40 customers: churners are young and on the "basic" plan; region is the same for all
    await store.run(`CREATE TABLE crm_customers AS
      SELECT i AS customer_no, CASE WHEN i % 4 = 0 THEN 'basic' ELSE 'plus' END AS plan, 20 + (i * 7) % 40 AS age, 'north' AS region,
        10 AS branch, CASE WHEN i % 4 = 0 AND i % 8 = 0 THEN 'Y' ELSE 'N' END AS churned
      FROM range(1, 41) t(i)`);
  });

  it('leaves a constant attribute out and says why in the log', async () => {
    const { runId, metrics } = await train({ source: { kind: 'table', table: 'crm_customers', idColumn: 'customer_no' }, label: { column: 'churned' }, trainShare: 0.9 });
    expect(metrics.dropped).toEqual(
      expect.arrayContaining([
        { feature: 'region', reason: 'is constant ("north") in the training rows, so it cannot tell customers apart' },
        { feature: 'branch', reason: 'is constant (10) in the training rows, so it cannot tell customers apart' },
      ]),
    );
    expect(metrics.coefficients.map((c) => c.feature)).not.toContain('region');
    const log = (await modelRunLog(store, runId)).map((l) => l.message);
    expect(log).toContain('left out region: is constant ("north") in the training rows, so it cannot tell customers apart');
    // scores are kept under the table's own ids
    const ids = await store.one<{ lo: number; hi: number }>('SELECT min(subscriber_id) AS lo, max(subscriber_id) AS hi FROM model_scores WHERE run_id = $id', { id: runId });
    expect(ids).toEqual({ lo: 1, hi: 40 });
  });

  it('refuses to train when every chosen attribute is constant, naming the field', async () => {
    const started = await startPropensity(store, { source: { kind: 'table', table: 'crm_customers', idColumn: 'customer_no' }, label: { column: 'churned' }, features: ['region', 'branch'], trainShare: 0.9 }, 'analyst');
    await expect(started.done).rejects.toMatchObject({ field: 'features', message: expect.stringMatching(/No usable attribute is left: .*region is constant/) });
    const run = await store.one<{ status: string; n: number }>('SELECT status, (SELECT count(*) FROM model_scores WHERE run_id = $id) AS n FROM model_runs WHERE run_id = $id', { id: started.runId });
    expect(run).toEqual({ status: 'failed', n: 0 });
  });

  it('refuses an id column that is not a whole number', async () => {
    await expect(startPropensity(store, { source: { kind: 'table', table: 'crm_customers', idColumn: 'plan' }, label: { column: 'churned' } }, 'analyst')).rejects.toMatchObject({
      field: 'source.idColumn',
    });
  });
});

describe('propensity on the demo province: the planted Fetion users', () => {
  let fetion: { runId: number; metrics: PropensityMetrics };
  beforeAll(async () => {
    await generateProvince(store, { subscribers: 4000, seed: 5 });
    fetion = await train({ label: { productId: 'FETION' } });
  }, 120_000);

  it('separates Fetion users from others on held-out customers', () => {
    expect(fetion.metrics.auc.holdout).toBeGreaterThan(0.85);
    expect(fetion.metrics.deciles[0].lift).toBeGreaterThan(2.5);
    // the VAS count includes Fetion itself, so it is left out rather than learnt from
    expect(fetion.metrics.dropped).toContainEqual({ feature: 'vasCount', reason: 'counts FETION itself, so it restates the label' });
  });

  it('recovers the planted effects: more SMS, smartphones, younger customers', () => {
    const top = fetion.metrics.topAttributes;
    const sms = top.find((c) => c.feature === 'sms')!;
    const smart = top.find((c) => c.feature === 'handsetSmart')!;
    expect(sms.coefficient).toBeGreaterThan(0);
    expect(sms.meanPositive!).toBeGreaterThan(1.35 * sms.meanNegative!);
    expect(smart.coefficient).toBeGreaterThan(0);
    expect(smart.meanPositive!).toBeGreaterThan(2 * smart.meanNegative!);
    const age = fetion.metrics.coefficients.find((c) => c.feature === 'age')!;
    expect(age.meanPositive!).toBeLessThan(age.meanNegative! - 5);
  });

  it('makes "score ≥ 80" a saved segment whose holder rate is well above the base rate', async () => {
    const filter = { modelScore: { runId: fetion.runId, op: 'gte', value: 80 } };
    const segment = await createSegment(store, { name: 'Fetion look-alikes', filter }, 'planner');
    const members = await countSegment(store, segment.filter);
    expect(members).toBeGreaterThan(0.19 * 4000);
    expect(members).toBeLessThan(0.21 * 4000);
    const holders = await countSegment(store, { all: [filter, { holds: { productId: 'FETION' } }] });
    expect(holders / members).toBeGreaterThan(2 * fetion.metrics.baseRate);
  });

  it('refuses training on a segment with no positives, naming the field', async () => {
    // an empty population, then one that by construction holds no Fetion
    const population = { all: [{ field: 'age', op: 'gte', value: 200 }] };
    await expect(startPropensity(store, { label: { productId: 'FETION' }, population }, 'analyst')).rejects.toMatchObject({ field: 'population', message: expect.stringMatching(/empty/) });
    const nobody = { all: [{ field: 'handsetSmart', op: 'isFalse' }, { not: { holds: { productId: 'FETION' } } }] };
    await expect(startPropensity(store, { label: { productId: 'FETION' }, population: nobody }, 'analyst')).rejects.toMatchObject({
      field: 'population',
      message: expect.stringMatching(/None of the \d+ customers in the training population has "holds FETION"/),
    });
  });

  it('refuses an attribute that restates the label', async () => {
    await expect(startPropensity(store, { label: { productId: 'FETION' }, features: ['age', 'vasCount'] }, 'analyst')).rejects.toMatchObject({ field: 'features[1]' });
  });

  it('learns any yes/no attribute given as a segment filter', async () => {
    const { metrics } = await train({ label: { name: 'M-Zone', filter: { field: 'brand', op: 'eq', value: 'mzone' } } });
    expect(metrics.dropped).toContainEqual({ feature: 'brand', reason: 'defines the label' });
    expect(metrics.auc.holdout).toBeGreaterThan(0.8);
  });
});
