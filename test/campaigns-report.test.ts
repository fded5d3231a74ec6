// Targets and evaluation on a hand-made province of 200 subscribers: who is excluded and why, the
// reproducible control split, waves and channel rules, then outcomes and orders fed by hand and a
// report whose every number is checked against those counts.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCampaignRow } from '../src/campaigns/campaigns.ts';
import { compareProportions } from '../src/campaigns/stats.ts';
import { controlKey, holdoutCounts, holdoutSetting, inGlobalHoldout, materializeTargets, md5Bucket } from '../src/campaigns/targets.ts';
import type { Store } from '../src/store/store.ts';
import { tempStore } from './builders.ts';
import { basePlan, campaignApp, campaignIn, smallProvince, type Client } from './campaign-builders.ts';

const N = 200;
let store: Store;
let client: Client;

beforeAll(async () => {
  store = await tempStore('campaigns-report');
  await smallProvince(store, N);
  client = await campaignApp(store);
});

afterAll(async () => {
  await client?.app.close();
  await store?.close();
});

const statusOf = (id: number) => (id % 20 === 3 ? 'suspended' : id % 20 === 7 ? 'arrears' : id % 20 === 11 ? 'cancelled' : 'active');
const isVip = (id: number) => id % 10 === 0;

async function targets(campaignId: number) {
  return store.query<{ subscriber_id: number; wave_no: number; channel_id: string; segment: string; grp: string }>(
    'SELECT subscriber_id, wave_no, channel_id, segment, grp FROM campaign_targets WHERE campaign_id = $id ORDER BY subscriber_id, wave_no',
    { id: campaignId },
  );
}
async function exclusions(campaignId: number) {
  const rows = await store.query<{ subscriber_id: number; reason: string }>('SELECT subscriber_id, reason FROM campaign_exclusions WHERE campaign_id = $id ORDER BY 1', { id: campaignId });
  return new Map(rows.map((r) => [r.subscriber_id, r.reason]));
}

describe('target materialization', () => {
  it('excludes the global holdout, then abnormal status, then do-not-disturb, each with its reason', async () => {
    const { id } = await campaignIn(client, 'scheduled', basePlan({ name: 'Exclusions' }));
    const setting = await holdoutSetting(store);
    const expected = new Map<number, string>();
    for (let s = 1; s <= N; s++) {
      const reason = inGlobalHoldout(setting, s) ? 'holdout' : statusOf(s) !== 'active' ? `status_${statusOf(s)}` : s % 20 === 13 ? 'dnd' : null;
      if (reason) expected.set(s, reason);
    }
    expect(await exclusions(id)).toEqual(expected);
    expect([...expected.values()]).toContain('holdout');
    const counts = (await client.call('planner', 'GET', `/api/campaigns/${id}/targets`)).body;
    expect(counts.excluded).toBe(expected.size);
    expect(counts.treatment + counts.control).toBe(N - expected.size);
    expect(counts.byReason.map((r: { reason: string }) => r.reason)).toEqual(['holdout', 'status_suspended', 'status_arrears', 'status_cancelled', 'dnd'].filter((r) => [...expected.values()].includes(r)));
    // the SQL bucket is the documented md5 bucket
    const sql = await holdoutCounts(store);
    expect(sql.holdout).toBe(Array.from({ length: N }, (_, i) => i + 1).filter((s) => inGlobalHoldout(setting, s)).length);
  });

  it('draws the control group by hash(campaign, subscriber): reproducible, and different for another campaign', async () => {
    const a = await campaignIn(client, 'scheduled', basePlan({ name: 'Split A' }));
    const b = await campaignIn(client, 'scheduled', basePlan({ name: 'Split B' }));
    const rowsA = await targets(a.id);
    expect(rowsA.length).toBeGreaterThan(100);
    for (const r of rowsA) expect(r.grp, `subscriber ${r.subscriber_id}`).toBe(md5Bucket(`${controlKey(a.id)}${r.subscriber_id}`) < 2000 ? 'control' : 'treatment');
    const controlA = rowsA.filter((r) => r.grp === 'control').map((r) => r.subscriber_id);
    const controlB = (await targets(b.id)).filter((r) => r.grp === 'control').map((r) => r.subscriber_id);
    expect(controlA).not.toEqual(controlB);
    // materializing again gives the same rows
    const row = await getCampaignRow(store, a.id);
    await store.transaction((tx) => materializeTargets(tx, a.id, row.plan, row.targetFilter));
    expect(await targets(a.id)).toEqual(rowsA);
  });

  it('routes customers by the first channel rule that takes them', async () => {
    const { id } = await campaignIn(client, 'scheduled', basePlan({ name: 'Routing' }));
    for (const r of await targets(id)) {
      expect([r.channel_id, r.segment]).toEqual(isVip(r.subscriber_id) ? ['account_mgr', 'VIP'] : ['outbound', 'mass']);
    }
  });

  it('excludes as no_channel the customers no rule takes', async () => {
    const { id } = await campaignIn(client, 'scheduled', basePlan({ name: 'VIP only', offers: [{ productId: 'FETION' }], channels: [{ channelId: 'account_mgr', when: { field: 'vipLevel', op: 'gte', value: 2 } }] }));
    const x = await exclusions(id);
    for (let s = 1; s <= N; s++) {
      if (!isVip(s) && statusOf(s) === 'active' && s % 20 !== 13 && x.get(s) !== 'holdout') expect(x.get(s)).toBe('no_channel');
    }
    expect((await targets(id)).every((r) => isVip(r.subscriber_id) && r.segment === 'account_mgr')).toBe(true);
  });

  it('fills parallel waves up to their size in turn and excludes the rest as over capacity', async () => {
    const waves = [
      { name: 'first', startDate: '2026-11-01', endDate: '2026-11-07', size: 30 },
      { name: 'second', startDate: '2026-11-08', endDate: '2026-11-14', size: 20 },
    ];
    const { id } = await campaignIn(client, 'scheduled', basePlan({ name: 'Capacity', waves }));
    const rows = await targets(id);
    expect(rows.filter((r) => r.wave_no === 1)).toHaveLength(30);
    expect(rows.filter((r) => r.wave_no === 2)).toHaveLength(20);
    expect(new Set(rows.map((r) => r.subscriber_id)).size).toBe(50);
    const counts = (await client.call('planner', 'GET', `/api/campaigns/${id}`)).body.targets;
    const eligible = N - [...(await exclusions(id)).values()].filter((r) => r !== 'over_capacity').length;
    expect(counts.byReason.find((r: { reason: string }) => r.reason === 'over_capacity').subscribers).toBe(eligible - 50);
  });

  it('takes every target through serial waves, each on its wave’s channels', async () => {
    const waves = [
      { name: 'promote', startDate: '2026-11-01', endDate: '2026-11-07', channels: ['outbound'] },
      { name: 'sell', startDate: '2026-11-08', endDate: '2026-11-20', channels: ['account_mgr', 'outbound'] },
    ];
    const { id } = await campaignIn(client, 'scheduled', basePlan({ name: 'Serial', waveMode: 'serial', waves }));
    const rows = await targets(id);
    const subscribers = [...new Set(rows.map((r) => r.subscriber_id))];
    expect(rows).toHaveLength(subscribers.length * 2);
    for (const r of rows) expect(r.channel_id).toBe(r.wave_no === 1 || !isVip(r.subscriber_id) ? 'outbound' : 'account_mgr');
    // the group is the subscriber's, whatever the wave
    for (const s of subscribers) expect(new Set(rows.filter((r) => r.subscriber_id === s).map((r) => r.grp)).size).toBe(1);
  });

  it('targets an uploaded list, and a saved segment as it stood when the campaign was submitted', async () => {
    const list = await campaignIn(client, 'scheduled', basePlan({ name: 'List', target: { kind: 'list', subscriberIds: [1, 2, 4, 5, 6, 8, 9, 10] } }));
    const listed = new Set([...(await targets(list.id)).map((r) => r.subscriber_id), ...(await exclusions(list.id)).keys()]);
    expect([...listed].sort((a, b) => a - b)).toEqual([1, 2, 4, 5, 6, 8, 9, 10]);

    const segment = await client.call('planner', 'POST', '/api/segments', { name: 'Young', filter: { field: 'age', op: 'lt', value: 30 } });
    const { id, version } = await campaignIn(client, 'submitted', basePlan({ name: 'Segment', target: { kind: 'segment', segmentId: segment.body.segmentId } }));
    await client.call('planner', 'PUT', `/api/segments/${segment.body.segmentId}`, { name: 'Young', filter: { field: 'age', op: 'gte', value: 30 } });
    const approved = await client.call('approver', 'POST', `/api/campaigns/${id}/approve`, { version });
    await client.call('planner', 'POST', `/api/campaigns/${id}/schedule`, { version: approved.body.version });
    const ages = await store.query<{ age: number }>(
      'SELECT s.age FROM campaign_targets t JOIN subscribers s USING (subscriber_id) WHERE t.campaign_id = $id',
      { id },
    );
    expect(ages.length).toBeGreaterThan(0);
    expect(ages.every((a) => a.age < 30)).toBe(true);
  });
});

describe('tracking and evaluation', () => {
  let id = 0;
  let rows: Awaited<ReturnType<typeof targets>> = [];
  const treatmentOn = (channel: string) => rows.filter((r) => r.grp === 'treatment' && r.channel_id === channel).map((r) => r.subscriber_id);
  const control = () => rows.filter((r) => r.grp === 'control').map((r) => r.subscriber_id);
  const outcome = (subscriberId: number, channel: string, o: string, at = '2026-11-03 10:00') => ({ subscriberId, channel, outcome: o, at });

  beforeAll(async () => {
    const plan = basePlan({ name: 'Evaluated', alerts: { minContacted: 5, minSuccessRate: 0.7, maxExclusionShare: 0.1 } });
    ({ id } = await campaignIn(client, 'running', plan));
    rows = await targets(id);
    const outbound = treatmentOn('outbound');
    const vip = treatmentOn('account_mgr');
    expect(outbound.length).toBeGreaterThanOrEqual(21);
    expect(vip.length).toBeGreaterThanOrEqual(5);
    const batch = [
      ...outbound.slice(0, 10).map((s) => outcome(s, 'outbound', 'accepted')),
      ...outbound.slice(10, 16).map((s) => outcome(s, 'outbound', 'refused')),
      ...outbound.slice(16, 20).map((s) => outcome(s, 'outbound', 'no_answer')),
      // a second try reaches one who did not answer: refused, then accepted the day after
      outcome(outbound[16], 'outbound', 'refused', '2026-11-04 09:00'),
      outcome(outbound[16], 'outbound', 'accepted', '2026-11-05T09:30:00'),
      ...vip.slice(0, 4).map((s) => outcome(s, 'account_mgr', 'accepted')),
      outcome(vip[4], 'account_mgr', 'refused'),
    ];
    const first = await client.call('operator', 'POST', `/api/campaigns/${id}/outcomes`, { outcomes: batch });
    expect(first.body).toEqual({ recorded: batch.length, duplicates: 0 });
    const again = await client.call('operator', 'POST', `/api/campaigns/${id}/outcomes`, { outcomes: batch.slice(0, 3) });
    expect(again.body).toEqual({ recorded: 0, duplicates: 3 });
    // orders of the offer: three control members and one uncontacted target inside the waves' dates, one control member before
    const c = control();
    const orders = [
      [c[0], '2026-11-02 12:00:00'], [c[1], '2026-11-10 12:00:00'], [c[2], '2026-11-15 23:59:00'],
      [outbound[20], '2026-11-06 08:00:00'],
      [c[3], '2026-10-20 08:00:00'],
    ];
    for (const [s, at] of orders) {
      await store.run(
        "INSERT INTO orders (order_id, subscriber_id, product_id, channel_id, action, order_time, status) VALUES ($o, $s, 'FETION', 'store', 'order', CAST($at AS TIMESTAMP), 'completed')",
        { o: `O${s}`, s, at },
      );
    }
  });

  it('counts targets, contacts, success and response overall, with uplift against the control group', async () => {
    const r = (await client.call('analyst', 'GET', `/api/campaigns/${id}/report`)).body;
    const nT = rows.filter((x) => x.grp === 'treatment').length;
    const nC = control().length;
    expect(r.overall).toMatchObject({ targets: nT, control: nC, attempted: 25, contacted: 22, accepted: 15, responders: 16, controlResponders: 3 });
    expect(r.overall.contactRate).toBeCloseTo(22 / nT, 12);
    expect(r.overall.successRate).toBeCloseTo(15 / 22, 12);
    expect(r.overall.responseRate).toBeCloseTo(16 / nT, 12);
    expect(r.overall.controlRate).toBeCloseTo(3 / nC, 12);
    const expected = compareProportions(16, nT, 3, nC);
    expect(r.uplift.absolute).toBeCloseTo(16 / nT - 3 / nC, 12);
    expect(r.uplift.absoluteCi).toEqual(expected.absoluteCi);
    expect(r.uplift.pValue).toBe(expected.pValue);
    expect(r.uplift.relative).toBeCloseTo(16 / nT / (3 / nC) - 1, 12);
    expect(r.uplift.incrementalResponders).toBeCloseTo((16 / nT - 3 / nC) * nT, 10);
    expect(r.sampleRatio).toMatchObject({ expectedControlShare: 0.2, mismatch: false });
    expect(r.sampleRatio.observedControlShare).toBeCloseTo(nC / (nT + nC), 12);
    expect(r.window).toEqual({ startDate: '2026-11-01', endDate: '2026-11-15' });
  });

  it('breaks the results down by channel, wave and segment', async () => {
    const r = (await client.call('analyst', 'GET', `/api/campaigns/${id}/report`)).body;
    const byChannel = Object.fromEntries(r.byChannel.map((c: { key: string }) => [c.key, c]));
    expect(Object.keys(byChannel)).toEqual(['account_mgr', 'outbound']);
    expect(byChannel.outbound).toMatchObject({ label: '外呼中心', targets: treatmentOn('outbound').length, attempted: 20, contacted: 17, accepted: 11, responders: 12 });
    expect(byChannel.outbound.successRate).toBeCloseTo(11 / 17, 12);
    expect(byChannel.account_mgr).toMatchObject({ label: '客户经理', targets: treatmentOn('account_mgr').length, attempted: 5, contacted: 5, accepted: 4, successRate: 0.8 });
    expect(r.byWave).toHaveLength(1);
    expect(r.byWave[0]).toMatchObject({ key: '1', label: 'W1', targets: r.overall.targets, contacted: 22 });
    expect(r.bySegment.map((s: { key: string; accepted: number }) => [s.key, s.accepted])).toEqual([['VIP', 4], ['mass', 11]]);
  });

  it('warns when success falls below the threshold and too many targets were excluded', async () => {
    const r = (await client.call('analyst', 'GET', `/api/campaigns/${id}/report`)).body;
    const codes = r.warnings.map((w: { code: string; key?: string }) => `${w.code}:${w.key ?? ''}`);
    expect(codes).toContain('LOW_SUCCESS_RATE:overall'); // 15/22 < 70%
    expect(codes).toContain('LOW_SUCCESS_RATE:outbound'); // 11/17 < 70%
    expect(codes).not.toContain('LOW_SUCCESS_RATE:account_mgr'); // 80%
    expect(codes).toContain('HIGH_EXCLUSIONS:');
    expect(codes.some((c: string) => c.startsWith('BUDGET_OVERRUN'))).toBe(false);
  });

  it('tracks gifted prepaid credit and budget actuals into cost per incremental response, ROI and overrun warnings', async () => {
    const applied = await client.call('planner', 'POST', `/api/campaigns/${id}/resources`, { kind: 'prepaid_credit', description: '赠送话费 5 元', quantity: 100, unitValueFen: 500 });
    expect(applied).toMatchObject({ status: 201, body: { status: 'applied', budgetItem: 'discounts', amountFen: 50_000 } });
    const over = await client.call('planner', 'POST', `/api/campaigns/${id}/resources`, { kind: 'prepaid_credit', description: 'one more', quantity: 1, unitValueFen: 1 });
    expect(over.body).toMatchObject({ code: 'RESOURCE_OVER_BUDGET', field: 'quantity', details: { plannedFen: 50_000, committedFen: 50_000 } });
    const rid = applied.body.resourceId;
    expect((await client.call('approver', 'POST', `/api/campaigns/${id}/resources/${rid}/approve`, { note: 'ok' })).body.status).toBe('approved');
    expect((await client.call('planner', 'POST', `/api/campaigns/${id}/resources/${rid}/usage`, { usedQuantity: 16 })).body).toMatchObject({ usedQuantity: 16, usedFen: 8_000 });

    const version = (await client.call('planner', 'GET', `/api/campaigns/${id}`)).body.version;
    const adjusted = await client.call('planner', 'POST', `/api/campaigns/${id}/adjust`, {
      version,
      reason: 'invoices in',
      budgetActuals: [{ item: 'gifts_materials', actualFen: 120_000 }, { item: 'discounts', actualFen: 8_000 }],
    });
    expect(adjusted.status).toBe(200);
    const r = (await client.call('analyst', 'GET', `/api/campaigns/${id}/report`)).body;
    expect(r.resources).toEqual([{ kind: 'prepaid_credit', approvedFen: 50_000, usedFen: 8_000, useRate: 0.16 }]);
    expect(r.costs.items).toEqual([
      { item: 'gifts_materials', plannedFen: 100_000, actualFen: 120_000, resourcesApprovedFen: 0, resourcesUsedFen: 0 },
      { item: 'channel_commission', plannedFen: 20_000, actualFen: 0, resourcesApprovedFen: 0, resourcesUsedFen: 0 },
      { item: 'discounts', plannedFen: 50_000, actualFen: 8_000, resourcesApprovedFen: 50_000, resourcesUsedFen: 8_000 },
    ]);
    expect(r.costs).toMatchObject({ plannedFen: 170_000, actualFen: 128_000, valuePerResponseFen: 2_000 });
    const incremental = r.uplift.incrementalResponders;
    expect(r.costs.costPerIncrementalResponseFen).toBe(Math.round(128_000 / incremental));
    expect(r.costs.incrementalValueFen).toBe(Math.round(incremental * 2_000));
    expect(r.costs.roi).toBeCloseTo((Math.round(incremental * 2_000) - 128_000) / 128_000, 12);
    expect(r.warnings.filter((w: { code: string }) => w.code === 'BUDGET_OVERRUN').map((w: { key: string }) => w.key)).toEqual(['gifts_materials']);
    const history = (await client.call('auditor', 'GET', `/api/campaigns/${id}/history`)).body;
    const adjust = history.find((h: { action: string }) => h.action === 'campaign.adjust');
    expect(adjust.detail).toMatchObject({ reason: 'invoices in', rerouted: 0, status: 'running' });
    expect(adjust.detail.changes).toEqual([
      { path: 'budget[0].actualFen', from: 0, to: 120_000 },
      { path: 'budget[1].actualFen', from: 0, to: 8_000 },
    ]);
    expect(history.map((h: { action: string }) => h.action)).toEqual(expect.arrayContaining(['campaign.resource.apply', 'campaign.resource.approve', 'campaign.resource.use', 'campaign.outcomes']));
  });

  it('re-routes by adjusted channel rules only the targets not yet contacted', async () => {
    const reached = new Set(
      (await store.query<{ s: number }>('SELECT DISTINCT subscriber_id AS s FROM contact_events WHERE campaign_id = $key', { key: String(id) })).map((r) => r.s),
    );
    expect(reached.size).toBe(25);
    const version = (await client.call('planner', 'GET', `/api/campaigns/${id}`)).body.version;
    const res = await client.call('planner', 'POST', `/api/campaigns/${id}/adjust`, { version, channels: [{ channelId: 'outbound', segment: 'all' }, { channelId: 'account_mgr', segment: 'VIP' }] });
    expect(res.status).toBe(200);
    const after = await targets(id);
    for (const [i, r] of after.entries()) {
      const before = rows[i];
      expect(r.subscriber_id).toBe(before.subscriber_id);
      if (reached.has(r.subscriber_id)) expect([r.channel_id, r.segment]).toEqual([before.channel_id, before.segment]);
      else expect([r.channel_id, r.segment]).toEqual(['outbound', 'all']);
    }
    const history = (await client.call('auditor', 'GET', `/api/campaigns/${id}/history`)).body;
    expect(history.at(-1).detail.rerouted).toBe(rows.length - reached.size);
    expect(history.at(-1).detail.changes).toEqual(expect.arrayContaining([{ path: 'channels[0].channelId', from: 'account_mgr', to: 'outbound' }]));
  });

  it('exports the report as CSV with a BOM, a breakdown table and the summary', async () => {
    const res = await client.call('analyst', 'GET', `/api/campaigns/${id}/report.csv`);
    expect(res.status).toBe(200);
    expect(res.text.charCodeAt(0)).toBe(0xfeff);
    const lines = res.text.slice(1).split('\r\n');
    expect(lines[0]).toBe('section,key,label,targets,attempted,contacted,contact_rate,accepted,success_rate,responders,response_rate,control,control_responders,control_rate,uplift,uplift_ci_low,uplift_ci_high,p_value');
    const account = lines.find((l) => l.startsWith('channel,account_mgr,'))!.split(',');
    const onAccountMgr = (await targets(id)).filter((r) => r.grp === 'treatment' && r.channel_id === 'account_mgr').length;
    expect(account.slice(0, 9)).toEqual(['channel', 'account_mgr', '客户经理', String(onAccountMgr), '5', '5', String(Number((5 / onAccountMgr).toPrecision(6))), '4', '0.8']);
    expect(lines).toContain('metric,value');
    expect(lines.some((l) => l.startsWith('uplift_p_value,0.'))).toBe(true);
    expect(lines).toContain('warning_BUDGET_OVERRUN,gifts_materials: 120000 fen spent against a budget of 100000 fen');
  });

  it('exports the same report as an Excel workbook with a breakdown and a summary sheet', async () => {
    const csv = (await client.call('analyst', 'GET', `/api/campaigns/${id}/report.csv`)).text.slice(1).split('\r\n');
    const res = await client.app.inject({ method: 'GET', url: `/api/campaigns/${id}/report.xlsx`, headers: { authorization: `Bearer ${await client.token('analyst')}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as never);
    const breakdown = workbook.getWorksheet('breakdown')!;
    const rows = breakdown.getSheetValues().slice(1) as unknown[][];
    const account = rows.find((r) => r[1] === 'channel' && r[2] === 'account_mgr')!.slice(1);
    const csvAccount = csv.find((l) => l.startsWith('channel,account_mgr,'))!.split(',');
    expect(account.slice(0, 9).map(String)).toEqual(csvAccount.slice(0, 9));
    const summary = workbook.getWorksheet('summary')!.getSheetValues().slice(1) as unknown[][];
    expect(summary.find((r) => r[1] === 'warning_BUDGET_OVERRUN')?.[2]).toBe('gifts_materials: 120000 fen spent against a budget of 100000 fen');
  });

  it('freezes the report when the campaign is evaluated', async () => {
    for (const action of ['finish', 'evaluate'] as const) {
      const version = (await client.call('planner', 'GET', `/api/campaigns/${id}`)).body.version;
      expect((await client.call('planner', 'POST', `/api/campaigns/${id}/${action}`, { version })).status).toBe(200);
    }
    const frozen = (await client.call('analyst', 'GET', `/api/campaigns/${id}/report`)).body;
    expect(frozen.status).toBe('evaluated');
    await store.run("INSERT INTO orders (order_id, subscriber_id, product_id, channel_id, action, order_time, status) VALUES ('late', $s, 'FETION', 'store', 'order', '2026-11-09 10:00:00', 'completed')", { s: control()[5] });
    expect((await client.call('analyst', 'GET', `/api/campaigns/${id}/report`)).body).toEqual(frozen);
    const late = await client.call('operator', 'POST', `/api/campaigns/${id}/outcomes`, { outcomes: [outcome(treatmentOn('outbound')[30], 'outbound', 'accepted')] });
    expect(late.body).toMatchObject({ code: 'NOT_RUNNING', field: 'status' });
  });

  it('flags a control split that is not what was planned (sample-ratio mismatch)', async () => {
    const { id: broken } = await campaignIn(client, 'running', basePlan({ name: 'Broken split' }));
    // simulate a faulty split: a third of the treated moved into the control group
    await store.run("UPDATE campaign_targets SET grp = 'control' WHERE campaign_id = $id AND grp = 'treatment' AND subscriber_id % 3 = 0", { id: broken });
    const r = (await client.call('analyst', 'GET', `/api/campaigns/${broken}/report`)).body;
    expect(r.sampleRatio.mismatch).toBe(true);
    expect(r.sampleRatio.pValue).toBeLessThan(0.001);
    expect(r.warnings.map((w: { code: string }) => w.code)).toContain('SAMPLE_RATIO_MISMATCH');
  });
});
