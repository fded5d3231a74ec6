// The real-time decision API over HTTP (Fastify inject) on a real DuckDB file: offers with scripts,
// tags and an explanation; reservations that hold across channels, are released when not shown or
// after the timeout, and survive a restart; the policy document's API; wave lists; bad requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeChannelKey, createChannelKey } from '../src/channels/keys.ts';
import { wallText } from '../src/policy/clock.ts';
import { publishContacts } from '../src/policy/contacts.ts';
import { stopPolicyEngine } from '../src/policy/engine.ts';
import { holds, loadProduct } from '../src/policy/offers.ts';
import type { Store } from '../src/store/store.ts';
import { tempStore } from './builders.ts';
import { at, openPolicy, policyWorld, type PolicyWorld } from './policy-builders.ts';

let store: Store;
let world: PolicyWorld;

// these tests read why: they ask for the explanation (the front line's plain answer leaves it out)
const decide = (key: string | undefined, body: unknown, url = '/api/decide?explain=1') =>
  world.client.app.inject({ method: 'POST', url, headers: key === undefined ? {} : { 'x-channel-key': key }, payload: body as object });

beforeAll(async () => {
  store = await tempStore('decide');
  world = await policyWorld(store);
  await store.run(`INSERT INTO tags (tag_id, name_zh, name_en, rule, advice) VALUES ('vip_gold', '金卡客户', 'Gold VIP', '{"field":"vipLevel","op":"gte","value":2}', '{"script":"尊敬的金卡客户"}')`);
  await store.run(`INSERT INTO customer_tags VALUES ('vip_gold', ${world.targets[0]})`);
  await world.engine.loadTags();
});

afterAll(async () => {
  await stopPolicyEngine(store);
  await world?.client.app.close();
  await store?.close();
});

describe('POST /api/decide', () => {
  it('answers ranked offers with the channel\'s script, the customer\'s tags and why', async () => {
    await world.setPolicy({ ...openPolicy, maxOffersPerDecision: 1, levers: { MAIL139: 3 } });
    const s = world.targets[0]!;
    const res = await decide(world.keys.app, { subscriber: s, channel: 'app', context: { trigger: 'bill_payment', page: '/bill' } });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    // MAIL139: 0.1 × 1 × 5 yuan × 3 = 1.5 beats FETION: 0.1 × 1 × 0.01 (no margin) × 1
    expect(body.offers).toEqual([
      expect.objectContaining({ rank: 1, campaignId: world.campaignId, offerId: 'MAIL139', script: '139 邮箱 5 元/月', priority: 1.5, reservedUntil: '2026-11-03 10:30:00' }),
    ]);
    expect(body.tags).toEqual([{ tagId: 'vip_gold', nameZh: '金卡客户', nameEn: 'Gold VIP', advice: { script: '尊敬的金卡客户' } }]);
    expect(body.considered.map((c: { offerId: string; outcome: string; reason: string | null }) => [c.offerId, c.outcome, c.reason])).toEqual([
      ['MAIL139', 'offered', null],
      ['FETION', 'dropped', 'lower_priority'],
    ]);
    expect(body.explanation).toMatch(/Offered #1 MAIL139/);
    const stored = await store.query('SELECT subscriber_id, channel_id, offer_id, status FROM policy_reservations WHERE decision_id = $id', { id: body.decisionId });
    expect(stored).toEqual([{ subscriber_id: s, channel_id: 'app', offer_id: 'MAIL139', status: 'active' }]);
  });

  it('answers without the explanation unless asked, offering and reserving the same as with it', async () => {
    await world.setPolicy({ ...openPolicy, maxOffersPerDecision: 1, levers: { MAIL139: 3 } });
    const s = world.targets[8]!;
    const plain = await decide(world.keys.app, { subscriber: s, channel: 'app' }, '/api/decide');
    expect(plain.statusCode, plain.body).toBe(200);
    const body = plain.json();
    expect(Object.keys(body)).toEqual(['decisionId', 'subscriberId', 'channelId', 'at', 'offers', 'tags']);
    expect(body.offers).toEqual([expect.objectContaining({ rank: 1, offerId: 'MAIL139', priority: 1.5, script: '139 邮箱 5 元/月' })]);
    expect(await store.one('SELECT offer_id, status FROM policy_reservations WHERE decision_id = $id', { id: body.decisionId })).toEqual({ offer_id: 'MAIL139', status: 'active' });
    const explained = (await decide(world.keys.app, { subscriber: world.targets[9]!, channel: 'app' }, '/api/decide?explain=true')).json();
    expect(explained.offers.map((o: { offerId: string }) => o.offerId)).toEqual(['MAIL139']);
    expect(explained.considered).toHaveLength(2);
    expect(explained.explanation).toMatch(/Offered #1 MAIL139/);
  });

  it('two channels deciding for one customer at the same moment never exceed the daily cap', async () => {
    await world.setPolicy({ ...openPolicy, caps: [{ channel: '*', window: { kind: 'day' }, max: 1, counts: 'marketing' }] });
    const s = world.targets[1]!;
    const answers = await Promise.all([
      decide(world.keys.app, { subscriber: s, channel: 'app' }),
      decide(world.keys.web, { subscriber: s, channel: 'web' }),
      decide(world.keys.app, { subscriber: s, channel: 'app' }),
      decide(world.keys.web, { subscriber: s, channel: 'web' }),
    ]);
    const offered = answers.map((a) => a.json().offers.length);
    expect(offered.reduce((x, y) => x + y, 0)).toBe(1);
    const refused = answers.find((a) => a.json().offers.length === 0)!.json();
    expect(refused.considered[0]).toMatchObject({ outcome: 'dropped', reason: 'cap_reached' });
  });

  it('a reservation the channel reports not shown is released; one never reported expires', async () => {
    await world.setPolicy({ ...openPolicy, caps: [{ channel: '*', window: { kind: 'day' }, max: 1, counts: 'marketing' }], reservationTimeoutSeconds: 600 });
    const s = world.targets[2]!;
    const first = (await decide(world.keys.app, { subscriber: s, channel: 'app' })).json();
    expect(first.offers).toHaveLength(1);
    expect((await decide(world.keys.app, { subscriber: s, channel: 'app' })).json().offers).toHaveLength(0);
    publishContacts(store, [{ subscriberId: s, channelId: 'app', at: first.at, outcome: 'not_shown', campaignId: world.campaignId, offerId: first.offers[0].offerId, eventId: 'e1', decisionId: first.decisionId }]);
    const second = (await decide(world.keys.app, { subscriber: s, channel: 'app' })).json();
    expect(second.offers).toHaveLength(1);
    await world.engine.sweep();
    // released rows are written after the fact; give the update its turn
    await new Promise((r) => setTimeout(r, 50));
    expect(await store.one('SELECT status FROM policy_reservations WHERE decision_id = $id', { id: first.decisionId })).toEqual({ status: 'released' });
    world.clock.now += 601;
    await world.engine.sweep();
    expect(await store.one('SELECT status FROM policy_reservations WHERE decision_id = $id', { id: second.decisionId })).toEqual({ status: 'expired' });
    expect((await decide(world.keys.app, { subscriber: s, channel: 'app' })).json().offers).toHaveLength(1);
  });

  it('shown feedback confirms the reservation, and reservations survive a restart of the engine', async () => {
    await world.setPolicy({ ...openPolicy, caps: [{ channel: '*', window: { kind: 'week' }, max: 2, counts: 'marketing' }], reservationTimeoutSeconds: 86_400 });
    const s = world.targets[3]!;
    const first = (await decide(world.keys.web, { subscriber: s, channel: 'web' })).json();
    publishContacts(store, [{ subscriberId: s, channelId: 'web', at: first.at, outcome: 'shown', campaignId: world.campaignId, offerId: first.offers[0].offerId, eventId: 'w1', decisionId: first.decisionId }]);
    await new Promise((r) => setTimeout(r, 50));
    expect(await store.one('SELECT status FROM policy_reservations WHERE decision_id = $id', { id: first.decisionId })).toEqual({ status: 'confirmed' });
    // the feedback intake writes the shown contact into contact_events; a restart reads it from there
    await store.run(`INSERT INTO contact_events (subscriber_id, event_time, channel_id, event_type, business, outcome, campaign_id) VALUES ($s, CAST($at AS TIMESTAMP), 'web', 'marketing', $offer, 'completed', $c)`, {
      s,
      at: first.at,
      offer: first.offers[0].offerId,
      c: String(world.campaignId),
    });
    world.clock.now += 3600;
    const second = (await decide(world.keys.app, { subscriber: s, channel: 'app' })).json();
    expect(second.offers).toHaveLength(1);
    await world.restart();
    world.clock.now += 3600;
    const third = (await decide(world.keys.app, { subscriber: s, channel: 'app' })).json();
    expect(third.offers).toHaveLength(0);
    expect(third.considered[0]).toMatchObject({ reason: 'cap_reached' });
  });

  it('an accepted offer is not offered again; the next one is', async () => {
    await world.setPolicy({ ...openPolicy, stopAfterAcceptance: true, levers: { MAIL139: 3 } });
    const s = world.targets[4]!;
    const first = (await decide(world.keys.app, { subscriber: s, channel: 'app' })).json();
    expect(first.offers[0].offerId).toBe('MAIL139');
    publishContacts(store, [{ subscriberId: s, channelId: 'app', at: first.at, outcome: 'accepted', campaignId: world.campaignId, offerId: 'MAIL139', eventId: 'a1', decisionId: first.decisionId }]);
    const next = (await decide(world.keys.app, { subscriber: s, channel: 'app' })).json();
    expect(next.offers.map((o: { offerId: string }) => o.offerId)).toEqual(['FETION']);
    expect(next.considered.find((c: { offerId: string }) => c.offerId === 'MAIL139')).toMatchObject({ outcome: 'dropped', reason: 'accepted_before' });
  });

  it('campaign outcomes recorded through the campaign API reach the policy at once', async () => {
    await world.setPolicy({ ...openPolicy, stopAfterAcceptance: true, maxOffersPerDecision: 2 });
    const s = world.targets[6]!;
    const recorded = await world.client.call('operator', 'POST', `/api/campaigns/${world.campaignId}/outcomes`, {
      outcomes: [{ subscriberId: s, channel: 'app', outcome: 'accepted', at: '2026-11-03 09:00' }],
    });
    expect(recorded.status, recorded.text).toBe(200);
    const body = (await decide(world.keys.app, { subscriber: s, channel: 'app' })).json();
    // the campaign's outcome is about its first offer, FETION: only MAIL139 is left
    expect(body.offers.map((o: { offerId: string }) => o.offerId)).toEqual(['MAIL139']);
    expect(body.considered.find((c: { offerId: string }) => c.offerId === 'FETION')).toMatchObject({ reason: 'accepted_before' });
  });

  it('takes the propensity of the latest propensity model run for the offer\'s product', async () => {
    await world.setPolicy({ ...openPolicy, maxOffersPerDecision: 2 });
    const s = world.targets[7]!;
    const run = await store.one<{ id: number }>(
      `INSERT INTO model_runs (model, target, version, status, params, created_by, finished_at) VALUES ('propensity', 'FETION', 1, 'succeeded', '{}', 'analyst', now()) RETURNING run_id AS id`,
    );
    await store.run("INSERT INTO model_scores (run_id, subscriber_id, score) VALUES ($run, $s, 90)", { run: run!.id, s });
    world.engine.offers.forgetProduct('FETION');
    await world.engine.refreshOffers();
    const body = (await decide(world.keys.app, { subscriber: s, channel: 'app', context: { trigger: 'bill_payment' } })).json();
    const fetion = body.considered.find((c: { offerId: string }) => c.offerId === 'FETION');
    expect(fetion.factors).toEqual({ propensity: 0.9, propensitySource: `model run ${run!.id}`, contextWeight: 1, value: 0.01, valueSource: 'margin', lever: 1 });
    const mail = body.considered.find((c: { offerId: string }) => c.offerId === 'MAIL139');
    expect(mail.factors).toMatchObject({ propensity: 0.1, propensitySource: 'default', value: 5, valueSource: 'margin' });
    expect(body.offers.map((o: { offerId: string }) => o.offerId)).toEqual(['MAIL139', 'FETION']);
  });

  it('a customer who is not a target of a running campaign on the channel gets no offer, and says so', async () => {
    const notTarget = (await store.one<{ id: number }>(
      "SELECT min(subscriber_id) AS id FROM subscribers WHERE subscriber_id NOT IN (SELECT subscriber_id FROM campaign_targets WHERE grp = 'treatment')",
    ))!.id;
    const body = (await decide(world.keys.app, { subscriber: notTarget, channel: 'app' })).json();
    expect(body).toMatchObject({ offers: [], considered: [], explanation: 'No live offer for this customer on this channel.' });
  });

  it('a paused campaign\'s offers stop at once', async () => {
    await world.setPolicy(openPolicy);
    const s = world.targets[5]!;
    expect((await decide(world.keys.app, { subscriber: s, channel: 'app' })).json().offers).toHaveLength(1);
    const c = (await world.client.call('planner', 'GET', `/api/campaigns/${world.campaignId}`)).body;
    expect((await world.client.call('planner', 'POST', `/api/campaigns/${world.campaignId}/pause`, { version: c.version })).status).toBe(200);
    expect((await decide(world.keys.app, { subscriber: s, channel: 'app' })).json().offers).toHaveLength(0);
    const paused = (await world.client.call('planner', 'GET', `/api/campaigns/${world.campaignId}`)).body;
    expect((await world.client.call('planner', 'POST', `/api/campaigns/${world.campaignId}/resume`, { version: paused.version })).status).toBe(200);
    expect((await decide(world.keys.app, { subscriber: s, channel: 'app' })).json().offers).toHaveLength(1);
  });
});

describe('the value factor of a tariff plan offer', () => {
  it('is the customer\'s monthly saving from the latest tariff run that priced the plan; customers on the plan hold it', async () => {
    await store.run(`INSERT INTO products (product_id, kind, service, name_zh, name_en, monthly_fee_fen) VALUES ('P_GT58', 'tariff_plan', 'voice', '58 套餐', 'Plan 58', 5800)`);
    const run = await store.one<{ id: number }>(
      `INSERT INTO tariff_runs (name, job_id, plan_ids, filter, months, target_count, created_by, finished_at)
       VALUES ('t', 'job-t', ['P_GT58', 'P_GT88'], '{}', ['2026-08', '2026-09', '2026-10'], 1, 'analyst', now()) RETURNING run_id AS id`,
    );
    await store.run(
      `INSERT INTO tariff_run_results (run_id, subscriber_id, current_plan_id, months_billed, current_fen, costs, outcome, best_plan_ids, recommended, best_fen, saving_fen, revenue_change_fen)
       VALUES ($run, 1, 'P_GT88', 3, 30000, [24000, 30000], 'better', ['P_GT58'], ['P_GT58'], 24000, 6000, -6000)`,
      { run: run!.id },
    );
    const plan58 = await loadProduct(store, 'P_GT58', '2026-11-03');
    expect(plan58.savings?.get(1)).toBe(2000);
    expect(holds(plan58, 1)).toBe(false);
    // everyone in the small province is on P_GT88: they cannot be offered it
    expect(holds(await loadProduct(store, 'P_GT88', '2026-11-03'), 1)).toBe(true);
  });
});

describe('bad requests to /api/decide', () => {
  let revoked: string;
  beforeAll(async () => {
    const issued = await createChannelKey(store, 'app', 'old app build', 'admin');
    await revokeChannelKey(store, issued.key.keyId);
    revoked = issued.secret;
  });

  const big = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, 'x'.repeat(200)]));
  const cases: Array<[string, () => string | undefined, unknown, number, string, string, RegExp]> = [
    ['no key', () => undefined, { subscriber: 1, channel: 'app' }, 401, 'INVALID_CHANNEL_KEY', 'x-channel-key', /X-Channel-Key header/],
    ['a malformed key', () => 'let-me-in', { subscriber: 1, channel: 'app' }, 401, 'INVALID_CHANNEL_KEY', 'x-channel-key', /malformed/],
    ['an unknown key', () => `yk_${'0'.repeat(12)}_${'0'.repeat(40)}`, { subscriber: 1, channel: 'app' }, 401, 'INVALID_CHANNEL_KEY', 'x-channel-key', /not known/],
    ['a revoked key', () => revoked, { subscriber: 1, channel: 'app' }, 401, 'INVALID_CHANNEL_KEY', 'x-channel-key', /revoked/],
    ['an unknown subscriber', () => world.keys.app, { subscriber: 999_999, channel: 'app' }, 404, 'UNKNOWN_SUBSCRIBER', 'subscriber', /Subscriber 999999 does not exist/],
    ['an unknown channel', () => world.keys.app, { subscriber: 1, channel: 'fax' }, 400, 'UNKNOWN_CHANNEL', 'channel', /"fax" is not a channel/],
    ['another channel than the key\'s', () => world.keys.app, { subscriber: 1, channel: 'web' }, 403, 'CHANNEL_MISMATCH', 'channel', /speaks for "app", not "web"/],
    ['a subscriber id that is text', () => world.keys.app, { subscriber: 'abc', channel: 'app' }, 400, 'VALIDATION_FAILED', 'subscriber', /must be integer/],
    ['a subscriber id of zero', () => world.keys.app, { subscriber: 0, channel: 'app' }, 400, 'VALIDATION_FAILED', 'subscriber', /must be >= 1/],
    ['a fractional subscriber id', () => world.keys.app, { subscriber: 1.5, channel: 'app' }, 400, 'VALIDATION_FAILED', 'subscriber', /must be integer/],
    ['a subscriber id beyond 32 bits', () => world.keys.app, { subscriber: 2 ** 33, channel: 'app' }, 400, 'VALIDATION_FAILED', 'subscriber', /must be <= 2147483647/],
    ['a null subscriber', () => world.keys.app, { subscriber: null, channel: 'app' }, 400, 'VALIDATION_FAILED', 'subscriber', /must be >= 1/],
    ['no subscriber', () => world.keys.app, { channel: 'app' }, 400, 'VALIDATION_FAILED', 'subscriber', /must have required property 'subscriber'/],
    ['no channel', () => world.keys.app, { subscriber: 1 }, 400, 'VALIDATION_FAILED', 'channel', /must have required property 'channel'/],
    ['an empty channel', () => world.keys.app, { subscriber: 1, channel: '' }, 400, 'VALIDATION_FAILED', 'channel', /must NOT have fewer than 1 characters/],
    ['a channel id too long', () => world.keys.app, { subscriber: 1, channel: 'x'.repeat(33) }, 400, 'VALIDATION_FAILED', 'channel', /must NOT have more than 32 characters/],
    ['a context that is not an object', () => world.keys.app, { subscriber: 1, channel: 'app', context: 'bill' }, 400, 'VALIDATION_FAILED', 'context', /must be object/],
    ['a trigger of the wrong type', () => world.keys.app, { subscriber: 1, channel: 'app', context: { trigger: { at: 'bill' } } }, 400, 'VALIDATION_FAILED', 'context.trigger', /must be string/],
    ['a trigger with spaces', () => world.keys.app, { subscriber: 1, channel: 'app', context: { trigger: 'pay bill' } }, 400, 'VALIDATION_FAILED', 'context.trigger', /must match pattern/],
    ['a context value that is an object', () => world.keys.app, { subscriber: 1, channel: 'app', context: { page: { deep: 1 } } }, 400, 'VALIDATION_FAILED', 'context.page', /must be string/],
    ['a context of too many fields', () => world.keys.app, { subscriber: 1, channel: 'app', context: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])) }, 400, 'VALIDATION_FAILED', 'context', /must NOT have more than 20 properties/],
    ['an oversize context', () => world.keys.app, { subscriber: 1, channel: 'app', context: big }, 400, 'CONTEXT_TOO_LARGE', 'context', /at most 2048/],
  ];

  it.each(cases)('refuses %s', async (_name, key, body, status, code, field, message) => {
    const before = await store.one<{ n: number }>('SELECT count(*) AS n FROM policy_reservations');
    const res = await decide(key(), body);
    expect(res.statusCode, res.body).toBe(status);
    const error = res.json();
    expect(error).toMatchObject({ code, field });
    expect(error.message).toMatch(message);
    // nothing half-done: no reservation was made
    expect(await store.one<{ n: number }>('SELECT count(*) AS n FROM policy_reservations')).toEqual(before);
  });
});

describe('the policy document over HTTP', () => {
  it('reads the policy, saves a new version with an audit entry, and refuses a stale or bad one', async () => {
    const read = await world.client.call('auditor', 'GET', '/api/policy');
    expect(read.status).toBe(200);
    const { version, policy } = read.body;
    const saved = await world.client.call('admin', 'PUT', '/api/policy', { version, policy: { ...policy, maxRefusals: 3 } });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body).toMatchObject({ version: version + 1, updatedBy: 'admin', policy: { maxRefusals: 3 } });
    const audit = await store.one<{ action: string; target: string }>("SELECT action, target FROM audit_log WHERE action = 'policy.update' ORDER BY audit_id DESC LIMIT 1");
    expect(audit).toEqual({ action: 'policy.update', target: `contact_policy:${version + 1}` });

    const stale = await world.client.call('admin', 'PUT', '/api/policy', { version, policy });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'STALE_VERSION', field: 'version' });
    const unknown = await world.client.call('admin', 'PUT', '/api/policy', { version: version + 1, policy: { ...policy, caps: [{ channel: 'fax', window: { kind: 'day' }, max: 1, counts: 'all' }] } });
    expect(unknown.body).toMatchObject({ code: 'UNKNOWN_CHANNEL', field: 'caps[0].channel' });
    const badWindow = await world.client.call('admin', 'PUT', '/api/policy', { version: version + 1, policy: { ...policy, quietHours: [{ channel: 'app', from: '25:00', to: '07:00' }] } });
    expect(badWindow.status).toBe(400);
    expect(badWindow.body.field).toBe('policy.quietHours.0.from');
    const planner = await world.client.call('planner', 'PUT', '/api/policy', { version: version + 1, policy });
    expect(planner.status).toBe(403);
  });
});

describe('wave lists', () => {
  it('lists the wave\'s treatment targets on their channel and counts each exclusion by reason', async () => {
    await world.setPolicy({ ...openPolicy, caps: [{ channel: '*', window: { kind: 'day' }, max: 1, counts: 'marketing' }] });
    world.clock.now = at('2026-11-20 10:00:00');
    // one customer already reached today on the app, one who complained yesterday (D = 14 by then)
    const [reached, complained] = [world.targets[10]!, world.targets[11]!];
    expect((await decide(world.keys.app, { subscriber: reached, channel: 'app' })).json().offers).toHaveLength(1);
    publishContacts(store, [{ subscriberId: complained, channelId: 'agent', at: wallText(world.clock.now - 86_400), outcome: 'complaint', campaignId: null, offerId: null, eventId: 'c1' }]);
    await world.setPolicy({ ...openPolicy, caps: [{ channel: '*', window: { kind: 'day' }, max: 1, counts: 'marketing' }], complaintQuietDays: 14 });
    const res = await world.client.call('planner', 'POST', `/api/campaigns/${world.campaignId}/waves/1/list`);
    expect(res.status, res.text).toBe(200);
    const counts = res.body;
    expect(counts.targets).toBe(world.targets.length);
    const reasons = Object.fromEntries(counts.byReason.map((r: { reason: string; subscribers: number }) => [r.reason, r.subscribers]));
    expect(reasons.cap_reached).toBeGreaterThanOrEqual(1);
    expect(reasons.complained_recently).toBe(1);
    expect(counts.listed + counts.excluded).toBe(counts.targets);
    const rows = await world.client.call('analyst', 'GET', `/api/campaigns/${world.campaignId}/waves/1/list?status=excluded&reason=complained_recently`);
    expect(rows.body.items).toEqual([expect.objectContaining({ subscriberId: complained, status: 'excluded', reason: 'complained_recently' })]);
    // the listed contacts count for real-time decisions: the same day, the app has nothing for them
    const listed = (await world.client.call('analyst', 'GET', `/api/campaigns/${world.campaignId}/waves/1/list?status=listed&pageSize=1`)).body.items[0];
    const after = (await decide(world.keys.app, { subscriber: listed.subscriberId, channel: 'app' })).json();
    expect(after.offers).toHaveLength(0);
    expect(after.considered[0].reason).toBe('cap_reached');
    const again = await world.client.call('planner', 'POST', `/api/campaigns/${world.campaignId}/waves/1/list`);
    expect(again.body.listed).toBe(counts.listed);

    const missing = await world.client.call('planner', 'POST', `/api/campaigns/${world.campaignId}/waves/2/list`);
    expect(missing.body).toMatchObject({ code: 'UNKNOWN_WAVE', field: 'wave' });
    const nope = await world.client.call('planner', 'POST', '/api/campaigns/9999/waves/1/list');
    expect(nope.status).toBe(404);
  });
});

describe("the front line's tags", () => {
  it('gives each customer the tags they hold, by tag id, and none to the untagged', async () => {
    await store.run(`INSERT INTO tags (tag_id, name_zh, name_en, rule, advice) VALUES ('churn_risk', '流失风险', 'Churn risk', '{"field":"vipLevel","op":"gte","value":0}', '{}')`);
    const [a, b, c] = [world.targets[20]!, world.targets[21]!, world.targets[22]!];
    await store.run(`INSERT INTO customer_tags VALUES ('vip_gold', ${b}), ('churn_risk', ${b}), ('churn_risk', ${a})`);
    await world.engine.loadTags();
    const tagsOf = async (s: number) => (await decide(world.keys.app, { subscriber: s, channel: 'app' })).json().tags.map((t: { tagId: string }) => t.tagId);
    expect(await tagsOf(b)).toEqual(['churn_risk', 'vip_gold']);
    expect(await tagsOf(a)).toEqual(['churn_risk']);
    expect(await tagsOf(c)).toEqual([]);
    expect(await tagsOf(world.targets[0]!)).toEqual(['vip_gold']);
  });
});
