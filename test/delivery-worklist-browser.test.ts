// The worklist in a browser: an operator signs in, opens My worklist, reads the campaign's script
// for the first customer and records "accepted" — stored as channel feedback from the console.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deliverWave, targetWaveList } from '../src/channels/delivery.ts';
import type { Store } from '../src/store/store.ts';
import { launchChromium, tempStore } from './builders.ts';
import { feedbackWorld, type FeedbackWorld } from './feedback-builders.ts';

let store: Store;
let world: FeedbackWorld;
let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  store = await tempStore('worklist-browser');
  world = await feedbackWorld(store);
  const outbox = fs.mkdtempSync(path.join(os.tmpdir(), 'yiti-outbox-'));
  await deliverWave(store, outbox, await targetWaveList(store, world.campaignId, 1), { username: 'planner', revealPii: false });
  await world.client.app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(world.client.app.server.address() as AddressInfo).port}`;
  browser = await launchChromium({ builtConsole: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await world?.client.app.close();
  await store?.close();
});

it('lets an operator read the script and record an accepted offer from the worklist', async () => {
  const page = await browser.newPage();
  await page.goto(`${baseUrl}/login`);
  await page.locator('#username').fill('operator');
  await page.locator('#password').fill('yiti-demo');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('menu-worklist').click();
  await page.getByTestId('worklist-table').locator('tbody tr.ant-table-row').first().waitFor();
  const script = await page.getByTestId('worklist-script').innerText();
  expect(['您好，为您推荐飞信……', '您好，这里是 10086……']).toContain(script.trim());
  const open = (await store.one<{ n: number }>("SELECT count(*) AS n FROM worklist_items WHERE assignee = 'operator' AND status = 'open'"))!.n;
  await page.getByTestId('outcome-accepted').click();
  await page.locator('.ant-message-success').waitFor();
  expect(await store.one("SELECT outcome, source FROM feedback_events WHERE source = 'worklist'")).toEqual({ outcome: 'accepted', source: 'worklist' });
  expect((await store.one<{ n: number }>("SELECT count(*) AS n FROM worklist_items WHERE assignee = 'operator' AND status = 'open'"))!.n).toBe(open - 1);
  await page.close();
}, 120_000);
