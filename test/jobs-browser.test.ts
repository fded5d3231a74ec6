// Cancelling long work in a browser: a planner stops the job they started from the Jobs page
// (an analyst sees no button on it), a cancelled tariff run reads as cancelled on its page, and an
// analyst stops a model training from its run page.
// The server runs in this process on a real DuckDB file, so the test can start the jobs itself.
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoUsers } from '../src/auth/users.ts';
import { loadConfig } from '../src/config.ts';
import { generateProvince } from '../src/demo/generate.ts';
import { storeDemoTariffPlans } from '../src/demo/plans.ts';
import { JobCancelled, cancelJob, startJob } from '../src/jobs/jobs.ts';
import { startModelRun } from '../src/models/runs.ts';
import { buildApp } from '../src/server/app.ts';
import type { App } from '../src/server/context.ts';
import type { Store } from '../src/store/store.ts';
import { startSimulation } from '../src/tariffs/simulation.ts';
import { launchChromium, tempStore } from './builders.ts';

let store: Store;
let app: App;
let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  store = await tempStore('jobs-browser');
  await generateProvince(store, { subscribers: 300, seed: 3 });
  await storeDemoTariffPlans(store);
  await ensureDemoUsers(store);
  app = await buildApp({ store, config: loadConfig(), startup: { jobId: null, error: null } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await launchChromium({ builtConsole: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await store?.close();
});

async function signIn(username: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(30_000);
  await page.goto(`${baseUrl}/login`);
  await page.evaluate(() => localStorage.setItem('yiti.language', 'en'));
  await page.locator('#username').fill(username);
  await page.locator('#password').fill('yiti-demo');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('menu').waitFor();
  return page;
}

describe('cancelling jobs in the console', () => {
  it("lets a planner stop the job they started from the Jobs page; an analyst has no button on it", async () => {
    // long work that runs until it is asked to stop
    const job = await startJob(store, 'test.wait', null, 'planner', (_progress, signal) => new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))), undefined, {
      cancellable: true,
    });
    const outcome = job.done.then(() => 'finished', (error: Error) => error);
    const row = (page: Page) => page.getByTestId('jobs-table').locator('tr.ant-table-row', { hasText: 'test.wait' });

    const analyst = await signIn('analyst');
    await analyst.goto(`${baseUrl}/jobs`);
    await row(analyst).waitFor();
    expect(await row(analyst).getByTestId('job-cancel').count()).toBe(0);
    await analyst.close();

    const planner = await signIn('planner');
    await planner.goto(`${baseUrl}/jobs`);
    await row(planner).getByTestId('job-cancel').click();
    await planner.locator('.ant-popconfirm .ant-btn-primary').click();
    expect(await outcome).toBeInstanceOf(JobCancelled);
    // the page refreshes itself while a job runs, and shows the job cancelled, by whom
    await expect.poll(() => row(planner).locator('.ant-tag').first().textContent()).toBe('Cancelled');
    expect(await row(planner).textContent()).toContain('cancelled by planner');
    expect(await row(planner).getByTestId('job-cancel').count()).toBe(0);
    await planner.close();
  }, 120_000);

  it('shows a cancelled tariff run as cancelled, with its results removed', async () => {
    let jobId: string | undefined;
    const started = await startSimulation(store, { planIds: ['GT_BIZ_128', 'GT_BIZ_188'], filter: { field: 'planId', op: 'eq', value: 'GT_BIZ' } }, 'planner', (_f, message) => {
      if (jobId && message?.startsWith('profiling')) void cancelJob(store, jobId, 'planner', false);
    });
    jobId = started.jobId;
    await expect(started.done).rejects.toBeInstanceOf(JobCancelled);

    const page = await signIn('planner');
    await page.goto(`${baseUrl}/tariff-simulation?run=${started.runId}`);
    await page.getByTestId('sim-cancelled').waitFor();
    expect(await page.getByTestId('sim-status').textContent()).toBe('Cancelled');
    expect(await page.getByTestId('sim-summary').count()).toBe(0);
    expect(await page.getByTestId('job-cancel').count()).toBe(0);
    await page.close();
  }, 120_000);
  it('lets an analyst stop a model training from its run page', async () => {
    let resume!: () => void;
    const paused = new Promise<void>((resolve) => (resume = resolve));
    const handle = await startModelRun(store, { model: 'lift', target: 'MAIL139', params: {}, createdBy: 'analyst' }, async ({ progress }) => {
      progress(0.5, 'half way');
      await paused;
      progress(0.9, 'storing');
      return { metrics: {} };
    });
    const outcome = handle.done.then(() => 'finished', (error: Error) => error);
    const page = await signIn('analyst');
    await page.goto(`${baseUrl}/models/runs/${handle.runId}`);
    await page.getByTestId('job-cancel').click();
    const asked = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/api/jobs/${handle.jobId}/cancel`));
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    expect((await asked).status()).toBe(202);
    // the training reaches its next progress report and stops there
    resume();
    expect(await outcome).toBeInstanceOf(JobCancelled);
    await page.getByTestId('model-run-cancelled').waitFor();
    expect(await page.getByTestId('job-cancel').count()).toBe(0);
    await page.close();
  }, 120_000);
});
