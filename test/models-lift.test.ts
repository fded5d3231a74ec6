// Association / lift: exact support, confidence and lift on hand-made holdings, and on the demo
// province the Fetion users the generator plants (src/demo/generate.ts: Fetion is held with
// probability persona share ×1.4 on a smartphone (×0.6 otherwise) ×1.2 under 25; students hold
// it at 75%, seniors at 2%; its users send 1.35× the SMS).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateProvince } from '../src/demo/generate.ts';
import { startLift } from '../src/models/lift.ts';
import type { LiftMetrics } from '../src/models/types.ts';
import type { Store } from '../src/store/store.ts';
import { addCity, addPlan, addSubscriber, tempStore } from './builders.ts';

describe('lift between products on hand-made holdings', () => {
  let store: Store;
  beforeAll(async () => {
    store = await tempStore('models-lift');
    await addCity(store);
    await addPlan(store);
    for (const [id, kind] of [['FETION', 'vas'], ['MUSIC', 'vas'], ['NEWS', 'vas']]) {
      await store.run(`INSERT INTO products (product_id, kind, service, name_zh, name_en, monthly_fee_fen) VALUES ($id, $kind, 'gprs', $id, $id, 500)`, { id, kind });
    }
    // 100 customers: 1–40 hold FETION; MUSIC is held by 1–30 and 91–100; NEWS by 41–60 (none of the Fetion users)
    for (let id = 1; id <= 100; id++) await addSubscriber(store, { subscriber_id: id, msisdn: `1390000${String(id).padStart(4, '0')}`, age: id <= 40 ? 20 : 50 });
    const hold = (product: string, ids: string) => store.run(`INSERT INTO holdings (subscriber_id, product_id, start_date) SELECT i, $p, DATE '2026-01-01' FROM (${ids}) t(i)`, { p: product });
    await hold('FETION', 'SELECT * FROM range(1, 41)');
    await hold('MUSIC', 'SELECT * FROM range(1, 31) UNION ALL SELECT * FROM range(91, 101)');
    await hold('NEWS', 'SELECT * FROM range(41, 61)');
  });
  afterAll(async () => {
    await store?.close();
  });

  it('computes support, confidence both ways and lift', async () => {
    const started = await startLift(store, { productId: 'FETION', minSupportCount: 1, features: ['age'] }, 'analyst');
    const metrics = (await started.done).metrics as LiftMetrics;
    expect(metrics).toMatchObject({ customers: 100, holders: 40, baseRate: 0.4 });
    const music = metrics.products.find((p) => p.productId === 'MUSIC')!;
    // 30 hold both of 100: support 0.3; MUSIC → FETION 30/40; FETION → MUSIC 30/40; lift 0.75 / 0.4
    expect(music).toEqual({ productId: 'MUSIC', both: 30, support: 0.3, confidenceTo: 0.75, confidenceFrom: 0.75, lift: 1.875 });
    // NEWS is never held with FETION: below any support, it is not listed
    expect(metrics.products.map((p) => p.productId)).not.toContain('NEWS');
    // age 20 holds Fetion always: confidence 1, lift 1 / 0.4
    const young = metrics.attributes.find((r) => r.feature === 'age' && r.lift > 1)!;
    expect(young).toMatchObject({ customers: 40, confidence: 1, lift: 2.5, support: 0.4 });
    expect(metrics.auc).toBe(1);
  });

  it('refuses a product nobody holds, naming the field', async () => {
    await store.run(`INSERT INTO products (product_id, kind, service, name_zh, name_en, monthly_fee_fen) VALUES ('GAME', 'vas', 'gprs', 'GAME', 'GAME', 500)`);
    const started = await startLift(store, { productId: 'GAME' }, 'analyst');
    await expect(started.done).rejects.toMatchObject({ field: 'productId', message: 'Nobody holds GAME: there is no lift to measure' });
    await expect(startLift(store, { productId: 'NOPE' }, 'analyst')).rejects.toMatchObject({ field: 'productId' });
  });
});

describe('the Fetion lift model on the demo province', () => {
  let store: Store;
  let metrics: LiftMetrics;
  let runId: number;
  beforeAll(async () => {
    store = await tempStore('models-lift-demo');
    await generateProvince(store, { subscribers: 4000, seed: 9 });
    const started = await startLift(store, { productId: 'FETION' }, 'analyst');
    metrics = (await started.done).metrics as LiftMetrics;
    runId = started.runId;
  }, 120_000);
  afterAll(async () => {
    await store?.close();
  });

  const band = (feature: string, pick: 'max' | 'min') => {
    const bands = metrics.attributes.filter((r) => r.feature === feature);
    return bands.reduce((best, r) => ((pick === 'max' ? r.lift > best.lift : r.lift < best.lift) ? r : best));
  };

  it('finds the planted attributes: smartphones, the young, heavy SMS senders', () => {
    expect(metrics.attributes.find((r) => r.antecedent === 'handsetSmart = yes')!.lift).toBeGreaterThan(1.5);
    expect(metrics.attributes.find((r) => r.antecedent === 'handsetSmart = no')!.lift).toBeLessThan(0.7);
    expect(band('age', 'max').antecedent).toMatch(/^age ∈ \[15, /);
    expect(band('age', 'max').lift).toBeGreaterThan(2);
    expect(band('age', 'min').lift).toBeLessThan(0.3);
    expect(band('sms', 'max').lift).toBeGreaterThan(2);
  });

  it('scores customers 0–100 so that the top fifth holds Fetion far above the base rate', async () => {
    expect(metrics.auc).toBeGreaterThan(0.85);
    const top = await store.one<{ n: number; holders: number }>(
      `SELECT count(*)::INTEGER AS n, count(h.subscriber_id)::INTEGER AS holders FROM model_scores ms
       LEFT JOIN holdings h ON h.subscriber_id = ms.subscriber_id AND h.product_id = 'FETION' AND h.end_date IS NULL
       WHERE ms.run_id = $run AND ms.score >= 80`,
      { run: runId },
    );
    expect(top!.n).toBeGreaterThan(0.19 * 4000);
    expect(top!.holders / top!.n).toBeGreaterThan(2 * metrics.baseRate);
  });
});
