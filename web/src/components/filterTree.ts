// The segment builder's model of a filter (src/customers/segments.ts, the segment language): a
// tree of groups (all / any) and conditions, each of which may be negated. Every saved filter
// loads into it and comes back out as the same filter; a condition still being filled in makes
// the whole filter null, so nothing half-made is previewed or saved.

export type ComparisonOp = 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte' | 'between' | 'in' | 'notIn' | 'isTrue' | 'isFalse';
export type FieldType = 'number' | 'string' | 'enum' | 'boolean';

/** A field of the catalogue (GET /api/segments/fields), as far as checking a condition needs. */
export interface FieldSpec {
  name: string;
  type: FieldType;
  ops: ComparisonOp[];
}

/** The kinds of condition the language has besides groups, in the order the builder offers them. */
export const conditionKinds = ['field', 'holds', 'contacted', 'browsed', 'modelScore', 'tariffRecommended', 'diversion'] as const;
export type ConditionKind = (typeof conditionKinds)[number];

export const scoreOps = ['gte', 'gt', 'lte', 'lt', 'between'] as const;
export const diversionOutcomes = ['moved', 'stayed', 'inactive'] as const;

export type Params = Record<string, unknown>;
export type Combinator = 'all' | 'any';

export interface ConditionNode {
  key: number;
  kind: ConditionKind;
  negated: boolean;
  /** The condition's own object as the language writes it: {field, op, value} for a field, else the body under the kind's key. */
  params: Params;
}

export interface GroupNode {
  key: number;
  kind: 'group';
  negated: boolean;
  combinator: Combinator;
  children: TreeNode[];
}

export type TreeNode = GroupNode | ConditionNode;

let nextKey = 1;
const key = () => nextKey++;

export const newCondition = (kind: ConditionKind): ConditionNode => ({ key: key(), kind, negated: false, params: kind === 'contacted' || kind === 'browsed' ? { withinDays: 30 } : {} });
export const newGroup = (combinator: Combinator = 'all', children: TreeNode[] = []): GroupNode => ({ key: key(), kind: 'group', negated: false, combinator, children });

const isObject = (v: unknown): v is Params => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A node of a filter, or null when it is not one of the language's shapes. */
function nodeOf(filter: unknown, negated: boolean): TreeNode | null {
  if (!isObject(filter)) return null;
  const keys = Object.keys(filter);
  if (keys.length === 1 && keys[0] === 'not') return nodeOf(filter.not, !negated);
  if (keys.length === 1 && (keys[0] === 'all' || keys[0] === 'any')) {
    const items = filter[keys[0]];
    if (!Array.isArray(items)) return null;
    const children = items.map((item) => nodeOf(item, false));
    if (children.some((c) => c === null)) return null;
    return { ...newGroup(keys[0], children as TreeNode[]), negated };
  }
  if ('field' in filter) return { key: key(), kind: 'field', negated, params: { ...filter } };
  if (keys.length === 1 && (conditionKinds as readonly string[]).includes(keys[0]) && isObject(filter[keys[0]])) {
    return { key: key(), kind: keys[0] as ConditionKind, negated, params: { ...(filter[keys[0]] as Params) } };
  }
  return null;
}

/** The builder's tree of a saved filter: always a group at the root. Null when the filter is not in the language. */
export function treeOf(filter: unknown): GroupNode | null {
  const node = nodeOf(filter, false);
  if (node === null) return null;
  return node.kind === 'group' && !node.negated ? node : newGroup('all', [node]);
}

const wholeIn = (v: unknown, low: number, high: number) => Number.isInteger(v) && (v as number) >= low && (v as number) <= high;
const filled = (v: unknown) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0) && !(typeof v === 'number' && Number.isNaN(v));
const isScore = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 100;

/** The params without the inputs left empty (an optional text cleared, a list emptied). */
function compact(params: Params): Params {
  return Object.fromEntries(Object.entries(params).filter(([, v]) => filled(v)));
}

function fieldCondition(params: Params, field: FieldSpec | undefined): Params | null {
  const op = params.op as ComparisonOp | undefined;
  if (!field || !op || !field.ops.includes(op)) return null;
  const value = params.value;
  if (op === 'isTrue' || op === 'isFalse') return { field: field.name, op };
  if (op === 'between') {
    return Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && Number.isFinite(v)) ? { field: field.name, op, value } : null;
  }
  if (op === 'in' || op === 'notIn') return Array.isArray(value) && value.length > 0 ? { field: field.name, op, value } : null;
  if (!filled(value) || Array.isArray(value)) return null;
  return { field: field.name, op, value };
}

/** The condition as the language writes it, or null while it is incomplete. */
export function conditionOf(node: ConditionNode, fields: ReadonlyMap<string, FieldSpec>): Params | null {
  if (node.kind === 'field') return fieldCondition(node.params, fields.get(node.params.field as string));
  const p = compact(node.params);
  const atLeastOk = p.atLeast === undefined || wholeIn(p.atLeast, 1, 1000);
  let complete: boolean;
  switch (node.kind) {
    case 'holds':
      complete = typeof p.productId === 'string';
      break;
    case 'contacted':
    case 'browsed':
      complete = wholeIn(p.withinDays, 1, 366) && atLeastOk;
      break;
    case 'modelScore':
      complete =
        wholeIn(p.runId, 1, Number.MAX_SAFE_INTEGER) &&
        (scoreOps as readonly unknown[]).includes(p.op) &&
        (p.op === 'between' ? Array.isArray(p.value) && p.value.length === 2 && p.value.every(isScore) && (p.value[0] as number) <= (p.value[1] as number) : isScore(p.value));
      break;
    case 'tariffRecommended':
      complete = wholeIn(p.runId, 1, Number.MAX_SAFE_INTEGER);
      break;
    case 'diversion':
      complete = wholeIn(p.campaignId, 1, Number.MAX_SAFE_INTEGER);
      break;
  }
  return complete ? { [node.kind]: p } : null;
}

/** The filter the tree stands for, or null while any condition is incomplete or any group empty. */
export function filterOf(node: TreeNode, fields: ReadonlyMap<string, FieldSpec>): Params | null {
  let out: Params | null;
  if (node.kind === 'group') {
    const children = node.children.map((c) => filterOf(c, fields));
    out = children.length > 0 && children.every((c) => c !== null) ? { [node.combinator]: children } : null;
  } else {
    out = conditionOf(node, fields);
  }
  return out && node.negated ? { not: out } : out;
}

/** How many conditions the tree holds, at any depth. */
export const conditionCount = (node: TreeNode): number => (node.kind === 'group' ? node.children.reduce((n, c) => n + conditionCount(c), 0) : 1);

/** The tree with node `target` replaced by what `change` makes of it (null removes it). */
export function updateNode(root: GroupNode, target: number, change: (node: TreeNode) => TreeNode | null): GroupNode {
  const walk = (node: TreeNode): TreeNode | null => {
    if (node.key === target) return change(node);
    if (node.kind !== 'group') return node;
    const children = node.children.map(walk).filter((c): c is TreeNode => c !== null);
    return children.length === node.children.length && children.every((c, i) => c === node.children[i]) ? node : { ...node, children };
  };
  return (walk(root) as GroupNode | null) ?? newGroup();
}

export const removeNode = (root: GroupNode, target: number) => updateNode(root, target, () => null);

export const addChild = (root: GroupNode, group: number, child: TreeNode) =>
  updateNode(root, group, (node) => (node.kind === 'group' ? { ...node, children: [...node.children, child] } : node));
