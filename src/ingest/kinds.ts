// What can be imported: one spec per kind of file the operator's systems deliver (BOSS, CRM, VGOP,
// MIS, IVR) — its target table and the columns a file carries. The spec is plain data (served as
// JSON to the console); allowed codes are not repeated here but read from the schema's catalog.
import type { Db } from '../store/store.ts';

export type SourceSystem = 'CRM' | 'BOSS' | 'VGOP' | 'MIS' | 'IVR';

/**
 * How a file value is written. integer: whole number (32-bit unless the column says otherwise);
 * bigint: whole number (64-bit); date: YYYY-MM-DD; timestamp: YYYY-MM-DD HH:MM:SS, naive, operator
 * local time; boolean: true/false (also t/f, 1/0, yes/no); code: one of `values`; code_list: a
 * list of codes written like [gotone, mzone]; json: a JSON document; text: anything.
 */
export type ColumnType = 'text' | 'integer' | 'bigint' | 'boolean' | 'date' | 'timestamp' | 'code' | 'code_list' | 'json';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /** The header must name it and every row must give a value. */
  required: boolean;
  /** What an empty value (or a column left out of the file) becomes; otherwise empty is NULL. */
  default?: string | number | boolean;
  /** The DuckDB ENUM type whose values a code or code_list column allows. */
  enumType?: string;
  /**
   * The allowed codes of a code or code_list column: from the ENUM type, or from the table's
   * CHECK (column IN (…)) constraint. Filled by describeImportKinds (read from the catalog).
   */
  values?: string[];
  min?: number;
  max?: number;
  /** A regular expression the whole (trimmed) value must match, and what it means in words. */
  pattern?: { regex: string; meaning: string };
  /** A date column whose values must be the first day of a month. */
  monthStart?: boolean;
  /** Another column of the file this date may not be earlier than. */
  notBefore?: string;
  /** Reference data the value must exist in (loaded first, e.g. cities before subscribers). */
  references?: { table: 'cities' | 'products' | 'groups' | 'channels'; column: string };
  description?: string;
}

export interface KindSpec {
  source: SourceSystem;
  table: string;
  description: string;
  /** Columns whose values identify a row: unique within a file and against rows already loaded. */
  unique: string[];
  columns: ColumnSpec[];
}

const req = true;
const opt = false;

function col(name: string, type: ColumnType, required: boolean, rules: Omit<ColumnSpec, 'name' | 'type' | 'required'> = {}): ColumnSpec {
  return { name, type, required, ...rules };
}

const subscriberId = col('subscriber_id', 'integer', req);
const nonNegative = { min: 0 };
const ivrKeyPath = { pattern: { regex: '[0-9*#]+(>[0-9*#]+)*', meaning: "menu keys separated by '>', like 1>3>2" } };
const city = { references: { table: 'cities', column: 'city_code' } } as const;
const product = { references: { table: 'products', column: 'product_id' } } as const;
const channel = { references: { table: 'channels', column: 'channel_id' } } as const;
const group = { references: { table: 'groups', column: 'group_id' } } as const;
const roamType = col('roam_type', 'code', req, { enumType: 'roam_type' });

const specs = {
  subscribers: {
    source: 'CRM',
    table: 'subscribers',
    description: 'Subscriber profiles: number, brand, plan, status, city, demographics, handset and group',
    unique: ['subscriber_id', 'msisdn'],
    columns: [
      subscriberId,
      col('msisdn', 'text', req, { pattern: { regex: '[0-9]{5,15}', meaning: 'a phone number of 5 to 15 digits' } }),
      col('brand', 'code', req, { enumType: 'brand' }),
      col('plan_id', 'text', req, { ...product, description: 'the tariff plan (a product id)' }),
      col('status', 'code', req, { enumType: 'subscriber_status' }),
      col('city_code', 'text', req, city),
      col('age', 'integer', req, { min: 10, max: 100 }),
      col('gender', 'code', req, { enumType: 'gender' }),
      col('join_date', 'date', req),
      col('arpu_fen', 'integer', req, nonNegative),
      col('payment_type', 'code', req, { enumType: 'payment_type' }),
      col('vip_level', 'integer', opt, { default: 0, min: 0, max: 4 }),
      col('handset_brand', 'text', opt),
      col('handset_gprs', 'boolean', opt, { default: true }),
      col('handset_mms', 'boolean', opt, { default: true }),
      col('handset_wap', 'boolean', opt, { default: true }),
      col('handset_smart', 'boolean', opt, { default: false }),
      col('dnd', 'boolean', opt, { default: false, description: 'do not disturb' }),
      col('group_id', 'text', opt, group),
      col('vpmn_group_id', 'text', opt, group),
      col('is_group_key_person', 'boolean', opt, { default: false }),
    ],
  },
  groups: {
    source: 'CRM',
    table: 'groups',
    description: 'Group (corporate) customers: industry, city and whether they run a VPMN',
    unique: ['group_id'],
    columns: [
      col('group_id', 'text', req),
      col('name', 'text', req),
      col('industry', 'text', req),
      col('city_code', 'text', req, city),
      col('has_vpmn', 'boolean', opt, { default: false }),
    ],
  },
  cities: {
    source: 'CRM',
    table: 'cities',
    description: 'Cities of the province with their Chinese and English names',
    unique: ['city_code'],
    columns: [
      col('city_code', 'text', req),
      col('name_zh', 'text', req),
      col('name_en', 'text', req),
      col('is_capital', 'boolean', opt, { default: false }),
    ],
  },
  products: {
    source: 'CRM',
    table: 'products',
    description: 'Product catalogue: tariff plans, value-added services and offers',
    unique: ['product_id'],
    columns: [
      col('product_id', 'text', req),
      col('kind', 'code', req, { enumType: 'product_kind' }),
      col('service', 'code', opt, { enumType: 'service_kind' }),
      col('name_zh', 'text', req),
      col('name_en', 'text', req),
      col('monthly_fee_fen', 'integer', opt, { default: 0, min: 0 }),
      col('brands', 'code_list', opt, { enumType: 'brand', description: 'brands it may be sold to, e.g. [gotone, mzone]; empty = all' }),
      col('definition', 'json', opt, { description: 'the tariff definition or offer terms' }),
      col('active', 'boolean', opt, { default: true }),
    ],
  },
  holdings: {
    source: 'CRM',
    table: 'holdings',
    description: "Products each subscriber holds, with start and (when ended) end date",
    unique: [],
    columns: [
      subscriberId,
      col('product_id', 'text', req, product),
      col('start_date', 'date', req),
      col('end_date', 'date', opt, { notBefore: 'start_date' }),
    ],
  },
  orders: {
    source: 'CRM',
    table: 'orders',
    description: 'Product orders, cancellations and changes with the channel they came through',
    unique: ['order_id'],
    columns: [
      col('order_id', 'text', req),
      subscriberId,
      col('product_id', 'text', req, product),
      col('channel_id', 'text', req, channel),
      col('action', 'code', req),
      col('order_time', 'timestamp', req),
      col('status', 'code', req),
    ],
  },
  cdr_voice: {
    source: 'BOSS',
    table: 'cdr_voice',
    description: 'Voice call detail records: time, duration, direction, distance class, time band, roaming, charge',
    unique: [],
    columns: [
      subscriberId,
      col('start_time', 'timestamp', req),
      col('duration_s', 'integer', req, nonNegative),
      col('direction', 'code', req, { enumType: 'call_direction' }),
      col('call_class', 'code', req, { enumType: 'call_class' }),
      col('time_band', 'code', req, { enumType: 'time_band' }),
      roamType,
      col('visited_city', 'text', opt, { description: 'where the call was made when roaming' }),
      col('ip_prefix', 'text', opt, { description: "'17951' or '12593' for IP long distance" }),
      col('country_group', 'integer', opt, { min: 1, max: 127, description: 'tariff group of the country for international calls' }),
      col('is_vpmn', 'boolean', opt, { default: false }),
      col('charge_fen', 'integer', req, nonNegative),
    ],
  },
  cdr_sms: {
    source: 'BOSS',
    table: 'cdr_sms',
    description: 'SMS detail records: time, direction, peer network, roaming, charge',
    unique: [],
    columns: [
      subscriberId,
      col('sent_time', 'timestamp', req),
      col('direction', 'code', req, { enumType: 'msg_direction' }),
      col('peer_net', 'code', req, { enumType: 'peer_net' }),
      roamType,
      col('charge_fen', 'integer', req, nonNegative),
    ],
  },
  cdr_mms: {
    source: 'BOSS',
    table: 'cdr_mms',
    description: 'MMS detail records: time, direction, peer network, roaming, size, charge',
    unique: [],
    columns: [
      subscriberId,
      col('sent_time', 'timestamp', req),
      col('direction', 'code', req, { enumType: 'msg_direction' }),
      col('peer_net', 'code', req, { enumType: 'peer_net' }),
      roamType,
      col('size_kb', 'integer', req, nonNegative),
      col('charge_fen', 'integer', req, nonNegative),
    ],
  },
  cdr_wlan: {
    source: 'BOSS',
    table: 'cdr_wlan',
    description: 'WLAN session records: time, duration, volume, hotspot city, charge',
    unique: [],
    columns: [
      subscriberId,
      col('start_time', 'timestamp', req),
      col('duration_s', 'integer', req, nonNegative),
      col('volume_kb', 'integer', req, nonNegative),
      col('hotspot_city', 'text', req),
      col('charge_fen', 'integer', req, nonNegative),
    ],
  },
  bills: {
    source: 'BOSS',
    table: 'bills',
    description: 'Monthly bills by item (discounts are negative amounts)',
    unique: [],
    columns: [
      subscriberId,
      col('bill_month', 'date', req, { monthStart: true, description: 'the first day of the billed month' }),
      col('item', 'code', req, { enumType: 'bill_item' }),
      col('amount_fen', 'integer', req),
    ],
  },
  cdr_gprs: {
    source: 'VGOP',
    table: 'cdr_gprs',
    description: 'GPRS data sessions: time, duration, volume, APN, data service, roaming, charge',
    unique: [],
    columns: [
      subscriberId,
      col('start_time', 'timestamp', req),
      col('duration_s', 'integer', req, nonNegative),
      col('volume_kb', 'integer', req, nonNegative),
      col('apn', 'code', req, { enumType: 'apn' }),
      col('service', 'code', req, { enumType: 'data_service' }),
      roamType,
      col('charge_fen', 'integer', req, nonNegative),
    ],
  },
  web_browse: {
    source: 'VGOP',
    table: 'web_browse',
    description: 'Web and WAP browse logs: visit time, site, page path, time on page',
    unique: [],
    columns: [
      subscriberId,
      col('visit_time', 'timestamp', req),
      col('site', 'code', req, { enumType: 'web_site' }),
      col('page_path', 'text', req),
      col('duration_s', 'integer', req, nonNegative),
    ],
  },
  costs: {
    source: 'MIS',
    table: 'costs',
    description: 'Monthly costs by city and cost item',
    unique: [],
    columns: [
      col('cost_month', 'date', req, { monthStart: true, description: 'the first day of the month' }),
      col('city_code', 'text', req, city),
      col('item', 'code', req),
      col('amount_fen', 'bigint', req, nonNegative),
    ],
  },
  contact_events: {
    source: 'CRM',
    table: 'contact_events',
    description: 'Contact records on every channel: consultations, complaints, transactions, marketing, care, browsing',
    unique: [],
    columns: [
      subscriberId,
      col('event_time', 'timestamp', req),
      col('channel_id', 'text', req, channel),
      col('event_type', 'code', req, { enumType: 'contact_type' }),
      col('business', 'text', req),
      col('outcome', 'code', req, { enumType: 'contact_outcome' }),
      col('duration_s', 'integer', opt, nonNegative),
      col('campaign_id', 'text', opt),
      col('note', 'text', opt),
    ],
  },
  ivr_sessions: {
    source: 'IVR',
    table: 'ivr_sessions',
    description: '10086 IVR sessions: the menu keys pressed, duration, transfer to an agent, abandonment',
    unique: ['session_id'],
    columns: [
      col('session_id', 'bigint', req),
      subscriberId,
      col('start_time', 'timestamp', req),
      col('key_path', 'text', req, ivrKeyPath),
      col('duration_s', 'integer', req, nonNegative),
      col('to_agent', 'boolean', req),
      col('abandoned', 'boolean', req),
    ],
  },
  ivr_menu: {
    source: 'IVR',
    table: 'ivr_menu',
    description: 'The 10086 IVR menu: the label of each path of keys',
    unique: ['key_path'],
    columns: [
      col('key_path', 'text', req, ivrKeyPath),
      col('label_zh', 'text', req),
      col('label_en', 'text', req),
    ],
  },
} satisfies Record<string, KindSpec>;

export type ImportKind = keyof typeof specs;

export const importKinds: Record<ImportKind, KindSpec> = specs;

/** The kinds customer_features is built from: importing one of them rebuilds the features. */
export const featureKinds: ReadonlySet<ImportKind> = new Set<ImportKind>([
  'subscribers', 'products', 'holdings', 'cdr_voice', 'cdr_sms', 'cdr_mms', 'cdr_gprs', 'cdr_wlan', 'bills', 'contact_events',
]);

export function isImportKind(kind: string): kind is ImportKind {
  return Object.hasOwn(importKinds, kind);
}

const identifier = /^[a-z_][a-z0-9_]*$/;

/** The codes a CHECK (column IN ('a', 'b')) expression allows, or undefined for any other check. */
export function codesOfCheck(expression: string, column: string): string[] | undefined {
  const m = /^\(+"?([a-z_][a-z0-9_]*)"? IN \((.*)\)\)+$/.exec(expression.trim());
  if (!m || m[1] !== column) return undefined;
  const codes = [...m[2].matchAll(/'((?:[^']|'')*)'/g)].map((x) => x[1].replace(/''/g, "'"));
  return codes.length > 0 ? codes : undefined;
}

/**
 * The specs with every code column's allowed values read from the catalog: the ENUM type's
 * values, or the table's CHECK (column IN (…)) list. What GET /api/imports/kinds should serve.
 */
export async function describeImportKinds(db: Db): Promise<Record<ImportKind, KindSpec>> {
  const enumTypes = [...new Set(Object.values(importKinds).flatMap((k) => k.columns.flatMap((c: ColumnSpec) => (c.enumType ? [c.enumType] : []))))];
  for (const t of enumTypes) if (!identifier.test(t)) throw new Error(`Bad ENUM type name in the import spec: ${t}`);
  // type names come from the spec above, never from input
  const enumRow = await db.one<Record<string, string[]>>(`SELECT ${enumTypes.map((t) => `enum_range(NULL::${t}) AS "${t}"`).join(', ')}`);
  const checks = await db.query<{ table_name: string; column_name: string; expression: string }>(
    `SELECT table_name, constraint_column_names[1] AS column_name, expression FROM duckdb_constraints()
     WHERE constraint_type = 'CHECK' AND len(constraint_column_names) = 1`,
  );
  const described = {} as Record<ImportKind, KindSpec>;
  for (const [kind, spec] of Object.entries(importKinds) as Array<[ImportKind, KindSpec]>) {
    described[kind] = {
      ...spec,
      unique: [...spec.unique],
      columns: spec.columns.map((c) => {
        if (c.type !== 'code' && c.type !== 'code_list') return { ...c };
        const values = c.enumType
          ? enumRow?.[c.enumType]
          : checks.filter((k) => k.table_name === spec.table && k.column_name === c.name).map((k) => codesOfCheck(k.expression, c.name)).find(Boolean);
        if (!values || values.length === 0) throw new Error(`No allowed codes found in the schema for ${spec.table}.${c.name}`);
        return { ...c, values: [...values] };
      }),
    };
  }
  return described;
}
