// Business–channel fit: grades from attribute parameters, overrides that win and are audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../src/audit/audit.ts';
import { findFitGrade, fitMatrix, fitScore, saveFitBusiness, saveFitChannel, setFitOverride } from '../src/models/fit.ts';
import type { Store } from '../src/store/store.ts';
import { tempStore } from './builders.ts';

let store: Store;
beforeAll(async () => {
  store = await tempStore('models-fit');
});
afterAll(async () => store?.close());

const a = (explanation: number, handsOn: number, identity: number, reach: number, value: number) => ({ explanation, handsOn, identity, reach, value });

describe('fit score', () => {
  it('is 100 (A) when the channel meets every need at a cost the business is worth', () => {
    expect(fitScore(a(2, 1, 0, 3, 3), a(3, 1, 2, 5, 1))).toEqual({ score: 100, grade: 'A' });
  });

  it('loses a point share per unit of shortfall: 5 units of 25 is 80 (B)', () => {
    // explanation short by 2, reach short by 1, channel cost above value by 2
    expect(fitScore(a(4, 0, 0, 4, 1), a(2, 0, 0, 3, 3))).toEqual({ score: 80, grade: 'B' });
  });

  it('makes a pair unfit (C) when the channel falls 3 short on any need, whatever the score', () => {
    // SIM replacement needs an identity check an SMS hall cannot do
    expect(fitScore(a(1, 0, 5, 1, 1), a(1, 0, 1, 5, 0))).toEqual({ score: 84, grade: 'C' });
  });
});

describe('fit matrix', () => {
  it('grades every business on every channel from the starting parameters', async () => {
    const m = await fitMatrix(store);
    expect(m.channels).toHaveLength(10);
    expect(m.cells).toHaveLength(m.businesses.length * m.channels.length);
    const grade = (b: string, c: string) => m.cells.find((x) => x.businessId === b && x.channelId === c)!.grade;
    expect(grade('group_vpmn', 'account_mgr')).toBe('A');
    expect(grade('group_vpmn', 'sms_hall')).toBe('C');
    // the store is where a SIM is replaced, dear as it is
    expect(grade('sim_replace', 'store')).toBe('A');
    expect(grade('sim_replace', 'web')).toBe('C');
    expect(grade('SMS_PACK', 'sms_hall')).toBe('A');
  });

  it('recomputes a grade when a channel parameter changes', async () => {
    await saveFitChannel(store, 'web', a(2, 1, 5, 4, 0), 'analyst');
    expect((await findFitGrade(store, 'sim_replace', 'web'))?.computed).not.toBe('C');
    await saveFitBusiness(store, 'WLAN_PACK', { nameZh: 'WLAN 包', nameEn: 'WLAN pack', attributes: a(1, 2, 0, 4, 2) }, 'analyst');
    expect((await findFitGrade(store, 'WLAN_PACK', 'app'))?.grade).toBe('A');
  });

  it('lets an override win over the computed grade, and audits it', async () => {
    const cell = await setFitOverride(store, 'FETION', 'store', 'A', 'Olympic promotion at the desk', 'planner');
    expect(cell).toMatchObject({ grade: 'A', override: { grade: 'A', reason: 'Olympic promotion at the desk', updatedBy: 'planner' } });
    expect(cell.computed).not.toBe('A');
    const cleared = await setFitOverride(store, 'FETION', 'store', null, null, 'planner');
    expect(cleared.grade).toBe(cleared.computed);
    const audit = await listAudit(store, { limit: 10, offset: 0, action: 'fit.override' });
    expect(audit.items[0]).toMatchObject({ actor: 'planner', target: 'fit:FETION/store', detail: { after: 'A', reason: 'Olympic promotion at the desk' } });
    expect((await listAudit(store, { limit: 10, offset: 0, action: 'fit.channel' })).total).toBe(1);
  });

  it('refuses an override grade other than A/B/C, out-of-range parameters and unknown pairs', async () => {
    await expect(setFitOverride(store, 'FETION', 'store', 'D', null, 'planner')).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'grade' });
    await expect(saveFitChannel(store, 'web', a(2, 1, 9, 4, 0), 'analyst')).rejects.toMatchObject({ field: 'attributes.identity' });
    await expect(setFitOverride(store, 'NOPE', 'store', 'A', null, 'planner')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
