// The tariff catalogue: plans are products (kind 'tariff_plan') whose definition column holds
// the TariffPlan JSON. Listing, reading, saving (validated), importing and deleting them, and
// the add-on terms of offers. A plan without a usable definition is listed with the reason.
import { Type, type Static } from '@sinclair/typebox';
import { Conflict, InvalidInput, NotFound } from '../store/errors.ts';
import type { Db } from '../store/store.ts';
import type { AddOnTerms } from './addons.ts';
import { validatePlan, type TariffPlan } from './plan.ts';

export const serviceKinds = ['voice', 'gprs', 'sms', 'mms', 'wlan'] as const;
export type ServiceKind = (typeof serviceKinds)[number];
export const brands = ['gotone', 'mzone', 'easyown'] as const;
export type Brand = (typeof brands)[number];

/** A plan as the API and the console see it. */
export const PlanProduct = Type.Object({
  planId: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  monthlyFeeFen: Type.Integer(),
  service: Type.Union([Type.String(), Type.Null()]),
  brands: Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'Brands it may be sold to; null = every brand' }),
  active: Type.Boolean(),
  holders: Type.Integer({ description: 'Subscribers on this plan now' }),
  defined: Type.Boolean({ description: 'Whether the definition is a valid tariff plan (only those can be simulated)' }),
  problem: Type.Union([Type.String(), Type.Null()], { description: 'Why the stored definition cannot be used' }),
  definition: Type.Unknown({ description: 'The TariffPlan (defaults filled) when defined, else the stored JSON or null' }),
});
export type PlanProduct = Static<typeof PlanProduct>;

/** What the editor, the import and the demo send: the plan and its catalogue attributes. */
export const PlanProductBody = Type.Object(
  {
    service: Type.Optional(Type.Union(serviceKinds.map((s) => Type.Literal(s)), { default: 'voice' })),
    brands: Type.Optional(Type.Union([Type.Array(Type.Union(brands.map((b) => Type.Literal(b))), { minItems: 1, uniqueItems: true }), Type.Null()])),
    plan: Type.Unknown({ description: 'A TariffPlan' }),
  },
  { additionalProperties: false },
);

export interface PlanProductInput {
  service?: ServiceKind;
  brands?: Brand[] | null;
  plan: TariffPlan;
}

interface PlanRow {
  planId: string;
  nameZh: string;
  nameEn: string;
  monthlyFeeFen: number;
  service: string | null;
  brands: string[] | null;
  active: boolean;
  holders: number;
  definition: string | null;
}

const planColumns = `p.product_id AS "planId", p.name_zh AS "nameZh", p.name_en AS "nameEn", p.monthly_fee_fen AS "monthlyFeeFen",
  CAST(p.service AS VARCHAR) AS service, p.brands, p.active, CAST(p.definition AS VARCHAR) AS definition,
  (SELECT count(*) FROM subscribers s WHERE s.plan_id = p.product_id) AS holders`;

function toProduct(row: PlanRow): PlanProduct {
  const { definition, ...rest } = row;
  if (definition === null) return { ...rest, defined: false, problem: 'no definition stored', definition: null };
  const json = JSON.parse(definition) as unknown;
  try {
    const plan = validatePlan(json);
    if (plan.id !== row.planId) return { ...rest, defined: false, problem: `the definition's id is '${plan.id}'`, definition: json };
    return { ...rest, defined: true, problem: null, definition: plan };
  } catch (error) {
    return { ...rest, defined: false, problem: (error as Error).message, definition: json };
  }
}

export async function listPlanProducts(db: Db): Promise<PlanProduct[]> {
  const rows = await db.query<PlanRow>(`SELECT ${planColumns} FROM products p WHERE p.kind = 'tariff_plan' ORDER BY p.product_id`);
  return rows.map(toProduct);
}

export async function findPlanProduct(db: Db, planId: string): Promise<PlanProduct | undefined> {
  const row = await db.one<PlanRow>(`SELECT ${planColumns} FROM products p WHERE p.kind = 'tariff_plan' AND p.product_id = $id`, { id: planId });
  return row && toProduct(row);
}

export async function getPlanProduct(db: Db, planId: string): Promise<PlanProduct> {
  const product = await findPlanProduct(db, planId);
  if (!product) throw new NotFound('Tariff plan', planId);
  return product;
}

/**
 * The validated definitions of these plans, in order; `field` names the list for errors
 * (e.g. 'planIds' → 'planIds[1]').
 */
export async function definedPlans(db: Db, planIds: readonly string[], field = 'planIds'): Promise<Array<{ product: PlanProduct; plan: TariffPlan }>> {
  const all = new Map((await listPlanProducts(db)).map((p) => [p.planId, p]));
  return planIds.map((id, i) => {
    if (planIds.indexOf(id) !== i) throw new InvalidInput(`${field}[${i}]: plan ${id} is listed twice`, { field: `${field}[${i}]` });
    const product = all.get(id);
    if (!product) throw new InvalidInput(`${field}[${i}]: there is no tariff plan ${id}`, { field: `${field}[${i}]`, code: 'UNKNOWN_PLAN' });
    if (!product.defined) throw new InvalidInput(`${field}[${i}]: plan ${id} has no usable definition (${product.problem})`, { field: `${field}[${i}]`, code: 'UNDEFINED_PLAN' });
    return { product, plan: product.definition as TariffPlan };
  });
}

/** Validates a body's plan, naming fields from the body's root (`plan.rates[0]…`). */
export function planProductInput(body: unknown, prefix = 'plan'): PlanProductInput {
  const b = (body ?? {}) as { service?: ServiceKind; brands?: Brand[] | null; plan?: unknown };
  try {
    return { service: b.service ?? 'voice', brands: b.brands ?? null, plan: validatePlan(b.plan) };
  } catch (error) {
    if (error instanceof InvalidInput && prefix) {
      const field = error.field && error.field !== 'plan' ? `${prefix}.${error.field}` : prefix;
      throw new InvalidInput(error.message.replace(/^([^:]+):/, `${field}:`), { field, code: error.code, details: error.details });
    }
    throw error;
  }
}

async function writePlanProduct(db: Db, input: PlanProductInput, mode: 'insert' | 'upsert'): Promise<void> {
  const { plan } = input;
  const params = {
    id: plan.id,
    zh: plan.nameZh ?? plan.id,
    en: plan.nameEn ?? plan.nameZh ?? plan.id,
    fee: plan.monthlyFeeFen,
    service: input.service ?? 'voice',
    brands: input.brands && input.brands.length > 0 ? input.brands.join(',') : null,
    definition: JSON.stringify(plan),
  };
  const other = await db.one<{ kind: string }>('SELECT CAST(kind AS VARCHAR) AS kind FROM products WHERE product_id = $id', { id: plan.id });
  if (other && other.kind !== 'tariff_plan') {
    throw new Conflict(`Product ${plan.id} is a ${other.kind}, not a tariff plan`, { field: 'plan.id', code: 'PRODUCT_KIND' });
  }
  if (other && mode === 'insert') throw new Conflict(`A tariff plan ${plan.id} already exists`, { field: 'plan.id', code: 'DUPLICATE_PLAN' });
  if (other) {
    await db.run(
      `UPDATE products SET name_zh = $zh, name_en = $en, monthly_fee_fen = $fee, service = $service,
         brands = CASE WHEN $brands IS NULL THEN NULL ELSE string_split($brands, ',') END, definition = $definition
       WHERE product_id = $id`,
      params,
    );
    return;
  }
  await db.run(
    `INSERT INTO products (product_id, kind, service, name_zh, name_en, monthly_fee_fen, brands, definition)
     VALUES ($id, 'tariff_plan', $service, $zh, $en, $fee, CASE WHEN $brands IS NULL THEN NULL ELSE string_split($brands, ',') END, $definition)`,
    params,
  );
}

export async function createPlanProduct(db: Db, input: PlanProductInput): Promise<PlanProduct> {
  await writePlanProduct(db, input, 'insert');
  return getPlanProduct(db, input.plan.id);
}

export async function updatePlanProduct(db: Db, planId: string, input: PlanProductInput): Promise<PlanProduct> {
  await getPlanProduct(db, planId);
  if (input.plan.id !== planId) {
    throw new InvalidInput(`plan.id: must stay '${planId}' (got '${input.plan.id}'); import the plan under a new id instead`, { field: 'plan.id' });
  }
  await writePlanProduct(db, input, 'upsert');
  return getPlanProduct(db, planId);
}

/** Creates or replaces a plan (the demo catalogue, imports). */
export async function upsertPlanProduct(db: Db, input: PlanProductInput): Promise<void> {
  await writePlanProduct(db, input, 'upsert');
}

/**
 * An import file: one plan, one {service, brands, plan}, or a list of either. Everything is
 * validated before anything is written; fields are named from the file's root.
 */
export function importedPlans(json: unknown): PlanProductInput[] {
  const items = Array.isArray(json) ? json : [json];
  if (items.length === 0) throw new InvalidInput('the file holds an empty list', { field: 'plans' });
  if (items.length > 200) throw new InvalidInput('a file may hold at most 200 plans', { field: 'plans' });
  const inputs = items.map((item, i) => {
    const at = Array.isArray(json) ? `[${i}]` : '';
    const wrapped = typeof item === 'object' && item !== null && 'plan' in item;
    if (wrapped) {
      const { service, brands: b, ...rest } = item as Record<string, unknown>;
      const extra = Object.keys(rest).filter((k) => k !== 'plan');
      if (extra.length > 0) throw new InvalidInput(`${at}${at ? '.' : ''}${extra[0]}: not a plan attribute (service, brands, plan)`, { field: `${at}${at ? '.' : ''}${extra[0]}` });
      if (service !== undefined && !serviceKinds.includes(service as ServiceKind)) {
        throw new InvalidInput(`${at}${at ? '.' : ''}service: must be one of ${serviceKinds.join(', ')}`, { field: `${at}${at ? '.' : ''}service` });
      }
      if (b !== undefined && b !== null && (!Array.isArray(b) || b.some((x) => !brands.includes(x as Brand)))) {
        throw new InvalidInput(`${at}${at ? '.' : ''}brands: must be a list of ${brands.join(', ')}`, { field: `${at}${at ? '.' : ''}brands` });
      }
      return planProductInput(item, `${at}${at ? '.' : ''}plan`);
    }
    return planProductInput({ plan: item }, at);
  });
  inputs.forEach((input, i) => {
    const first = inputs.findIndex((x) => x.plan.id === input.plan.id);
    if (first !== i) throw new InvalidInput(`[${i}].id: plan ${input.plan.id} appears twice in the file`, { field: `[${i}].id` });
  });
  return inputs;
}

export async function importPlanProducts(db: Db, json: unknown): Promise<Array<{ planId: string; created: boolean }>> {
  const inputs = importedPlans(json);
  const out: Array<{ planId: string; created: boolean }> = [];
  for (const input of inputs) {
    const existed = await findPlanProduct(db, input.plan.id);
    await writePlanProduct(db, input, 'upsert');
    out.push({ planId: input.plan.id, created: !existed });
  }
  return out;
}

/** Deletes a plan nobody holds; a held plan is refused (retire it instead). */
export async function deletePlanProduct(db: Db, planId: string): Promise<void> {
  const product = await getPlanProduct(db, planId);
  const held = await db.one<{ n: number }>('SELECT count(*) AS n FROM holdings WHERE product_id = $id', { id: planId });
  if (product.holders > 0 || (held?.n ?? 0) > 0) {
    throw new Conflict(`Plan ${planId} is held by ${product.holders} subscribers; it cannot be deleted`, { code: 'PLAN_IN_USE' });
  }
  await db.run('DELETE FROM products WHERE product_id = $id', { id: planId });
}

/** Stores an offer's tariff add-on terms (see addons.ts) in its definition. */
export async function setAddOnTerms(db: Db, productId: string, terms: AddOnTerms): Promise<void> {
  await db.run(`UPDATE products SET definition = $definition WHERE product_id = $id AND kind = 'offer'`, {
    id: productId,
    definition: JSON.stringify({ tariffAddOn: terms }),
  });
}
