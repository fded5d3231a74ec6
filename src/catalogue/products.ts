// The product catalogue as pickers see it: tariff plans, value-added services and marketing
// offers, with their kind, service and names. Plans are edited in src/tariffs/catalogue.ts; this
// is the read side every domain shares (segments' "holds", campaign offers, model products).
import { Type, type Static } from '@sinclair/typebox';
import type { Db } from '../store/store.ts';

export const productKinds = ['tariff_plan', 'vas', 'offer'] as const;

export const Product = Type.Object({
  productId: Type.String(),
  kind: Type.Union(productKinds.map((k) => Type.Literal(k))),
  service: Type.Union([Type.String(), Type.Null()]),
  nameZh: Type.String(),
  nameEn: Type.String(),
  monthlyFeeFen: Type.Integer(),
  active: Type.Boolean(),
});
export type Product = Static<typeof Product>;

export const ProductQuery = Type.Object(
  {
    kind: Type.Optional(Type.Union(productKinds.map((k) => Type.Literal(k)), { description: 'only products of this kind' })),
    q: Type.Optional(Type.String({ maxLength: 64, description: 'part of the id or of either name' })),
    includeInactive: Type.Optional(Type.Boolean({ default: false, description: 'also products no longer sold' })),
  },
  { additionalProperties: false },
);
export type ProductQuery = Static<typeof ProductQuery>;

/** The products matching the query, by kind then id. */
export async function listProducts(db: Db, query: ProductQuery = {}): Promise<Product[]> {
  const conds = ['true'];
  if (!query.includeInactive) conds.push('active');
  if (query.kind) conds.push('kind = $kind');
  if (query.q) conds.push(`(contains(lower(product_id), $q) OR contains(lower(name_zh), $q) OR contains(lower(name_en), $q))`);
  return db.query<Product>(
    `SELECT product_id AS "productId", CAST(kind AS VARCHAR) AS kind, CAST(service AS VARCHAR) AS service, name_zh AS "nameZh",
            name_en AS "nameEn", monthly_fee_fen AS "monthlyFeeFen", active
     FROM products WHERE ${conds.join(' AND ')} ORDER BY kind, product_id`,
    { ...(query.kind ? { kind: query.kind } : {}), ...(query.q ? { q: query.q.toLowerCase() } : {}) },
  );
}
