// Channel feedback intake (issue 5, Speed): events over HTTP batches to a real listening server
// (≥ 2,000 events/s), and a 1,000,000-row feedback file (under 60 s), each against a bare DuckDB
// INSERT of the same rows in this process (the storing alone, without checks or idempotency).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureDemoUsers } from '../src/auth/users.ts';
import { createChannelKey } from '../src/channels/keys.ts';
import { loadConfig } from '../src/config.ts';
import { feedbackOutcomes, type FeedbackEvent } from '../src/ingest/feedback.ts';
import { importFeedbackFile } from '../src/ingest/feedback-file.ts';
import { buildApp } from '../src/server/app.ts';
import { Store } from '../src/store/store.ts';
import { perSecond, seconds, type Benchmark } from './benchmark.ts';

const httpEvents = Number(process.env.BENCH_FEEDBACK_EVENTS ?? 200_000);
const fileRows = Number(process.env.BENCH_FEEDBACK_ROWS ?? 1_000_000);
const subscribers = Number(process.env.BENCH_SUBSCRIBERS ?? 100_000);
const batchSize = 1000;
const concurrency = 4;

/** A province of `subscribers` and one running campaign offering FETION (the rows feedback checks). */
async function seed(store: Store): Promise<number> {
  await store.run("INSERT INTO cities VALUES ('C01', '江城市', 'Jiangcheng', true)");
  await store.run(`INSERT INTO products (product_id, kind, service, name_zh, name_en, monthly_fee_fen) VALUES
    ('P_GT88', 'tariff_plan', 'voice', '全球通 88', 'GoTone 88', 8800), ('FETION', 'vas', 'gprs', '飞信', 'Fetion', 0)`);
  await store.run(
    `INSERT INTO subscribers (subscriber_id, msisdn, brand, plan_id, status, city_code, age, gender, join_date, arpu_fen, payment_type)
     SELECT id, '138' || lpad(CAST(id AS VARCHAR), 8, '0'), 'gotone', 'P_GT88', 'active', 'C01', 30, 'M', DATE '2020-01-15', 10000, 'postpaid'
     FROM range(1, $n + 1) r(id)`,
    { n: subscribers },
  );
  const plan = { name: 'Bench', offers: [{ productId: 'FETION', scripts: {} }], channels: [{ channelId: 'outbound', segment: 'mass' }], waves: [{ name: 'W1', startDate: '2026-11-01', endDate: '2026-11-15' }] };
  const row = await store.one<{ id: number }>(
    "INSERT INTO campaigns (name, category, status, plan, created_by) VALUES ('Bench', 'new_service', 'running', $plan, 'bench') RETURNING campaign_id AS id",
    { plan: JSON.stringify(plan) },
  );
  return row!.id;
}

function eventAt(campaignId: number, prefix: string, i: number): FeedbackEvent {
  return {
    eventId: `${prefix}-${i}`,
    subscriberId: ((i * 7919) % subscribers) + 1,
    campaignId,
    offerId: 'FETION',
    channel: 'outbound',
    outcome: feedbackOutcomes[i % feedbackOutcomes.length]!,
    at: `2026-11-${String(1 + (i % 20)).padStart(2, '0')} ${String(8 + (i % 12)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`,
  };
}

const bench: Benchmark = {
  name: 'feedback',
  description: `Feedback intake: ${httpEvents.toLocaleString('en')} events in HTTP batches of ${batchSize} (${concurrency} clients) to a listening server, and a ${fileRows.toLocaleString('en')}-row feedback CSV, each vs a bare DuckDB INSERT of the same rows.`,
  async run(log) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yiti-bench-feedback-'));
    const store = await Store.open(path.join(dir, 'bench.duckdb'));
    const app = await buildApp({ store, config: { ...loadConfig(), dbPath: store.file }, startup: { jobId: null, error: null } });
    try {
      const campaignId = await seed(store);
      await ensureDemoUsers(store);
      const { secret } = await createChannelKey(store, 'outbound', 'bench', 'bench');
      await store.checkpoint();
      const address = await app.listen({ host: '127.0.0.1', port: 0 });
      log(`seeded ${subscribers.toLocaleString('en')} subscribers; server at ${address}`);

      // HTTP: concurrent clients, each POSTing its share of the batches and waiting for the answer
      const batches = Math.ceil(httpEvents / batchSize);
      let next = 0;
      let acknowledged = 0;
      const httpStarted = Date.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let b = next++; b < batches; b = next++) {
            const events = Array.from({ length: Math.min(batchSize, httpEvents - b * batchSize) }, (_, i) => eventAt(campaignId, 'h', b * batchSize + i));
            const res = await fetch(`${address}/api/feedback`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-channel-key': secret }, body: JSON.stringify({ events }) });
            const body = (await res.json()) as { recorded: number; message?: string };
            if (res.status !== 200) throw new Error(`batch ${b}: ${res.status} ${body.message}`);
            acknowledged += body.recorded;
          }
        }),
      );
      const httpMs = Date.now() - httpStarted;
      if (acknowledged !== httpEvents) throw new Error(`${acknowledged} of ${httpEvents} events recorded`);
      log(`HTTP: ${httpEvents.toLocaleString('en')} events in ${seconds(httpMs)}`);

      // its baseline: the same rows in the same batches, one bare INSERT each, into a plain table
      await store.run('CREATE TABLE bare_events (channel_id VARCHAR, event_id VARCHAR, subscriber_id INTEGER, campaign_id INTEGER, offer_id VARCHAR, outcome VARCHAR, event_time TIMESTAMP)');
      const bareStarted = Date.now();
      for (let b = 0; b < batches; b++) {
        const events = Array.from({ length: Math.min(batchSize, httpEvents - b * batchSize) }, (_, i) => eventAt(campaignId, 'b', b * batchSize + i));
        await store.run(
          `INSERT INTO bare_events SELECT unnest($c), unnest($e), CAST(unnest($s) AS INTEGER), CAST(unnest($k) AS INTEGER), unnest($o), unnest($r), CAST(unnest($t) AS TIMESTAMP)`,
          {
            c: events.map((e) => e.channel),
            e: events.map((e) => e.eventId),
            s: events.map((e) => e.subscriberId),
            k: events.map((e) => e.campaignId),
            o: events.map((e) => e.offerId),
            r: events.map((e) => e.outcome),
            t: events.map((e) => e.at),
          },
        );
      }
      const bareMs = Date.now() - bareStarted;

      // File: a CSV of fileRows events (written by DuckDB, not counted)
      const file = path.join(dir, 'feedback.csv');
      await store.run(
        `COPY (SELECT 'f-' || i AS event_id, CAST((i * 7919) % $subs + 1 AS INTEGER) AS subscriber_id, $campaign AS campaign_id, 'FETION' AS offer_id,
                'outbound' AS channel_id, list_extract($outcomes, CAST(i % 8 AS INTEGER) + 1) AS outcome,
                strftime(TIMESTAMP '2026-11-01 08:00:00' + to_seconds(CAST(i % 1500000 AS BIGINT)), '%Y-%m-%d %H:%M:%S') AS event_time
              FROM range($rows) r(i)) TO '${file.replace(/'/g, "''")}' (FORMAT csv, HEADER true)`,
        { subs: subscribers, campaign: campaignId, outcomes: [...feedbackOutcomes], rows: fileRows },
      );
      log(`wrote a ${fileRows.toLocaleString('en')}-row file of ${(fs.statSync(file).size / 1e6).toFixed(1)} MB`);
      await store.checkpoint();
      const fileStarted = Date.now();
      const imported = await importFeedbackFile(store, { file });
      const fileMs = Date.now() - fileStarted;
      if (imported.recorded !== fileRows) throw new Error(`${imported.recorded} of ${fileRows} rows recorded`);
      log(`file: ${fileRows.toLocaleString('en')} rows in ${seconds(fileMs)}`);
      const againStarted = Date.now();
      const again = await importFeedbackFile(store, { file });
      const againMs = Date.now() - againStarted;
      if (!again.duplicate) throw new Error('the same file twice was not a no-op');

      // its baseline: read the same CSV and insert it into a plain table, one statement
      await store.run('CREATE TABLE bare_file (event_id VARCHAR, subscriber_id INTEGER, campaign_id INTEGER, offer_id VARCHAR, channel_id VARCHAR, outcome VARCHAR, event_time TIMESTAMP)');
      const bareFileStarted = Date.now();
      await store.run(`INSERT INTO bare_file SELECT * FROM read_csv($file, header = true)`, { file });
      const bareFileMs = Date.now() - bareFileStarted;

      return {
        figures: {
          subscribers: subscribers.toLocaleString('en'),
          'HTTP events': `${httpEvents.toLocaleString('en')} in ${batches.toLocaleString('en')} batches, ${concurrency} clients`,
          'HTTP time': seconds(httpMs),
          'HTTP events/s (acknowledged = committed)': perSecond(httpEvents, httpMs),
          'bare INSERT of the same batches': `${seconds(bareMs)} (${perSecond(httpEvents, bareMs)})`,
          'file rows': fileRows.toLocaleString('en'),
          'file import time': `${seconds(fileMs)} (${perSecond(fileRows, fileMs)})`,
          'the same file again (no-op)': seconds(againMs),
          'bare read_csv + INSERT of the file': seconds(bareFileMs),
        },
        ratios: [
          { label: 'HTTP intake / bare INSERT', value: httpMs / bareMs },
          { label: 'file import / bare INSERT', value: fileMs / bareFileMs },
        ],
        limits: [
          { label: 'HTTP ms per 2,000 events', value: (httpMs / httpEvents) * 2000, max: 1000, unit: 'ms' },
          // 60 s for a million rows, pro rata when developing at fewer
          { label: `file of ${fileRows.toLocaleString('en')} rows`, value: fileMs / 1000, max: (60 * fileRows) / 1_000_000, unit: 's' },
        ],
      };
    } finally {
      await app.close();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
