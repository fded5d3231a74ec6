// The real-time decision API (issue 5, Speed) on a real listening server: 20 running campaigns of
// 10 offers each (200 live offers) on the e-channels and the store desk, requests at 500/s for
// BENCH_DECIDE_SECONDS (60 for the figure; 10 by default) from a keep-alive HTTP client in a worker thread,
// a fifth of them on a few hundred "hot" customers so that caps and concurrent decisions for one
// customer really happen. Then the reservations are checked against the caps and the interval in
// plain SQL (no engine code), and the API's saturated throughput is compared with a Fastify route
// that returns a constant, on the same machine. Targets: p99 ≤ 25 ms, zero cap violations.
import { Worker } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { createChannelKey } from '../src/channels/keys.ts';
import { loadConfig } from '../src/config.ts';
import { wallNow, wallSeconds, wallText } from '../src/policy/clock.ts';
import { policyEngine, stopPolicyEngine } from '../src/policy/engine.ts';
import { getContactPolicy } from '../src/policy/policies.ts';
import { buildApp } from '../src/server/app.ts';
import type { Store } from '../src/store/store.ts';
import { seconds, type Benchmark } from './benchmark.ts';
import { benchProvince, runningCampaign } from './policy.bench.ts';

const duration = Number(process.env.BENCH_DECIDE_SECONDS ?? 10);
const rate = Number(process.env.BENCH_DECIDE_RATE ?? 500);
const channels = ['app', 'web', 'wap', 'store'] as const;

async function liveOffers(store: Store, today: string): Promise<number[]> {
  await store.run(`INSERT INTO products (product_id, kind, service, name_zh, name_en, monthly_fee_fen, active)
    SELECT 'BENCH_O' || lpad(CAST(i AS VARCHAR), 3, '0'), 'offer', NULL, '压测产品 ' || i, 'Bench offer ' || i, (i * 37) % 2000, true
    FROM range(1, 201) r(i) WHERE NOT EXISTS (SELECT 1 FROM products WHERE product_id = 'BENCH_O001')`);
  // the bench's province: only its 20 campaigns run, so exactly 200 offers are live
  await store.run("UPDATE campaigns SET status = 'finished' WHERE status = 'running'");
  const cities = (await store.query<{ c: string }>('SELECT DISTINCT city_code AS c FROM subscribers ORDER BY 1')).map((r) => r.c);
  const end = wallText(wallSeconds(`${today} 00:00:00`) + 30 * 86_400).slice(0, 10);
  const ids: number[] = [];
  for (let k = 0; k < 20; k++) {
    const offers = Array.from({ length: 10 }, (_, j) => {
      const id = `BENCH_O${String(k * 10 + j + 1).padStart(3, '0')}`;
      return { productId: id, scripts: Object.fromEntries(channels.map((c) => [c, `${c}: offer ${id}`])) };
    });
    ids.push(
      await runningCampaign(store, {
        name: `bench decide ${k + 1}`,
        category: 'value_up',
        offers,
        target: { kind: 'filter', filter: { field: 'cityCode', op: 'in', value: [cities[k % cities.length], cities[(k + 3) % cities.length]] } },
        channels: channels.map((channelId) => ({ channelId })),
        waveMode: 'parallel',
        waves: [{ name: 'W1', startDate: today, endDate: end }],
        controlPercent: 10,
      }),
    );
  }
  return ids;
}

/**
 * The HTTP client runs in a worker thread (CommonJS, evaluated from this text) so that the server
 * has the main thread to itself, as it would with real channel systems calling it.
 */
const clientCode = `
const http = require('node:http');
const { parentPort, workerData: w } = require('node:worker_threads');
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const channels = w.channels;
let n = 0;
function shot() {
  n++;
  const who = w.hot.length && n % 5 === 0 ? w.hot[n % w.hot.length] : w.ids[Math.floor(Math.random() * w.ids.length)];
  const ch = n % channels.length;
  const body = w.path === '/api/decide' ? JSON.stringify({ subscriber: who, channel: channels[ch], context: { trigger: n % 3 === 0 ? 'bill_payment' : 'browse' } }) : '{}';
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port: w.port, path: w.path, method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-channel-key': w.keys[ch] } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ ms: performance.now() - started, status: res.statusCode, offer: res.statusCode === 200 && text.startsWith('{"decisionId"') && !text.includes('"offers":[]') }));
    });
    req.on('error', () => resolve({ ms: performance.now() - started, status: 0, offer: false }));
    req.end(body);
  });
}
async function saturated(ms, concurrency) {
  let done = 0;
  const until = performance.now() + ms;
  await Promise.all(Array.from({ length: concurrency }, async () => { while (performance.now() < until) { await shot(); done++; } }));
  return done / (ms / 1000);
}
(async () => {
  await saturated(w.warmMs, 8);
  if (w.mode === 'warm') { parentPort.postMessage({}); agent.destroy(); return; }
  if (w.mode === 'saturated') { const rate = await saturated(w.ms, w.concurrency); parentPort.postMessage({ rate, requests: Math.round((rate * w.ms) / 1000) }); agent.destroy(); return; }
  const shots = [];
  const pending = [];
  const started = performance.now();
  let sent = 0;
  await new Promise((resolve) => {
    const tick = setInterval(() => {
      const elapsed = (performance.now() - started) / 1000;
      if (elapsed >= w.ms / 1000) { clearInterval(tick); resolve(); return; }
      const due = Math.floor(elapsed * w.rate);
      while (sent < due) { sent++; pending.push(shot().then((s) => { shots.push(s); })); }
    }, 1);
  });
  await Promise.all(pending);
  parentPort.postMessage({ wallMs: performance.now() - started, latencies: shots.map((s) => s.ms), failed: shots.filter((s) => s.status !== 200).length, withOffer: shots.filter((s) => s.offer).length });
  agent.destroy();
})();
`;

interface ClientRun {
  port: number;
  path: string;
  keys: string[];
  ids: Float64Array;
  hot: Float64Array;
  mode: 'warm' | 'open' | 'saturated';
  ms: number;
  rate?: number;
  concurrency?: number;
  warmMs: number;
}

/**
 * CPU time of this process (server and client thread together) per request of a run: comparable
 * between the decision API and the constant route when other work shares the machine.
 */
async function cpuPerRequest<T>(run: () => Promise<T>, requests: (result: T) => number): Promise<{ result: T; micros: number }> {
  const before = process.cpuUsage();
  const result = await run();
  const used = process.cpuUsage(before);
  return { result, micros: (used.user + used.system) / Math.max(requests(result), 1) };
}

function runClient<T>(run: ClientRun): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(clientCode, { eval: true, workerData: { ...run, channels: [...channels] } });
    worker.once('message', (m: T) => {
      void worker.terminate();
      resolve(m);
    });
    worker.once('error', reject);
  });
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

/** Cap and interval breaches among the reservations, in SQL over the tables (the policy's own code is not used). */
async function capViolations(store: Store, weekMax: number, monthMax: number, dayAllMax: number, intervalHours: number): Promise<Record<string, number>> {
  const one = async (sql: string, params: Record<string, number>) => (await store.one<{ n: number }>(sql, params))!.n;
  // r = 1 for the policy's own reservations: a window the demo history alone filled is not the policy's doing
  const marketing = `(SELECT subscriber_id AS s, reserved_at AS t, 1 AS r FROM policy_reservations
                      UNION ALL SELECT subscriber_id, event_time, 0 FROM contact_events WHERE event_type = 'marketing'
                        AND subscriber_id IN (SELECT subscriber_id FROM policy_reservations))`;
  const all = `(SELECT subscriber_id AS s, reserved_at AS t, 1 AS r FROM policy_reservations
                UNION ALL SELECT subscriber_id, event_time, 0 FROM contact_events WHERE subscriber_id IN (SELECT subscriber_id FROM policy_reservations))`;
  return {
    week: await one(`SELECT count(*) AS n FROM (SELECT s, date_trunc('week', t) AS w, count(*) AS c FROM ${marketing} GROUP BY ALL HAVING count(*) > $w AND max(r) = 1)`, { w: weekMax }),
    month: await one(`SELECT count(*) AS n FROM (SELECT s, date_trunc('month', t) AS m, count(*) AS c FROM ${marketing} GROUP BY ALL HAVING count(*) > $m AND max(r) = 1)`, { m: monthMax }),
    dayAll: await one(`SELECT count(*) AS n FROM (SELECT s, date_trunc('day', t) AS d, count(*) AS c FROM ${all} GROUP BY ALL HAVING count(*) > $d AND max(r) = 1)`, { d: dayAllMax }),
    interval: await one(
      `SELECT count(*) AS n FROM (SELECT r, t - lag(t) OVER (PARTITION BY s ORDER BY t) AS gap FROM ${marketing}) WHERE r = 1 AND gap < to_minutes(CAST($h * 60 AS BIGINT))`,
      { h: intervalHours },
    ),
  };
}

const bench: Benchmark = {
  name: 'decide',
  description: `POST /api/decide on a listening server with 200 live offers: ${rate} req/s for ${duration} s (keep-alive client), p99 and cap violations; saturated throughput vs a constant Fastify route.`,
  async run(log) {
    const { store } = await benchProvince(log);
    const config = loadConfig();
    const today = wallText(wallNow(config.timeZone)).slice(0, 10);
    try {
      const made = Date.now();
      const campaigns = await liveOffers(store, today);
      log(`20 campaigns × 10 offers running (${campaigns[0]}…${campaigns.at(-1)}) in ${seconds(Date.now() - made)} (not counted)`);
      await store.run('DELETE FROM policy_reservations');
      const keys = Object.fromEntries(await Promise.all(channels.map(async (c) => [c, (await createChannelKey(store, c, `bench ${c}`, 'admin')).secret] as const)));
      const subscriberIds = (await store.columns('SELECT subscriber_id FROM subscribers ORDER BY 1'))[0] as Float64Array;
      const hot = subscriberIds.slice(0, 300);

      const app = await buildApp({ store, config, startup: { jobId: null, error: null } });
      const engineStarted = Date.now();
      const engine = await policyEngine(store);
      await engine.refreshOffers();
      log(`engine ready in ${seconds(Date.now() - engineStarted)}: ${engine.offers.offerCount} live offers, ${engine.directory.size.toLocaleString('en')} subscribers`);
      await app.listen({ host: '127.0.0.1', port: 0 });
      const port = (app.server.address() as AddressInfo).port;
      const keyList = channels.map((c) => keys[c]!);
      const common = { port, path: '/api/decide', keys: keyList, ids: subscriberIds, hot };
      await runClient({ ...common, mode: 'warm', ms: 0, warmMs: 2000 });
      const openRun = await cpuPerRequest(
        () => runClient<{ wallMs: number; latencies: number[]; failed: number; withOffer: number }>({ ...common, mode: 'open', ms: duration * 1000, rate, warmMs: 0 }),
        (r) => r.latencies.length,
      );
      const open = openRun.result;
      const wallMs = open.wallMs;
      const latencies = open.latencies.sort((a, b) => a - b);
      const shots = latencies;
      const failed = open.failed;
      const withOffer = open.withOffer;

      const decideSaturated = await cpuPerRequest(() => runClient<{ rate: number; requests: number }>({ ...common, mode: 'saturated', ms: 5000, concurrency: 32, warmMs: 0 }), (r) => r.requests);
      const decideMax = decideSaturated.result.rate;
      const policy = (await getContactPolicy(store)).policy;
      const capOf = (kind: string, counts: string) => policy.caps.find((c) => c.channel === '*' && c.window.kind === kind && c.counts === counts)?.max ?? 1e9;
      const violations = await capViolations(store, capOf('week', 'marketing'), capOf('month', 'marketing'), capOf('day', 'all'), policy.minIntervalHours);
      const totalViolations = Object.values(violations).reduce((a, b) => a + b, 0);
      await app.close();
      await stopPolicyEngine(store);

      const constant = Fastify();
      constant.post('/const', async () => ({ ok: true }));
      await constant.listen({ host: '127.0.0.1', port: 0 });
      const constPort = (constant.server.address() as AddressInfo).port;
      await runClient({ ...common, port: constPort, path: '/const', mode: 'warm', ms: 0, warmMs: 1000 });
      const constSaturated = await cpuPerRequest(() => runClient<{ rate: number; requests: number }>({ ...common, port: constPort, path: '/const', mode: 'saturated', ms: 5000, concurrency: 32, warmMs: 0 }), (r) => r.requests);
      const constMax = constSaturated.result.rate;
      await constant.close();

      const p99 = quantile(latencies, 0.99);
      log(`violations by rule: ${JSON.stringify(violations)}`);
      return {
        figures: {
          'requests sent': `${shots.length.toLocaleString('en')} in ${seconds(wallMs)} (${Math.round(shots.length / (wallMs / 1000))}/s)`,
          'failed requests': String(failed),
          'answered with an offer': `${withOffer.toLocaleString('en')} (${((100 * withOffer) / Math.max(shots.length, 1)).toFixed(1)}%)`,
          'latency p50 / p95 / p99 / max': `${quantile(latencies, 0.5).toFixed(1)} / ${quantile(latencies, 0.95).toFixed(1)} / ${p99.toFixed(1)} / ${(latencies.at(-1) ?? NaN).toFixed(1)} ms`,
          'CPU per request at the target rate': `${Math.round(openRun.micros)} µs (server and client thread)`,
          'decide saturated (32 in flight)': `${Math.round(decideMax)}/s, ${Math.round(decideSaturated.micros)} µs CPU per request`,
          'constant Fastify route saturated': `${Math.round(constMax)}/s, ${Math.round(constSaturated.micros)} µs CPU per request`,
          'cap / interval violations': String(totalViolations),
        },
        ratios: [
          { label: 'constant route / decide throughput', value: constMax / Math.max(decideMax, 1) },
          { label: 'decide / constant route CPU per request (saturated)', value: decideSaturated.micros / Math.max(constSaturated.micros, 1) },
        ],
        limits: [
          { label: 'p99 latency at the target rate', value: p99, max: 25, unit: 'ms' },
          { label: 'cap violations', value: totalViolations, max: 0, unit: '' },
          { label: 'failed requests', value: failed, max: 0, unit: '' },
        ],
      };
    } finally {
      await store.close();
    }
  },
};

export default bench;
