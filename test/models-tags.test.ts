// Customer tags on a province a person can reason about: 200 subscribers, every 10th VIP level 2
// (silver), ids 1..20 group key persons. Membership must equal what the rule says; validation
// must find the planted difference (silver VIPs accepted 60 of 100 campaign contacts, the others
// 20 of 100) and ignore campaigns that have not finished.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshCustomerFeatures } from '../src/customers/features.ts';
import { getJob } from '../src/jobs/jobs.ts';
import {
  commentOnTag,
  createTag,
  getTag,
  listTags,
  rateTag,
  recomputeTags,
  standardTags,
  startTagRecompute,
  tagComments,
  tagsOf,
  updateTag,
  validateTag,
} from '../src/models/tags.ts';
import type { Store } from '../src/store/store.ts';
import { tempStore } from './builders.ts';
import { smallProvince } from './campaign-builders.ts';

let store: Store;

async function campaignWithOutcomes(status: string, outcomes: Array<[number, 'accepted' | 'refused']>): Promise<number> {
  const row = await store.one<{ id: number }>(
    `INSERT INTO campaigns (name, category, status, plan, created_by) VALUES ('c', 'new_service', $status, '{}', 'planner') RETURNING campaign_id AS id`,
    { status },
  );
  const id = row!.id;
  for (const [sid, outcome] of outcomes) {
    await store.run(`INSERT INTO campaign_targets VALUES ($id, $sid, 1, 'outbound', 'all', 'treatment')`, { id, sid });
    await store.run(
      `INSERT INTO contact_events (subscriber_id, event_time, channel_id, event_type, business, outcome, campaign_id)
       VALUES ($sid, TIMESTAMP '2026-10-05 10:00:00', 'outbound', 'marketing', 'fetion_promo', $outcome, $key)`,
      { sid, outcome, key: String(id) },
    );
  }
  return id;
}

beforeAll(async () => {
  store = await tempStore('models-tags');
  await smallProvince(store, 200);
  await store.run('UPDATE subscribers SET is_group_key_person = true WHERE subscriber_id <= 20');
  await refreshCustomerFeatures(store);
  // 20 silver VIPs (10, 20, …, 200): each contacted 5 times over campaigns, 60 of 100 accepted
  const silver = Array.from({ length: 20 }, (_, i) => (i + 1) * 10);
  const others = Array.from({ length: 20 }, (_, i) => i * 10 + 1);
  const outcomes = (ids: number[], yes: number) =>
    ids.flatMap((sid, i) => Array.from({ length: 5 }, (_, k): [number, 'accepted' | 'refused'] => [sid, (i * 5 + k) < yes ? 'accepted' : 'refused']));
  // one subscriber per campaign per outcome row: spread the 5 contacts over 5 finished campaigns
  const silverOut = outcomes(silver, 60);
  const otherOut = outcomes(others, 20);
  for (let c = 0; c < 5; c++) {
    await campaignWithOutcomes(c % 2 ? 'finished' : 'evaluated', [...silverOut.filter((_, i) => i % 5 === c), ...otherOut.filter((_, i) => i % 5 === c)]);
  }
  // a running campaign where silver VIPs all refused: not finished, so not counted
  await campaignWithOutcomes('running', silver.map((sid): [number, 'refused'] => [sid, 'refused']));
});
afterAll(async () => store?.close());

describe('tags', () => {
  it('seeds the standard tags and five value tiers', async () => {
    const tags = await listTags(store);
    const ids = tags.map((t) => t.tagId);
    for (const id of ['vip_diamond', 'vip_gold', 'vip_silver', 'group_key_person', 'complaint_sensitive', 'suggestion_type', 'new_service_lover',
      'family_service', 'e_channel_preferring', 'negative_value', 'identity_customer']) expect(ids).toContain(id);
    expect(tags.filter((t) => t.kind === 'value_tier')).toHaveLength(5);
    expect(tags.length).toBe(standardTags.length);
  });

  it('recomputes members from the rules as a tracked job', async () => {
    const job = await startTagRecompute(store, 'analyst');
    const result = await job.done;
    expect((await getJob(store, job.jobId)).status).toBe('succeeded');
    expect(result.tags).toBe(standardTags.length);
    expect((await getTag(store, 'vip_silver')).members).toBe(20);
    expect((await getTag(store, 'group_key_person')).members).toBe(20);
    // identity customers: key persons with VIP level ≤ 1 — ids 1..20 except 10 and 20
    expect((await getTag(store, 'identity_customer')).members).toBe(18);
    // the five value tiers partition the province: every subscriber in exactly one
    const tiers = await store.query<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM customer_tags WHERE tag_id LIKE 'value_%' GROUP BY subscriber_id HAVING count(*) <> 1`,
    );
    expect(tiers).toHaveLength(0);
    const inTiers = await store.one<{ n: number }>(`SELECT count(DISTINCT subscriber_id)::INTEGER AS n FROM customer_tags WHERE tag_id LIKE 'value_%'`);
    expect(inTiers?.n).toBe(200);
  });

  it('gives a customer their tags with the marketing advice, for the decision API', async () => {
    const tags = await tagsOf(store, 10);
    expect(tags.map((t) => t.tagId)).toEqual(expect.arrayContaining(['vip_silver', 'group_key_person']));
    expect(tags.map((t) => t.tagId)).not.toContain('identity_customer');
    const silver = tags.find((t) => t.tagId === 'vip_silver')!;
    expect(silver.advice).toMatchObject({ channelId: 'outbound' });
    expect(silver.nameZh).toBe('银卡客户');
    expect(await tagsOf(store, 99_999)).toEqual([]);
  });

  it('follows an edited rule at the next recomputation, and takes custom tags', async () => {
    const tag = await getTag(store, 'vip_silver');
    await updateTag(store, 'vip_silver', { nameZh: tag.nameZh, nameEn: tag.nameEn, rule: { field: 'vipLevel', op: 'gte', value: 2 }, advice: tag.advice }, 'analyst');
    const custom = await createTag(store, { nameZh: '年轻客户', nameEn: 'Young customers', rule: { field: 'age', op: 'lt', value: 25 } }, 'analyst');
    expect(custom).toMatchObject({ tagId: 'young_customers', kind: 'custom' });
    await recomputeTags(store);
    // ages are 20 + id % 40: under 25 are ids ≡ 0..4 (mod 40), 5 of every 40
    expect((await getTag(store, 'young_customers')).members).toBe(25);
    expect((await getTag(store, 'vip_silver')).members).toBe(20);
  });

  it('refuses a rule over a field that is not allow-listed', async () => {
    await expect(createTag(store, { nameZh: '坏', nameEn: 'Bad', rule: { field: 'password', op: 'eq', value: 'x' } }, 'analyst')).rejects.toMatchObject({
      code: 'INVALID_SEGMENT',
      field: 'rule.field',
    });
  });

  it('keeps one rating per user (1–5) and every comment', async () => {
    await rateTag(store, 'vip_gold', 'planner', 2);
    await rateTag(store, 'vip_gold', 'planner', 4);
    const rated = await rateTag(store, 'vip_gold', 'analyst', 5);
    expect(rated).toMatchObject({ rating: 4.5, ratings: 2 });
    await expect(rateTag(store, 'vip_gold', 'planner', 6)).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'rating' });
    await expect(rateTag(store, 'vip_gold', 'planner', 0)).rejects.toMatchObject({ field: 'rating' });
    await commentOnTag(store, 'vip_gold', 'operator', '金卡客户到厅时优先接待，效果好');
    await commentOnTag(store, 'vip_gold', 'planner', '建议加上在网时长');
    expect((await tagComments(store, 'vip_gold')).map((c) => c.username)).toEqual(['planner', 'operator']);
    await expect(commentOnTag(store, 'vip_gold', 'planner', '   ')).rejects.toMatchObject({ field: 'body' });
  });

  it('validates a tag by the response rates of finished campaigns, with a significance test', async () => {
    const v = await validateTag(store, 'vip_silver');
    expect(v.campaigns).toBe(5);
    expect(v.tagged).toEqual({ contacted: 100, accepted: 60, rate: 0.6 });
    expect(v.untagged).toEqual({ contacted: 100, accepted: 20, rate: 0.2 });
    expect(v.difference).toBeCloseTo(0.4, 10);
    // pooled p = 0.4, se = √(0.4·0.6·(2/100)) = 0.06928; z = 5.77
    expect(v.pValue!).toBeLessThan(1e-7);
    expect(v.significant).toBe(true);
    // a tag nobody in the campaigns carries cannot be compared
    const none = await validateTag(store, 'vip_diamond');
    expect(none).toMatchObject({ pValue: null, significant: false, tagged: { contacted: 0 } });
  });
});
