// Pure functions of the campaign domain: the normal CDF, the two-proportion test, the sample-ratio
// check, the state machine and the plan diff. Reference values from SciPy (norm.cdf, chisquare).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allowedActions, campaignActions, campaignStatuses, nextStatus, transitionRules } from '../src/campaigns/lifecycle.ts';
import { planDiff } from '../src/campaigns/plan.ts';
import { isCalendarDate } from '../src/store/dates.ts';
import { compareProportions, erfc, normalCdf, sampleRatioCheck, twoSidedP, z975 } from '../src/campaigns/stats.ts';

const closeRel = (actual: number, expected: number, rel = 1e-12) => {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.abs(expected) * rel + 1e-300);
};

describe('normal CDF', () => {
  it.each([
    [0, 0.5],
    [0.1, 0.539827837277029],
    [0.5, 0.6914624612740131],
    [1, 0.8413447460685429],
    [1.5, 0.9331927987311419],
    [1.959963984540054, 0.975],
    [2, 0.9772498680518208],
    [2.5, 0.9937903346742238],
    [3, 0.9986501019683699],
    [4, 0.9999683287581669],
  ])('Φ(%s) = %s', (x, expected) => closeRel(normalCdf(x), expected, 1e-14));

  it.each([
    [-1, 0.15865525393145707],
    [-1.959963984540054, 0.02500000000000002],
    [-2, 0.02275013194817922],
    [-2.5, 0.006209665325776139],
    [-3, 0.0013498980316300957],
    [-4, 3.1671241833119965e-5],
    [-5, 2.866515718791946e-7],
    [-6, 9.865876450377012e-10],
    [-8, 6.220960574271819e-16],
    [-10, 7.619853024160593e-24],
    [-20, 2.7536241186063314e-89],
    [-30, 4.906713927148764e-198],
  ])('keeps its relative accuracy in the lower tail: Φ(%s) = %s', (x, expected) => closeRel(normalCdf(x), expected, 5e-14));

  it('is symmetric, monotone and bounded', () => {
    fc.assert(
      fc.property(fc.double({ min: -40, max: 40, noNaN: true }), fc.double({ min: 0, max: 5, noNaN: true }), (x, step) => {
        const p = normalCdf(x);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        expect(Math.abs(p + normalCdf(-x) - 1)).toBeLessThan(1e-15);
        expect(normalCdf(x + step)).toBeGreaterThanOrEqual(p);
      }),
    );
  });

  it('gives erfc(0) = 1, erfc(∞) = 0 and the two-sided p of 1.96 as 5%', () => {
    expect(erfc(0)).toBe(1);
    expect(erfc(40)).toBe(0);
    expect(erfc(-40)).toBe(2);
    closeRel(twoSidedP(z975), 0.05, 1e-13);
    closeRel(twoSidedP(-z975), 0.05, 1e-13);
  });
});

describe('two-proportion comparison', () => {
  it.each([
    // x1, n1, x0, n0, diff, z, p, ciLow, ciHigh, rel, relLow, relHigh
    [120, 1000, 80, 1000, 0.04, 2.9814239699997187, 0.0028691127920766196, 0.013762823691022167, 0.06623717630897782, 0.5, 0.14624370149979748, 0.9629333596825855],
    [30, 200, 2, 50, 0.11, 2.0823774565528774, 0.03730800593300524, 0.03652095283357577, 0.18347904716642421, 2.75, -0.07285884860230951, 14.167593390499821],
    [5000, 100000, 4800, 100000, 0.002, 2.0716992048140996, 0.038293501554111944, 0.0001078884909884168, 0.0038921115090115865, 0.04166666666666674, 0.0022010199330888547, 0.08268643003066245],
  ])('%i/%i against %i/%i', (x1, n1, x0, n0, diff, z, p, lo, hi, rel, relLo, relHi) => {
    const c = compareProportions(x1, n1, x0, n0);
    closeRel(c.absolute, diff, 1e-12);
    closeRel(c.z!, z, 1e-12);
    closeRel(c.pValue!, p, 1e-10);
    closeRel(c.absoluteCi[0], lo, 1e-10);
    closeRel(c.absoluteCi[1], hi, 1e-10);
    closeRel(c.relative!, rel, 1e-12);
    closeRel(c.relativeCi![0], relLo, 1e-10);
    closeRel(c.relativeCi![1], relHi, 1e-10);
  });

  it('has no relative uplift against a control group with no responders, and p = 1 when nothing varies', () => {
    const c = compareProportions(0, 100, 0, 20);
    expect(c).toMatchObject({ absolute: 0, relative: null, relativeCi: null, z: null, pValue: 1 });
    expect(compareProportions(10, 100, 0, 20).relative).toBeNull();
  });

  it('refuses empty groups and impossible counts', () => {
    expect(() => compareProportions(1, 0, 1, 10)).toThrow(RangeError);
    expect(() => compareProportions(11, 10, 1, 10)).toThrow(RangeError);
  });
});

describe('sample-ratio mismatch', () => {
  it.each([
    [1000, 9000, 0.1, 0, 1, false],
    [1100, 8900, 0.1, 11.11111111111111, 0.0008581206663936758, true],
    [1200, 8800, 0.1, 44.44444444444444, 2.6167849372106072e-11, true],
    [505, 495, 0.5, 0.1, 0.7518296340458492, false],
  ])('control %i / treatment %i at share %s', (control, treatment, share, chi, p, mismatch) => {
    const check = sampleRatioCheck(control, treatment, share);
    closeRel(check.chiSquare!, chi, 1e-12);
    closeRel(check.pValue!, p, 1e-10);
    expect(check.mismatch).toBe(mismatch);
  });

  it('makes no claim without a control share or without targets', () => {
    expect(sampleRatioCheck(0, 500, 0)).toMatchObject({ chiSquare: null, pValue: null, mismatch: false });
    expect(sampleRatioCheck(0, 0, 0.1)).toMatchObject({ observedControlShare: null, mismatch: false });
  });
});

describe('campaign state machine', () => {
  it.each([
    ['draft', 'submit', 'submitted'],
    ['submitted', 'approve', 'approved'],
    ['submitted', 'return', 'draft'],
    ['approved', 'schedule', 'scheduled'],
    ['scheduled', 'start', 'running'],
    ['running', 'pause', 'paused'],
    ['paused', 'resume', 'running'],
    ['running', 'adjust', 'running'],
    ['paused', 'adjust', 'paused'],
    ['paused', 'finish', 'finished'],
    ['running', 'finish', 'finished'],
    ['finished', 'evaluate', 'evaluated'],
  ] as const)('%s --%s--> %s', (from, action, to) => expect(nextStatus(from, action)).toBe(to));

  it('allows nothing else', () => {
    const legal = new Set(['draft:edit', 'draft:delete', 'draft:submit', 'submitted:approve', 'submitted:return', 'approved:schedule', 'scheduled:start',
      'running:pause', 'paused:resume', 'running:adjust', 'paused:adjust', 'running:finish', 'paused:finish', 'finished:evaluate']);
    for (const status of campaignStatuses) {
      for (const action of campaignActions) {
        expect(nextStatus(status, action) !== null, `${status}:${action}`).toBe(legal.has(`${status}:${action}`));
      }
    }
  });

  it('offers the approver approval of others’ campaigns only, and the planner no approval at all', () => {
    const submitted = { status: 'submitted' as const, createdBy: 'planner', submittedBy: 'planner' };
    expect(allowedActions(submitted, { username: 'approver', role: 'approver' })).toEqual(['approve', 'return']);
    expect(allowedActions(submitted, { username: 'planner', role: 'planner' })).toEqual([]);
    expect(allowedActions({ ...submitted, createdBy: 'admin', submittedBy: 'admin' }, { username: 'admin', role: 'admin' })).toEqual([]);
    expect(allowedActions({ ...submitted, status: 'running' }, { username: 'analyst', role: 'analyst' })).toEqual([]);
    expect(allowedActions({ ...submitted, status: 'finished' }, { username: 'analyst', role: 'analyst' })).toEqual(['evaluate']);
    expect(transitionRules.approve.notOwn && transitionRules.return.notOwn).toBe(true);
  });
});

describe('plan diff and dates', () => {
  it('lists every changed leaf with its path', () => {
    const before = { budget: [{ item: 'discounts', plannedFen: 100, actualFen: 0 }], waves: [{ startDate: '2026-11-01', endDate: '2026-11-10' }], name: 'A' };
    const after = { budget: [{ item: 'discounts', plannedFen: 100, actualFen: 40 }], waves: [{ startDate: '2026-11-01', endDate: '2026-11-20' }, { startDate: '2026-12-01', endDate: '2026-12-02' }], name: 'A' };
    expect(planDiff(before, after)).toEqual([
      { path: 'budget[0].actualFen', from: 0, to: 40 },
      { path: 'waves[0].endDate', from: '2026-11-10', to: '2026-11-20' },
      { path: 'waves[1]', from: null, to: { startDate: '2026-12-01', endDate: '2026-12-02' } },
    ]);
    expect(planDiff(before, structuredClone(before))).toEqual([]);
  });

  it('summarizes long lists instead of listing them', () => {
    const ids = Array.from({ length: 60 }, (_, i) => i + 1);
    expect(planDiff({ ids }, { ids: [...ids, 61] })).toEqual([{ path: 'ids', from: '60 items', to: '61 items' }]);
  });

  it('knows a calendar date', () => {
    expect(isCalendarDate('2026-02-28')).toBe(true);
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-30')).toBe(false);
    expect(isCalendarDate('2026-13-01')).toBe(false);
    expect(isCalendarDate('26-01-01')).toBe(false);
  });
});
