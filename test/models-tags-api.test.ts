// The HTTP surface of tags, fit and CPC: permissions, jobs, bad input named by field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshCustomerFeatures } from '../src/customers/features.ts';
import type { Store } from '../src/store/store.ts';
import { tempStore } from './builders.ts';
import { campaignApp, smallProvince, type Client } from './campaign-builders.ts';

let store: Store;
let client: Client;

async function waitForJob(jobId: string): Promise<any> {
  for (let i = 0; i < 200; i++) {
    const job = await client.call('admin', 'GET', `/api/jobs/${jobId}`);
    if (job.body.status === 'succeeded' || job.body.status === 'failed') return job.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('job did not finish');
}

beforeAll(async () => {
  store = await tempStore('models-tags-api');
  await smallProvince(store, 200);
  await refreshCustomerFeatures(store);
  client = await campaignApp(store);
});
afterAll(async () => {
  await client?.app.close();
  await store?.close();
});

describe('tags API', () => {
  it('recomputes as a job and shows a customer their tags', async () => {
    expect((await client.call('planner', 'POST', '/api/tags/recompute')).status).toBe(403);
    const started = await client.call('analyst', 'POST', '/api/tags/recompute');
    expect(started.status).toBe(202);
    expect((await waitForJob(started.body.jobId)).status).toBe('succeeded');
    const tags = await client.call('operator', 'GET', '/api/tags');
    expect(tags.body.find((t: any) => t.tagId === 'vip_silver').members).toBe(20);
    const mine = await client.call('operator', 'GET', '/api/customers/10/tags');
    expect(mine.body.map((t: any) => t.tagId)).toContain('vip_silver');
  });

  it('takes ratings and comments from users holding tags.comment only, rating 1–5', async () => {
    expect((await client.call('operator', 'PUT', '/api/tags/vip_silver/rating', { rating: 4 })).body).toMatchObject({ rating: 4, ratings: 1 });
    const bad = await client.call('operator', 'PUT', '/api/tags/vip_silver/rating', { rating: 7 });
    expect(bad).toMatchObject({ status: 400, body: { code: 'INVALID_INPUT', field: 'rating' } });
    expect((await client.call('approver', 'PUT', '/api/tags/vip_silver/rating', { rating: 3 })).status).toBe(403);
    expect((await client.call('planner', 'POST', '/api/tags/vip_silver/comments', { body: '准确' })).status).toBe(201);
    expect((await client.call('auditor', 'GET', '/api/tags/vip_silver/comments')).body).toHaveLength(1);
  });

  it('takes a tag whose advice names no channel (null), and keeps it null', async () => {
    const res = await client.call('analyst', 'POST', '/api/tags', {
      nameZh: '无渠道', nameEn: 'No channel', rule: { field: 'vipLevel', op: 'gte', value: 5 }, advice: { script: 'Call them', timing: '', channelId: null },
    });
    expect(res.status).toBe(201);
    expect(res.body.advice).toEqual({ script: 'Call them', timing: '', channelId: null });
    expect((await client.call('analyst', 'DELETE', '/api/tags/no_channel')).status).toBe(204);
  });

  it('refuses a tag rule over a field that is not allow-listed, naming it', async () => {
    const res = await client.call('analyst', 'POST', '/api/tags', { nameZh: '坏', nameEn: 'Bad', rule: { field: 'msisdn', op: 'eq', value: '1' } });
    expect(res).toMatchObject({ status: 400, body: { code: 'INVALID_SEGMENT', field: 'rule.field' } });
  });

  it('validates a tag (no finished campaigns yet: nothing to compare)', async () => {
    const res = await client.call('planner', 'GET', '/api/tags/vip_silver/validation');
    expect(res.body).toMatchObject({ campaigns: 0, pValue: null, significant: false });
  });
});

describe('fit API', () => {
  it('serves the graded matrix and takes audited overrides from models.settings only', async () => {
    const m = await client.call('planner', 'GET', '/api/models/fit');
    expect(m.status).toBe(200);
    expect(m.body.cells.length).toBeGreaterThan(50);
    expect((await client.call('planner', 'PUT', '/api/models/fit/overrides/FETION/store', { grade: 'A' })).status).toBe(403);
    const bad = await client.call('analyst', 'PUT', '/api/models/fit/overrides/FETION/store', { grade: 'E' });
    expect(bad).toMatchObject({ status: 400, body: { field: 'grade' } });
    const ok = await client.call('analyst', 'PUT', '/api/models/fit/overrides/FETION/store', { grade: 'A', reason: 'desk promotion' });
    expect(ok.body).toMatchObject({ grade: 'A', override: { updatedBy: 'analyst' } });
    const audit = await client.call('admin', 'GET', '/api/audit?action=fit.override');
    expect(audit.body.items[0]).toMatchObject({ actor: 'analyst', target: 'fit:FETION/store' });
    const param = await client.call('analyst', 'PUT', '/api/models/fit/channels/web', { attributes: { explanation: 2, handsOn: 1, identity: 2, reach: 9, value: 0 } });
    expect(param).toMatchObject({ status: 400, body: { field: 'attributes.reach' } });
  });
});

describe('CPC API', () => {
  it('trains a run as a job and serves its segments; refuses k out of range and an empty feature set', async () => {
    expect((await client.call('analyst', 'POST', '/api/models/cpc/runs', { k: 50 })).body).toMatchObject({ code: 'INVALID_INPUT', field: 'k' });
    expect((await client.call('analyst', 'POST', '/api/models/cpc/runs', { features: [] })).body).toMatchObject({ field: 'features' });
    expect((await client.call('planner', 'GET', '/api/models/cpc')).status).toBe(404);
    const started = await client.call('analyst', 'POST', '/api/models/cpc/runs', { k: 3, features: ['age', 'tenure'] });
    expect(started.status).toBe(202);
    expect((await waitForJob(started.body.jobId)).status).toBe('succeeded');
    const result = await client.call('planner', 'GET', '/api/models/cpc');
    expect(result.body.segments).toHaveLength(3);
    expect(result.body.segments.reduce((n: number, s: any) => n + s.subscribers, 0)).toBe(190); // 10 of 200 are cancelled
  });
});
