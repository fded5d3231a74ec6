// Customer tags (the Henan identification tags): rules in the segment language, recomputed as a
// tracked job (and on a schedule), each with marketing advice for the front line, wiki-style
// ratings and comments, and a validation against the outcomes of finished campaigns.
import { Type, type Static } from '@sinclair/typebox';
import { compareProportions } from '../campaigns/stats.ts';
import { checkSegmentFilter, compileSegment } from '../customers/segments.ts';
import { startJob, type JobHandle, type Progress } from '../jobs/jobs.ts';
import { Conflict, InvalidInput, NotFound } from '../store/errors.ts';
import type { Db, Store } from '../store/store.ts';

export const TagAdvice = Type.Object(
  {
    script: Type.String({ maxLength: 2000, description: 'what to say' }),
    timing: Type.String({ maxLength: 500, description: 'when to say it' }),
    // null first: the API's type coercion would turn a null into "" on the way to a string
    channelId: Type.Union([Type.Null(), Type.String({ maxLength: 32 })], { description: 'the channel to use' }),
  },
  { additionalProperties: false },
);
export type TagAdvice = Static<typeof TagAdvice>;

export const tagKinds = ['standard', 'value_tier', 'custom'] as const;
export type TagKind = (typeof tagKinds)[number];

export const Tag = Type.Object({
  tagId: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  kind: Type.Union(tagKinds.map((k) => Type.Literal(k))),
  descriptionZh: Type.Union([Type.String(), Type.Null()]),
  descriptionEn: Type.Union([Type.String(), Type.Null()]),
  rule: Type.Unknown(),
  advice: Type.Union([TagAdvice, Type.Null()]),
  members: Type.Union([Type.Integer(), Type.Null()]),
  computedAt: Type.Union([Type.String(), Type.Null()]),
  rating: Type.Union([Type.Number(), Type.Null()]),
  ratings: Type.Integer(),
  comments: Type.Integer(),
});
export type Tag = Static<typeof Tag>;

export const TagInput = Type.Object(
  {
    nameZh: Type.String({ minLength: 1, maxLength: 60 }),
    nameEn: Type.String({ minLength: 1, maxLength: 60 }),
    descriptionZh: Type.Optional(Type.String({ maxLength: 500 })),
    descriptionEn: Type.Optional(Type.String({ maxLength: 500 })),
    rule: Type.Unknown(),
    advice: Type.Optional(Type.Union([TagAdvice, Type.Null()])),
  },
  { additionalProperties: false },
);
export type TagInput = { nameZh: string; nameEn: string; descriptionZh?: string; descriptionEn?: string; rule: unknown; advice?: TagAdvice | null };

interface StandardTag {
  tagId: string;
  kind: TagKind;
  nameZh: string;
  nameEn: string;
  descriptionZh: string;
  descriptionEn: string;
  rule: unknown;
  advice: TagAdvice;
}

const yuan = (n: number) => n * 100;

/**
 * The seed's identification tags and five value tiers. The value tiers split customers by their
 * average monthly bill; VIP tiers follow the card level.
 */
export const standardTags: StandardTag[] = [
  {
    tagId: 'vip_diamond', kind: 'standard', nameZh: '钻石卡客户', nameEn: 'Diamond VIP',
    descriptionZh: 'VIP 等级 4：享受 VIP 专属服务', descriptionEn: 'VIP level 4: exclusive VIP service',
    rule: { field: 'vipLevel', op: 'gte', value: 4 },
    advice: { script: '尊贵的钻石卡客户，为您优先办理并提供专属服务。', timing: '客户到厅或来电时优先接待', channelId: 'account_mgr' },
  },
  {
    tagId: 'vip_gold', kind: 'standard', nameZh: '金卡客户', nameEn: 'Gold VIP',
    descriptionZh: 'VIP 等级 3', descriptionEn: 'VIP level 3',
    rule: { field: 'vipLevel', op: 'eq', value: 3 },
    advice: { script: '尊敬的金卡客户，为您推荐专属优惠。', timing: '账单日后一周内', channelId: 'account_mgr' },
  },
  {
    tagId: 'vip_silver', kind: 'standard', nameZh: '银卡客户', nameEn: 'Silver VIP',
    descriptionZh: 'VIP 等级 2', descriptionEn: 'VIP level 2',
    rule: { field: 'vipLevel', op: 'eq', value: 2 },
    advice: { script: '尊敬的银卡客户，感谢您的支持，为您推荐适合的套餐。', timing: '账单日后一周内', channelId: 'outbound' },
  },
  {
    tagId: 'group_key_person', kind: 'standard', nameZh: '集团关键人', nameEn: 'Group key person',
    descriptionZh: '集团关键成员，需提供最优质的服务，适合推荐集团业务', descriptionEn: 'Key member of a group account: best service; suits group products',
    rule: { field: 'groupKeyPerson', op: 'isTrue' },
    advice: { script: '为贵单位推荐集团 V 网与集团彩铃等集团业务。', timing: '工作日上午', channelId: 'account_mgr' },
  },
  {
    tagId: 'complaint_sensitive', kind: 'standard', nameZh: '敏感客户', nameEn: 'Complaint-sensitive',
    descriptionZh: '投诉专业户：近 90 天投诉 2 次及以上，推出营销活动或宣传时需慎重', descriptionEn: 'Two or more complaints in 90 days: market to them with care',
    rule: { field: 'complaints90d', op: 'gte', value: 2 },
    advice: { script: '先确认既往问题已解决，再做介绍；不主动外呼推销。', timing: '问题解决回访之后', channelId: 'agent' },
  },
  {
    tagId: 'suggestion_type', kind: 'standard', nameZh: '建议型客户', nameEn: 'Suggestion-type',
    descriptionZh: '对服务质量提出意见（近 90 天有服务态度或网络质量投诉），应特别注意服务质量', descriptionEn: 'Complained about service or network quality in 90 days: mind the service quality',
    rule: { any: [
      { contacted: { withinDays: 90, type: 'complaint', business: 'service_attitude' } },
      { contacted: { withinDays: 90, type: 'complaint', business: 'network_quality' } },
    ] },
    advice: { script: '感谢您的宝贵意见，我们已改进……', timing: '投诉处理完毕后回访', channelId: 'agent' },
  },
  {
    tagId: 'new_service_lover', kind: 'standard', nameZh: '新业务客户', nameEn: 'New-service lover',
    descriptionZh: '对新业务有偏好（开通 3 项及以上增值业务），适合推荐新业务', descriptionEn: 'Holds three or more value-added services: suits new services',
    rule: { field: 'vasCount', op: 'gte', value: 3 },
    advice: { script: '新上线的手机视频业务首月免费体验。', timing: '新业务上线首周', channelId: 'sms_hall' },
  },
  {
    tagId: 'family_service', kind: 'standard', nameZh: '家庭业务客户', nameEn: 'Family-service',
    descriptionZh: '开通亲情号、家园卡等家庭业务，适合推荐家庭业务', descriptionEn: 'On a family or home plan: suits family products',
    rule: { field: 'planId', op: 'in', value: ['EO_CARE', 'EO_HOME'] },
    advice: { script: '添加亲情号码，家人通话更优惠。', timing: '周末', channelId: 'store' },
  },
  {
    tagId: 'e_channel_preferring', kind: 'standard', nameZh: '电子渠道偏好客户', nameEn: 'E-channel-preferring',
    descriptionZh: '近期有网上营业厅、自助终端等电子渠道记录，适合向其推荐电子渠道', descriptionEn: 'Recently used the online hall, app or self-service terminal: suits e-channels',
    rule: { any: [
      { contacted: { withinDays: 90, channelId: 'web' } },
      { contacted: { withinDays: 90, channelId: 'app' } },
      { contacted: { withinDays: 90, channelId: 'wap' } },
      { contacted: { withinDays: 90, channelId: 'terminal' } },
    ] },
    advice: { script: '手机营业厅可随时查询办理，免排队。', timing: '客户登录电子渠道时', channelId: 'app' },
  },
  {
    tagId: 'negative_value', kind: 'standard', nameZh: '负价值客户', nameEn: 'Negative-value',
    descriptionZh: '对公司贡献低于公司投入：月均账单低于 20 元且近 90 天接触 6 次及以上，营销活动应避免', descriptionEn: 'Bill under 20 yuan a month with six or more service contacts in 90 days: avoid in campaigns',
    rule: { all: [{ field: 'billFen', op: 'lt', value: yuan(20) }, { field: 'contacts90d', op: 'gte', value: 6 }] },
    advice: { script: '引导使用短信营业厅自助查询。', timing: '不主动营销', channelId: 'sms_hall' },
  },
  {
    tagId: 'identity_customer', kind: 'standard', nameZh: '身份客户', nameEn: 'Identity customer',
    descriptionZh: '消费积分未达 VIP 标准，但具有较高社会地位和影响力（集团关键人且 VIP 等级不高于 1）', descriptionEn: 'Influential (group key person) without the spending of a VIP (level ≤ 1)',
    rule: { all: [{ field: 'groupKeyPerson', op: 'isTrue' }, { field: 'vipLevel', op: 'lte', value: 1 }] },
    advice: { script: '按贵宾标准接待，推荐品牌升级。', timing: '到厅时', channelId: 'store' },
  },
  ...(
    [
      ['value_1', '一类价值客户', 'Value tier 1', [yuan(200), null], '月均账单 200 元及以上', 'Monthly bill 200 yuan or more', 'account_mgr'],
      ['value_2', '二类价值客户', 'Value tier 2', [yuan(100), yuan(200)], '月均账单 100–200 元', 'Monthly bill 100–200 yuan', 'outbound'],
      ['value_3', '三类价值客户', 'Value tier 3', [yuan(50), yuan(100)], '月均账单 50–100 元', 'Monthly bill 50–100 yuan', 'sms_hall'],
      ['value_4', '四类价值客户', 'Value tier 4', [yuan(20), yuan(50)], '月均账单 20–50 元', 'Monthly bill 20–50 yuan', 'sms_hall'],
      ['value_5', '五类价值客户', 'Value tier 5', [null, yuan(20)], '月均账单低于 20 元', 'Monthly bill under 20 yuan', 'web'],
    ] as const
  ).map(([tagId, nameZh, nameEn, [lo, hi], descriptionZh, descriptionEn, channelId]): StandardTag => ({
    tagId,
    kind: 'value_tier',
    nameZh,
    nameEn,
    descriptionZh,
    descriptionEn,
    rule:
      lo === null ? { field: 'billFen', op: 'lt', value: hi }
      : hi === null ? { field: 'billFen', op: 'gte', value: lo }
      : { all: [{ field: 'billFen', op: 'gte', value: lo }, { field: 'billFen', op: 'lt', value: hi }] },
    advice: { script: '', timing: '', channelId },
  })),
];

/** Inserts the standard tags that are missing (an edited standard tag is kept as edited). */
// First-time creation runs one at a time in the process: two connections inserting the same tag at once
// (the scheduled recomputation and a page, at start) conflict in DuckDB despite ON CONFLICT DO NOTHING.
let creating: Promise<void> = Promise.resolve();

export async function ensureStandardTags(db: Db): Promise<void> {
  const ids = standardTags.map((t) => t.tagId);
  const present = async () => (await db.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM tags WHERE list_contains($ids, tag_id)', { ids }))!.n === ids.length;
  if (await present()) return;
  const create = creating.then(async () => {
    for (const t of standardTags) {
      await db.run(
        `INSERT INTO tags (tag_id, name_zh, name_en, kind, description_zh, description_en, rule, advice, updated_by)
         VALUES ($id, $zh, $en, $kind, $dzh, $den, $rule, $advice, 'system') ON CONFLICT DO NOTHING`,
        { id: t.tagId, zh: t.nameZh, en: t.nameEn, kind: t.kind, dzh: t.descriptionZh, den: t.descriptionEn, rule: JSON.stringify(t.rule), advice: JSON.stringify(t.advice) },
      );
    }
  });
  creating = create.catch(() => undefined);
  await create;
}

const tagColumns = `t.tag_id AS "tagId", t.name_zh AS "nameZh", t.name_en AS "nameEn", t.kind, t.description_zh AS "descriptionZh",
  t.description_en AS "descriptionEn", t.rule, t.advice, t.members, strftime(t.computed_at, '%Y-%m-%d %H:%M:%S') AS "computedAt",
  (SELECT avg(rating) FROM tag_ratings r WHERE r.tag_id = t.tag_id) AS rating,
  (SELECT count(*)::INTEGER FROM tag_ratings r WHERE r.tag_id = t.tag_id) AS ratings,
  (SELECT count(*)::INTEGER FROM tag_comments c WHERE c.tag_id = t.tag_id) AS comments`;

const parseJson = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v ?? null);
const parseTag = (row: Tag): Tag => ({ ...row, rule: parseJson(row.rule), advice: parseJson(row.advice) });

export async function listTags(db: Db): Promise<Tag[]> {
  await ensureStandardTags(db);
  const rows = await db.query<Tag>(`SELECT ${tagColumns} FROM tags t ORDER BY CASE t.kind WHEN 'standard' THEN 0 WHEN 'value_tier' THEN 1 ELSE 2 END, t.tag_id`);
  return rows.map(parseTag);
}

export async function getTag(db: Db, tagId: string): Promise<Tag> {
  await ensureStandardTags(db);
  const row = await db.one<Tag>(`SELECT ${tagColumns} FROM tags t WHERE t.tag_id = $id`, { id: tagId });
  if (!row) throw new NotFound('Tag', tagId);
  return parseTag(row);
}

async function checkInput(db: Db, input: TagInput): Promise<void> {
  await checkSegmentFilter(db, input.rule, 'rule');
  if (input.advice?.channelId !== undefined && input.advice?.channelId !== null && input.advice.channelId.length === 0) {
    throw new InvalidInput('advice.channelId: name a channel or leave it empty (null)', { field: 'advice.channelId' });
  }
}

/** Creates a custom tag; its id is made from the English name (lower case, underscores). */
export async function createTag(db: Db, input: TagInput, by: string): Promise<Tag> {
  await checkInput(db, input);
  const tagId = input.nameEn.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
  if (!tagId) throw new InvalidInput('nameEn must contain letters or digits (the tag id is made from it)', { field: 'nameEn' });
  await ensureStandardTags(db);
  if (await db.one('SELECT 1 FROM tags WHERE tag_id = $id', { id: tagId })) throw new Conflict(`A tag "${tagId}" already exists`, { field: 'nameEn' });
  await db.run(
    `INSERT INTO tags (tag_id, name_zh, name_en, kind, description_zh, description_en, rule, advice, updated_by)
     VALUES ($id, $zh, $en, 'custom', $dzh, $den, $rule, $advice, $by)`,
    {
      id: tagId, zh: input.nameZh, en: input.nameEn, dzh: input.descriptionZh ?? null, den: input.descriptionEn ?? null,
      rule: JSON.stringify(input.rule), advice: input.advice ? JSON.stringify(input.advice) : null, by,
    },
  );
  return getTag(db, tagId);
}

/** Changes a tag's names, rule or advice; members follow at the next recomputation. */
export async function updateTag(db: Db, tagId: string, input: TagInput, by: string): Promise<Tag> {
  await getTag(db, tagId);
  await checkInput(db, input);
  await db.run(
    `UPDATE tags SET name_zh = $zh, name_en = $en, description_zh = $dzh, description_en = $den, rule = $rule, advice = $advice,
       updated_by = $by, updated_at = current_localtimestamp() WHERE tag_id = $id`,
    {
      id: tagId, zh: input.nameZh, en: input.nameEn, dzh: input.descriptionZh ?? null, den: input.descriptionEn ?? null,
      rule: JSON.stringify(input.rule), advice: input.advice ? JSON.stringify(input.advice) : null, by,
    },
  );
  return getTag(db, tagId);
}

export async function deleteTag(db: Db, tagId: string): Promise<void> {
  const tag = await getTag(db, tagId);
  if (tag.kind !== 'custom') throw new InvalidInput(`"${tagId}" is a standard tag: change its rule instead of deleting it`, { field: 'tagId' });
  for (const table of ['customer_tags', 'tag_ratings', 'tag_comments', 'tags']) await db.run(`DELETE FROM ${table} WHERE tag_id = $id`, { id: tagId });
}

// Recomputation --------------------------------------------------------------------------------

export interface TagRecomputation {
  tags: number;
  assignments: number;
}

/** Recomputes every tag's members from its rule, all at once (a reader never sees half a run). */
export async function recomputeTags(store: Store, progress: Progress = () => undefined): Promise<TagRecomputation> {
  await ensureStandardTags(store);
  const tags = await store.query<{ tagId: string; rule: string }>('SELECT tag_id AS "tagId", rule FROM tags ORDER BY tag_id');
  return store.transaction(async (tx) => {
    await tx.run('DELETE FROM customer_tags');
    let assignments = 0;
    for (const [i, tag] of tags.entries()) {
      progress(i / tags.length, tag.tagId);
      const { where, params } = compileSegment(JSON.parse(tag.rule));
      await tx.run(
        `INSERT INTO customer_tags (tag_id, subscriber_id)
         SELECT $tag_id, s.subscriber_id FROM subscribers s LEFT JOIN customer_features f USING (subscriber_id) WHERE ${where}`,
        { ...params, tag_id: tag.tagId },
      );
      const n = await tx.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM customer_tags WHERE tag_id = $id', { id: tag.tagId });
      await tx.run('UPDATE tags SET members = $n, computed_at = current_localtimestamp() WHERE tag_id = $id', { n: n?.n ?? 0, id: tag.tagId });
      assignments += n?.n ?? 0;
    }
    progress(1, 'done');
    return { tags: tags.length, assignments };
  });
}

/** Starts a recomputation as a tracked job (kind 'tags.recompute'). */
export async function startTagRecompute(store: Store, by: string | null): Promise<JobHandle<TagRecomputation>> {
  return startJob(store, 'tags.recompute', null, by, (progress) => recomputeTags(store, progress));
}

/**
 * Recomputes the tags every `minutes` (0 = never) while no recomputation is running; returns the
 * function that stops the schedule.
 */
export function scheduleTagRecompute(store: Store, minutes: number, onError: (error: Error) => void = () => undefined): () => void {
  if (!(minutes > 0)) return () => undefined;
  const timer = setInterval(() => {
    void (async () => {
      const running = await store.one("SELECT 1 FROM jobs WHERE kind IN ('tags.recompute', 'demo.generate') AND status IN ('queued', 'running')");
      if (running) return;
      const job = await startTagRecompute(store, 'system');
      await job.done;
    })().catch(onError);
  }, minutes * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}

// What other systems read -----------------------------------------------------------------------

export const CustomerTag = Type.Object({
  tagId: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  kind: Type.String(),
  advice: Type.Union([TagAdvice, Type.Null()]),
});
export type CustomerTag = Static<typeof CustomerTag>;

/** A customer's tags as of the last recomputation, with each tag's marketing advice (for the decision API). */
export async function tagsOf(db: Db, subscriberId: number): Promise<CustomerTag[]> {
  const rows = await db.query<CustomerTag>(
    `SELECT t.tag_id AS "tagId", t.name_zh AS "nameZh", t.name_en AS "nameEn", t.kind, t.advice
     FROM customer_tags c JOIN tags t USING (tag_id) WHERE c.subscriber_id = $id
     ORDER BY CASE t.kind WHEN 'value_tier' THEN 0 WHEN 'standard' THEN 1 ELSE 2 END, t.tag_id`,
    { id: subscriberId },
  );
  return rows.map((r) => ({ ...r, advice: parseJson(r.advice) }));
}

// Ratings and comments (wiki style) ---------------------------------------------------------------

export const TagComment = Type.Object({ commentId: Type.Integer(), username: Type.String(), body: Type.String(), createdAt: Type.String() });
export type TagComment = Static<typeof TagComment>;

export async function rateTag(db: Db, tagId: string, username: string, rating: number): Promise<Tag> {
  if (!Number.isInteger(rating) || rating < 1 || rating > 5) throw new InvalidInput(`rating must be a whole number from 1 to 5, got ${rating}`, { field: 'rating' });
  await getTag(db, tagId);
  await db.run(
    `INSERT INTO tag_ratings (tag_id, username, rating) VALUES ($tag, $user, $rating)
     ON CONFLICT (tag_id, username) DO UPDATE SET rating = excluded.rating, rated_at = current_localtimestamp()`,
    { tag: tagId, user: username, rating },
  );
  return getTag(db, tagId);
}

export async function commentOnTag(db: Db, tagId: string, username: string, body: string): Promise<TagComment> {
  const text = body.trim();
  if (text.length === 0 || text.length > 2000) throw new InvalidInput('A comment is 1 to 2000 characters', { field: 'body' });
  await getTag(db, tagId);
  const row = await db.one<{ id: number }>('INSERT INTO tag_comments (tag_id, username, body) VALUES ($tag, $user, $body) RETURNING comment_id AS id', {
    tag: tagId,
    user: username,
    body: text,
  });
  return (await tagComments(db, tagId)).find((c) => c.commentId === row!.id)!;
}

export async function tagComments(db: Db, tagId: string): Promise<TagComment[]> {
  return db.query<TagComment>(
    `SELECT comment_id AS "commentId", username, body, strftime(created_at, '%Y-%m-%d %H:%M:%S') AS "createdAt"
     FROM tag_comments WHERE tag_id = $tag ORDER BY comment_id DESC`,
    { tag: tagId },
  );
}

// Validation against marketing results --------------------------------------------------------------

const Group = Type.Object({ contacted: Type.Integer(), accepted: Type.Integer(), rate: Type.Union([Type.Number(), Type.Null()]) });

export const TagValidation = Type.Object({
  tagId: Type.String(),
  campaigns: Type.Integer(),
  tagged: Group,
  untagged: Group,
  /** tagged rate − untagged rate, with its 95% interval */
  difference: Type.Union([Type.Number(), Type.Null()]),
  interval: Type.Union([Type.Tuple([Type.Number(), Type.Number()]), Type.Null()]),
  pValue: Type.Union([Type.Number(), Type.Null()]),
  significant: Type.Boolean(),
});
export type TagValidation = Static<typeof TagValidation>;

/**
 * The response rate (accepted ÷ contacted, contacted = accepted or refused) of the tag's current
 * members among the treated targets of finished campaigns, against the other treated targets,
 * with the two-proportion z-test. A tag that marks responsive customers shows a higher rate.
 */
export async function validateTag(db: Db, tagId: string): Promise<TagValidation> {
  await getTag(db, tagId);
  const rows = await db.query<{ tagged: boolean; contacted: number; accepted: number; campaigns: number }>(
    `WITH finished AS (SELECT campaign_id FROM campaigns WHERE status IN ('finished', 'evaluated')),
       targets AS (
         SELECT DISTINCT t.campaign_id, t.subscriber_id FROM campaign_targets t JOIN finished USING (campaign_id) WHERE t.grp = 'treatment'),
       outcomes AS (
         SELECT t.campaign_id, t.subscriber_id,
           bool_or(e.outcome = 'accepted') AS accepted
         FROM targets t JOIN contact_events e ON e.campaign_id = CAST(t.campaign_id AS VARCHAR) AND e.subscriber_id = t.subscriber_id
         WHERE e.event_type = 'marketing' AND e.outcome IN ('accepted', 'refused')
         GROUP BY ALL)
     SELECT (o.subscriber_id IN (SELECT subscriber_id FROM customer_tags WHERE tag_id = $tag)) AS tagged,
       count(*)::INTEGER AS contacted, count(*) FILTER (WHERE o.accepted)::INTEGER AS accepted,
       count(DISTINCT o.campaign_id)::INTEGER AS campaigns
     FROM outcomes o GROUP BY 1`,
    { tag: tagId },
  );
  const campaigns = await db.one<{ n: number }>(
    `SELECT count(DISTINCT e.campaign_id)::INTEGER AS n FROM contact_events e
     WHERE e.campaign_id IN (SELECT CAST(campaign_id AS VARCHAR) FROM campaigns WHERE status IN ('finished', 'evaluated'))
       AND e.event_type = 'marketing' AND e.outcome IN ('accepted', 'refused')`,
  );
  const group = (tagged: boolean) => {
    const r = rows.find((x) => x.tagged === tagged);
    const contacted = r?.contacted ?? 0;
    const accepted = r?.accepted ?? 0;
    return { contacted, accepted, rate: contacted ? accepted / contacted : null };
  };
  const tagged = group(true);
  const untagged = group(false);
  const base = { tagId, campaigns: campaigns?.n ?? 0, tagged, untagged };
  if (!tagged.contacted || !untagged.contacted) return { ...base, difference: null, interval: null, pValue: null, significant: false };
  const cmp = compareProportions(tagged.accepted, tagged.contacted, untagged.accepted, untagged.contacted);
  return { ...base, difference: cmp.absolute, interval: cmp.absoluteCi, pValue: cmp.pValue, significant: cmp.pValue !== null && cmp.pValue < 0.05 };
}
