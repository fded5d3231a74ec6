// Acknowledged means committed: the real server process (node --import tsx src/server/main.ts) is
// killed with SIGKILL again and again while three clients send feedback batches and retry every
// batch not acknowledged. Afterwards every acknowledged event is stored exactly once — in
// feedback_events and, for the report, in contact_events — and nothing else is stored.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Store } from '../src/store/store.ts';
import { tempDbPath } from './builders.ts';
import { event, feedbackWorld } from './feedback-builders.ts';
import type { FeedbackEvent } from '../src/ingest/feedback.ts';

const workers = 3;
const batchesPerWorker = 40;
const eventsPerBatch = 100;
const kills = 5;

let dbFile: string;
let campaignId: number;
let key: string;
let port: number;
let server: ChildProcess | null = null;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function start(): ChildProcess {
  // one process (no tsx wrapper that would outlive a SIGKILL of its child or the reverse)
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    env: { ...process.env, YITI_DB: dbFile, YITI_PORT: String(port), YITI_LOG_LEVEL: 'warn', YITI_WEB_DIST: '/nonexistent' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.on('data', () => undefined);
  return child;
}

async function ready(): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error('the server did not come up');
}

async function killServer(): Promise<void> {
  const s = server;
  if (!s || s.exitCode !== null || s.signalCode !== null) return;
  const exited = new Promise((r) => s.once('exit', r));
  s.kill('SIGKILL');
  await exited;
}

beforeAll(async () => {
  dbFile = tempDbPath('feedback-kill');
  const store = await Store.open(dbFile);
  const world = await feedbackWorld(store);
  campaignId = world.campaignId;
  key = world.outboundKey;
  await world.client.app.close();
  await store.checkpoint();
  await store.close();
  port = await freePort();
}, 60_000);

afterAll(async () => {
  await killServer();
});

const outcomes = ['delivered', 'shown', 'not_shown', 'viewed', 'accepted', 'refused', 'ordered', 'failed'] as const;

function batchOf(w: number, b: number): FeedbackEvent[] {
  return Array.from({ length: eventsPerBatch }, (_, i) =>
    event(campaignId, 0, { eventId: `k${w}-${b}-${i}`, subscriberId: ((w * 7 + b * 13 + i) % 50) + 1, outcome: outcomes[(b + i) % outcomes.length], at: `2026-11-0${1 + (i % 9)} 1${w}:${String(b % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}` }),
  );
}

it('loses no acknowledged event and duplicates none while the server is killed with SIGKILL during ingestion', async () => {
  server = start();
  await ready();

  const acknowledged = new Set<string>();
  let inFlight = 0;
  let killedInFlight = 0;
  let retries = 0;
  let duplicatesReported = 0;
  let finished = 0;
  const startups: number[] = [];
  const resent = new Set<string>();

  const client = async (w: number) => {
    for (let b = 0; b < batchesPerWorker; b++) {
      const events = batchOf(w, b);
      for (;;) {
        inFlight++;
        try {
          const res = await fetch(`http://127.0.0.1:${port}/api/feedback`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-channel-key': key },
            body: JSON.stringify({ events }),
            signal: AbortSignal.timeout(10_000),
          });
          const body = (await res.json()) as { recorded: number; duplicates: number; message?: string };
          if (res.status !== 200) throw new Error(`batch ${w}/${b} refused: ${res.status} ${body.message}`);
          expect(body.recorded + body.duplicates).toBe(eventsPerBatch);
          duplicatesReported += body.duplicates;
          for (const e of events) acknowledged.add(e.eventId);
          // as a client whose acknowledgement got lost would: send every tenth batch once more
          if (b % 10 === 9 && !resent.has(`${w}/${b}`)) {
            resent.add(`${w}/${b}`);
            continue;
          }
          break;
        } catch (error) {
          if ((error as Error).message.includes('refused')) throw error;
          // no answer: the server died; send the same batch again
          retries++;
          await sleep(250);
        } finally {
          inFlight--;
        }
      }
    }
    finished++;
  };

  const killer = async () => {
    for (let k = 0; k < kills && finished < workers; k++) {
      await sleep(150 + Math.random() * 600);
      if (inFlight > 0) killedInFlight++;
      await killServer();
      const t0 = Date.now();
      server = start();
      await ready();
      startups.push(Date.now() - t0);
    }
  };

  await Promise.all([...Array.from({ length: workers }, (_, w) => client(w)), killer()]);
  await killServer();

  const total = workers * batchesPerWorker * eventsPerBatch;
  expect(acknowledged.size).toBe(total);
  expect(killedInFlight).toBeGreaterThanOrEqual(3);
  expect(retries).toBeGreaterThan(0);
  // the deliberate repeats at least were answered as duplicates, not stored again
  expect(duplicatesReported).toBeGreaterThanOrEqual(resent.size * eventsPerBatch);

  const store = await Store.open(dbFile);
  try {
    const stored = await store.query<{ event_id: string; n: number }>('SELECT event_id, count(*) AS n FROM feedback_events GROUP BY event_id');
    expect(stored.length).toBe(total);
    expect(stored.every((r) => r.n === 1 && acknowledged.has(r.event_id))).toBe(true);
    const contacts = await store.one<{ rows: number; events: number }>(
      "SELECT count(*) AS rows, count(DISTINCT note) AS events FROM contact_events WHERE note LIKE 'feedback %'",
    );
    const shownOnes = [...acknowledged].length - (await store.one<{ n: number }>("SELECT count(*) AS n FROM feedback_events WHERE outcome = 'not_shown'"))!.n;
    expect(contacts).toEqual({ rows: shownOnes, events: shownOnes });
  } finally {
    await store.close();
  }
  console.log(`kill -9 test: ${kills} kills (${killedInFlight} with batches in flight), ${retries} sends without an answer (resent), restarts took ${startups.map((ms) => (ms / 1000).toFixed(1)).join(', ')} s, ${duplicatesReported} events answered as duplicates`);
}, 240_000);
