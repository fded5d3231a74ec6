// Add-on offers that change how usage is charged whatever the plan (e.g. a GPRS pack that makes
// home-network data free): their terms live in the offer's products.definition, and a customer
// who holds one keeps it under every candidate plan, so the classes it covers are carried at
// their original charge instead of being re-rated.
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Db } from '../store/store.ts';
import { classKeyProblem } from './classes.ts';
import type { TariffPlan } from './plan.ts';

export const AddOnTerms = Type.Object(
  {
    carry: Type.Array(Type.String(), { minItems: 1, description: 'Usage classes the add-on covers: not re-rated, kept at their original charge' }),
  },
  { additionalProperties: false },
);
export type AddOnTerms = Static<typeof AddOnTerms>;

/** products.definition of an offer that is a tariff add-on. */
export const AddOnDefinition = Type.Object({ tariffAddOn: AddOnTerms }, { additionalProperties: false });

export interface AddOn {
  productId: string;
  carry: string[];
}

/** The qualified forms a class key splits into when only its unqualified usage is carried. */
const qualifiedForms: Record<string, string[]> = {
  gprs: ['gprs:intra', 'gprs:inter'],
  sms: ['sms:onnet', 'sms:offnet'],
  mms: ['mms:onnet', 'mms:offnet'],
};

/**
 * The plan as a holder of these add-ons pays it: each carried key is carried, and where the plan
 * priced that very key (which also covered its qualified forms), the price moves to the
 * qualified forms so that only the add-on's usage stops being re-rated. Allowances, caps and
 * tiers keep naming the key; they then apply to the qualified forms only.
 */
export function withAddOns(plan: TariffPlan, addOns: readonly AddOn[]): TariffPlan {
  const keys = [...new Set(addOns.flatMap((a) => a.carry))].filter((k) => !plan.carry.includes(k) && !plan.exclude.includes(k));
  if (keys.length === 0) return plan;
  const out: TariffPlan = structuredClone(plan);
  for (const key of keys) {
    const forms = (qualifiedForms[key] ?? []).filter((f) => !out.rates.some((r) => r.class === f) && !out.tieredCharges.some((t) => t.classes.includes(f)));
    out.rates = out.rates.flatMap((r) => (r.class === key ? forms.map((f) => ({ ...r, class: f })) : [r]));
    out.tieredCharges = out.tieredCharges.map((t) => (t.classes.includes(key) ? { ...t, classes: [...t.classes.filter((c) => c !== key), ...forms] } : t));
    // a tiered charge left with no class has nothing to count
    out.tieredCharges = out.tieredCharges.filter((t) => t.classes.length > 0);
    out.carry = [...out.carry, key];
  }
  return out;
}

/** The add-on offers whose definitions say how they change charging, by product id. */
export async function tariffAddOns(db: Db): Promise<Map<string, AddOn>> {
  const rows = await db.query<{ id: string; definition: string }>(
    `SELECT product_id AS id, CAST(definition AS VARCHAR) AS definition FROM products
     WHERE kind = 'offer' AND definition IS NOT NULL AND json_exists(definition, '$.tariffAddOn')`,
  );
  const out = new Map<string, AddOn>();
  for (const r of rows) {
    const parsed = JSON.parse(r.definition) as unknown;
    if (!Value.Check(AddOnDefinition, parsed)) continue;
    const carry = parsed.tariffAddOn.carry.filter((k) => classKeyProblem(k) === null);
    if (carry.length > 0) out.set(r.id, { productId: r.id, carry });
  }
  return out;
}
