// Policy-checked wave lists (issue 5, Speed): one wave of a running campaign targeting the whole
// province, checked customer by customer by the contact policy against three months of contact
// history (the real engine and generateWaveList), against one bare DuckDB scan of contact_events.
// Target: under 20 s for a wave of 1,000,000 targets. The ledger's load at start is printed apart.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureDemoUsers } from '../src/auth/users.ts';
import { createCampaign, transitionCampaign, type Actor } from '../src/campaigns/campaigns.ts';
import { generateProvince } from '../src/demo/generate.ts';
import { wallSeconds, wallText } from '../src/policy/clock.ts';
import { PolicyEngine } from '../src/policy/engine.ts';
import { Store } from '../src/store/store.ts';
import { perSecond, seconds, type Benchmark } from './benchmark.ts';

const subscribers = Number(process.env.BENCH_SUBSCRIBERS ?? 1_000_000);
const keptDb = process.env.BENCH_DB;

const planner: Actor = { username: 'planner', role: 'planner' };
const approver: Actor = { username: 'approver', role: 'approver' };

/** Opens (or generates) the bench province; returns it with the day after its data ends. */
export async function benchProvince(log: (line: string) => void): Promise<{ store: Store; day: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yiti-bench-'));
  const reuse = keptDb !== undefined && fs.existsSync(keptDb);
  const store = await Store.open(keptDb ?? path.join(dir, 'bench.duckdb'));
  if (!reuse) {
    const started = Date.now();
    await generateProvince(store, { subscribers, seed: 1 });
    log(`generated the province in ${seconds(Date.now() - started)} (not counted)`);
  }
  await ensureDemoUsers(store);
  const asOf = (await store.one<{ v: string }>("SELECT value AS v FROM province_meta WHERE key = 'as_of_date'"))?.v ?? '2026-10-31';
  const day = wallText(wallSeconds(`${asOf} 00:00:00`) + 86_400).slice(0, 10);
  return { store, day };
}

/** A campaign through its real lifecycle (planner plans, approver approves, targets materialized) until it runs. */
export async function runningCampaign(store: Store, plan: Record<string, unknown>): Promise<number> {
  let c = await createCampaign(store, plan, planner);
  for (const [action, actor] of [['submit', planner], ['approve', approver], ['schedule', planner], ['start', planner]] as const) {
    c = await transitionCampaign(store, c.campaignId, action, { version: c.version }, actor);
  }
  return c.campaignId;
}

const bench: Benchmark = {
  name: 'policy',
  description: `The policy-checked list of one wave targeting ${subscribers.toLocaleString('en')} subscribers, against 3 months of contact history (generateWaveList) vs one bare scan of contact_events.`,
  async run(log) {
    const { store, day } = await benchProvince(log);
    try {
      await store.run("UPDATE campaigns SET status = 'finished' WHERE name LIKE 'bench policy%' AND status = 'running'");
      const plan = {
        name: 'bench policy wave',
        category: 'new_service',
        offers: [
          { productId: (await store.one<{ id: string }>("SELECT product_id AS id FROM products WHERE active AND kind <> 'tariff_plan' ORDER BY product_id LIMIT 1"))!.id, scripts: {} },
          { productId: (await store.one<{ id: string }>("SELECT product_id AS id FROM products WHERE active AND kind <> 'tariff_plan' ORDER BY product_id LIMIT 1 OFFSET 1"))!.id, scripts: {} },
        ],
        target: { kind: 'filter', filter: { field: 'age', op: 'gte', value: 0 } },
        channels: [
          { channelId: 'account_mgr', segment: 'VIP', when: { field: 'vipLevel', op: 'gte', value: 3 } },
          { channelId: 'sms_hall', segment: 'mass' },
        ],
        waveMode: 'parallel',
        waves: [{ name: 'W1', startDate: day, endDate: wallText(wallSeconds(`${day} 00:00:00`) + 13 * 86_400).slice(0, 10) }],
        controlPercent: 0,
      };
      const materialized = Date.now();
      const campaignId = await runningCampaign(store, plan);
      const targets = (await store.one<{ n: number }>("SELECT count(*) AS n FROM campaign_targets WHERE campaign_id = $id AND grp = 'treatment'", { id: campaignId }))!.n;
      log(`campaign ${campaignId}: ${targets.toLocaleString('en')} treatment targets materialized in ${seconds(Date.now() - materialized)} (not counted)`);
      await store.checkpoint();

      const contacts = (await store.one<{ n: number }>('SELECT count(*) AS n FROM contact_events'))!.n;
      // the outer query reads every aggregate: DuckDB drops those nobody reads
      const scan = 'SELECT count(*), sum(n), max(last) FROM (SELECT subscriber_id, count(*) AS n, max(event_time) AS last FROM contact_events GROUP BY subscriber_id)';
      await store.run(scan);
      const scanStarted = Date.now();
      await store.run(scan);
      const scanMs = Date.now() - scanStarted;

      const clock = wallSeconds(`${day} 10:00:00`);
      const loadStarted = Date.now();
      const engine = await PolicyEngine.start(store, { clock: () => clock });
      const loadMs = Date.now() - loadStarted;
      log(`engine started (ledger of ${engine.ledger.size.historyContacts.toLocaleString('en')} contacts, ${engine.directory.size.toLocaleString('en')} subscribers) in ${seconds(loadMs)}`);

      const started = Date.now();
      const summary = await engine.generateWaveList(campaignId, 1);
      const listMs = Date.now() - started;
      await engine.close();
      log(`listed ${summary.listed.toLocaleString('en')}, excluded ${summary.excluded.toLocaleString('en')}: ${summary.byReason.map((r) => `${r.reason} ${r.subscribers.toLocaleString('en')}`).join(', ')}`);
      return {
        figures: {
          'wave targets': summary.targets.toLocaleString('en'),
          'contact history rows': contacts.toLocaleString('en'),
          'bare scan of contact_events': seconds(scanMs),
          'ledger load at engine start': seconds(loadMs),
          'wave list generation': seconds(listMs),
          'targets checked': perSecond(summary.targets, listMs),
          'projected for 1,000,000 targets': seconds((listMs * 1_000_000) / Math.max(summary.targets, 1)),
        },
        ratios: [{ label: 'wave list / bare scan', value: listMs / Math.max(scanMs, 1) }],
        limits: [{ label: 'wave list generation', value: listMs / 1000, max: 20, unit: 's' }],
      };
    } finally {
      await store.close();
    }
  },
};

export default bench;
