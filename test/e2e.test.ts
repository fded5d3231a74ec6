// The browser tier: a real server process on a temp DuckDB file (a generated demo province of
// 400 subscribers) and the built console, driven by Debian's Chromium through playwright-core.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoCandidatePlans } from '../src/demo/plans.ts';
import zhCN from '../web/src/i18n/zh-CN.json' with { type: 'json' };
import { chromiumExecutable, launchChromium } from './builders.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const subscribers = 400;

let tempDir: string;
let server: ChildProcess | undefined;
let serverOutput = '';
let baseUrl: string;
let browser: Browser;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls GET /api/health until 200; fails early if the server process dies. */
async function waitUntilReady(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (server?.exitCode !== null) throw new Error(`The server exited with code ${server?.exitCode}:\n${serverOutput}`);
    try {
      const response = await fetch(`${baseUrl}/api/health`);
      if (response.status === 200) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(500);
  }
  throw new Error(`The server was not ready after ${timeoutMs / 1000} s (last answer: ${last}):\n${serverOutput}`);
}

function stopServer(): Promise<void> {
  const child = server;
  if (!child?.pid || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    // tsx runs the server in a child process: signal the whole group this test started
    process.kill(-child.pid!, 'SIGTERM');
  });
}

/** A browser window for one user of the console: a desktop viewport, and room for a loaded CI machine. */
async function consoleContext(): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  context.setDefaultTimeout(40_000);
  return context;
}

async function signIn(context: BrowserContext, username: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${baseUrl}/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill('yiti-demo');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('menu').waitFor();
  return page;
}

/** GET from the API with the token the console stored, for values to check the page against. */
function apiFromPage<T>(page: Page, url: string): Promise<T> {
  return page.evaluate(async (u) => {
    const response = await fetch(u, { headers: { authorization: `Bearer ${localStorage.getItem('yiti.token')}` } });
    if (!response.ok) throw new Error(`${u}: ${response.status}`);
    return response.json();
  }, url) as Promise<T>;
}

/** The segment preview of a filter from the API, with the console's token: what the pages' counts must show. */
function previewFromPage(page: Page, filter: unknown): Promise<{ count: number; total: number }> {
  return page.evaluate(async (f) => {
    const response = await fetch('/api/segments/preview', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${localStorage.getItem('yiti.token')}` },
      body: JSON.stringify({ filter: f }),
    });
    return (await response.json()) as { count: number; total: number };
  }, filter);
}

const cellTexts = (page: Page, selector: string) => page.locator(selector).allTextContents();

beforeAll(async () => {
  chromiumExecutable(); // before the long start, so a missing browser is said at once
  // the console the server serves must be built from the current sources
  execFileSync(process.execPath, ['scripts/build-web.mjs', '--if-stale'], { cwd: repo, stdio: 'inherit' });

  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yiti-e2e-'));
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  server = spawn(path.join(repo, 'node_modules/.bin/tsx'), ['src/server/main.ts'], {
    cwd: repo,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      YITI_DB: path.join(tempDir, 'e2e.duckdb'),
      YITI_PORT: String(port),
      YITI_DEMO_SUBSCRIBERS: String(subscribers),
      YITI_DEMO_SEED: '3',
      YITI_LOG_LEVEL: 'warn',
    },
  });
  const keep = (chunk: Buffer) => {
    serverOutput = (serverOutput + chunk.toString()).slice(-20_000);
  };
  server.stdout!.on('data', keep);
  server.stderr!.on('data', keep);
  await waitUntilReady(170_000);

  browser = await launchChromium();
});

// what the server said (warnings and errors), to tell a failed step's cause
beforeEach((context) => {
  context.onTestFailed(() => console.error(`Server output:\n${serverOutput}`));
});

afterAll(async () => {
  await browser?.close();
  await stopServer();
  if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
});

/**
 * Confirms the open Popconfirm until `answered` settles. A click that lands while the confirmation
 * is still opening can be lost on a loaded machine (once in CI the DELETE never left); the
 * confirmation then stays open, so it is clicked again, at most three times.
 */
async function confirmPopconfirm(page: Page, answered: Promise<unknown>): Promise<void> {
  const ok = page.locator('.ant-popconfirm:visible .ant-btn-primary');
  for (let attempt = 0; attempt < 3; attempt++) {
    await ok.click();
    const settled = await Promise.race([answered.then(() => true, () => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5_000))]);
    if (settled || !(await ok.isVisible())) return;
  }
}

/**
 * Chooses a Select's option by clicking its label once it is listed, and waits until it shows as
 * chosen (keys pressed before the list opens or loads are lost). `typed` filters a searchable list
 * first; `scope` (a row, a dialog) tells apart Selects that share a test id.
 */
async function pickOption(page: Page, testId: string, optionLabel: string, typed?: string, scope: Page | Locator = page): Promise<void> {
  const picked = scope.locator(`[data-testid="${testId}"] .ant-select-selection-item`, { hasText: optionLabel });
  const option = page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: optionLabel }).first();
  // a list closed just before is still on screen while it fades out, and may hold the same label
  await page.waitForFunction(() => [...document.querySelectorAll('.ant-select-dropdown')].every((d) => d.getBoundingClientRect().height === 0));
  // On a loaded machine a click can land on an option while the list re-renders and pick
  // nothing: then the option is clicked again, the list opened again if it closed.
  for (let attempt = 1; ; attempt++) {
    if (attempt === 1 || !(await option.isVisible())) {
      await scope.getByTestId(testId).click();
      if (typed) await page.keyboard.type(typed);
    }
    await option.click();
    try {
      await picked.waitFor({ timeout: attempt < 3 ? 10_000 : undefined });
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
      if (await picked.count()) return;
    }
  }
}

describe('the console in a browser', () => {
  let planner: BrowserContext;
  let page: Page;
  let customerId: number;
  let maskedNumber: string;

  beforeAll(async () => {
    planner = await consoleContext();
    page = await signIn(planner, 'planner');
  });

  afterAll(async () => {
    await planner?.close();
  });

  it('shows a planner the province overview: 400 subscribers and every chart drawn', async () => {
    const kpi = page.getByTestId('kpi-subscribers');
    const failure = page.locator('.ant-alert-error');
    await kpi.or(failure).first().waitFor();
    if (await failure.count()) throw new Error(`The overview shows an error: ${await failure.first().textContent()}`);
    expect(await kpi.textContent()).toBe(String(subscribers));
    for (const chart of ['chart-brand', 'chart-city', 'chart-arpu', 'chart-channels', 'chart-monthly']) {
      await page.locator(`[data-testid="${chart}"] canvas`).first().waitFor();
    }
    const canvasWidths = await page.locator('.yiti-chart canvas').evaluateAll((canvases) => canvases.map((c) => (c as HTMLCanvasElement).width));
    expect(canvasWidths.length).toBeGreaterThanOrEqual(5);
    expect(canvasWidths.every((w) => w > 0)).toBe(true);
    // the revenue of the last month, in yuan with two decimals
    expect(await page.getByTestId('kpi-revenue').textContent()).toMatch(/^¥[\d,]+\.\d{2}$/);
  });

  it('shows a planner only the menu items of the role', async () => {
    expect(await page.getByTestId('menu-customers').count()).toBe(1);
    expect(await page.getByTestId('menu-jobs').count()).toBe(1);
    expect(await page.getByTestId('menu-imports').count()).toBe(0);
    expect(await page.getByTestId('menu-audit').count()).toBe(0);
  });

  it('lists customers with masked numbers and opens the customer 360 of a clicked row', async () => {
    await page.getByTestId('menu-customers').click();
    const rows = page.locator('[data-testid="customers-table"] tr.ant-table-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(20); // the first page of 400
    const listed = await cellTexts(page, '[data-testid="customers-table"] tr.ant-table-row .msisdn');
    expect(listed.every((n) => /^\d{3}\*{4}\d{4}$/.test(n))).toBe(true);

    await rows.nth(2).click();
    await page.waitForURL(/\/customers\/\d+$/);
    customerId = Number(new URL(page.url()).pathname.split('/').pop());
    const msisdn = page.getByTestId('msisdn');
    await msisdn.waitFor();
    maskedNumber = (await msisdn.textContent())!;
    expect(maskedNumber).toMatch(/^\d{3}\*{4}\d{4}$/);
    expect(maskedNumber).toBe(listed[2]);
  });

  it('shows the usage of each month and the contact timeline as the API has them', async () => {
    const view = await apiFromPage<{ usage: Array<{ month: string }>; profile: { msisdn: string } }>(page, `/api/customers/${customerId}`);
    const contacts = await apiFromPage<{ total: number }>(page, `/api/customers/${customerId}/contacts?pageSize=1`);
    expect(view.profile.msisdn).toBe(maskedNumber);

    await page.locator('[data-testid="usage-table"] tr.ant-table-row').first().waitFor();
    const months = await cellTexts(page, '[data-testid="usage-table"] tr.ant-table-row td:first-child');
    expect(months.length).toBeGreaterThanOrEqual(1);
    expect(months.length).toBeLessThanOrEqual(3);
    expect(months.every((m) => /^\d{4}-\d{2}$/.test(m))).toBe(true);
    expect(months).toEqual(view.usage.map((u) => u.month));

    expect(contacts.total).toBeGreaterThan(0);
    const entries = page.locator('[data-testid="contacts-table"] tr.ant-table-row');
    await entries.first().waitFor();
    expect(await entries.count()).toBe(Math.min(20, contacts.total));
    const times = await cellTexts(page, '[data-testid="contacts-table"] tr.ant-table-row td:first-child');
    expect(times.every((t) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(t))).toBe(true);
    expect([...times].sort().reverse()).toEqual(times); // newest first
  });

  it('offers a planner no way to reveal the number', async () => {
    await page.getByTestId('msisdn').waitFor();
    expect(await page.getByTestId('reveal-button').count()).toBe(0);
    expect(await page.getByTestId('msisdn-revealed').count()).toBe(0);
  });

  it("shows the customer's contact points: personal IVR menu, prepared answers, browsing interests", async () => {
    const points = await apiFromPage<{ ivrMenu: { shortcuts: unknown[]; agentFirst: boolean }; hotline: unknown[]; interests: Array<{ topic: string }> }>(
      page,
      `/api/customers/${customerId}/contact-points`,
    );
    await page.getByTestId('customer-contact-points').waitFor();
    const interests = page.getByTestId('web-interests');
    await interests.waitFor();
    if (points.interests.length) expect(await interests.locator('> div').count()).toBe(points.interests.length);
    const menu = page.getByTestId('personal-ivr-menu');
    expect(await menu.locator('> div').count()).toBe(points.ivrMenu.shortcuts.length);
    expect(await page.getByTestId('prepared-answers').locator('> div').count()).toBe(points.hotline.length);
  });

  it('opens the contact-point analytics: the IVR menu tree, the hotline topics and the web flow', async () => {
    const ivr = await apiFromPage<{ summary: { sessions: number }; nodes: Array<{ parent: string | null }> }>(page, '/api/analytics/ivr');
    await page.getByTestId('menu-contactPoints').click();
    await page.getByTestId('ivr-sessions').waitFor();
    expect((await page.getByTestId('ivr-sessions').textContent())!.replace(/\D/g, '')).toBe(String(ivr.summary.sessions));
    // every node of the tree is shown, expanded
    await page.locator('[data-testid="ivr-tree"] tr.ant-table-row').first().waitFor();
    expect(await page.locator('[data-testid="ivr-tree"] tr.ant-table-row').count()).toBe(ivr.nodes.length);
    await page.getByTestId('chart-ivr-dropouts').locator('canvas').waitFor();

    await page.getByTestId('tab-hotline').click();
    await page.getByTestId('chart-hotline').locator('canvas').waitFor();
    expect(await page.locator('[data-testid="hotline-topics"] tr.ant-table-row').count()).toBeGreaterThan(0);

    const web = await apiFromPage<{ summary: { sessions: number } }>(page, '/api/analytics/web');
    await page.getByTestId('tab-web').click();
    await page.getByTestId('web-sessions').waitFor();
    expect((await page.getByTestId('web-sessions').textContent())!.replace(/\D/g, '')).toBe(String(web.summary.sessions));
    await page.getByTestId('chart-web-flow').locator('canvas').waitFor();
  });

  it('reveals the full number to an admin and records it in the audit trail', async () => {
    const admin = await consoleContext();
    try {
      const adminPage = await signIn(admin, 'admin');
      await adminPage.goto(`${baseUrl}/customers/${customerId}`);
      await adminPage.getByTestId('msisdn').waitFor(); // the profile has loaded: its button stays put
      await adminPage.getByTestId('reveal-button').click();
      await adminPage.locator('.ant-popconfirm').waitFor();
      const revealed = adminPage.getByTestId('msisdn-revealed');
      await confirmPopconfirm(adminPage, revealed.waitFor());
      const full = (await revealed.textContent())!;
      expect(full).toMatch(/^\d{11}$/);
      expect(`${full.slice(0, 3)}****${full.slice(7)}`).toBe(maskedNumber);

      await adminPage.getByTestId('menu-audit').click();
      const audit = adminPage.locator('[data-testid="audit-table"] tr.ant-table-row');
      await audit.first().waitFor();
      const firstRow = (await audit.first().textContent()) ?? '';
      expect(firstRow).toContain('pii.reveal');
      expect(firstRow).toContain(`subscriber:${customerId}`);
    } finally {
      await admin.close();
    }
  });

  it('runs the business-traveller tariff scenario: candidate plans, the GT_BIZ holders, the summary and a drill-down', async () => {
    // the candidate plans come in as a JSON file through the plan page's import
    await page.getByTestId('menu-tariffPlans').click();
    await page.locator('[data-testid="plans-table"] tr.ant-table-row').first().waitFor();
    await page.locator('input[type="file"]').setInputFiles({ name: 'candidates.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(demoCandidatePlans())) });
    await page.getByTestId('plan-open-GT_BIZ_128').waitFor();
    const plans = await apiFromPage<Array<{ planId: string; holders: number }>>(page, '/api/tariffs/plans');
    const holders = plans.find((p) => p.planId === 'GT_BIZ')!.holders;
    expect(holders).toBeGreaterThan(0);

    await page.getByTestId('menu-tariffSimulation').click();
    // plans are several choices: the list stays open until Escape
    const choose = async (testId: string, planCode: string) => {
      await pickOption(page, testId, planCode, planCode);
      await page.keyboard.press('Escape');
    };
    for (const id of ['GT_BIZ_128', 'GT_BIZ_188', 'GT_DATA_68']) await choose('sim-plans', `(${id})`);
    await choose('sim-current-plans', '(GT_BIZ)');
    await page.getByTestId('sim-run').click();

    await page.getByTestId('sim-summary').waitFor({ timeout: 60_000 });
    const runId = Number(new URL(page.url()).searchParams.get('run'));
    const run = await apiFromPage<{ summary: { targetCount: number; subOptimal: number } }>(page, `/api/tariffs/runs/${runId}`);
    expect(await page.getByTestId('sim-target-count').textContent()).toBe(String(holders));
    expect(run.summary.targetCount).toBe(holders);
    expect(await page.getByTestId('sim-suboptimal').textContent()).toBe(String(run.summary.subOptimal));
    expect(await page.getByTestId('sim-revenue-impact').textContent()).toMatch(/^¥-?[\d,]+\.\d{2}$/);
    for (const chart of ['chart-suboptimal', 'chart-plans', ...(run.summary.subOptimal ? ['chart-savings'] : [])]) {
      await page.locator(`[data-testid="${chart}"] canvas`).first().waitFor();
    }

    const rows = page.locator('[data-testid="sim-results"] tr.ant-table-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(Math.min(20, holders));
    const numbers = await cellTexts(page, '[data-testid="sim-results"] tr.ant-table-row .msisdn');
    expect(numbers.every((n) => /^\d{3}\*{4}\d{4}$/.test(n))).toBe(true);

    // the recommended customers become a saved segment, a campaign's target
    expect(run.summary.subOptimal).toBeGreaterThan(0);
    const saved = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/segments'));
    await page.getByTestId('sim-save-segment').click();
    expect((await saved).status()).toBe(201);
    const segments = await apiFromPage<Array<{ segmentId: number; filter: unknown }>>(page, '/api/segments');
    const segment = segments.find((s) => JSON.stringify(s.filter) === JSON.stringify({ tariffRecommended: { runId } }));
    expect(segment).toBeDefined();

    const [top] = (await apiFromPage<{ items: Array<{ subscriberId: number; currentFen: number; bestFen: number | null; costs: Record<string, number>; notes: Array<{ code: string; id?: string }> }> }>(page, `/api/tariffs/runs/${runId}/results?pageSize=1`)).items;
    await rows.first().click();
    await page.getByTestId('drill-after').waitFor();
    const yuanText = (fen: number) => `¥${(fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    expect(await page.getByTestId('drill-before').textContent()).toBe(yuanText(top.currentFen));
    expect(await page.getByTestId('drill-after').textContent()).toBe(yuanText(top.bestFen ?? top.costs.GT_BIZ_128));
    expect(await page.locator('[data-testid^="drill-month-"] tr.ant-table-row').count()).toBeGreaterThan(3);
    // the usage notes name what an allowance or bundle covers (GT_BIZ_128's 300 MB: GPRS), not the plan's id for it
    const notes = await cellTexts(page, '[data-testid="drill-note"]');
    const covering = top.notes.filter((n) => n.code === 'allowance' || n.code === 'bundle');
    expect(covering.length).toBeGreaterThan(0);
    expect(notes.filter((text) => covering.some((n) => text.includes(n.id!)))).toEqual([]);
    if (covering.some((n) => n.id === 'data_300mb')) expect(notes.some((text) => text.startsWith(`内含 ${zhCN.tariffClass.gprs}：`))).toBe(true);
    await page.locator('[data-testid="chart-drilldown"] canvas').first().waitFor();

    // the customer 360 shows the best plans for the customer
    await page.goto(`${baseUrl}/customers/${top.subscriberId}`);
    await page.locator('[data-testid="best-plans"] tr.ant-table-row').nth(1).waitFor();

    // the run is deleted from its page, after a confirmation, once no saved segment targets it
    const segmentGone = await page.evaluate(
      async (url) => (await fetch(url, { method: 'DELETE', headers: { authorization: `Bearer ${localStorage.getItem('yiti.token') ?? ''}` } })).status,
      `/api/segments/${segment!.segmentId}`,
    );
    expect(segmentGone).toBe(204);
    await page.goto(`${baseUrl}/tariff-simulation?run=${runId}`);
    await page.getByTestId('sim-summary').waitFor(); // the run has loaded: its button stays put
    await page.getByTestId('sim-delete').click();
    await page.locator('.ant-popconfirm').waitFor();
    const deleted = page.waitForResponse((r) => r.request().method() === 'DELETE' && r.url().endsWith(`/api/tariffs/runs/${runId}`));
    await confirmPopconfirm(page, deleted);
    expect((await deleted).status()).toBe(204);
    await page.waitForFunction(() => !new URL(location.href).searchParams.has('run'));
    const gone = await page.evaluate(async (url) => (await fetch(url, { headers: { authorization: `Bearer ${localStorage.getItem('yiti.token') ?? ''}` } })).status, `/api/tariffs/runs/${runId}`);
    expect(gone).toBe(404);
  }, 90_000);

  it('re-rates a target given by conditions built in a dialog, with the plan picked from the catalogue', async () => {
    await page.getByTestId('menu-tariffSimulation').click();
    await pickOption(page, 'sim-plans', '(GT_BIZ_128)', 'GT_BIZ_128');
    await page.keyboard.press('Escape');
    await page.getByTestId('sim-target-mode').getByText('条件筛选').click();
    await page.getByTestId('sim-conditions-edit').click();
    const dialog = page.locator('.ant-modal:visible');
    await pickOption(page, 'condition-field', '套餐', '套餐', dialog);
    await pickOption(page, 'condition-op', '等于', undefined, dialog);
    await pickOption(page, 'condition-value', '(GT_BIZ)', 'GT_BIZ', dialog);
    await page.getByTestId('sim-conditions-ok').click();
    await expect.poll(() => page.getByTestId('sim-conditions-text').textContent()).toBe('套餐 等于 GT_BIZ');

    const started = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/tariffs/simulations'));
    await page.getByTestId('sim-run').click();
    const { runId } = (await (await started).json()) as { runId: number };
    const plans = await apiFromPage<Array<{ planId: string; holders: number }>>(page, '/api/tariffs/plans');
    const run = await apiFromPage<{ filter: unknown; targetCount: number }>(page, `/api/tariffs/runs/${runId}`);
    expect(run.filter).toEqual({ all: [{ field: 'planId', op: 'eq', value: 'GT_BIZ' }] });
    expect(run.targetCount).toBe(plans.find((p) => p.planId === 'GT_BIZ')!.holders);
    await expect.poll(() => page.getByTestId('sim-target-text').textContent()).toBe('套餐 等于 GT_BIZ');
    await page.getByTestId('sim-summary').waitFor({ timeout: 60_000 });
    const gone = await page.evaluate(async (url) => (await fetch(url, { method: 'DELETE', headers: { authorization: `Bearer ${localStorage.getItem('yiti.token') ?? ''}` } })).status, `/api/tariffs/runs/${runId}`);
    expect(gone).toBe(204);
  }, 90_000);

  it('switches the console to English', async () => {
    const menuLabel = page.getByTestId('menu-customers');
    expect(await menuLabel.textContent()).toBe('客户');
    await page.getByTestId('language-switch').getByText('EN', { exact: true }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="menu-customers"]')?.textContent === 'Customers');
    expect(await page.getByTestId('menu-overview').textContent()).toBe('Overview');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
  });

  it('builds a segment of nested and negated conditions of several kinds, saves it, loads it back, changes it and deletes it', async () => {
    await page.goto(`${baseUrl}/segments`);
    const rows = page.getByTestId('segment-condition');
    const root = page.getByTestId('segment-group').first();
    await rows.first().waitFor();
    // the rows repeat the same test ids: each pick is scoped to its row
    const pick = (row: Locator, testId: string, optionLabel: string, typed?: string) => pickOption(page, testId, optionLabel, typed, row);
    const addCondition = async (group: Locator, kind: string) => {
      const before = await rows.count();
      await group.getByTestId('add-condition').last().click();
      await page.locator('.ant-dropdown:visible').getByTestId(`add-${kind}`).click();
      await expect.poll(() => rows.count()).toBe(before + 1);
    };

    // age at least 30, and not a complainer of the last 90 days
    await pick(rows.nth(0), 'condition-field', 'Age', 'Age');
    await pick(rows.nth(0), 'condition-op', 'at least');
    await rows.nth(0).locator('.ant-input-number-input').fill('30');
    await addCondition(root, 'contacted');
    await rows.nth(1).locator('.ant-input-number-input').first().fill('90');
    await pick(rows.nth(1), 'condition-type', 'Complaint');
    await rows.nth(1).locator('.ant-checkbox-wrapper').click();
    // and, in a group matching any: holds Fetion, or looked at plans on the web in 90 days
    await root.getByTestId('add-group').last().click();
    const group = page.getByTestId('segment-group').nth(1);
    await pick(rows.nth(2), 'condition-kind', 'Holds product');
    await pick(rows.nth(2), 'condition-product', 'FETION', 'FETION');
    await addCondition(group, 'browsed');
    await rows.nth(3).locator('.ant-input-number-input').first().fill('90');
    await pick(rows.nth(3), 'condition-topic', 'Plans');

    const expected = {
      all: [
        { field: 'age', op: 'gte', value: 30 },
        { not: { contacted: { withinDays: 90, type: 'complaint' } } },
        { any: [{ holds: { productId: 'FETION' } }, { browsed: { withinDays: 90, topic: 'plan' } }] },
      ],
    };
    const preview = await previewFromPage(page, expected);
    expect(preview.count).toBeGreaterThan(0);
    expect(preview.count).toBeLessThan(preview.total);
    await expect.poll(async () => (await page.getByTestId('segment-count').textContent().catch(() => ''))?.replace(/\D/g, '')).toBe(String(preview.count));

    const name = 'Mature non-complainers into Fetion or plans';
    await page.getByTestId('segment-name').fill(name);
    const created = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/segments'));
    await page.getByTestId('segment-save').click();
    expect((await created).status()).toBe(201);
    type Saved = { segmentId: number; name: string; filter: unknown };
    const saved = (await apiFromPage<Saved[]>(page, '/api/segments')).find((x) => x.name === name)!;
    expect(saved.filter).toEqual(expected);
    await expect.poll(() => page.getByTestId(`segment-text-${saved.segmentId}`).textContent()).toBe(
      'Age at least 30 and not (contacted at least 1× in the last 90 days (Complaint)) and (holds FETION or browsed the web at least 1× in the last 90 days (Plans))',
    );

    // a new segment empties the builder; loading the saved one brings every condition back
    await page.getByTestId('segment-new').click();
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByTestId(`segment-load-${saved.segmentId}`).click();
    await expect.poll(() => rows.count()).toBe(4);
    expect(await page.getByTestId('segment-editing').textContent()).toContain(name);
    expect(await rows.evaluateAll((list) => list.map((r) => r.getAttribute('data-kind')))).toEqual(['field', 'contacted', 'holds', 'browsed']);
    expect(await page.getByTestId('segment-group').count()).toBe(2);

    // complainers too now: the change is saved in place, under the same id
    await rows.nth(1).locator('.ant-checkbox-wrapper').click();
    const changed = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith(`/api/segments/${saved.segmentId}`));
    await page.getByTestId('segment-save').click();
    expect((await changed).status()).toBe(200);
    const after = await apiFromPage<Saved[]>(page, '/api/segments');
    expect(after.filter((x) => x.name === name)).toEqual([expect.objectContaining({ segmentId: saved.segmentId, filter: { all: [expected.all[0], { contacted: { withinDays: 90, type: 'complaint' } }, expected.all[2]] } })]);

    // a change not saved is not dropped without asking
    await rows.nth(1).locator('.ant-checkbox-wrapper').click();
    await page.getByTestId('segment-new').click();
    const confirm = page.locator('.ant-modal-confirm');
    await expect.poll(() => confirm.textContent()).toContain('Discard your changes?');
    await confirm.locator('.ant-btn:not(.ant-btn-primary)').click();
    await expect.poll(() => confirm.count()).toBe(0);
    expect(await rows.count()).toBe(4);

    // its members are a click away in the customer list, and export as CSV
    await page.getByTestId(`segment-members-${saved.segmentId}`).click();
    await page.waitForURL(new RegExp(`/customers\\?segmentId=${saved.segmentId}$`));
    await page.locator('[data-testid="customer-segment"] .ant-select-selection-item', { hasText: name }).waitFor();
    const members = (await apiFromPage<{ total: number }>(page, `/api/customers?segmentId=${saved.segmentId}&pageSize=1`)).total;
    expect(members).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('customers-export').textContent()).toContain(`Export ${members}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('customers-export').click()]);
    const csv = fs.readFileSync(await download.path(), 'utf8').split('\r\n');
    expect(download.suggestedFilename()).toBe(`customers-segment-${saved.segmentId}.csv`);
    expect(csv[0]).toBe('\uFEFFsubscriber_id,msisdn,brand,plan_id,plan_name,status,city_code,city_name,age,gender,arpu_yuan,vip_level,tenure_months');
    expect(csv.slice(1, -1)).toHaveLength(members);
    expect(csv.slice(1, -1).every((line) => /^\d+,1\d\d\*{4}\d{4},/.test(line) && Number(line.split(',')[8]) >= 30)).toBe(true);
    await page.goBack();

    // and deleted after a confirmation
    await page.getByTestId(`segment-delete-${saved.segmentId}`).click();
    const deleted = page.waitForResponse((r) => r.request().method() === 'DELETE' && r.url().endsWith(`/api/segments/${saved.segmentId}`));
    await confirmPopconfirm(page, deleted);
    expect((await deleted).status()).toBe(204);
    expect((await apiFromPage<Saved[]>(page, '/api/segments')).some((x) => x.segmentId === saved.segmentId)).toBe(false);
    await expect.poll(() => rows.count()).toBe(1);
  }, 90_000);
});

describe('customer tags in the console', () => {
  it('lets an analyst define a tag by its rule and advice, recomputes its members, changes and deletes it', async () => {
    const context = await consoleContext();
    try {
      const page = await signIn(context, 'analyst');
      await page.goto(`${baseUrl}/tags`);
      await page.getByTestId('tag-new').click();
      await page.getByTestId('tag-name-zh').fill('重度流量用户');
      await page.getByTestId('tag-name-en').fill('Heavy data users');
      await pickOption(page, 'condition-field', '月均 GPRS 流量', 'GPRS');
      await pickOption(page, 'condition-op', '大于等于');
      await page.getByTestId('tag-editor').getByTestId('segment-condition').locator('.ant-input-number-input').fill('100');
      await page.getByTestId('tag-script').fill('推荐 GPRS 流量包');
      await expect.poll(() => page.getByTestId('filter-count').textContent()).toMatch(/位客户/);
      const created = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/tags'));
      await page.getByTestId('tag-save').click();
      expect((await created).status()).toBe(201);

      type TagRow = { tagId: string; rule: unknown; advice: { script: string; channelId: string | null } | null; members: number | null };
      const rule = { all: [{ field: 'gprsMb', op: 'gte', value: 100 }] };
      const tag = (await apiFromPage<TagRow[]>(page, '/api/tags')).find((x) => x.tagId === 'heavy_data_users')!;
      expect(tag).toMatchObject({ rule, advice: { script: '推荐 GPRS 流量包', channelId: null } });
      // saving recomputes the members: as many as the rule counts
      const expected = (await previewFromPage(page, rule)).count;
      await expect.poll(async () => (await apiFromPage<TagRow[]>(page, '/api/tags')).find((x) => x.tagId === 'heavy_data_users')!.members, { timeout: 30_000 }).toBe(expected);
      await expect.poll(() => page.getByTestId('tag-rule').textContent()).toBe('月均 GPRS 流量（MB） 大于等于 100');

      // changed in place
      await page.getByTestId('tag-edit').click();
      await page.getByTestId('tag-editor').getByTestId('segment-condition').locator('.ant-input-number-input').fill('200');
      const changed = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith('/api/tags/heavy_data_users'));
      await page.getByTestId('tag-save').click();
      expect((await changed).status()).toBe(200);
      expect((await apiFromPage<TagRow[]>(page, '/api/tags')).find((x) => x.tagId === 'heavy_data_users')!.rule).toEqual({ all: [{ field: 'gprsMb', op: 'gte', value: 200 }] });

      // and deleted after a confirmation
      await page.getByTestId('tag-delete').click();
      const deleted = page.waitForResponse((r) => r.request().method() === 'DELETE' && r.url().endsWith('/api/tags/heavy_data_users'));
      await confirmPopconfirm(page, deleted);
      expect((await deleted).status()).toBe(204);
      expect((await apiFromPage<TagRow[]>(page, '/api/tags')).some((x) => x.tagId === 'heavy_data_users')).toBe(false);
    } finally {
      await context.close();
    }
  }, 90_000);
});

describe('model scores in the segment builder', () => {
  it("picks a channel-preference run and one of its channels, and counts as the API does", async () => {
    const context = await consoleContext();
    try {
      const page = await signIn(context, 'analyst');
      /** A call with the page's token. */
      const call = <T,>(method: string, url: string, body?: unknown) =>
        page.evaluate(
          async ([m, u, b]) => {
            const response = await fetch(u as string, {
              method: m as string,
              headers: { 'content-type': 'application/json', authorization: `Bearer ${localStorage.getItem('yiti.token')}` },
              body: b === undefined ? undefined : JSON.stringify(b),
            });
            return (await response.json()) as unknown;
          },
          [method, url, body] as const,
        ) as Promise<T>;
      const { runId } = await call<{ runId: number }>('POST', '/api/models/channel-preference', { minContacts: 3 });
      await expect.poll(async () => (await apiFromPage<{ run: { status: string } }>(page, `/api/models/runs/${runId}`)).run.status, { timeout: 60_000 }).toBe('succeeded');
      const labels = await apiFromPage<Array<{ label: string; customers: number }>>(page, `/api/models/runs/${runId}/labels`);
      expect(labels.map((l) => l.label)).toContain('sms_hall');

      await page.goto(`${baseUrl}/segments`);
      const row = page.getByTestId('segment-condition');
      await pickOption(page, 'condition-kind', '模型得分', undefined, row);
      await pickOption(page, 'condition-model-run', `#${runId} `, undefined, row);
      await pickOption(page, 'condition-score-label', 'sms_hall', 'sms', row);
      await pickOption(page, 'condition-score-op', '大于等于', undefined, row);
      await row.locator('.ant-input-number-input').fill('50');
      const filter = { all: [{ modelScore: { runId, label: 'sms_hall', op: 'gte', value: 50 } }] };
      const preview = await previewFromPage(page, filter);
      await expect.poll(async () => (await page.getByTestId('segment-count').textContent().catch(() => ''))?.replace(/\D/g, '')).toBe(String(preview.count));
    } finally {
      await context.close();
    }
  }, 120_000);
});

describe('closed-loop campaigns in the console', () => {
  it('lets a planner write a draft in the step form and submit it, and an approver approve it from the inbox', async () => {
    const planner = await consoleContext();
    const approver = await consoleContext();
    try {
      const page = await signIn(planner, 'planner');
      const customers = await apiFromPage<{ items: Array<{ subscriberId: number }> }>(page, '/api/customers?pageSize=30');
      const name = `飞信推广 e2e ${Date.now()}`;

      await page.getByTestId('menu-campaigns').click();
      await page.getByTestId('campaign-create').click();
      await page.getByTestId('campaign-name').fill(name);
      const next = () => page.getByTestId('step-next').click();
      await next(); // → budget: 5,000 yuan for gifts and materials
      await page.getByTestId('budget-add').click();
      await pickOption(page, 'budget-item-0', '礼品与物料');
      await page.getByTestId('budget-planned-0').fill('5000');
      await next(); // → offers
      await page.getByTestId('offer-add').click();
      await pickOption(page, 'offer-product-0', 'FETION', 'FETION');
      await next(); // → target group: an uploaded list
      await page.getByTestId('target-kind-list').click();
      await page.getByTestId('target-ids').fill(customers.items.map((c) => c.subscriberId).join('\n'));
      await next(); // → channels and waves
      await page.getByTestId('channel-add').click();
      await page.getByTestId('channel-rule-0').click();
      await page.keyboard.type('outbound');
      await page.keyboard.press('Enter');
      await page.getByTestId('wave-add').click();
      await page.getByTestId('wave-start-0').fill('2026-12-01');
      await page.getByTestId('wave-end-0').fill('2026-12-20');
      await next(); // → promotion
      await next(); // → review
      expect(await page.getByTestId('campaign-review').textContent()).toContain('FETION');
      await page.getByTestId('campaign-submit').click();

      await page.waitForURL(/\/campaigns\/\d+$/);
      const campaignId = Number(new URL(page.url()).pathname.split('/').pop());
      await page.locator('[data-testid="campaign-status"][data-status="submitted"]').waitFor();
      // the planner may not approve a campaign of their own
      expect(await page.getByTestId('action-approve').count()).toBe(0);
      const saved = await apiFromPage<{ plan: { offers: Array<{ productId: string }>; target: { subscriberIds: number[] }; channels: Array<{ channelId: string }> } }>(
        page,
        `/api/campaigns/${campaignId}`,
      );
      expect(saved.plan.offers.map((o) => o.productId)).toEqual(['FETION']);
      expect(saved.plan.target.subscriberIds).toHaveLength(customers.items.length);
      expect(saved.plan.channels.map((c) => c.channelId)).toEqual(['outbound']);

      const approverPage = await signIn(approver, 'approver');
      await approverPage.getByTestId('menu-campaignInbox').click();
      const row = approverPage.locator('[data-testid="inbox-table"] tr.ant-table-row', { hasText: name });
      await row.click();
      await approverPage.waitForURL(new RegExp(`/campaigns/${campaignId}$`));
      await approverPage.getByTestId('action-approve').click();
      await approverPage.getByTestId('reason-input').fill('目标清晰，同意');
      await approverPage.getByTestId('reason-ok').click();
      await approverPage.locator('[data-testid="campaign-status"][data-status="approved"]').waitFor();
      const history = await apiFromPage<Array<{ actor: string; action: string }>>(approverPage, `/api/campaigns/${campaignId}/history`);
      expect(history.map((h) => `${h.actor}:${h.action}`)).toEqual(['planner:campaign.create', 'planner:campaign.submit', 'approver:campaign.approve']);

      // before it is scheduled the planner simulates it: targets left after the policy, cost, load
      await page.reload();
      await page.getByRole('tab', { name: '上线前模拟' }).click();
      await page.getByTestId('simulate').click();
      const simulation = page.getByTestId('simulation');
      await simulation.waitFor();
      expect(await simulation.textContent()).toContain('经接触策略后');
      expect(await simulation.textContent()).toContain('外呼中心');

      // the planner applies for gifts against the budget: too much is refused, 1,000 yuan is taken;
      // the approver approves it on the resources tab
      await page.reload();
      await page.getByRole('tab', { name: '营销资源' }).click();
      const apply = async (quantity: string) => {
        await page.getByTestId('resource-apply').click();
        await pickOption(page, 'resource-kind', '礼品');
        await page.getByTestId('resource-description').fill('礼品：飞信定制 U 盘');
        await page.getByLabel('数量').fill(quantity);
        await page.getByTestId('resource-apply-ok').click();
      };
      await apply('1000');
      await page.getByText('exceeds what is left of the gifts_materials budget').waitFor();
      await page.locator('.ant-modal-close').click();
      await apply('100');
      await page.locator('[data-testid="resources"] tr.ant-table-row', { hasText: '飞信定制' }).waitFor();
      await approverPage.reload();
      await approverPage.getByRole('tab', { name: '营销资源' }).click();
      await approverPage.locator('[data-testid^="resource-approve-"]').click();
      await approverPage.locator('.ant-modal-confirm-btns .ant-btn-primary').click();
      await approverPage.locator('[data-testid="resources"] .ant-tag', { hasText: '已批准' }).waitFor();
      const resources = await apiFromPage<Array<Record<string, unknown>>>(approverPage, `/api/campaigns/${campaignId}/resources`);
      expect(resources).toEqual([expect.objectContaining({ kind: 'gift', status: 'approved', appliedBy: 'planner', decidedBy: 'approver', amountFen: 100 * 1000 })]);
    } finally {
      await planner.close();
      await approver.close();
    }
  }, 150_000);

  it("lets a planner target a draft campaign and a channel rule with their own conditions, and finds them again on reopening", async () => {
    const context = await consoleContext();
    try {
      const page = await signIn(context, 'planner');
      await page.goto(`${baseUrl}/campaigns/new`);
      await page.getByTestId('campaign-name').fill('关怀老年客户 e2e');
      await page.getByTestId('campaign-steps').getByText('目标客户').click();
      await page.getByTestId('target-kind-filter').click();
      const row = page.getByTestId('segment-condition');
      await pickOption(page, 'condition-field', '年龄', '年龄');
      await pickOption(page, 'condition-op', '大于等于');
      await row.locator('.ant-input-number-input').fill('60');
      const filter = { all: [{ field: 'age', op: 'gte', value: 60 }] };
      const preview = (await previewFromPage(page, filter)).count;
      expect(preview).toBeGreaterThan(0);
      await expect.poll(() => page.getByTestId('filter-count').textContent()).toContain(`${preview} 位客户`);

      // the SMS hall for VIPs of level 3 and up, the rule's own conditions built in a dialog
      await page.getByTestId('campaign-steps').getByText('渠道与波次').click();
      await page.getByTestId('channel-add').click();
      await pickOption(page, 'channel-rule-0', 'sms_hall', 'sms');
      await page.getByTestId('channel-when-0-edit').click();
      const dialog = page.locator('.ant-modal:visible');
      await pickOption(page, 'condition-field', 'VIP 等级', 'VIP', dialog);
      await pickOption(page, 'condition-op', '大于等于', undefined, dialog);
      await dialog.locator('.ant-input-number-input').fill('3');
      await page.getByTestId('channel-when-0-ok').click();
      await expect.poll(() => page.getByTestId('channel-when-0-text').textContent()).toBe('VIP 等级 大于等于 3');
      const when = { all: [{ field: 'vipLevel', op: 'gte', value: 3 }] };

      const created = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/campaigns'));
      await page.getByTestId('campaign-save').click();
      const campaignId = ((await (await created).json()) as { campaignId: number }).campaignId;
      const saved = await apiFromPage<{ plan: { target: unknown; channels: unknown[] } }>(page, `/api/campaigns/${campaignId}`);
      expect(saved.plan.target).toEqual({ kind: 'filter', filter });
      expect(saved.plan.channels).toEqual([expect.objectContaining({ channelId: 'sms_hall', when })]);

      await page.goto(`${baseUrl}/campaigns/${campaignId}/edit`);
      await page.getByTestId('campaign-steps').getByText('目标客户').click();
      await page.locator('[data-testid="condition-field"] .ant-select-selection-item', { hasText: '年龄' }).waitFor();
      await expect.poll(() => page.getByTestId('channel-when-0-text').textContent()).toBe('VIP 等级 大于等于 3');
      expect(await row.locator('.ant-input-number-input').inputValue()).toBe('60');
      await expect.poll(() => page.getByTestId('filter-count').textContent()).toContain(`${preview} 位客户`);
      // the campaign's page says whom it targets in words, for its approver
      await page.goto(`${baseUrl}/campaigns/${campaignId}`);
      await expect.poll(() => page.getByTestId('campaign-target-filter').textContent()).toBe('年龄 大于等于 60');
      await expect.poll(() => page.getByTestId('campaign-channel-rules').textContent()).toBe('sms_hall (VIP 等级 大于等于 3)');
    } finally {
      await context.close();
    }
  }, 120_000);

  it("shows a diversion campaign's report with where its customers transacted, and saves the second round", async () => {
    const planner = await consoleContext();
    try {
      const page = await signIn(planner, 'planner');
      /** An API call as a role, from the test (the console's side is what the page shows). */
      const as = async <T,>(username: string, method: string, url: string, body?: unknown): Promise<T> => {
        const token = (await (await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'yiti-demo' }) })).json()).token;
        const response = await fetch(`${baseUrl}${url}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: body === undefined ? undefined : JSON.stringify(body) });
        expect(response.ok, `${method} ${url}: ${response.status}`).toBe(true);
        return response.json() as Promise<T>;
      };
      // the customers who paid at the store in the data's last three months, diverted to the SMS hall in October
      let c = await as<{ campaignId: number; version: number }>('planner', 'POST', '/api/campaigns', {
        name: '缴费分流 E2E', category: 'diversion', goal: 'Move bill payments to e-channels',
        kpis: { targetResponders: 10, targetSuccessRate: 0.3, valuePerResponseFen: 500 }, budget: [{ item: 'channel_commission', plannedFen: 10_000 }],
        offers: [{ productId: 'MAIL139', scripts: { sms_hall: '缴费请发短信 JF 到 10086' } }],
        target: { kind: 'filter', filter: { contacted: { withinDays: 90, type: 'transaction', channelId: 'store' } } },
        channels: [{ channelId: 'sms_hall', segment: 'all' }], waveMode: 'parallel',
        waves: [{ name: 'W1', startDate: '2026-10-01', endDate: '2026-10-31' }], controlPercent: 20,
      });
      for (const [action, role] of [['submit', 'planner'], ['approve', 'approver'], ['schedule', 'planner']]) {
        c = await as(role, 'POST', `/api/campaigns/${c.campaignId}/${action}`, { version: c.version });
      }
      const report = await apiFromPage<{ treatment: { moved: number; stayed: number; inactive: number } }>(page, `/api/campaigns/${c.campaignId}/diversion`);
      await page.goto(`${baseUrl}/campaigns/${c.campaignId}/report`);
      await page.getByTestId('diversion-card').waitFor();
      expect((await page.getByTestId('diversion-treatment-moved').textContent())!.replace(/\D/g, '')).toBe(String(report.treatment.moved));
      await page.getByTestId('chart-diversion').locator('canvas').waitFor();

      // a business typed key by key asks for the report when typing pauses, not per key
      const asked: string[] = [];
      page.on('request', (r) => {
        if (r.url().includes(`/api/campaigns/${c.campaignId}/diversion`)) asked.push(new URL(r.url()).searchParams.get('business') ?? '');
      });
      const paid = await apiFromPage<{ treatment: { moved: number } }>(page, `/api/campaigns/${c.campaignId}/diversion?business=bill_payment`);
      asked.length = 0;
      await page.getByTestId('diversion-business').click();
      await page.keyboard.type('bill_payment', { delay: 30 });
      await expect.poll(() => asked.length).toBeGreaterThan(0);
      await expect.poll(() => page.getByTestId('diversion-treatment-moved').textContent().then((v) => v!.replace(/\D/g, ''))).toBe(String(paid.treatment.moved));
      // (a second request only if the loaded machine paused mid-word; without the pause, 12)
      expect(asked.at(-1)).toBe('bill_payment');
      expect(asked.length).toBeLessThanOrEqual(2);

      await page.getByTestId('diversion-second-round').click();
      await page.waitForURL(/\/segments/);
      const segments = await apiFromPage<Array<{ segmentId: number; name: string; filter: unknown }>>(page, '/api/segments');
      const second = segments.find((x) => x.name.includes(`#${c.campaignId}`));
      expect(second?.filter).toEqual({ diversion: { campaignId: c.campaignId, business: 'bill_payment' } });
      // it opens in the builder as a diversion condition on the campaign, picked by name
      await expect.poll(() => page.getByTestId('segment-editing').textContent()).toContain(second!.name);
      const row = page.getByTestId('segment-condition');
      await expect.poll(() => row.getAttribute('data-kind')).toBe('diversion');
      await row.locator('[data-testid="condition-diversion-campaign"] .ant-select-selection-item', { hasText: `#${c.campaignId} 缴费分流 E2E` }).waitFor();
    } finally {
      await planner.close();
    }
  }, 120_000);
});
