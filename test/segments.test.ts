// The segment language: compilation (pure) and counts on a real DuckDB file with hand-made rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshCustomerFeatures } from '../src/customers/features.ts';
import { listProducts } from '../src/catalogue/products.ts';
import { compileSegment, countSegment, createSegment, deleteSegment, getSegment, previewSegment, updateSegment } from '../src/customers/segments.ts';
import type { Store } from '../src/store/store.ts';
import { addCity, addPlan, addSubscriber, tempStore } from './builders.ts';

describe('compiling a segment filter', () => {
  it('binds every value as a parameter, never as SQL text', () => {
    const { where, params } = compileSegment({
      all: [
        { field: 'brand', op: 'eq', value: 'gotone' },
        { field: 'age', op: 'between', value: [30, 50] },
        { any: [{ field: 'cityCode', op: 'in', value: ["C01'; DROP TABLE subscribers; --", 'C02'] }, { not: { field: 'dnd', op: 'isTrue' } }] },
      ],
    });
    expect(where).toBe('((s.brand = $p0) AND (s.age BETWEEN $p1 AND $p2) AND ((s.city_code IN ($p3, $p4)) OR (NOT (s.dnd IS TRUE))))');
    expect(params).toEqual({ p0: 'gotone', p1: 30, p2: 50, p3: "C01'; DROP TABLE subscribers; --", p4: 'C02' });
  });

  const refusals: Array<[string, unknown, string, RegExp]> = [
    ['a field not on the allow-list', { field: 'msisdn', op: 'eq', value: '138' }, 'filter.field', /"msisdn" is not a field you can filter on/],
    ['an operator the field does not take', { field: 'brand', op: 'gt', value: 'gotone' }, 'filter.op', /"gt" is not an operator for brand/],
    ['an unknown operator', { field: 'age', op: 'like', value: 3 }, 'filter.op', /"like" is not an operator for age/],
    ['a text where a number belongs', { field: 'age', op: 'gte', value: 'thirty' }, 'filter.value', /must be a number/],
    ['an enum value that does not exist', { field: 'brand', op: 'eq', value: 'unicom' }, 'filter.value', /"unicom" is not one of gotone, mzone, easyown/],
    ['between with the bounds reversed', { field: 'age', op: 'between', value: [50, 30] }, 'filter.value', /low 50 is above high 30/],
    ['an empty all', { all: [] }, 'filter.all', /non-empty list/],
    ['an empty in-list', { field: 'cityCode', op: 'in', value: [] }, 'filter.value', /non-empty list/],
    ['a value on a boolean test', { field: 'dnd', op: 'isTrue', value: 1 }, 'filter.value', /takes no value/],
    ['an unknown condition', { where: 'age > 3' }, 'filter', /unknown condition with keys where/],
    ['a contact window beyond a year', { contacted: { withinDays: 400 } }, 'filter.contacted.withinDays', /1 to 366/],
    ['an unknown contact type', { contacted: { withinDays: 30, type: 'spam' } }, 'filter.contacted.type', /"spam" is not one of/],
    ['a nested mistake, with its path', { all: [{ field: 'age', op: 'gte', value: 1 }, { any: [{ field: 'nope', op: 'eq', value: 1 }] }] }, 'filter.all[1].any[0].field', /"nope"/],
  ];
  it.each(refusals)('refuses %s, naming the field', (_name, filter, field, message) => {
    expect(() => compileSegment(filter)).toThrow(message);
    try {
      compileSegment(filter);
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_SEGMENT', status: 400, field });
    }
  });
});

describe('segment counts on a real database', () => {
  let store: Store;
  beforeAll(async () => {
    store = await tempStore('segments');
    await addCity(store, 'C01');
    await addCity(store, 'C02', '港城市', 'Gangcheng');
    await addPlan(store);
    await store.run(`INSERT INTO products (product_id, kind, name_zh, name_en) VALUES ('VAS_FETION', 'vas', '飞信', 'Fetion')`);
    await addSubscriber(store, { subscriber_id: 1, msisdn: '13800000001', brand: 'gotone', age: 45, arpu_fen: 20_000 });
    await addSubscriber(store, { subscriber_id: 2, msisdn: '13800000002', brand: 'mzone', age: 19, arpu_fen: 5_000, city_code: 'C02' });
    await addSubscriber(store, { subscriber_id: 3, msisdn: '13800000003', brand: 'easyown', age: 70, arpu_fen: 2_000 });
    await store.run(`INSERT INTO holdings (subscriber_id, product_id, start_date) VALUES (2, 'VAS_FETION', '2026-01-01')`);
    await store.run(`INSERT INTO bills (subscriber_id, bill_month, item, amount_fen) VALUES
      (1, '2026-09-01', 'monthly_fee', 8800), (1, '2026-10-01', 'monthly_fee', 8800)`);
    await store.run(`INSERT INTO cdr_sms (subscriber_id, sent_time, direction, peer_net, roam_type, charge_fen)
      SELECT 2, TIMESTAMP '2026-09-01 10:00:00' + to_minutes(CAST(i AS INTEGER)), 'mo', 'onnet', 'none', 10 FROM range(300) t(i)`);
    // subscriber 3 complained twice at the store in October; subscriber 1 once in August (outside 30 days)
    await store.run(`INSERT INTO contact_events (subscriber_id, event_time, channel_id, event_type, business, outcome) VALUES
      (3, '2026-10-20 10:00:00', 'store', 'complaint', 'bill_dispute', 'resolved'),
      (3, '2026-10-25 10:00:00', 'store', 'complaint', 'bill_dispute', 'unresolved'),
      (3, '2026-10-26 10:00:00', 'store', 'transaction', 'bill_payment', 'completed'),
      (1, '2026-08-15 10:00:00', 'agent', 'complaint', 'roaming_charge', 'resolved')`);
    await refreshCustomerFeatures(store);
  });
  afterAll(async () => store?.close());

  it('computes monthly averages over the data months', async () => {
    const f = await store.query<{ subscriber_id: number; months: number; bill_fen: number; sms: number; complaints_90d: number }>(
      'SELECT subscriber_id, months, bill_fen, sms, complaints_90d FROM customer_features ORDER BY subscriber_id',
    );
    expect(f).toEqual([
      { subscriber_id: 1, months: 2, bill_fen: 8800, sms: 0, complaints_90d: 1 },
      { subscriber_id: 2, months: 2, bill_fen: 0, sms: 150, complaints_90d: 0 },
      { subscriber_id: 3, months: 2, bill_fen: 0, sms: 0, complaints_90d: 2 },
    ]);
  });

  const counts: Array<[string, unknown, number[]]> = [
    ['brand', { field: 'brand', op: 'eq', value: 'mzone' }, [2]],
    ['age range', { field: 'age', op: 'between', value: [18, 50] }, [1, 2]],
    ['heavy SMS users', { field: 'sms', op: 'gte', value: 100 }, [2]],
    ['Fetion holders', { holds: { productId: 'VAS_FETION' } }, [2]],
    ['complained in the last 30 days', { contacted: { withinDays: 30, type: 'complaint' } }, [3]],
    ['complained in the last 90 days', { contacted: { withinDays: 90, type: 'complaint' } }, [1, 3]],
    ['≥ 2 store visits last month', { contacted: { withinDays: 31, channelId: 'store', atLeast: 2 } }, [3]],
    ['not in city C02 and ARPU over ¥30', { all: [{ not: { field: 'cityCode', op: 'eq', value: 'C02' } }, { field: 'arpuFen', op: 'gt', value: 3000 }] }, [1]],
  ];
  it.each(counts)('counts %s', async (_name, filter, ids) => {
    expect(await countSegment(store, filter)).toBe(ids.length);
  });

  it('previews size and composition', async () => {
    const p = await previewSegment(store, { field: 'age', op: 'lt', value: 60 });
    expect(p).toEqual({ count: 2, total: 3, byBrand: [{ key: 'gotone', subscribers: 1 }, { key: 'mzone', subscribers: 1 }], byCity: [{ key: 'C01', subscribers: 1 }, { key: 'C02', subscribers: 1 }], avgArpuFen: 12_500 });
  });

  it('saves segments with unique names and refuses a bad filter without saving', async () => {
    const saved = await createSegment(store, { name: 'Young', filter: { field: 'age', op: 'lt', value: 25 } }, 'planner');
    expect(saved).toMatchObject({ name: 'Young', createdBy: 'planner', filter: { field: 'age', op: 'lt', value: 25 } });
    await expect(createSegment(store, { name: 'Young', filter: { field: 'age', op: 'lt', value: 30 } }, 'planner')).rejects.toMatchObject({ code: 'DUPLICATE_NAME', status: 409 });
    await expect(updateSegment(store, saved.segmentId, { name: 'Young', filter: { field: 'zodiac', op: 'eq', value: 'rat' } })).rejects.toMatchObject({ code: 'INVALID_SEGMENT' });
    const after = await store.one<{ filter: string }>('SELECT filter FROM segments WHERE segment_id = $id', { id: saved.segmentId });
    expect(JSON.parse(after!.filter)).toEqual({ field: 'age', op: 'lt', value: 25 });
  });
  it('refuses to delete a segment a draft campaign targets, and deletes it once the campaign holds its own copy', async () => {
    const saved = await createSegment(store, { name: 'Seniors', filter: { field: 'age', op: 'gte', value: 65 } }, 'planner');
    await store.run(
      `INSERT INTO campaigns (name, category, status, plan, created_by) VALUES ('Care calls', 'care', 'draft', $plan, 'planner')`,
      { plan: JSON.stringify({ target: { kind: 'segment', segmentId: saved.segmentId } }) },
    );
    await expect(deleteSegment(store, saved.segmentId)).rejects.toMatchObject({ status: 409, code: 'SEGMENT_IN_USE', message: expect.stringContaining('"Care calls"') });
    expect((await getSegment(store, saved.segmentId)).name).toBe('Seniors');
    await store.run(`UPDATE campaigns SET status = 'submitted' WHERE name = 'Care calls'`);
    await deleteSegment(store, saved.segmentId);
    await expect(getSegment(store, saved.segmentId)).rejects.toMatchObject({ status: 404 });
  });

  it('refuses a filter naming what does not exist or cannot be used, with the path and a code, saving nothing', async () => {
    await store.run(`INSERT INTO model_runs (run_id, model, target, version, status, params, created_by) VALUES
      (41, 'propensity', 'VAS_FETION', 1, 'succeeded', '{}', 'analyst'), (42, 'propensity', 'VAS_FETION', 2, 'running', '{}', 'analyst'),
      (43, 'propensity', 'file:/tmp/x.csv', 1, 'succeeded', '{}', 'analyst')`);
    await store.run(`INSERT INTO model_scores (run_id, subscriber_id, label, score) VALUES (41, 1, '', 90), (41, 2, '', 10)`);
    await store.run(`INSERT INTO tariff_runs (run_id, name, job_id, plan_ids, filter, months, target_count, created_by) VALUES (7, 'Run', 'job', ['P_GT88'], '{}', ['2026-09'], 0, 'planner')`);
    await store.run(`INSERT INTO campaigns (campaign_id, name, category, status, plan, created_by) VALUES
      (501, 'Pay by SMS', 'diversion', 'draft', '{}', 'planner'), (502, 'Fetion push', 'new_service', 'draft', '{}', 'planner')`);
    const usable = { all: [{ holds: { productId: 'VAS_FETION' } }, { modelScore: { runId: 41, op: 'gte', value: 80 } }, { tariffRecommended: { runId: 7 } }, { diversion: { campaignId: 501 } }] };
    await expect(createSegment(store, { name: 'Usable', filter: usable }, 'planner')).resolves.toMatchObject({ name: 'Usable' });

    const refused: Array<[unknown, string, string]> = [
      [{ holds: { productId: 'NOPE' } }, 'filter.holds.productId', 'UNKNOWN_PRODUCT'],
      [{ all: [{ field: 'age', op: 'gt', value: 1 }, { not: { modelScore: { runId: 99, op: 'gte', value: 80 } } }] }, 'filter.all[1].not.modelScore.runId', 'UNKNOWN_MODEL_RUN'],
      [{ modelScore: { runId: 42, op: 'gte', value: 80 } }, 'filter.modelScore.runId', 'MODEL_RUN_NOT_READY'],
      [{ modelScore: { runId: 43, op: 'gte', value: 80 } }, 'filter.modelScore.runId', 'MODEL_RUN_NOT_READY'],
      [{ modelScore: { runId: 41, label: 'sms_hall', op: 'gte', value: 80 } }, 'filter.modelScore.label', 'UNKNOWN_SCORE_LABEL'],
      [{ any: [{ tariffRecommended: { runId: 8 } }] }, 'filter.any[0].tariffRecommended.runId', 'UNKNOWN_TARIFF_RUN'],
      [{ diversion: { campaignId: 999 } }, 'filter.diversion.campaignId', 'UNKNOWN_CAMPAIGN'],
      [{ diversion: { campaignId: 502 } }, 'filter.diversion.campaignId', 'NOT_A_DIVERSION'],
    ];
    const before = (await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM segments'))!.n;
    for (const [filter, field, code] of refused) {
      await expect(createSegment(store, { name: `Bad ${field}`, filter }, 'planner'), field).rejects.toMatchObject({ status: 400, field, code });
      await expect(previewSegment(store, filter)).rejects.toMatchObject({ field, code });
    }
    expect((await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM segments'))!.n).toBe(before);
    await store.run('DELETE FROM campaigns WHERE campaign_id IN (501, 502)');
  });

  it('lists the product catalogue by kind and by a piece of a name', async () => {
    expect((await listProducts(store)).map((p) => [p.productId, p.kind])).toEqual([['P_GT88', 'tariff_plan'], ['VAS_FETION', 'vas']]);
    expect(await listProducts(store, { kind: 'vas' })).toEqual([
      { productId: 'VAS_FETION', kind: 'vas', service: null, nameZh: '飞信', nameEn: 'Fetion', monthlyFeeFen: 0, active: true },
    ]);
    expect((await listProducts(store, { q: 'fetI' })).map((p) => p.productId)).toEqual(['VAS_FETION']);
    expect((await listProducts(store, { q: '飞' })).map((p) => p.productId)).toEqual(['VAS_FETION']);
    expect(await listProducts(store, { q: '%' })).toEqual([]);
    await store.run(`UPDATE products SET active = false WHERE product_id = 'VAS_FETION'`);
    expect((await listProducts(store, { kind: 'vas' })).length).toBe(0);
    expect((await listProducts(store, { kind: 'vas', includeInactive: true })).length).toBe(1);
    await store.run(`UPDATE products SET active = true WHERE product_id = 'VAS_FETION'`);
  });
});
