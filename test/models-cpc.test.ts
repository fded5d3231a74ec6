// CPC segments on a demo province. The generator plants seven personas (src/demo/catalogue.ts):
// business travellers roam (22% of calls inter-province) and call long distance (35%) on GoTone
// plans with the highest bills; students are 15–24 on M-Zone plans sending ~97 SMS a month;
// seniors are 58–85 on Easy-Own plans with almost no data, visiting the store. k-means over
// standardized features must recover these three as clusters that the centroid rules name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateProvince } from '../src/demo/generate.ts';
import { getCpcResult, nameSegments, startCpcRun, validateCpcParams, type CpcResult } from '../src/models/cpc.ts';
import type { Store } from '../src/store/store.ts';
import { tempStore } from './builders.ts';

let store: Store;
let result: CpcResult;
/** Per cluster: its size and how many of its members have each planted persona. */
let composition: Map<number, { n: number; personas: Record<string, number> }>;
let personaTotals: Record<string, number>;

beforeAll(async () => {
  store = await tempStore('models-cpc');
  await generateProvince(store, { subscribers: 5000, seed: 1 });
  const run = await (await startCpcRun(store, { k: 10 }, 'analyst')).done;
  result = await getCpcResult(store, run.runId);
  const rows = await store.query<{ cluster: number; persona: string; n: number }>(
    `SELECT m.label::INTEGER AS cluster, p.persona, count(*)::INTEGER AS n
     FROM model_scores m JOIN demo_personas p USING (subscriber_id) WHERE m.run_id = $run GROUP BY ALL`,
    { run: run.runId },
  );
  composition = new Map();
  personaTotals = {};
  for (const r of rows) {
    const c = composition.get(r.cluster) ?? { n: 0, personas: {} };
    c.n += r.n;
    c.personas[r.persona] = r.n;
    composition.set(r.cluster, c);
    personaTotals[r.persona] = (personaTotals[r.persona] ?? 0) + r.n;
  }
});
afterAll(async () => store?.close());

const segmentsLabelled = (key: string) => result.segments.filter((s) => s.labelKey === key);
/** Members of the clusters carrying a label, and how many of them have the persona. */
function recovered(label: string, persona: string) {
  const clusters = segmentsLabelled(label).map((s) => composition.get(s.cluster)!);
  const members = clusters.reduce((n, c) => n + c.n, 0);
  const hits = clusters.reduce((n, c) => n + (c.personas[persona] ?? 0), 0);
  return { members, purity: hits / members, recall: hits / personaTotals[persona] };
}

describe('CPC segments on the demo province', () => {
  it('finds the business travellers: a cluster of roamers and long-distance callers, almost all of them business', () => {
    const [business] = segmentsLabelled('business');
    expect(business).toBeDefined();
    expect(business.centroid.roaming).toBeGreaterThan(1);
    expect(business.centroid.longDistance).toBeGreaterThan(1);
    expect(business.nameZh).toContain('商务人士');
    const r = recovered('business', 'business');
    expect(r.purity).toBeGreaterThan(0.85);
    expect(r.recall).toBeGreaterThan(0.7);
  });

  it('finds the students: young, M-Zone, many SMS', () => {
    const [student] = segmentsLabelled('student');
    expect(student).toBeDefined();
    expect(student.centroid.age).toBeLessThan(-0.5);
    expect(student.centroid.sms).toBeGreaterThan(0.5);
    expect(student.centroid.mzone).toBeGreaterThan(1);
    expect(recovered('student', 'student').purity).toBeGreaterThan(0.6);
  });

  it('finds the seniors: old, no data, store visitors — most of them, at several times their province share', () => {
    const seniors = segmentsLabelled('senior');
    expect(seniors.length).toBeGreaterThan(0);
    for (const s of seniors) {
      expect(s.centroid.age).toBeGreaterThan(0.5);
      expect(s.centroid.data).toBeLessThan(0);
    }
    // rural customers (25–68, Easy-Own, store) overlap the seniors by design, so purity is modest
    const share = personaTotals.senior / Object.values(personaTotals).reduce((a, b) => a + b, 0);
    const r = recovered('senior', 'senior');
    expect(r.purity / share).toBeGreaterThan(2.5);
    expect(r.recall).toBeGreaterThan(0.6);
  });

  it('clusters the province with an overall persona purity well above chance', () => {
    const total = [...composition.values()].reduce((n, c) => n + c.n, 0);
    const majority = [...composition.values()].reduce((n, c) => n + Math.max(...Object.values(c.personas)), 0);
    // the largest persona is 20% of the province; seniors/rural/homemakers overlap by design
    expect(majority / total).toBeGreaterThan(0.55);
    expect(result.segments).toHaveLength(10);
    expect(result.segments.reduce((n, s) => n + s.subscribers, 0)).toBe(total);
  });

  it('computes the CP, CC and PC fit matrices against the province', () => {
    const student = segmentsLabelled('student')[0];
    // students hold Fetion far more than the province (75% vs ~30%)
    const fetion = result.cp.cells.find((c) => c.row === String(student.cluster) && c.column === 'FETION')!;
    expect(fetion.ratio).toBeGreaterThan(1.5);
    // seniors contact the store desk more than the province does
    const store = result.cc.cells.find((c) => c.row === String(segmentsLabelled('senior')[0].cluster) && c.column === 'store')!;
    expect(store.ratio).toBeGreaterThan(1.2);
    // every segment's channel shares sum to 1
    for (const s of result.segments) {
      const sum = result.cc.cells.filter((c) => c.row === String(s.cluster)).reduce((a, c) => a + c.value, 0);
      expect(sum).toBeCloseTo(1, 6);
    }
    expect(result.pc.cells.length).toBeGreaterThan(0);
    expect(result.cc.columns.map((c) => c.key)).toContain('account_mgr');
  });

  it('is deterministic for a seed', async () => {
    const again = await (await startCpcRun(store, { k: 10 }, 'analyst')).done;
    const second = await getCpcResult(store, again.runId);
    expect(again.version).toBe(result.version + 1);
    expect(second.segments.map((s) => s.subscribers)).toEqual(result.segments.map((s) => s.subscribers));
  });
});

describe('CPC parameters and names', () => {
  it('refuses k out of range, an empty feature set and an unknown feature', () => {
    expect(() => validateCpcParams({ k: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', field: 'k' }));
    expect(() => validateCpcParams({ k: 31 })).toThrow(expect.objectContaining({ field: 'k' }));
    expect(() => validateCpcParams({ features: [] })).toThrow(expect.objectContaining({ field: 'features' }));
    expect(() => validateCpcParams({ features: ['age', 'shoeSize'] })).toThrow(expect.objectContaining({ field: 'features[1]' }));
  });

  it('refuses to cluster fewer customers than k', async () => {
    const small = await tempStore('models-cpc-small');
    try {
      const handle = await startCpcRun(small, { k: 3 }, 'analyst');
      await expect(handle.done).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'k' });
    } finally {
      await small.close();
    }
  });

  it('names a cluster by the prototype it matches and tells two of a kind apart', () => {
    const names = nameSegments([
      { age: -1.5, sms: 1.5, mzone: 1.8, tenure: -0.8 },
      { age: 2, data: -1.2, sms: -1.3, smartphone: -0.7, storeVisits: 1.5 },
      { age: 2.2, data: -1.5, sms: -1.0, storeVisits: 0.4 },
      { age: 0.1, data: 0.05 },
    ]);
    expect(names.map((n) => n.labelKey)).toEqual(['student', 'senior', 'senior', 'general']);
    expect(names[0]).toMatchObject({ nameZh: '学生群', nameEn: 'Students' });
    expect(names[1].nameEn).not.toBe(names[2].nameEn);
    expect(names[3].nameZh).toBe('大众客户');
  });
});
