// Small builders for hand-made test data: a temp database and rows a person can check by hand.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { loadConfig } from '../src/config.ts';
import { Store } from '../src/store/store.ts';

const exec = promisify(execFile);

export function tempDbPath(name = 'yiti'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  return path.join(dir, 'test.duckdb');
}

export async function tempStore(name?: string): Promise<Store> {
  return Store.open(tempDbPath(name));
}

export async function addCity(store: Store, code = 'C01', nameZh = '省会市', nameEn = 'Capital City'): Promise<void> {
  await store.run('INSERT INTO cities (city_code, name_zh, name_en, is_capital) VALUES ($code, $zh, $en, true)', { code, zh: nameZh, en: nameEn });
}

export async function addPlan(store: Store, productId = 'P_GT88', monthlyFeeFen = 8800): Promise<void> {
  await store.run(
    `INSERT INTO products (product_id, kind, service, name_zh, name_en, monthly_fee_fen)
     VALUES ($id, 'tariff_plan', 'voice', $id || ' 套餐', $id || ' plan', $fee)`,
    { id: productId, fee: monthlyFeeFen },
  );
}

export interface SubscriberRow {
  subscriber_id: number;
  msisdn: string;
  brand?: string;
  plan_id?: string;
  status?: string;
  city_code?: string;
  age?: number;
  gender?: string;
  join_date?: string;
  arpu_fen?: number;
  vip_level?: number;
}

export async function addSubscriber(store: Store, row: SubscriberRow): Promise<void> {
  await store.run(
    `INSERT INTO subscribers (subscriber_id, msisdn, brand, plan_id, status, city_code, age, gender, join_date, arpu_fen, payment_type, vip_level)
     VALUES ($id, $msisdn, $brand, $plan, $status, $city, $age, $gender, CAST($join AS DATE), $arpu, 'postpaid', $vip)`,
    {
      id: row.subscriber_id,
      msisdn: row.msisdn,
      brand: row.brand ?? 'gotone',
      plan: row.plan_id ?? 'P_GT88',
      status: row.status ?? 'active',
      city: row.city_code ?? 'C01',
      age: row.age ?? 35,
      gender: row.gender ?? 'M',
      join: row.join_date ?? '2020-01-15',
      arpu: row.arpu_fen ?? 10_000,
      vip: row.vip_level ?? 0,
    },
  );
}

/** Runs the `yiti` command as a user would, in a real process; never throws, returns the exit code. */
export async function yiti(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('node', ['bin/yiti.mjs', ...args], { env: { ...process.env, CI: 'true' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * Runs `yiti` and presses Ctrl-C (SIGINT) as soon as its stderr first shows `when`, the way a
 * user interrupts a long command; returns the exit code (null if the signal killed it) and stderr.
 */
export async function interruptedYiti(when: string, ...args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn('node', ['bin/yiti.mjs', ...args], { env: { ...process.env, CI: 'true' } });
  let stderr = '';
  let pressed = false;
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (!pressed && stderr.includes(when)) {
      pressed = true;
      child.kill('SIGINT');
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stderr };
}

/** Where Chromium is (CHROMIUM_PATH, else Debian's), or a clear error saying how to get it. */
export function chromiumExecutable(): string {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) throw new Error(`No Chromium at ${executablePath}: install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH`);
  return executablePath;
}

/**
 * Debian's Chromium (CHROMIUM_PATH for another) for a browser test, kept quiet: no background
 * networking, updates or sync. A test that serves the console from this process passes
 * `builtConsole`, to be told at once when web/dist has not been built.
 */
export async function launchChromium(opts: { builtConsole?: boolean } = {}): Promise<Browser> {
  const executablePath = chromiumExecutable();
  if (opts.builtConsole && !fs.existsSync(path.join(loadConfig().webDist, 'index.html'))) throw new Error('The console is not built: run "npm run build:web"');
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
