// The segment language: a JSON tree of allow-listed fields and operators, compiled to a
// parameterized SQL condition over subscribers (s) and customer_features (f). Nothing from the
// input ever becomes SQL text except through the allow-list below.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { InvalidInput, NotFound, Conflict } from '../store/errors.ts';
import type { Db } from '../store/store.ts';
import { dataEndSql } from './features.ts';
import { pageTopicSql } from '../analytics/contact-points.ts';
import { diversionMembersSql, diversionOutcomes, type DiversionOutcome } from '../campaigns/diversion-outcome.ts';

type FieldType = 'number' | 'string' | 'enum' | 'boolean';

interface FieldSpec {
  sql: string;
  type: FieldType;
  values?: readonly string[];
  labelZh: string;
  labelEn: string;
  group: 'profile' | 'usage' | 'contact';
  /** Where the console picks the values from, for a text field of codes. */
  source?: 'plans' | 'cities';
}

const asOf = `(SELECT coalesce((SELECT TRY_CAST(value AS DATE) FROM province_meta WHERE key = 'as_of_date'), current_date))`;

/** Every field a segment may filter on. Keys are the names used in filters. */
export const segmentFields = {
  brand: { sql: 's.brand', type: 'enum', values: ['gotone', 'mzone', 'easyown'], labelZh: '品牌', labelEn: 'Brand', group: 'profile' },
  planId: { sql: 's.plan_id', type: 'string', labelZh: '套餐', labelEn: 'Plan', group: 'profile', source: 'plans' },
  status: { sql: 's.status', type: 'enum', values: ['active', 'suspended', 'arrears', 'cancelled'], labelZh: '状态', labelEn: 'Status', group: 'profile' },
  cityCode: { sql: 's.city_code', type: 'string', labelZh: '地市', labelEn: 'City', group: 'profile', source: 'cities' },
  age: { sql: 's.age', type: 'number', labelZh: '年龄', labelEn: 'Age', group: 'profile' },
  gender: { sql: 's.gender', type: 'enum', values: ['M', 'F'], labelZh: '性别', labelEn: 'Gender', group: 'profile' },
  tenureMonths: { sql: `datediff('month', s.join_date, ${asOf})`, type: 'number', labelZh: '在网月数', labelEn: 'Tenure (months)', group: 'profile' },
  arpuFen: { sql: 's.arpu_fen', type: 'number', labelZh: 'ARPU（分）', labelEn: 'ARPU (fen)', group: 'profile' },
  paymentType: { sql: 's.payment_type', type: 'enum', values: ['prepaid', 'postpaid'], labelZh: '付费方式', labelEn: 'Payment type', group: 'profile' },
  vipLevel: { sql: 's.vip_level', type: 'number', labelZh: 'VIP 等级', labelEn: 'VIP level', group: 'profile' },
  handsetGprs: { sql: 's.handset_gprs', type: 'boolean', labelZh: '终端支持 GPRS', labelEn: 'Handset GPRS', group: 'profile' },
  handsetMms: { sql: 's.handset_mms', type: 'boolean', labelZh: '终端支持彩信', labelEn: 'Handset MMS', group: 'profile' },
  handsetWap: { sql: 's.handset_wap', type: 'boolean', labelZh: '终端支持 WAP', labelEn: 'Handset WAP', group: 'profile' },
  handsetSmart: { sql: 's.handset_smart', type: 'boolean', labelZh: '智能终端', labelEn: 'Smartphone', group: 'profile' },
  dnd: { sql: 's.dnd', type: 'boolean', labelZh: '免打扰', labelEn: 'Do not disturb', group: 'profile' },
  inGroup: { sql: '(s.group_id IS NOT NULL)', type: 'boolean', labelZh: '集团成员', labelEn: 'Group member', group: 'profile' },
  inVpmn: { sql: '(s.vpmn_group_id IS NOT NULL)', type: 'boolean', labelZh: 'VPMN 成员', labelEn: 'VPMN member', group: 'profile' },
  groupKeyPerson: { sql: 's.is_group_key_person', type: 'boolean', labelZh: '集团关键人', labelEn: 'Group key person', group: 'profile' },
  billFen: { sql: 'f.bill_fen', type: 'number', labelZh: '月均账单（分）', labelEn: 'Monthly bill (fen)', group: 'usage' },
  voiceMinutes: { sql: 'f.voice_minutes', type: 'number', labelZh: '月均通话分钟', labelEn: 'Voice minutes / month', group: 'usage' },
  localMinutes: { sql: 'f.local_minutes', type: 'number', labelZh: '月均本地分钟', labelEn: 'Local minutes / month', group: 'usage' },
  longDistanceMinutes: { sql: 'f.long_distance_minutes', type: 'number', labelZh: '月均长途分钟', labelEn: 'Long-distance minutes / month', group: 'usage' },
  ipMinutes: { sql: 'f.ip_minutes', type: 'number', labelZh: '月均 IP 长途分钟', labelEn: 'IP long-distance minutes / month', group: 'usage' },
  intlMinutes: { sql: 'f.intl_minutes', type: 'number', labelZh: '月均国际分钟', labelEn: 'International minutes / month', group: 'usage' },
  roamIntraMinutes: { sql: 'f.roam_intra_minutes', type: 'number', labelZh: '月均省内漫游分钟', labelEn: 'Intra-province roaming min / month', group: 'usage' },
  roamInterMinutes: { sql: 'f.roam_inter_minutes', type: 'number', labelZh: '月均省际漫游分钟', labelEn: 'Inter-province roaming min / month', group: 'usage' },
  offpeakShare: { sql: 'f.offpeak_share', type: 'number', labelZh: '闲时通话占比', labelEn: 'Off-peak share', group: 'usage' },
  sms: { sql: 'f.sms', type: 'number', labelZh: '月均短信条数', labelEn: 'SMS / month', group: 'usage' },
  mms: { sql: 'f.mms', type: 'number', labelZh: '月均彩信条数', labelEn: 'MMS / month', group: 'usage' },
  gprsMb: { sql: 'f.gprs_mb', type: 'number', labelZh: '月均 GPRS 流量（MB）', labelEn: 'GPRS MB / month', group: 'usage' },
  wlanMinutes: { sql: 'f.wlan_minutes', type: 'number', labelZh: '月均 WLAN 分钟', labelEn: 'WLAN minutes / month', group: 'usage' },
  vasCount: { sql: 'f.vas_count', type: 'number', labelZh: '增值业务数', labelEn: 'VAS held', group: 'usage' },
  contacts90d: { sql: 'f.contacts_90d', type: 'number', labelZh: '近 90 天接触次数', labelEn: 'Contacts, last 90 days', group: 'contact' },
  complaints90d: { sql: 'f.complaints_90d', type: 'number', labelZh: '近 90 天投诉次数', labelEn: 'Complaints, last 90 days', group: 'contact' },
  storeVisits90d: { sql: 'f.store_visits_90d', type: 'number', labelZh: '近 90 天到厅次数', labelEn: 'Store visits, last 90 days', group: 'contact' },
  eChannelShare: { sql: 'f.e_channel_share', type: 'number', labelZh: '电子渠道接触占比', labelEn: 'E-channel share of contacts', group: 'contact' },
} as const satisfies Record<string, FieldSpec>;

export type SegmentField = keyof typeof segmentFields;
const fieldNames = Object.keys(segmentFields) as SegmentField[];

export const comparisonOps = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'between', 'in', 'notIn', 'isTrue', 'isFalse'] as const;
export type ComparisonOp = (typeof comparisonOps)[number];

const sqlOps: Partial<Record<ComparisonOp, string>> = { eq: '=', ne: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=' };
const opsFor: Record<FieldType, readonly ComparisonOp[]> = {
  number: ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'between', 'in', 'notIn'],
  string: ['eq', 'ne', 'in', 'notIn'],
  enum: ['eq', 'ne', 'in', 'notIn'],
  boolean: ['isTrue', 'isFalse'],
};

const contactTypes = ['consultation', 'complaint', 'transaction', 'marketing', 'care', 'browse'] as const;

export const SegmentFilter = Type.Recursive(
  (Self) =>
    Type.Union([
      Type.Object({ all: Type.Array(Self, { minItems: 1, maxItems: 50 }) }, { additionalProperties: false }),
      Type.Object({ any: Type.Array(Self, { minItems: 1, maxItems: 50 }) }, { additionalProperties: false }),
      Type.Object({ not: Self }, { additionalProperties: false }),
      Type.Object(
        {
          field: Type.String(),
          op: Type.String(),
          value: Type.Optional(Type.Union([Type.Number(), Type.String(), Type.Array(Type.Union([Type.Number(), Type.String()]), { maxItems: 500 })])),
        },
        { additionalProperties: false },
      ),
      Type.Object({ holds: Type.Object({ productId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }) }, { additionalProperties: false }),
      // a model run's score (src/models): e.g. propensity score ≥ 80, or a channel's preference score
      Type.Object(
        {
          modelScore: Type.Object(
            {
              runId: Type.Integer({ minimum: 1 }),
              label: Type.Optional(Type.String({ maxLength: 64 })),
              op: Type.String(),
              value: Type.Union([Type.Number(), Type.Array(Type.Number(), { minItems: 2, maxItems: 2 })]),
            },
            { additionalProperties: false },
          ),
        },
        { additionalProperties: false },
      ),
      // the customers a tariff run recommends a better plan (src/tariffs): a campaign's target for the recommendation
      Type.Object(
        {
          tariffRecommended: Type.Object(
            { runId: Type.Integer({ minimum: 1 }), planId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'only those whose best plan it is' })) },
            { additionalProperties: false },
          ),
        },
        { additionalProperties: false },
      ),
      // browsing (web_browse): visits in the last days, on a site, of a page or a topic (contact points' interests)
      Type.Object(
        {
          browsed: Type.Object(
            {
              withinDays: Type.Integer({ minimum: 1, maximum: 366 }),
              atLeast: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
              site: Type.Optional(Type.String({ maxLength: 32 })),
              page: Type.Optional(Type.String({ maxLength: 200 })),
              topic: Type.Optional(Type.String({ maxLength: 32, description: 'what the page is about: plan, bill, recharge, roaming, gprs, music, news, game, mail, fetion, vas' })),
            },
            { additionalProperties: false },
          ),
        },
        { additionalProperties: false },
      ),
      // a diversion campaign's treated targets by where their transactions went after launch (src/campaigns/diversion.ts)
      Type.Object(
        {
          diversion: Type.Object(
            {
              campaignId: Type.Integer({ minimum: 1 }),
              outcomes: Type.Optional(Type.Array(Type.String(), { minItems: 1, maxItems: 3, description: 'moved, stayed, inactive (default: stayed and inactive, the second round)' })),
              business: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            },
            { additionalProperties: false },
          ),
        },
        { additionalProperties: false },
      ),
      Type.Object(
        {
          contacted: Type.Object(
            {
              withinDays: Type.Integer({ minimum: 1, maximum: 366 }),
              atLeast: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
              type: Type.Optional(Type.String()),
              channelId: Type.Optional(Type.String({ maxLength: 32 })),
              business: Type.Optional(Type.String({ maxLength: 64 })),
            },
            { additionalProperties: false },
          ),
        },
        { additionalProperties: false },
      ),
    ]),
  { $id: 'SegmentFilter' },
);
export type SegmentFilter = Static<typeof SegmentFilter>;

/** A compiled condition: SQL over aliases s (subscribers) and f (customer_features) plus its parameters. */
export interface CompiledSegment {
  where: string;
  params: Record<string, string | number>;
}

const maxDepth = 12;

export function compileSegment(filter: unknown): CompiledSegment {
  const params: Record<string, string | number> = {};
  let next = 0;
  const bind = (value: string | number): string => {
    const name = `p${next++}`;
    params[name] = value;
    return `$${name}`;
  };

  const fail = (path: string, reason: string): never => {
    throw new InvalidInput(`${path}: ${reason}`, { field: path, code: 'INVALID_SEGMENT' });
  };

  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

  /**
   * The subscribers with at least `atLeast` rows of `table` (alias `a`, stamped `a.<time>`) in the
   * `withinDays` before the data's end that meet the conditions `more` checks and returns: a
   * semi-join on one grouped scan of the window, not a count per subscriber. Shared by the
   * contacted and browsed conditions.
   */
  const recentRows = (at: string, c: Record<string, unknown>, table: string, time: string, more: () => string[]): string => {
    if (!Number.isInteger(c.withinDays) || (c.withinDays as number) < 1 || (c.withinDays as number) > 366) fail(`${at}.withinDays`, 'must be a whole number of days from 1 to 366');
    const atLeast = c.atLeast ?? 1;
    if (!Number.isInteger(atLeast) || (atLeast as number) < 1) fail(`${at}.atLeast`, 'must be a whole number ≥ 1');
    const conds = [`a.${time} >= ${dataEndSql} - to_days(CAST(${bind(c.withinDays as number)} AS INTEGER))`, `a.${time} < ${dataEndSql}`, ...more()];
    return `s.subscriber_id IN (SELECT a.subscriber_id FROM ${table} a WHERE ${conds.join(' AND ')} GROUP BY a.subscriber_id HAVING count(*) >= ${bind(atLeast as number)})`;
  };

  const scalar = (path: string, spec: FieldSpec, v: unknown): string | number => {
    if (spec.type === 'number') {
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, `must be a number for this field, got ${JSON.stringify(v)}`);
      return v as number;
    }
    if (typeof v !== 'string' || v.length === 0 || v.length > 64) fail(path, `must be a non-empty text of at most 64 characters, got ${JSON.stringify(v)}`);
    if (spec.type === 'enum' && !spec.values!.includes(v as string)) {
      fail(path, `"${v}" is not one of ${spec.values!.join(', ')}`);
    }
    return v as string;
  };

  const walk = (node: unknown, path: string, depth: number): string => {
    if (depth > maxDepth) fail(path, `nesting deeper than ${maxDepth} levels`);
    if (!isObject(node)) return fail(path, 'must be an object such as {"field": "age", "op": "gte", "value": 30}');
    const keys = Object.keys(node);
    if ('all' in node || 'any' in node) {
      const key = 'all' in node ? 'all' : 'any';
      if (keys.length !== 1) fail(path, `"${key}" must stand alone, found also ${keys.filter((k) => k !== key).join(', ')}`);
      const items = node[key];
      if (!Array.isArray(items) || items.length === 0) fail(`${path}.${key}`, 'must be a non-empty list of conditions');
      if ((items as unknown[]).length > 50) fail(`${path}.${key}`, 'holds more than 50 conditions');
      const parts = (items as unknown[]).map((item, i) => walk(item, `${path}.${key}[${i}]`, depth + 1));
      return `(${parts.join(key === 'all' ? ' AND ' : ' OR ')})`;
    }
    if ('not' in node) {
      if (keys.length !== 1) fail(path, '"not" must stand alone');
      return `(NOT ${walk(node.not, `${path}.not`, depth + 1)})`;
    }
    if ('holds' in node) {
      const holds = node.holds;
      if (!isObject(holds) || typeof holds.productId !== 'string' || holds.productId.length === 0) {
        fail(`${path}.holds.productId`, 'must name a product id');
      }
      return `EXISTS (SELECT 1 FROM holdings h WHERE h.subscriber_id = s.subscriber_id AND h.end_date IS NULL AND h.product_id = ${bind((holds as { productId: string }).productId)})`;
    }
    if ('modelScore' in node) {
      const m = node.modelScore;
      const at = `${path}.modelScore`;
      if (!isObject(m)) return fail(at, 'must be an object such as {"runId": 12, "op": "gte", "value": 80}');
      for (const k of Object.keys(m)) if (!['runId', 'label', 'op', 'value'].includes(k)) fail(`${at}.${k}`, 'is not part of a model-score condition (runId, label, op, value)');
      if (!Number.isInteger(m.runId) || (m.runId as number) < 1) fail(`${at}.runId`, 'must be the id of a model run');
      if (m.label !== undefined && (typeof m.label !== 'string' || m.label.length > 64)) fail(`${at}.label`, 'must be a score label such as a channel id');
      const scoreOps = ['gte', 'gt', 'lte', 'lt', 'between'];
      if (typeof m.op !== 'string' || !scoreOps.includes(m.op)) return fail(`${at}.op`, `"${String(m.op)}" is not an operator for a score; use one of ${scoreOps.join(', ')}`);
      const score = (v: unknown, p: string): number => {
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 100) fail(p, `must be a score from 0 to 100, got ${JSON.stringify(v)}`);
        return v as number;
      };
      const own = `ms.run_id = ${bind(m.runId as number)} AND ms.subscriber_id = s.subscriber_id AND ms.label = ${bind((m.label as string | undefined) ?? '')}`;
      if (m.op === 'between') {
        if (!Array.isArray(m.value) || m.value.length !== 2) return fail(`${at}.value`, 'between needs [low, high]');
        const [lo, hi] = m.value.map((v, i) => score(v, `${at}.value[${i}]`));
        if (lo > hi) fail(`${at}.value`, `low ${lo} is above high ${hi}`);
        return `EXISTS (SELECT 1 FROM model_scores ms WHERE ${own} AND ms.score BETWEEN ${bind(lo)} AND ${bind(hi)})`;
      }
      const value = score(m.value, `${at}.value`);
      return `EXISTS (SELECT 1 FROM model_scores ms WHERE ${own} AND ms.score ${sqlOps[m.op as ComparisonOp]} ${bind(value)})`;
    }
    if ('tariffRecommended' in node) {
      const r = node.tariffRecommended;
      const at = `${path}.tariffRecommended`;
      if (!isObject(r)) return fail(at, 'must be an object such as {"runId": 3}');
      for (const k of Object.keys(r)) if (!['runId', 'planId'].includes(k)) fail(`${at}.${k}`, 'is not part of a tariff-recommendation condition (runId, planId)');
      if (!Number.isInteger(r.runId) || (r.runId as number) < 1) fail(`${at}.runId`, 'must be the id of a tariff run');
      const conds = [`r.run_id = ${bind(r.runId as number)}`, `r.outcome = 'better'`];
      if (r.planId !== undefined) {
        if (typeof r.planId !== 'string' || r.planId.length === 0 || r.planId.length > 64) fail(`${at}.planId`, 'must be a candidate plan id of the run');
        conds.push(`r.best_plan_ids[1] = ${bind(r.planId as string)}`);
      }
      return `s.subscriber_id IN (SELECT r.subscriber_id FROM tariff_run_results r WHERE ${conds.join(' AND ')})`;
    }
    if ('browsed' in node) {
      const b = node.browsed;
      const at = `${path}.browsed`;
      if (!isObject(b)) return fail(at, 'must be an object with withinDays');
      for (const k of Object.keys(b)) if (!['withinDays', 'atLeast', 'site', 'page', 'topic'].includes(k)) fail(`${at}.${k}`, 'is not a browsing condition (withinDays, atLeast, site, page, topic)');
      return recentRows(at, b, 'web_browse', 'visit_time', () => {
        const conds: string[] = [];
        for (const k of ['site', 'page', 'topic'] as const) {
          if (b[k] !== undefined && (typeof b[k] !== 'string' || b[k] === '')) fail(`${at}.${k}`, `must be a ${k} name`);
        }
        if (b.site !== undefined) conds.push(`a.site::VARCHAR = ${bind(b.site as string)}`);
        if (b.page !== undefined) conds.push(`a.page_path = ${bind(b.page as string)}`);
        if (b.topic !== undefined) conds.push(`${pageTopicSql('a.site', 'a.page_path')} = ${bind(b.topic as string)}`);
        return conds;
      });
    }
    if ('diversion' in node) {
      const d = node.diversion;
      const at = `${path}.diversion`;
      if (!isObject(d)) return fail(at, 'must be an object such as {"campaignId": 3}');
      for (const k of Object.keys(d)) if (!['campaignId', 'outcomes', 'business'].includes(k)) fail(`${at}.${k}`, 'is not part of a diversion condition (campaignId, outcomes, business)');
      if (!Number.isInteger(d.campaignId) || (d.campaignId as number) < 1) fail(`${at}.campaignId`, 'must be the id of a campaign');
      const outcomes = d.outcomes ?? ['stayed', 'inactive'];
      if (!Array.isArray(outcomes) || outcomes.length === 0 || outcomes.some((o) => !(diversionOutcomes as readonly unknown[]).includes(o))) {
        fail(`${at}.outcomes`, `must list some of ${diversionOutcomes.join(', ')}`);
      }
      if (d.business !== undefined && (typeof d.business !== 'string' || d.business.length === 0 || d.business.length > 64)) fail(`${at}.business`, 'must be a business code');
      const business = typeof d.business === 'string' ? bind(d.business) : undefined;
      return `s.subscriber_id IN (${diversionMembersSql(bind(d.campaignId as number), outcomes as DiversionOutcome[], business)})`;
    }
    if ('contacted' in node) {
      const c = node.contacted;
      const at = `${path}.contacted`;
      if (!isObject(c)) return fail(at, 'must be an object with withinDays');
      for (const k of Object.keys(c)) {
        if (!['withinDays', 'atLeast', 'type', 'channelId', 'business'].includes(k)) fail(`${at}.${k}`, 'is not a contact condition (withinDays, atLeast, type, channelId, business)');
      }
      return recentRows(at, c, 'contact_events', 'event_time', () => {
        const conds: string[] = [];
        if (c.type !== undefined) {
          if (!contactTypes.includes(c.type as never)) fail(`${at}.type`, `"${c.type}" is not one of ${contactTypes.join(', ')}`);
          conds.push(`a.event_type = ${bind(c.type as string)}`);
        }
        if (c.channelId !== undefined) {
          if (typeof c.channelId !== 'string') fail(`${at}.channelId`, 'must be a channel id');
          conds.push(`a.channel_id = ${bind(c.channelId as string)}`);
        }
        if (c.business !== undefined) {
          if (typeof c.business !== 'string') fail(`${at}.business`, 'must be a business code');
          conds.push(`a.business = ${bind(c.business as string)}`);
        }
        return conds;
      });
    }
    if ('field' in node) {
      for (const k of keys) if (!['field', 'op', 'value'].includes(k)) fail(`${path}.${k}`, 'is not part of a field condition (field, op, value)');
      const name = node.field;
      if (typeof name !== 'string' || !fieldNames.includes(name as SegmentField)) {
        return fail(`${path}.field`, `"${String(name)}" is not a field you can filter on; fields: ${fieldNames.join(', ')}`);
      }
      const spec: FieldSpec = segmentFields[name as SegmentField];
      const op = node.op as ComparisonOp;
      if (typeof op !== 'string' || !opsFor[spec.type].includes(op)) {
        return fail(`${path}.op`, `"${String(node.op)}" is not an operator for ${name} (${spec.type}); use one of ${opsFor[spec.type].join(', ')}`);
      }
      const value = node.value;
      if (op === 'isTrue' || op === 'isFalse') {
        if (value !== undefined) fail(`${path}.value`, `${op} takes no value`);
        return op === 'isTrue' ? `(${spec.sql} IS TRUE)` : `(${spec.sql} IS NOT TRUE)`;
      }
      if (op === 'between') {
        if (!Array.isArray(value) || value.length !== 2) return fail(`${path}.value`, 'between needs [low, high]');
        const [lo, hi] = value.map((v, i) => scalar(`${path}.value[${i}]`, spec, v)) as number[];
        if (lo > hi) fail(`${path}.value`, `low ${lo} is above high ${hi}`);
        return `(${spec.sql} BETWEEN ${bind(lo)} AND ${bind(hi)})`;
      }
      if (op === 'in' || op === 'notIn') {
        if (!Array.isArray(value) || value.length === 0) return fail(`${path}.value`, `${op} needs a non-empty list`);
        if (value.length > 500) fail(`${path}.value`, `${op} takes at most 500 values`);
        const list = value.map((v, i) => bind(scalar(`${path}.value[${i}]`, spec, v)));
        return `(${spec.sql} ${op === 'in' ? 'IN' : 'NOT IN'} (${list.join(', ')}))`;
      }
      if (value === undefined || Array.isArray(value)) return fail(`${path}.value`, `${op} needs a single value`);
      return `(${spec.sql} ${sqlOps[op]} ${bind(scalar(`${path}.value`, spec, value))})`;
    }
    return fail(path, `unknown condition with keys ${keys.join(', ') || '(none)'}; use all, any, not, field, holds, contacted, browsed, modelScore, tariffRecommended or diversion`);
  };

  return { where: walk(filter, 'filter', 0), params };
}

/** compileSegment with its error re-rooted at `root`, the field holding the filter (e.g. target.filter in a campaign plan). */
export function compileSegmentAt(filter: unknown, root: string): CompiledSegment {
  try {
    return compileSegment(filter);
  } catch (error) {
    if (error instanceof InvalidInput && root !== 'filter' && error.field?.startsWith('filter')) {
      const at = root + error.field.slice('filter'.length);
      throw new InvalidInput(`${at}${error.message.slice(error.field.length)}`, { field: at, code: error.code });
    }
    throw error;
  }
}

/** What a filter names elsewhere in the store, each with the path that names it. */
type Reference = { path: string; kind: 'holds' | 'modelScore' | 'tariffRecommended' | 'diversion'; id: string | number; label?: string };

function referencesOf(node: unknown, path: string, out: Reference[] = []): Reference[] {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return out;
  const n = node as Record<string, unknown>;
  for (const key of ['all', 'any'] as const) if (Array.isArray(n[key])) (n[key] as unknown[]).forEach((c, i) => referencesOf(c, `${path}.${key}[${i}]`, out));
  if ('not' in n) referencesOf(n.not, `${path}.not`, out);
  const body = (key: string) => n[key] as Record<string, unknown>;
  if ('holds' in n) out.push({ path: `${path}.holds.productId`, kind: 'holds', id: body('holds').productId as string });
  if ('modelScore' in n) out.push({ path: `${path}.modelScore.runId`, kind: 'modelScore', id: body('modelScore').runId as number, label: (body('modelScore').label as string | undefined) ?? '' });
  if ('tariffRecommended' in n) out.push({ path: `${path}.tariffRecommended.runId`, kind: 'tariffRecommended', id: body('tariffRecommended').runId as number });
  if ('diversion' in n) out.push({ path: `${path}.diversion.campaignId`, kind: 'diversion', id: body('diversion').campaignId as number });
  return out;
}

/**
 * Compiles a filter and checks that what it names exists and can be used: the product it holds,
 * a succeeded model run, a tariff run, a diversion campaign. `root` is the field holding the
 * filter, for the error's path (e.g. target.filter in a campaign plan).
 */
export async function checkSegmentFilter(db: Db, filter: unknown, root = 'filter'): Promise<CompiledSegment> {
  const compiled = compileSegmentAt(filter, root);
  for (const ref of referencesOf(filter, root)) {
    const fail = (reason: string, code: string): never => {
      throw new InvalidInput(`${ref.path}: ${reason}`, { field: ref.path, code });
    };
    if (ref.kind === 'holds') {
      if (!(await db.one('SELECT 1 FROM products WHERE product_id = $id', { id: ref.id }))) fail(`"${ref.id}" is not a product`, 'UNKNOWN_PRODUCT');
    } else if (ref.kind === 'modelScore') {
      const run = await db.one<{ status: string; target: string }>('SELECT status, target FROM model_runs WHERE run_id = $id', { id: ref.id });
      if (!run) fail(`there is no model run ${ref.id}`, 'UNKNOWN_MODEL_RUN');
      if (run!.status !== 'succeeded') fail(`model run ${ref.id} has not succeeded (it is ${run!.status}): it has no scores`, 'MODEL_RUN_NOT_READY');
      if (run!.target.startsWith('file:')) fail(`model run ${ref.id} was trained on a file and scores its rows, not subscribers`, 'MODEL_RUN_NOT_READY');
      // a run that scores per channel (or cluster) has no score without a label: the condition would select nobody
      if (!(await db.one('SELECT 1 FROM model_scores WHERE run_id = $id AND label = $label LIMIT 1', { id: ref.id, label: ref.label! }))) {
        const labels = await db.query<{ label: string }>('SELECT DISTINCT label FROM model_scores WHERE run_id = $id ORDER BY label LIMIT 20', { id: ref.id });
        const at = ref.path.replace(/runId$/, 'label');
        const which = ref.label ? `labelled "${ref.label}"` : 'without a label';
        throw new InvalidInput(`${at}: model run ${ref.id} has no scores ${which}; its labels: ${labels.map((l) => l.label || '(none)').join(', ') || 'none'}`, {
          field: at,
          code: 'UNKNOWN_SCORE_LABEL',
        });
      }
    } else if (ref.kind === 'tariffRecommended') {
      if (!(await db.one('SELECT 1 FROM tariff_runs WHERE run_id = $id', { id: ref.id }))) fail(`there is no tariff run ${ref.id}`, 'UNKNOWN_TARIFF_RUN');
    } else {
      const campaign = await db.one<{ category: string }>('SELECT category FROM campaigns WHERE campaign_id = $id', { id: ref.id });
      if (!campaign) fail(`there is no campaign ${ref.id}`, 'UNKNOWN_CAMPAIGN');
      if (campaign!.category !== 'diversion') fail(`campaign ${ref.id} is a ${campaign!.category} campaign, not a diversion one`, 'NOT_A_DIVERSION');
    }
  }
  return compiled;
}

const segmentFrom = 'subscribers s LEFT JOIN customer_features f USING (subscriber_id)';

export async function countSegment(db: Db, filter: unknown): Promise<number> {
  const { where, params } = compileSegment(filter);
  const row = await db.one<{ n: number }>(`SELECT count(*) AS n FROM ${segmentFrom} WHERE ${where}`, params);
  return row?.n ?? 0;
}

/** SQL selecting the subscriber ids of a segment, for other domains to join on. */
export function segmentMembersSql(filter: unknown): CompiledSegment {
  const { where, params } = compileSegment(filter);
  return { where: `SELECT s.subscriber_id FROM ${segmentFrom} WHERE ${where}`, params };
}

export const SegmentPreview = Type.Object({
  count: Type.Integer(),
  total: Type.Integer(),
  byBrand: Type.Array(Type.Object({ key: Type.String(), subscribers: Type.Integer() })),
  byCity: Type.Array(Type.Object({ key: Type.String(), subscribers: Type.Integer() })),
  avgArpuFen: Type.Union([Type.Integer(), Type.Null()]),
});
export type SegmentPreview = Static<typeof SegmentPreview>;

export async function previewSegment(db: Db, filter: unknown): Promise<SegmentPreview> {
  const { where, params } = await checkSegmentFilter(db, filter);
  const rows = await db.query<{ brand: string; city: string; n: number; arpu: number }>(
    `SELECT s.brand::VARCHAR AS brand, s.city_code AS city, count(*) AS n, sum(s.arpu_fen) AS arpu
     FROM ${segmentFrom} WHERE ${where} GROUP BY ALL`,
    params,
  );
  const total = await db.one<{ n: number }>('SELECT count(*) AS n FROM subscribers');
  const sumBy = (key: 'brand' | 'city') => {
    const m = new Map<string, number>();
    for (const r of rows) m.set(r[key], (m.get(r[key]) ?? 0) + r.n);
    return [...m.entries()].map(([k, n]) => ({ key: k, subscribers: n })).sort((a, b) => b.subscribers - a.subscribers || a.key.localeCompare(b.key));
  };
  const count = rows.reduce((n, r) => n + r.n, 0);
  const arpu = rows.reduce((n, r) => n + r.arpu, 0);
  return { count, total: total?.n ?? 0, byBrand: sumBy('brand'), byCity: sumBy('city'), avgArpuFen: count ? Math.round(arpu / count) : null };
}

// Saved segments -------------------------------------------------------------------------

/** The filter in a request body, described for the API docs; compileSegment checks it with paths in its messages. */
export const FilterBody = Type.Unknown({
  description:
    'A filter in the segment language: {"all": [...]} or {"any": [...]} of conditions, {"not": condition}, ' +
    '{"field", "op", "value"} over the fields of GET /api/segments/fields, {"holds": {"productId"}}, ' +
    '{"contacted": {"withinDays", "atLeast?", "type?", "channelId?", "business?"}}, {"browsed": {"withinDays", "atLeast?", "site?", "page?", "topic?"}}, ' +
    '{"modelScore": {"runId", "label?", "op", "value"}}, {"tariffRecommended": {"runId", "planId?"}}, {"diversion": {"campaignId", "outcomes?", "business?"}}',
  examples: [{ all: [{ field: 'age', op: 'gte', value: 30 }, { not: { contacted: { withinDays: 90, type: 'complaint' } } }, { holds: { productId: 'FETION' } }] }],
});

export const SavedSegment = Type.Object({
  segmentId: Type.Integer(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  filter: Type.Unknown(),
  createdBy: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type SavedSegment = Static<typeof SavedSegment>;

export const SegmentInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  filter: FilterBody as TSchema,
});
export type SegmentInput = { name: string; description?: string; filter: unknown };

const savedColumns = `segment_id AS "segmentId", name, description, filter, created_by AS "createdBy",
  strftime(created_at, '%Y-%m-%d %H:%M:%S') AS "createdAt", strftime(updated_at, '%Y-%m-%d %H:%M:%S') AS "updatedAt"`;

const parseSaved = (row: SavedSegment): SavedSegment => ({ ...row, filter: typeof row.filter === 'string' ? JSON.parse(row.filter) : row.filter });

export async function listSegments(db: Db): Promise<SavedSegment[]> {
  return (await db.query<SavedSegment>(`SELECT ${savedColumns} FROM segments ORDER BY updated_at DESC, segment_id DESC`)).map(parseSaved);
}

export async function getSegment(db: Db, segmentId: number): Promise<SavedSegment> {
  const row = await db.one<SavedSegment>(`SELECT ${savedColumns} FROM segments WHERE segment_id = $id`, { id: segmentId });
  if (!row) throw new NotFound('Segment', segmentId);
  return parseSaved(row);
}

/** A saved segment named by a request's field: one that does not exist is that field's 400, not a 404. */
export async function savedSegmentAt(db: Db, segmentId: number, field: string): Promise<SavedSegment> {
  try {
    return await getSegment(db, segmentId);
  } catch (error) {
    if (error instanceof NotFound) throw new InvalidInput(`${field}: there is no saved segment ${segmentId}`, { field, code: 'UNKNOWN_SEGMENT' });
    throw error;
  }
}

async function assertNameFree(db: Db, name: string, exceptId: number | null): Promise<void> {
  const clash = await db.one('SELECT 1 FROM segments WHERE name = $name AND segment_id IS DISTINCT FROM $id', { name, id: exceptId });
  if (clash) throw new Conflict(`A segment named "${name}" already exists`, { field: 'name', code: 'DUPLICATE_NAME' });
}

export async function createSegment(db: Db, input: SegmentInput, createdBy: string): Promise<SavedSegment> {
  await checkSegmentFilter(db, input.filter);
  await assertNameFree(db, input.name, null);
  const row = await db.one<{ id: number }>(
    'INSERT INTO segments (name, description, filter, created_by) VALUES ($name, $description, $filter, $by) RETURNING segment_id AS id',
    { name: input.name, description: input.description ?? null, filter: JSON.stringify(input.filter), by: createdBy },
  );
  return getSegment(db, row!.id);
}

export async function updateSegment(db: Db, segmentId: number, input: SegmentInput): Promise<SavedSegment> {
  await getSegment(db, segmentId);
  await checkSegmentFilter(db, input.filter);
  await assertNameFree(db, input.name, segmentId);
  await db.run(
    `UPDATE segments SET name = $name, description = $description, filter = $filter, updated_at = current_localtimestamp()
     WHERE segment_id = $id`,
    { id: segmentId, name: input.name, description: input.description ?? null, filter: JSON.stringify(input.filter) },
  );
  return getSegment(db, segmentId);
}

/** Whether a filter (or anything holding filters) names tariff run `runId` in a tariffRecommended condition, at any depth. */
export function filterNamesTariffRun(node: unknown, runId: number): boolean {
  if (Array.isArray(node)) return node.some((n) => filterNamesTariffRun(n, runId));
  if (typeof node !== 'object' || node === null) return false;
  const r = (node as { tariffRecommended?: { runId?: unknown } }).tariffRecommended;
  return r?.runId === runId || Object.values(node).some((n) => filterNamesTariffRun(n, runId));
}

/** The saved segments whose filter names tariff run `runId`. */
export async function segmentsNamingTariffRun(db: Db, runId: number): Promise<SavedSegment[]> {
  const candidates = await db.query<SavedSegment>(`SELECT ${savedColumns} FROM segments WHERE CAST(filter AS VARCHAR) LIKE '%tariffRecommended%' ORDER BY segment_id`);
  return candidates.map(parseSaved).filter((segment) => filterNamesTariffRun(segment.filter, runId));
}

export async function deleteSegment(db: Db, segmentId: number): Promise<void> {
  await getSegment(db, segmentId);
  // a draft campaign reads its segment when it is submitted (a submitted one holds a copy of the filter)
  const drafts = await db.query<{ campaignId: number; name: string }>(
    `SELECT campaign_id AS "campaignId", name FROM campaigns
     WHERE status = 'draft' AND TRY_CAST(json_extract(plan, '$.target.segmentId') AS INTEGER) = $id ORDER BY campaign_id`,
    { id: segmentId },
  );
  if (drafts.length > 0) {
    const names = drafts.map((c) => `"${c.name}" (${c.campaignId})`).join(', ');
    throw new Conflict(`Segment ${segmentId} is the target of the draft campaign${drafts.length > 1 ? 's' : ''} ${names}; change their target first`, { code: 'SEGMENT_IN_USE' });
  }
  await db.run('DELETE FROM segments WHERE segment_id = $id', { id: segmentId });
}

/** The field catalogue for the console's segment builder. */
export function segmentFieldCatalogue() {
  return fieldNames.map((name) => {
    const spec: FieldSpec = segmentFields[name];
    return { name, type: spec.type, values: spec.values ?? null, source: spec.source ?? null, ops: opsFor[spec.type], labelZh: spec.labelZh, labelEn: spec.labelEn, group: spec.group };
  });
}
