// The console's segment builder model (web/src/components/filterTree.ts) against the segment
// language itself (src/customers/segments.ts): every filter loads and comes back unchanged, what
// the builder makes compiles on the server, and half-made conditions are never let out.
import { describe, expect, it } from 'vitest';
import { SegmentFilter, compileSegment, segmentFieldCatalogue } from '../src/customers/segments.ts';
import {
  addChild,
  conditionCount,
  conditionKinds,
  filterOf,
  newCondition,
  newGroup,
  removeNode,
  treeOf,
  updateNode,
  type ConditionNode,
  type FieldSpec,
  type GroupNode,
} from '../web/src/components/filterTree.ts';

const fields: ReadonlyMap<string, FieldSpec> = new Map(segmentFieldCatalogue().map((f) => [f.name, { name: f.name, type: f.type, ops: [...f.ops] }]));

const filters: Array<[string, unknown]> = [
  ['one field', { all: [{ field: 'age', op: 'gte', value: 30 }] }],
  ['every kind of condition', {
    any: [
      { field: 'brand', op: 'in', value: ['gotone', 'mzone'] },
      { field: 'dnd', op: 'isFalse' },
      { field: 'arpuFen', op: 'between', value: [3000, 20000] },
      { holds: { productId: 'FETION' } },
      { contacted: { withinDays: 90, atLeast: 3, type: 'complaint', channelId: 'agent', business: 'bill_dispute' } },
      { browsed: { withinDays: 30, atLeast: 2, site: 'online_hall', topic: 'plan' } },
      { browsed: { withinDays: 7, page: '/plan/list' } },
      { modelScore: { runId: 4, op: 'gte', value: 80 } },
      { modelScore: { runId: 5, label: 'sms_hall', op: 'between', value: [40, 60] } },
      { tariffRecommended: { runId: 2 } },
      { tariffRecommended: { runId: 2, planId: 'GT_BIZ_128' } },
      { diversion: { campaignId: 7 } },
      { diversion: { campaignId: 7, outcomes: ['stayed'], business: 'bill_payment' } },
    ],
  }],
  ['negations and nested groups', {
    all: [
      { not: { field: 'status', op: 'eq', value: 'cancelled' } },
      { not: { any: [{ holds: { productId: 'MUSIC' } }, { contacted: { withinDays: 60, type: 'complaint' } }] } },
      { any: [{ all: [{ field: 'age', op: 'lt', value: 25 }, { field: 'sms', op: 'gt', value: 200 }] }, { field: 'vipLevel', op: 'gte', value: 3 }] },
    ],
  }],
];

describe('the segment builder model', () => {
  it('offers every condition kind the language has, and only those', () => {
    const serverKinds = (SegmentFilter.anyOf as Array<{ properties: Record<string, unknown> }>)
      .flatMap((variant) => Object.keys(variant.properties))
      .filter((k) => !['all', 'any', 'not', 'op', 'value'].includes(k));
    expect([...serverKinds].sort()).toEqual([...conditionKinds].sort());
  });

  it.each(filters)('loads %s and gives back the same filter, which the server compiles', (_name, filter) => {
    const tree = treeOf(filter);
    expect(tree).not.toBeNull();
    const out = filterOf(tree!, fields);
    expect(out).toEqual(filter);
    expect(() => compileSegment(out)).not.toThrow();
  });

  it('puts a bare condition or a negated group under an "all" root, with the same meaning', () => {
    const bare = { tariffRecommended: { runId: 3 } };
    expect(filterOf(treeOf(bare)!, fields)).toEqual({ all: [bare] });
    const negated = { not: { any: [{ field: 'age', op: 'lt', value: 18 }] } };
    expect(filterOf(treeOf(negated)!, fields)).toEqual({ all: [negated] });
    expect(filterOf(treeOf({ not: { not: bare } })!, fields)).toEqual({ all: [bare] });
  });

  it('declines what is not in the language', () => {
    for (const bad of [null, 3, 'age > 3', { where: 'age > 3' }, { all: 'x' }, { all: [{ all: [{ spam: {} }] }] }, { holds: 'FETION' }]) {
      expect(treeOf(bad)).toBeNull();
    }
  });

  it('lets nothing half-made out: an incomplete condition or an empty group makes the filter null', () => {
    const incomplete: Array<[ConditionNode['kind'], Record<string, unknown>]> = [
      ['field', { field: 'age', op: 'gte' }],
      ['field', { field: 'age', op: 'between', value: [10, Number.NaN] }],
      ['field', { field: 'brand', op: 'in', value: [] }],
      ['field', { field: 'brand', op: 'gt', value: 'gotone' }],
      ['field', { field: 'nonsense', op: 'eq', value: 1 }],
      ['holds', {}],
      ['holds', { productId: '' }],
      ['contacted', { withinDays: 0 }],
      ['contacted', { withinDays: 30, atLeast: 0 }],
      ['browsed', { withinDays: 400 }],
      ['modelScore', { runId: 4, op: 'gte' }],
      ['modelScore', { runId: 4, op: 'gte', value: 120 }],
      ['modelScore', { runId: 4, op: 'between', value: [70, 60] }],
      ['modelScore', { op: 'gte', value: 80 }],
      ['tariffRecommended', { planId: 'X' }],
      ['diversion', { outcomes: ['stayed'] }],
    ];
    for (const [kind, params] of incomplete) {
      const root = newGroup('all', [{ ...newCondition(kind), params }]);
      expect(filterOf(root, fields), `${kind} ${JSON.stringify(params)}`).toBeNull();
    }
    expect(filterOf(newGroup(), fields)).toBeNull();
    expect(filterOf(newGroup('all', [newGroup('any')]), fields)).toBeNull();
  });

  it('drops optional inputs left empty rather than sending them', () => {
    const node: ConditionNode = { ...newCondition('contacted'), params: { withinDays: 14, type: undefined, channelId: '', business: null, atLeast: Number.NaN } };
    expect(filterOf(newGroup('all', [node]), fields)).toEqual({ all: [{ contacted: { withinDays: 14 } }] });
    const divert: ConditionNode = { ...newCondition('diversion'), params: { campaignId: 3, outcomes: [] } };
    expect(filterOf(newGroup('all', [divert]), fields)).toEqual({ all: [{ diversion: { campaignId: 3 } }] });
  });

  it('edits the tree without touching the branches it does not change', () => {
    let root: GroupNode = treeOf(filters[2][1])!;
    const [first, second, third] = root.children;
    expect(conditionCount(root)).toBe(6);
    root = updateNode(root, first.key, (n) => ({ ...n, negated: !n.negated }));
    expect(root.children[1]).toBe(second);
    expect(root.children[2]).toBe(third);
    expect((filterOf(root, fields) as { all: unknown[] }).all[0]).toEqual({ field: 'status', op: 'eq', value: 'cancelled' });
    const inner = (third as GroupNode).children[0] as GroupNode;
    root = addChild(root, inner.key, { ...newCondition('holds'), params: { productId: 'FETION' } });
    expect(conditionCount(root)).toBe(7);
    expect(root.children[1]).toBe(second);
    root = removeNode(root, second.key);
    expect(filterOf(root, fields)).toEqual({
      all: [
        { field: 'status', op: 'eq', value: 'cancelled' },
        { any: [{ all: [{ field: 'age', op: 'lt', value: 25 }, { field: 'sms', op: 'gt', value: 200 }, { holds: { productId: 'FETION' } }] }, { field: 'vipLevel', op: 'gte', value: 3 }] },
      ],
    });
    expect(removeNode(root, root.key).children).toEqual([]);
  });
});
