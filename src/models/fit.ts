// Business–channel fit (业务-渠道适配模型): businesses and channels are described by parameters on
// shared dimensions (0..5) — what a business needs and what a channel can do — and each pair is
// graded A (priority fit), B (fit) or C (unfit) from how far the channel falls short of the
// business. A planner's override wins over the computed grade, and every change is audited.
import { Type, type Static } from '@sinclair/typebox';
import { recordAudit } from '../audit/audit.ts';
import { InvalidInput, NotFound } from '../store/errors.ts';
import type { Db } from '../store/store.ts';

/** The shared dimensions: a business's need on each is matched by a channel's capability. */
export const fitDimensions = [
  { key: 'explanation', labelZh: '讲解需求 / 讲解能力', labelEn: 'Explanation needed / given' },
  { key: 'handsOn', labelZh: '终端操作需求 / 体验能力', labelEn: 'Hands-on set-up needed / offered' },
  { key: 'identity', labelZh: '身份核验需求 / 核验能力', labelEn: 'Identity check needed / possible' },
  { key: 'reach', labelZh: '受众广度 / 覆盖能力', labelEn: 'Audience breadth / channel reach' },
  // the one dimension read the other way round: a channel dearer than the business is worth loses
  { key: 'value', labelZh: '业务价值 / 渠道成本', labelEn: 'Business value / channel cost' },
] as const;
export type FitDimension = (typeof fitDimensions)[number]['key'];
const dimensionKeys = fitDimensions.map((d) => d.key) as FitDimension[];
export type FitAttributes = Record<FitDimension, number>;

/** Grade thresholds on the 0–100 score; a shortfall of 3 or more on any need makes the pair unfit. */
export const gradeA = 85;
export const gradeB = 65;
const hardShortfall = 3;

export type Grade = 'A' | 'B' | 'C';
export const grades: readonly Grade[] = ['A', 'B', 'C'];

/**
 * The fit of a business on a channel, 0..100: 100 less the channel's shortfalls (need above
 * capability; for value, channel cost above business value) as a share of the largest possible.
 */
export function fitScore(business: FitAttributes, channel: FitAttributes): { score: number; grade: Grade } {
  let gap = 0;
  let hard = false;
  for (const d of dimensionKeys) {
    const short = Math.max(0, d === 'value' ? channel.value - business.value : business[d] - channel[d]);
    gap += short;
    if (d !== 'value' && short >= hardShortfall) hard = true;
  }
  const score = Math.round(100 * (1 - gap / (5 * dimensionKeys.length)));
  return { score, grade: hard ? 'C' : score >= gradeA ? 'A' : score >= gradeB ? 'B' : 'C' };
}

export const FitAttributesSchema = Type.Object(
  Object.fromEntries(dimensionKeys.map((d) => [d, Type.Number({ minimum: 0, maximum: 5 })])) as Record<FitDimension, ReturnType<typeof Type.Number>>,
  { additionalProperties: false },
);

export function checkAttributes(value: unknown, field = 'attributes'): FitAttributes {
  if (typeof value !== 'object' || value === null) throw new InvalidInput(`${field} must be an object of ${dimensionKeys.join(', ')}`, { field });
  const out = {} as FitAttributes;
  for (const d of dimensionKeys) {
    const v = (value as Record<string, unknown>)[d];
    if (typeof v !== 'number' || !(v >= 0 && v <= 5)) throw new InvalidInput(`${field}.${d} must be a number from 0 to 5`, { field: `${field}.${d}` });
    out[d] = v;
  }
  for (const k of Object.keys(value)) if (!dimensionKeys.includes(k as FitDimension)) throw new InvalidInput(`${field}.${k} is not a fit dimension`, { field: `${field}.${k}` });
  return out;
}

const attrs = (explanation: number, handsOn: number, identity: number, reach: number, value: number): FitAttributes => ({ explanation, handsOn, identity, reach, value });

/** Starting parameters (value = business value for businesses, cost for channels). */
const defaultChannels: Record<string, FitAttributes> = {
  store: attrs(5, 5, 5, 2, 4),
  ivr: attrs(1, 0, 1, 4, 1),
  agent: attrs(4, 1, 2, 3, 3),
  outbound: attrs(4, 0, 1, 4, 3),
  sms_hall: attrs(1, 0, 1, 5, 0),
  web: attrs(2, 1, 2, 4, 0),
  wap: attrs(1, 1, 1, 4, 0),
  app: attrs(2, 2, 2, 4, 0),
  account_mgr: attrs(5, 4, 5, 1, 5),
  terminal: attrs(1, 2, 3, 2, 1),
};

const defaultBusinesses: Array<{ id: string; nameZh: string; nameEn: string; attributes: FitAttributes }> = [
  { id: 'FETION', nameZh: '飞信', nameEn: 'Fetion', attributes: attrs(2, 3, 0, 4, 1) },
  { id: 'MAIL139', nameZh: '139 邮箱', nameEn: '139 Mail', attributes: attrs(2, 2, 0, 3, 1) },
  { id: 'CRBT', nameZh: '彩铃', nameEn: 'Colour ring-back tone', attributes: attrs(1, 1, 0, 5, 1) },
  { id: 'NEWS', nameZh: '手机报', nameEn: 'Mobile newspaper', attributes: attrs(1, 0, 0, 5, 1) },
  { id: 'MUSIC', nameZh: '无线音乐俱乐部', nameEn: 'Wireless music club', attributes: attrs(2, 2, 0, 4, 2) },
  { id: 'GAME', nameZh: '手机游戏', nameEn: 'Mobile games', attributes: attrs(1, 2, 0, 3, 2) },
  { id: 'VIDEO', nameZh: '手机视频', nameEn: 'Mobile video', attributes: attrs(2, 3, 0, 3, 2) },
  { id: 'GPRS_PACK', nameZh: 'GPRS 20 元包', nameEn: 'GPRS pack 20', attributes: attrs(1, 0, 0, 5, 2) },
  { id: 'SMS_PACK', nameZh: '短信 5 元包', nameEn: 'SMS pack 5', attributes: attrs(0, 0, 0, 5, 1) },
  { id: 'ROAM_PACK', nameZh: '国内漫游包', nameEn: 'Domestic roaming pack', attributes: attrs(2, 0, 0, 3, 3) },
  { id: 'plan_change', nameZh: '资费套餐变更', nameEn: 'Tariff plan change', attributes: attrs(4, 0, 2, 3, 4) },
  { id: 'group_vpmn', nameZh: '集团 V 网', nameEn: 'Group VPMN', attributes: attrs(5, 2, 4, 1, 5) },
  { id: 'sim_replace', nameZh: '补换卡', nameEn: 'SIM replacement', attributes: attrs(1, 3, 5, 1, 1) },
  { id: 'bill_payment', nameZh: '缴费', nameEn: 'Bill payment', attributes: attrs(0, 0, 0, 5, 0) },
];

/** Puts the starting parameters in place the first time fit is used (both tables empty). */
export async function ensureFitDefaults(db: Db): Promise<void> {
  const row = await db.one<{ n: number }>('SELECT (SELECT count(*) FROM fit_businesses) + (SELECT count(*) FROM fit_channels) AS n');
  if ((row?.n ?? 0) > 0) return;
  for (const b of defaultBusinesses) {
    await db.run(`INSERT INTO fit_businesses (business_id, name_zh, name_en, attributes, updated_by) VALUES ($id, $zh, $en, $a, 'system') ON CONFLICT DO NOTHING`, {
      id: b.id, zh: b.nameZh, en: b.nameEn, a: JSON.stringify(b.attributes),
    });
  }
  const channels = await db.query<{ id: string }>('SELECT channel_id AS id FROM channels');
  for (const { id } of channels) {
    await db.run(`INSERT INTO fit_channels (channel_id, attributes, updated_by) VALUES ($id, $a, 'system') ON CONFLICT DO NOTHING`, {
      id, a: JSON.stringify(defaultChannels[id] ?? attrs(2, 2, 2, 2, 2)),
    });
  }
}

const Attributes = Type.Record(Type.String(), Type.Number());
export const FitBusiness = Type.Object({ businessId: Type.String(), nameZh: Type.String(), nameEn: Type.String(), attributes: Attributes });
export const FitChannel = Type.Object({ channelId: Type.String(), nameZh: Type.String(), nameEn: Type.String(), attributes: Attributes });
export const FitOverride = Type.Object({ grade: Type.String(), reason: Type.Union([Type.String(), Type.Null()]), updatedBy: Type.String(), updatedAt: Type.String() });
export const FitCell = Type.Object({
  businessId: Type.String(),
  channelId: Type.String(),
  score: Type.Integer(),
  computed: Type.String(),
  grade: Type.String(),
  override: Type.Union([FitOverride, Type.Null()]),
});
export type FitCell = Static<typeof FitCell>;
export const FitMatrix = Type.Object({
  dimensions: Type.Array(Type.Object({ key: Type.String(), labelZh: Type.String(), labelEn: Type.String() })),
  thresholds: Type.Object({ a: Type.Number(), b: Type.Number() }),
  businesses: Type.Array(FitBusiness),
  channels: Type.Array(FitChannel),
  cells: Type.Array(FitCell),
});
export type FitMatrix = Static<typeof FitMatrix>;

const parse = <T extends { attributes: string }>(r: T): Omit<T, 'attributes'> & { attributes: FitAttributes } => ({ ...r, attributes: JSON.parse(r.attributes) as FitAttributes });

/** Every business × channel with its computed grade and the override that wins over it. */
export async function fitMatrix(db: Db): Promise<FitMatrix> {
  await ensureFitDefaults(db);
  const businesses = (await db.query<{ businessId: string; nameZh: string; nameEn: string; attributes: string }>(
    'SELECT business_id AS "businessId", name_zh AS "nameZh", name_en AS "nameEn", attributes FROM fit_businesses ORDER BY business_id',
  )).map(parse);
  const channels = (await db.query<{ channelId: string; nameZh: string; nameEn: string; attributes: string }>(
    `SELECT f.channel_id AS "channelId", coalesce(c.name_zh, f.channel_id) AS "nameZh", coalesce(c.name_en, f.channel_id) AS "nameEn", f.attributes
     FROM fit_channels f LEFT JOIN channels c USING (channel_id) ORDER BY f.channel_id`,
  )).map(parse);
  const overrides = await db.query<{ businessId: string; channelId: string; grade: string; reason: string | null; updatedBy: string; updatedAt: string }>(
    `SELECT business_id AS "businessId", channel_id AS "channelId", grade, reason, updated_by AS "updatedBy",
       strftime(updated_at, '%Y-%m-%d %H:%M:%S') AS "updatedAt" FROM fit_overrides`,
  );
  const byPair = new Map(overrides.map((o) => [`${o.businessId}\u0000${o.channelId}`, o]));
  const cells: FitCell[] = [];
  for (const b of businesses) {
    for (const c of channels) {
      const { score, grade } = fitScore(b.attributes, c.attributes);
      const o = byPair.get(`${b.businessId}\u0000${c.channelId}`);
      cells.push({
        businessId: b.businessId,
        channelId: c.channelId,
        score,
        computed: grade,
        grade: o?.grade ?? grade,
        override: o ? { grade: o.grade, reason: o.reason, updatedBy: o.updatedBy, updatedAt: o.updatedAt } : null,
      });
    }
  }
  return { dimensions: fitDimensions.map((d) => ({ ...d })), thresholds: { a: gradeA, b: gradeB }, businesses, channels, cells };
}

/** The grade of one pair (override first); undefined when the business or channel has no parameters. */
export async function findFitGrade(db: Db, businessId: string, channelId: string): Promise<FitCell | undefined> {
  return (await fitMatrix(db)).cells.find((c) => c.businessId === businessId && c.channelId === channelId);
}

export async function saveFitBusiness(db: Db, businessId: string, input: { nameZh: string; nameEn: string; attributes: unknown }, by: string): Promise<void> {
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(businessId)) throw new InvalidInput('A business id is 1–64 letters, digits, _ . -', { field: 'businessId' });
  const attributes = checkAttributes(input.attributes);
  await ensureFitDefaults(db);
  const before = await db.one<{ attributes: string }>('SELECT attributes FROM fit_businesses WHERE business_id = $id', { id: businessId });
  await db.run(
    `INSERT INTO fit_businesses (business_id, name_zh, name_en, attributes, updated_by) VALUES ($id, $zh, $en, $a, $by)
     ON CONFLICT (business_id) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, attributes = excluded.attributes,
       updated_by = excluded.updated_by, updated_at = current_localtimestamp()`,
    { id: businessId, zh: input.nameZh, en: input.nameEn, a: JSON.stringify(attributes), by },
  );
  await recordAudit(db, by, 'fit.business', `business:${businessId}`, { before: before ? JSON.parse(before.attributes) : null, after: attributes });
}

export async function deleteFitBusiness(db: Db, businessId: string, by: string): Promise<void> {
  await ensureFitDefaults(db);
  if (!(await db.one('SELECT 1 FROM fit_businesses WHERE business_id = $id', { id: businessId }))) throw new NotFound('Business', businessId);
  await db.run('DELETE FROM fit_overrides WHERE business_id = $id', { id: businessId });
  await db.run('DELETE FROM fit_businesses WHERE business_id = $id', { id: businessId });
  await recordAudit(db, by, 'fit.business.delete', `business:${businessId}`);
}

export async function saveFitChannel(db: Db, channelId: string, attributesIn: unknown, by: string): Promise<void> {
  const attributes = checkAttributes(attributesIn);
  await ensureFitDefaults(db);
  if (!(await db.one('SELECT 1 FROM channels WHERE channel_id = $id', { id: channelId }))) throw new NotFound('Channel', channelId);
  const before = await db.one<{ attributes: string }>('SELECT attributes FROM fit_channels WHERE channel_id = $id', { id: channelId });
  await db.run(
    `INSERT INTO fit_channels (channel_id, attributes, updated_by) VALUES ($id, $a, $by)
     ON CONFLICT (channel_id) DO UPDATE SET attributes = excluded.attributes, updated_by = excluded.updated_by, updated_at = current_localtimestamp()`,
    { id: channelId, a: JSON.stringify(attributes), by },
  );
  await recordAudit(db, by, 'fit.channel', `channel:${channelId}`, { before: before ? JSON.parse(before.attributes) : null, after: attributes });
}

/** Sets (grade A/B/C) or clears (grade null) the override of one pair, audited with its reason. */
export async function setFitOverride(db: Db, businessId: string, channelId: string, grade: string | null, reason: string | null, by: string): Promise<FitCell> {
  if (grade !== null && !grades.includes(grade as Grade)) throw new InvalidInput(`grade must be A, B or C, got "${grade}"`, { field: 'grade' });
  const cell = await findFitGrade(db, businessId, channelId);
  if (!cell) throw new NotFound('Business–channel pair', `${businessId}/${channelId}`);
  if (grade === null) {
    await db.run('DELETE FROM fit_overrides WHERE business_id = $b AND channel_id = $c', { b: businessId, c: channelId });
  } else {
    await db.run(
      `INSERT INTO fit_overrides (business_id, channel_id, grade, reason, updated_by) VALUES ($b, $c, $g, $r, $by)
       ON CONFLICT (business_id, channel_id) DO UPDATE SET grade = excluded.grade, reason = excluded.reason,
         updated_by = excluded.updated_by, updated_at = current_localtimestamp()`,
      { b: businessId, c: channelId, g: grade, r: reason, by },
    );
  }
  await recordAudit(db, by, grade === null ? 'fit.override.clear' : 'fit.override', `fit:${businessId}/${channelId}`, {
    computed: cell.computed,
    before: cell.override?.grade ?? null,
    after: grade,
    reason,
  });
  return (await findFitGrade(db, businessId, channelId))!;
}
