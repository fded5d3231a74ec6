// The campaign API in process (Fastify inject) on a small hand-made province: the lifecycle with
// its roles, audit and optimistic concurrency, and a table of bad requests, each refused with a
// 4xx naming the field and leaving the database exactly as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/store.ts';
import { tempStore } from './builders.ts';
import { basePlan, campaignApp, campaignIn, smallProvince, type Client, type Role } from './campaign-builders.ts';

let store: Store;
let client: Client;

beforeAll(async () => {
  store = await tempStore('campaigns-api');
  await smallProvince(store);
  client = await campaignApp(store);
});

afterAll(async () => {
  await client?.app.close();
  await store?.close();
});

const version = async (id: number) => (await store.one<{ v: number }>('SELECT version AS v FROM campaigns WHERE campaign_id = $id', { id }))!.v;

describe('campaign lifecycle', () => {
  it('goes draft → submitted → returned → submitted → approved → scheduled → running → paused → running → finished → evaluated, each step audited', async () => {
    const { call } = client;
    const created = await call('planner', 'POST', '/api/campaigns', basePlan({ waves: [] }));
    expect(created.status).toBe(201);
    const id = created.body.campaignId;
    expect(created.body).toMatchObject({ status: 'draft', version: 1, createdBy: 'planner', startDate: null });
    expect(created.body.plan).toMatchObject({ waveMode: 'parallel', controlPercent: 20, channels: [{ segment: 'VIP' }, { segment: 'mass' }] });
    expect(created.body.allowedActions).toEqual(['edit', 'delete', 'submit']);

    // an incomplete draft can be saved but not submitted
    const early = await call('planner', 'POST', `/api/campaigns/${id}/submit`, { version: 1 });
    expect(early).toMatchObject({ status: 400, body: { code: 'INCOMPLETE_PLAN', field: 'waves' } });

    const edited = await call('planner', 'PUT', `/api/campaigns/${id}`, { ...basePlan(), version: 1 });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ version: 2, startDate: '2026-11-01', endDate: '2026-11-15' });

    const submitted = await call('planner', 'POST', `/api/campaigns/${id}/submit`, { version: 2 });
    expect(submitted.body).toMatchObject({ status: 'submitted', version: 3, submittedBy: 'planner', targetFilter: { field: 'age', op: 'gte', value: 18 } });
    expect((await call('approver', 'GET', `/api/campaigns/${id}`)).body.allowedActions).toEqual(['approve', 'return']);

    const inbox = await call('approver', 'GET', '/api/campaigns/inbox');
    expect(inbox.body.items.map((c: { campaignId: number }) => c.campaignId)).toContain(id);

    const returned = await call('approver', 'POST', `/api/campaigns/${id}/return`, { version: 3, reason: 'Budget for gifts too high' });
    expect(returned.body).toMatchObject({ status: 'draft', version: 4, returnReason: 'Budget for gifts too high', submittedBy: null });

    await call('planner', 'POST', `/api/campaigns/${id}/submit`, { version: 4 });
    const approved = await call('approver', 'POST', `/api/campaigns/${id}/approve`, { version: 5 });
    expect(approved.body).toMatchObject({ status: 'approved', approvedBy: 'approver', returnReason: null });

    const scheduled = await call('planner', 'POST', `/api/campaigns/${id}/schedule`, { version: 6 });
    expect(scheduled.status).toBe(200);
    const t = scheduled.body.targets;
    expect(t.treatment + t.control + t.excluded).toBe(60); // every subscriber is aged ≥ 18: each is a target or excluded
    expect(t.byReason.map((r: { reason: string }) => r.reason)).toEqual(expect.arrayContaining(['status_suspended', 'status_arrears', 'status_cancelled', 'dnd']));

    for (const [action, status] of [['start', 'running'], ['pause', 'paused'], ['resume', 'running'], ['finish', 'finished']] as const) {
      const res = await call('planner', 'POST', `/api/campaigns/${id}/${action}`, { version: await version(id) });
      expect(res.body.status, action).toBe(status);
    }
    const evaluated = await call('analyst', 'POST', `/api/campaigns/${id}/evaluate`, { version: await version(id) });
    expect(evaluated.body).toMatchObject({ status: 'evaluated', version: 12 });
    const report = await call('auditor', 'GET', `/api/campaigns/${id}/report`);
    expect(report.body).toMatchObject({ campaignId: id, status: 'evaluated' });

    const history = (await call('auditor', 'GET', `/api/campaigns/${id}/history`)).body;
    expect(history.map((h: { actor: string; action: string }) => `${h.actor}:${h.action}`)).toEqual([
      'planner:campaign.create', 'planner:campaign.update', 'planner:campaign.submit', 'approver:campaign.return', 'planner:campaign.submit',
      'approver:campaign.approve', 'planner:campaign.schedule', 'planner:campaign.start', 'planner:campaign.pause', 'planner:campaign.resume',
      'planner:campaign.finish', 'analyst:campaign.evaluate',
    ]);
    expect(history[1].detail.changes).toEqual(expect.arrayContaining([{ path: 'waves[0]', from: null, to: { name: 'W1', startDate: '2026-11-01', endDate: '2026-11-15' } }]));
    expect(history[3].detail).toMatchObject({ from: 'submitted', to: 'draft', reason: 'Budget for gifts too high', version: 4 });
    expect(history[6].detail.targets.treatment).toBe(t.treatment);
    expect(history.every((h: { occurredAt: string }) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(h.occurredAt))).toBe(true);
  });

  it('lets an admin do a planner’s work but never approve a campaign the admin created', async () => {
    const { id, version: v } = await campaignIn(client, 'submitted', basePlan({ name: 'Admin’s own' }), 'admin');
    const self = await client.call('admin', 'POST', `/api/campaigns/${id}/approve`, { version: v });
    expect(self).toMatchObject({ status: 403, body: { code: 'SELF_APPROVAL', field: 'createdBy' } });
    expect((await client.call('admin', 'GET', '/api/campaigns/inbox')).body.items.map((c: { campaignId: number }) => c.campaignId)).not.toContain(id);
    expect((await client.call('approver', 'POST', `/api/campaigns/${id}/approve`, { version: v })).body.status).toBe('approved');
  });

  it('treats the submitter like the creator: an admin who submits a planner’s draft cannot approve it', async () => {
    const { id, version: v } = await campaignIn(client, 'draft', basePlan({ name: 'Submitted by admin' }));
    const submitted = await client.call('admin', 'POST', `/api/campaigns/${id}/submit`, { version: v });
    const res = await client.call('admin', 'POST', `/api/campaigns/${id}/approve`, { version: submitted.body.version });
    expect(res).toMatchObject({ status: 403, body: { code: 'SELF_APPROVAL', field: 'submittedBy' } });
  });

  it('accepts exactly one of two concurrent changes made from the same version', async () => {
    const { id, version: v } = await campaignIn(client, 'draft', basePlan({ name: 'Race' }));
    const [a, b] = await Promise.all([
      client.call('planner', 'PUT', `/api/campaigns/${id}`, { ...basePlan({ name: 'Race A' }), version: v }),
      client.call('admin', 'PUT', `/api/campaigns/${id}`, { ...basePlan({ name: 'Race B' }), version: v }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect([a, b].find((r) => r.status === 409)!.body).toMatchObject({ code: 'STALE_VERSION', field: 'version' });
    const row = await store.one<{ name: string; version: number }>('SELECT name, version FROM campaigns WHERE campaign_id = $id', { id });
    expect(row).toEqual({ name: [a, b].find((r) => r.status === 200)!.body.name, version: v + 1 });
    expect((await store.one<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE target = $t AND action = 'campaign.update'", { t: `campaign:${id}` }))!.n).toBe(1);
  });

  it('lists campaigns by status, name and creator, sorted and paged', async () => {
    const all = (await client.call('analyst', 'GET', '/api/campaigns?pageSize=200')).body;
    expect(all.total).toBeGreaterThanOrEqual(4);
    const drafts = (await client.call('analyst', 'GET', '/api/campaigns?status=draft&status=submitted&sort=name&order=asc')).body;
    expect(drafts.items.every((c: { status: string }) => ['draft', 'submitted'].includes(c.status))).toBe(true);
    const names = drafts.items.map((c: { name: string }) => c.name);
    expect(names).toEqual([...names].sort());
    const page = (await client.call('analyst', 'GET', '/api/campaigns?sort=createdAt&order=asc&pageSize=1&page=2')).body;
    expect(page.items).toHaveLength(1);
    expect(page.items[0].campaignId).toBe(all.items.map((c: { campaignId: number }) => c.campaignId).sort((x: number, y: number) => x - y)[1]);
    expect((await client.call('analyst', 'GET', '/api/campaigns?q=admin%E2%80%99s')).body.items.map((c: { name: string }) => c.name)).toEqual(['Admin’s own']);
    const categories = all.items.map((c: { category: string }) => c.category);
    const category = categories[0];
    const ofCategory = (await client.call('analyst', 'GET', `/api/campaigns?category=${category}&pageSize=200`)).body;
    expect(ofCategory.total).toBe(categories.filter((c: string) => c === category).length);
    const absent = ['new_service', 'retention', 'tariff', 'value_up', 'care', 'diversion', 'other'].find((c) => !categories.includes(c));
    expect((await client.call('analyst', 'GET', `/api/campaigns?category=${absent}`)).body.total).toBe(0);
    expect((await client.call('analyst', 'GET', '/api/campaigns?category=lottery')).status).toBe(400);
    const evaluated = (await client.call('analyst', 'GET', '/api/campaigns?status=evaluated')).body.items[0];
    expect(evaluated.treatment).toBeGreaterThan(0);
  });

  it('deletes a draft (with its version) and nothing else', async () => {
    const { id, version: v } = await campaignIn(client, 'draft', basePlan({ name: 'To delete' }));
    expect((await client.call('planner', 'DELETE', `/api/campaigns/${id}?version=${v}`)).status).toBe(204);
    expect((await client.call('planner', 'GET', `/api/campaigns/${id}`)).status).toBe(404);
  });

  it('keeps the global holdout setting, which only an admin may change', async () => {
    const s = (await client.call('planner', 'GET', '/api/campaigns/settings')).body;
    expect(s).toMatchObject({ holdoutPercent: 2, subscribers: 60 });
    expect((await client.call('planner', 'PUT', '/api/campaigns/settings', { holdoutPercent: 5 })).status).toBe(403);
    const changed = await client.call('admin', 'PUT', '/api/campaigns/settings', { holdoutPercent: 5 });
    expect(changed.body.holdoutSubscribers).toBeGreaterThanOrEqual(s.holdoutSubscribers);
    await client.call('admin', 'PUT', '/api/campaigns/settings', { holdoutPercent: 2 });
  });
});

describe('bad requests', () => {
  const ids: Record<string, number> = {};
  let control = 0;
  let treatment = 0;

  beforeAll(async () => {
    ids.draft = (await campaignIn(client, 'draft', basePlan({ name: 'Bad-input draft' }))).id;
    await client.call('planner', 'PUT', `/api/campaigns/${ids.draft}`, { ...basePlan({ name: 'Bad-input draft, edited' }), version: 1 });
    const gift = await client.call('planner', 'POST', `/api/campaigns/${ids.draft}/resources`, { kind: 'gift', description: '飞信公仔', quantity: 10, unitValueFen: 500 });
    expect(gift.status).toBe(201);
    ids.incomplete = (await campaignIn(client, 'draft', basePlan({ name: 'Incomplete', waves: [] }))).id;
    ids.submitted = (await campaignIn(client, 'submitted', basePlan({ name: 'Bad-input submitted' }))).id;
    ids.adminOwn = (await campaignIn(client, 'submitted', basePlan({ name: 'Bad-input admin own' }), 'admin')).id;
    ids.running = (await campaignIn(client, 'running', basePlan({ name: 'Bad-input running' }))).id;
    const groups = await store.query<{ grp: string; id: number }>(
      'SELECT grp, min(subscriber_id) AS id FROM campaign_targets WHERE campaign_id = $c GROUP BY grp',
      { c: ids.running },
    );
    control = groups.find((g) => g.grp === 'control')!.id;
    treatment = groups.find((g) => g.grp === 'treatment')!.id;
    const applied = await client.call('planner', 'POST', `/api/campaigns/${ids.running}/resources`, { kind: 'prepaid_credit', description: '话费 1 元', quantity: 100, unitValueFen: 100 });
    ids.resource = applied.body.resourceId;
    await client.call('approver', 'POST', `/api/campaigns/${ids.running}/resources/${ids.resource}/approve`, {});
    ids.adminResource = (await client.call('admin', 'POST', `/api/campaigns/${ids.running}/resources`, { kind: 'gift', description: '公仔', quantity: 10, unitValueFen: 500 })).body.resourceId;
  });

  const snapshot = async () => ({
    campaigns: await store.query('SELECT campaign_id, status, version, name, CAST(plan AS VARCHAR) AS plan, return_reason, submitted_by, approved_by FROM campaigns ORDER BY 1'),
    targets: await store.one("SELECT count(*) AS n, CAST(sum(hash(campaign_id, subscriber_id, wave_no, channel_id, segment, grp)) AS VARCHAR) AS h FROM campaign_targets"),
    exclusions: await store.one('SELECT count(*) AS n FROM campaign_exclusions'),
    resources: await store.query('SELECT resource_id, status, used_quantity FROM campaign_resources ORDER BY 1'),
    outcomes: await store.one('SELECT count(*) AS n FROM contact_events WHERE campaign_id IS NOT NULL'),
    audit: await store.one("SELECT count(*) AS n FROM audit_log WHERE action LIKE 'campaign.%'"),
    settings: await store.query('SELECT * FROM marketing_settings ORDER BY key'),
  });

  interface Scenario {
    name: string;
    as: Role;
    method: 'GET' | 'POST' | 'PUT' | 'DELETE';
    url: () => string | Promise<string>;
    body?: () => Promise<unknown> | unknown;
    status: number;
    code: string;
    field: string;
  }
  const post = (name: string, as: Role, url: () => string, body: Scenario['body'], status: number, code: string, field: string): Scenario => ({ name, as, method: 'POST', url, body, status, code, field });
  const create = (name: string, plan: Record<string, unknown>, code: string, field: string): Scenario => post(name, 'planner', () => '/api/campaigns', () => plan, 400, code, field);
  const filterTarget = (filter: unknown) => ({ target: { kind: 'filter', filter } });
  const at = (id: string, path = '') => () => `/api/campaigns/${ids[id]}${path}`;
  const current = (id: string, extra: Record<string, unknown> = {}) => async () => ({ version: await version(ids[id]), ...extra });

  const scenarios: Scenario[] = [
    create('empty name', basePlan({ name: '' }), 'VALIDATION_FAILED', 'name'),
    create('blank name', basePlan({ name: '   ' }), 'VALIDATION_FAILED', 'name'),
    create('negative budget item', basePlan({ budget: [{ item: 'discounts', plannedFen: -500 }] }), 'VALIDATION_FAILED', 'budget.0.plannedFen'),
    create('unknown budget item', basePlan({ budget: [{ item: 'bribes', plannedFen: 500 }] }), 'VALIDATION_FAILED', 'budget.0.item'),
    create('the same budget item twice', basePlan({ budget: [{ item: 'discounts', plannedFen: 1 }, { item: 'discounts', plannedFen: 2 }] }), 'INVALID_INPUT', 'budget[1].item'),
    create('control share above 50%', basePlan({ controlPercent: 60 }), 'VALIDATION_FAILED', 'controlPercent'),
    create('negative control share', basePlan({ controlPercent: -1 }), 'VALIDATION_FAILED', 'controlPercent'),
    create('filter on a field not in the allow-list', basePlan(filterTarget({ field: 'msisdn', op: 'eq', value: '13800000001' })), 'INVALID_SEGMENT', 'target.filter.field'),
    create('filter with an operator the field does not take', basePlan(filterTarget({ all: [{ field: 'age', op: 'gte', value: 18 }, { field: 'brand', op: 'gt', value: 'gotone' }] })), 'INVALID_SEGMENT', 'target.filter.all[1].op'),
    create('filter holding a product that does not exist', basePlan(filterTarget({ all: [{ field: 'age', op: 'gte', value: 18 }, { holds: { productId: 'NO_SUCH' } }] })), 'UNKNOWN_PRODUCT', 'target.filter.all[1].holds.productId'),
    create('channel rule with a field not in the allow-list', basePlan({ channels: [{ channelId: 'outbound', when: { field: 'password', op: 'eq', value: 'x' } }] }), 'INVALID_SEGMENT', 'channels[0].when.field'),
    create('unknown saved segment', basePlan({ target: { kind: 'segment', segmentId: 999 } }), 'UNKNOWN_SEGMENT', 'target.segmentId'),
    create('target kind without its value', basePlan({ target: { kind: 'list' } }), 'INVALID_INPUT', 'target.subscriberIds'),
    create('uploaded list naming an unknown subscriber', basePlan({ target: { kind: 'list', subscriberIds: [1, 999, 2] } }), 'UNKNOWN_SUBSCRIBER', 'target.subscriberIds[1]'),
    create('unknown product', basePlan({ offers: [{ productId: 'NO_SUCH_THING' }] }), 'UNKNOWN_PRODUCT', 'offers[0].productId'),
    create('product withdrawn from sale', basePlan({ offers: [{ productId: 'OLD_PACK' }] }), 'UNKNOWN_PRODUCT', 'offers[0].productId'),
    create('script for a channel the campaign does not use', basePlan({ offers: [{ productId: 'FETION', scripts: { web: 'hi' } }] }), 'INVALID_INPUT', 'offers[0].scripts.web'),
    create('unknown channel', basePlan({ channels: [{ channelId: 'carrier_pigeon' }] }), 'UNKNOWN_CHANNEL', 'channels[0].channelId'),
    create('wave dates reversed', basePlan({ waves: [{ startDate: '2026-11-15', endDate: '2026-11-01' }] }), 'DATES_REVERSED', 'waves[0].endDate'),
    create('a date not on the calendar', basePlan({ waves: [{ startDate: '2026-02-30', endDate: '2026-03-05' }] }), 'INVALID_INPUT', 'waves[0].startDate'),
    create('serial waves that overlap', basePlan({ waveMode: 'serial', waves: [{ startDate: '2026-11-01', endDate: '2026-11-10' }, { startDate: '2026-11-10', endDate: '2026-11-20' }] }), 'INVALID_INPUT', 'waves[1].startDate'),
    create('a wave using a channel no rule uses', basePlan({ waves: [{ startDate: '2026-11-01', endDate: '2026-11-10', channels: ['store'] }] }), 'INVALID_INPUT', 'waves[0].channels[0]'),
    create('advertising that ends before it starts', basePlan({ promotion: { advertising: [{ medium: 'tv', content: 'x', startDate: '2026-11-02', endDate: '2026-11-01' }] } }), 'DATES_REVERSED', 'promotion.advertising[0].endDate'),
    create('material with no quantity', basePlan({ promotion: { materials: [{ kind: 'poster', quantity: 0, destination: 'C01' }] } }), 'VALIDATION_FAILED', 'promotion.materials.0.quantity'),
    { name: 'stale version on edit', as: 'planner', method: 'PUT', url: at('draft'), body: async () => ({ ...basePlan(), version: (await version(ids.draft)) - 1 }), status: 409, code: 'STALE_VERSION', field: 'version' },
    { name: 'budget cut below the resources applied for', as: 'planner', method: 'PUT', url: at('draft'), body: async () => ({ ...basePlan({ budget: [{ item: 'gifts_materials', plannedFen: 4_999 }] }), version: await version(ids.draft) }), status: 400, code: 'BUDGET_BELOW_RESOURCES', field: 'budget[0].plannedFen' },
    { name: 'edit a submitted campaign', as: 'planner', method: 'PUT', url: at('submitted'), body: async () => ({ ...basePlan(), version: await version(ids.submitted) }), status: 409, code: 'NOT_EDITABLE', field: 'status' },
    { name: 'delete a running campaign', as: 'planner', method: 'DELETE', url: async () => `/api/campaigns/${ids.running}?version=${await version(ids.running)}`, status: 409, code: 'NOT_EDITABLE', field: 'status' },
    { name: 'delete without a version', as: 'planner', method: 'DELETE', url: () => `/api/campaigns/${ids.draft}`, status: 400, code: 'VALIDATION_FAILED', field: 'version' },
    post('start a draft (illegal transition)', 'planner', at('draft', '/start'), current('draft'), 409, 'ILLEGAL_TRANSITION', 'status'),
    post('approve a running campaign', 'approver', at('running', '/approve'), current('running'), 409, 'ILLEGAL_TRANSITION', 'status'),
    post('stale version on a transition', 'planner', at('running', '/pause'), async () => ({ version: (await version(ids.running)) - 1 }), 409, 'STALE_VERSION', 'version'),
    post('approve one’s own campaign', 'admin', at('adminOwn', '/approve'), current('adminOwn'), 403, 'SELF_APPROVAL', 'createdBy'),
    post('approve without the permission', 'planner', at('submitted', '/approve'), current('submitted'), 403, 'FORBIDDEN', 'role'),
    post('create without the permission', 'operator', () => '/api/campaigns', () => basePlan(), 403, 'FORBIDDEN', 'role'),
    post('evaluate without the permission', 'operator', at('running', '/evaluate'), current('running'), 403, 'FORBIDDEN', 'role'),
    post('return without a reason', 'approver', at('submitted', '/return'), current('submitted', { reason: '   ' }), 400, 'REASON_REQUIRED', 'reason'),
    post('submit an incomplete draft', 'planner', at('incomplete', '/submit'), current('incomplete'), 400, 'INCOMPLETE_PLAN', 'waves'),
    post('adjust with nothing to adjust', 'planner', at('running', '/adjust'), current('running'), 400, 'NOTHING_TO_ADJUST', 'body'),
    post('adjust a budget item the plan has not', 'planner', at('running', '/adjust'), current('running', { budgetActuals: [{ item: 'per_head', actualFen: 10 }] }), 400, 'INVALID_INPUT', 'budgetActuals[0].item'),
    post('adjust a wave that does not exist', 'planner', at('running', '/adjust'), current('running', { waves: [{ waveNo: 3, endDate: '2026-12-01' }] }), 400, 'INVALID_INPUT', 'waves[0].waveNo'),
    post('adjust a wave to end before it starts', 'planner', at('running', '/adjust'), current('running', { waves: [{ waveNo: 1, endDate: '2026-10-01' }] }), 400, 'DATES_REVERSED', 'waves[0].endDate'),
    post('adjust the planned budget (not allowed while running)', 'planner', at('running', '/adjust'), current('running', { budgetActuals: [{ item: 'discounts', actualFen: 5, plannedFen: 1 }] }), 400, 'VALIDATION_FAILED', 'budgetActuals.0'),
    post('adjust a draft', 'planner', at('draft', '/adjust'), current('draft', { budgetActuals: [{ item: 'discounts', actualFen: 5 }] }), 409, 'ILLEGAL_TRANSITION', 'status'),
    post('resource over budget', 'planner', at('running', '/resources'), () => ({ kind: 'prepaid_credit', description: '话费', quantity: 1000, unitValueFen: 100 }), 400, 'RESOURCE_OVER_BUDGET', 'quantity'),
    post('approve one’s own resource application', 'admin', () => `/api/campaigns/${ids.running}/resources/${ids.adminResource}/approve`, () => ({}), 403, 'SELF_APPROVAL', 'appliedBy'),
    post('approve a resource twice', 'approver', () => `/api/campaigns/${ids.running}/resources/${ids.resource}/approve`, () => ({}), 409, 'ILLEGAL_TRANSITION', 'status'),
    post('reject a resource without a note', 'approver', () => `/api/campaigns/${ids.running}/resources/${ids.adminResource}/reject`, () => ({}), 400, 'REASON_REQUIRED', 'note'),
    post('use more of a resource than approved', 'planner', () => `/api/campaigns/${ids.running}/resources/${ids.resource}/usage`, () => ({ usedQuantity: 101 }), 400, 'OVER_APPROVED', 'usedQuantity'),
    post('an outcome for a control-group member', 'operator', at('running', '/outcomes'), () => ({ outcomes: [{ subscriberId: treatment, channel: 'outbound', outcome: 'accepted', at: '2026-11-02 10:00' }, { subscriberId: control, channel: 'outbound', outcome: 'accepted', at: '2026-11-02 10:00' }] }), 400, 'NOT_A_TARGET', 'outcomes[1].subscriberId'),
    post('an outcome for an excluded subscriber', 'operator', at('running', '/outcomes'), () => ({ outcomes: [{ subscriberId: 3, channel: 'outbound', outcome: 'refused', at: '2026-11-02 10:00' }] }), 400, 'NOT_A_TARGET', 'outcomes[0].subscriberId'),
    post('an outcome on a channel the campaign does not use', 'operator', at('running', '/outcomes'), () => ({ outcomes: [{ subscriberId: treatment, channel: 'store', outcome: 'accepted', at: '2026-11-02 10:00' }] }), 400, 'INVALID_INPUT', 'outcomes[0].channel'),
    post('an outcome at a time that does not exist', 'operator', at('running', '/outcomes'), () => ({ outcomes: [{ subscriberId: treatment, channel: 'outbound', outcome: 'accepted', at: '2026-11-31 10:00' }] }), 400, 'INVALID_INPUT', 'outcomes[0].at'),
    post('an outcome that is not a marketing outcome', 'operator', at('running', '/outcomes'), () => ({ outcomes: [{ subscriberId: treatment, channel: 'outbound', outcome: 'resolved', at: '2026-11-02 10:00' }] }), 400, 'VALIDATION_FAILED', 'outcomes.0.outcome'),
    post('outcomes for a campaign that is not running', 'operator', at('draft', '/outcomes'), () => ({ outcomes: [{ subscriberId: 1, channel: 'outbound', outcome: 'accepted', at: '2026-11-02 10:00' }] }), 409, 'NOT_RUNNING', 'status'),
    { name: 'report before targets exist', as: 'analyst', method: 'GET', url: at('draft', '/report'), status: 409, code: 'NOT_SCHEDULED', field: 'status' },
    { name: 'unknown campaign', as: 'analyst', method: 'GET', url: () => '/api/campaigns/99999', status: 404, code: 'NOT_FOUND', field: 'id' },
    { name: 'page size too large', as: 'analyst', method: 'GET', url: () => '/api/campaigns?pageSize=1000', status: 400, code: 'VALIDATION_FAILED', field: 'pageSize' },
    { name: 'list by a status that does not exist', as: 'analyst', method: 'GET', url: () => '/api/campaigns?status=cancelled', status: 400, code: 'VALIDATION_FAILED', field: 'status.0' },
    { name: 'holdout share too large', as: 'admin', method: 'PUT', url: () => '/api/campaigns/settings', body: () => ({ holdoutPercent: 60 }), status: 400, code: 'VALIDATION_FAILED', field: 'holdoutPercent' },
  ];

  it('has at least 20 distinct refusals', () => {
    expect(new Set(scenarios.map((s) => s.name)).size).toBe(scenarios.length);
    expect(scenarios.length).toBeGreaterThanOrEqual(20);
  });

  it.each(scenarios.map((s) => [s.name, s] as const))('refuses %s with the field and changes nothing', async (_name, s) => {
    const before = await snapshot();
    const res = await client.call(s.as, s.method, await s.url(), s.body ? await s.body() : undefined);
    expect({ status: res.status, code: res.body?.code, field: res.body?.field }).toEqual({ status: s.status, code: s.code, field: s.field });
    expect(typeof res.body.message).toBe('string');
    expect(res.body.message).not.toMatch(/SELECT|INSERT|UPDATE|at .*\.ts:/);
    expect(await snapshot()).toEqual(before);
  });
});
