// The demo province on a real DuckDB file: deterministic, internally consistent, and carrying
// the signals the generator plants for the models.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ivrMenu, webJourneys } from '../src/demo/catalogue.ts';
import { defineMacros, generateProvince, tableChecksums } from '../src/demo/generate.ts';
import type { Store } from '../src/store/store.ts';
import { tempStore } from './builders.ts';

let store: Store;
let summary: Awaited<ReturnType<typeof generateProvince>>;
const progress: Array<[number, string | undefined]> = [];

beforeAll(async () => {
  store = await tempStore('demo');
  summary = await generateProvince(store, { subscribers: 1500, seed: 11 }, (f, m) => progress.push([f, m]));
});

afterAll(async () => {
  await store?.close();
});

const one = async <T = Record<string, number>>(sql: string) => (await store.one<T>(sql))!;

describe('the demo province', () => {
  it('holds the asked-for subscribers and three months of every kind of data', async () => {
    expect(summary.subscribers).toBe(1500);
    expect(summary.months).toEqual(['2026-08', '2026-09', '2026-10']);
    for (const table of ['cdr_voice', 'cdr_sms', 'cdr_mms', 'cdr_gprs', 'cdr_wlan', 'bills', 'contact_events', 'ivr_sessions', 'web_browse', 'holdings', 'orders', 'costs']) {
      expect(summary.rows[table], table).toBeGreaterThan(0);
    }
    // ≈ 100 CDRs per subscriber-month
    expect(summary.cdrs / 1500 / 3).toBeGreaterThan(80);
    expect(summary.cdrs / 1500 / 3).toBeLessThan(140);
    const months = await store.query<{ m: string }>(`SELECT DISTINCT strftime(start_time, '%Y-%m') AS m FROM cdr_voice ORDER BY 1`);
    expect(months.map((r) => r.m)).toEqual(summary.months);
  });

  it('reports progress from 0 to 1 with what it is doing', () => {
    expect(progress[0][0]).toBe(0);
    expect(progress.at(-1)![0]).toBe(1);
    expect(progress.map(([, m]) => m)).toContain('voice CDRs');
    for (let i = 1; i < progress.length; i++) expect(progress[i][0]).toBeGreaterThanOrEqual(progress[i - 1][0]);
  });

  it('gives every subscriber a unique 11-digit number and no usage before joining', async () => {
    const numbers = await one(`SELECT count(DISTINCT msisdn) AS n, count(*) FILTER (WHERE NOT regexp_full_match(msisdn, '1[3-9][0-9]{9}')) AS bad FROM subscribers`);
    expect(numbers).toEqual({ n: 1500, bad: 0 });
    const early = await one(`SELECT count(*) AS n FROM cdr_voice v JOIN subscribers s USING (subscriber_id) WHERE v.start_time < s.join_date`);
    expect(early.n).toBe(0);
    const orphans = await one(`SELECT count(*) AS n FROM cdr_sms WHERE subscriber_id NOT IN (SELECT subscriber_id FROM subscribers)`);
    expect(orphans.n).toBe(0);
  });

  it('bills what the CDRs were charged, item by item', async () => {
    const mismatch = await one(`
      WITH cdr AS (SELECT subscriber_id, date_trunc('month', sent_time)::DATE AS m, sum(charge_fen) AS fen FROM cdr_sms GROUP BY ALL HAVING sum(charge_fen) <> 0),
           bill AS (SELECT subscriber_id, bill_month AS m, amount_fen AS fen FROM bills WHERE item = 'sms')
      SELECT count(*) AS n FROM cdr FULL JOIN bill USING (subscriber_id, m) WHERE cdr.fen IS DISTINCT FROM bill.fen`);
    expect(mismatch.n).toBe(0);
    const roaming = await one(`
      WITH cdr AS (SELECT subscriber_id, date_trunc('month', start_time)::DATE AS m, sum(charge_fen) AS fen FROM cdr_voice WHERE roam_type <> 'none' GROUP BY ALL HAVING sum(charge_fen) <> 0),
           bill AS (SELECT subscriber_id, bill_month AS m, amount_fen AS fen FROM bills WHERE item = 'roam_voice')
      SELECT count(*) AS n FROM cdr FULL JOIN bill USING (subscriber_id, m) WHERE cdr.fen IS DISTINCT FROM bill.fen`);
    expect(roaming.n).toBe(0);
    const arpu = await one(`
      SELECT count(*) AS n FROM subscribers s
      JOIN (SELECT subscriber_id, CAST(greatest(0, round(sum(amount_fen) / 3)) AS INTEGER) AS arpu FROM bills GROUP BY 1) b USING (subscriber_id)
      WHERE s.arpu_fen <> b.arpu`);
    expect(arpu.n).toBe(0);
  });

  it('skews ARPU by brand: GoTone above M-Zone above Easy-Own', async () => {
    const rows = await store.query<{ brand: string; arpu: number }>(`SELECT brand::VARCHAR AS brand, avg(arpu_fen) AS arpu FROM subscribers GROUP BY 1`);
    const arpu = Object.fromEntries(rows.map((r) => [r.brand, r.arpu]));
    expect(arpu.gotone).toBeGreaterThan(1.5 * arpu.mzone);
    expect(arpu.mzone).toBeGreaterThan(arpu.easyown);
  });

  it('plants the personas: business travellers roam and call long distance, students text, seniors talk', async () => {
    const rows = await store.query<{ persona: string; roam: number; ld: number; sms: number; voice: number; age: number }>(`
      SELECT persona, avg(f.roam_inter_minutes) AS roam, avg(f.long_distance_minutes) AS ld, avg(f.sms) AS sms, avg(f.voice_minutes) AS voice, avg(s.age) AS age
      FROM demo_personas JOIN customer_features f USING (subscriber_id) JOIN subscribers s USING (subscriber_id) GROUP BY 1`);
    const by = Object.fromEntries(rows.map((r) => [r.persona, r]));
    const others = rows.filter((r) => r.persona !== 'business');
    expect(by.business.roam).toBeGreaterThan(5 * Math.max(...others.map((r) => r.roam)));
    expect(by.business.ld).toBeGreaterThan(2 * Math.max(...others.map((r) => r.ld)));
    expect(by.student.sms).toBeGreaterThan(2 * Math.max(...rows.filter((r) => r.persona !== 'student' && r.persona !== 'youth').map((r) => r.sms)));
    expect(by.senior.age).toBeGreaterThan(60);
    expect(by.senior.sms).toBeLessThan(by.senior.voice / 5);
  });

  it('plants the Fetion signal: users are younger, text more and carry smartphones', async () => {
    const rows = await store.query<{ fetion: boolean; age: number; sms: number; smart: number; n: number }>(`
      SELECT h.subscriber_id IS NOT NULL AS fetion, avg(s.age) AS age, avg(f.sms) AS sms, avg(s.handset_smart::INTEGER) AS smart, count(*) AS n
      FROM subscribers s JOIN customer_features f USING (subscriber_id)
        LEFT JOIN holdings h ON h.subscriber_id = s.subscriber_id AND h.product_id = 'FETION' AND h.end_date IS NULL
      GROUP BY 1`);
    const [non, users] = [rows.find((r) => !r.fetion)!, rows.find((r) => r.fetion)!];
    expect(users.n).toBeGreaterThan(150);
    expect(users.age).toBeLessThan(non.age - 8);
    expect(users.sms).toBeGreaterThan(2 * non.sms);
    expect(users.smart).toBeGreaterThan(2 * non.smart);
    // only Fetion holders use the Fetion data service
    const strays = await one(`SELECT count(*) AS n FROM cdr_gprs g WHERE service = 'fetion'
      AND NOT EXISTS (SELECT 1 FROM holdings h WHERE h.subscriber_id = g.subscriber_id AND h.product_id = 'FETION')`);
    expect(strays.n).toBe(0);
  });

  it('has frequent and rare contacters, complaints among them, on every channel', async () => {
    const c = await one(`SELECT count(*) FILTER (WHERE n >= 10) AS frequent, count(*) FILTER (WHERE n <= 2) AS rare FROM
      (SELECT s.subscriber_id, count(e.subscriber_id) AS n FROM subscribers s LEFT JOIN contact_events e USING (subscriber_id) GROUP BY 1)`);
    expect(c.frequent).toBeGreaterThan(50);
    expect(c.rare).toBeGreaterThan(500);
    const channels = await one(`SELECT count(DISTINCT channel_id) AS n, count(*) FILTER (WHERE event_type = 'complaint') AS complaints FROM contact_events`);
    expect(channels.n).toBe(10);
    expect(channels.complaints).toBeGreaterThan(50);
  });

  it('routes IVR callers through the menu towards their business, and browsing along site journeys', async () => {
    // a self-served IVR contact's session ends at a menu that serves its business
    const served = await store.query<{ key_path: string; business: string }>(
      `SELECT s.key_path, e.business FROM ivr_sessions s JOIN contact_events e
         ON e.subscriber_id = s.subscriber_id AND e.event_time = s.start_time AND e.channel_id = 'ivr'
       WHERE NOT s.abandoned AND NOT s.to_agent`,
    );
    expect(served.length).toBeGreaterThan(50);
    const servedAt = new Map(ivrMenu.flatMap((m) => m.businesses.map((b) => [b, m.path] as const)));
    for (const r of served) expect(r.key_path, r.business).toBe(servedAt.get(r.business));
    // agent calls end in key 0; the menu names every path keyed, but for agent keys below the top
    const agent = await one<{ bad: number; n: number }>(`SELECT count(*) FILTER (WHERE NOT regexp_full_match(key_path, '(.*>)?0')) AS bad, count(*) AS n FROM ivr_sessions WHERE to_agent`);
    expect(agent.n).toBeGreaterThan(0);
    expect(agent.bad).toBe(0);
    // pages viewed minutes apart on a site follow its journeys (but for two visits that happen to fall that close)
    const moves = await store.query<{ site: string; a: string; b: string; n: number }>(
      `SELECT site::VARCHAR AS site, page_path AS a, next AS b, count(*) AS n FROM (
         SELECT site, page_path, visit_time, lead(page_path) OVER w AS next, lead(visit_time) OVER w AS next_time
         FROM web_browse WINDOW w AS (PARTITION BY subscriber_id, site ORDER BY visit_time))
       WHERE next IS NOT NULL AND datediff('second', visit_time, next_time) < 200 GROUP BY ALL`,
    );
    const allowed = new Set(Object.entries(webJourneys).flatMap(([site, js]) => js.flatMap((j) => j.pages.slice(1).map((p, i) => `${site} ${j.pages[i]} ${p}`))));
    const total = moves.reduce((n, m) => n + m.n, 0);
    const onJourneys = moves.filter((m) => allowed.has(`${m.site} ${m.a} ${m.b}`)).reduce((n, m) => n + m.n, 0);
    expect(total).toBeGreaterThan(1000);
    expect(onJourneys / total).toBeGreaterThan(0.97);
  });

  it('is deterministic: the same seed gives the same checksum of every table, another seed differs', async () => {
    const first = await tableChecksums(store);
    const again = await tempStore('demo-again');
    try {
      await generateProvince(again, { subscribers: 1500, seed: 11 });
      expect(await tableChecksums(again)).toEqual(first);
      await generateProvince(again, { subscribers: 1500, seed: 12 });
      const other = await tableChecksums(again);
      expect(other.cdr_voice).not.toEqual(first.cdr_voice);
      expect(other.cities).toEqual(first.cities);
    } finally {
      await again.close();
    }
  });

  it('drops the campaigns made on the old province when it makes a new one, and keeps users and segments', async () => {
    const again = await tempStore('demo-regenerate');
    try {
      await generateProvince(again, { subscribers: 200, seed: 3 });
      await again.run(`INSERT INTO campaigns (name, category, status, plan, created_by) VALUES ('飞信推广', 'vas', 'draft', '{}', 'planner')`);
      await again.run(`INSERT INTO segments (name, filter, created_by) VALUES ('students', '{"field":"age","op":"lt","value":25}', 'planner')`);
      await generateProvince(again, { subscribers: 200, seed: 4 });
      expect((await again.one<{ n: number }>('SELECT count(*) AS n FROM campaigns'))!.n).toBe(0);
      expect((await again.one<{ n: number }>('SELECT count(*) AS n FROM segments'))!.n).toBe(1);
    } finally {
      await again.close();
    }
  });

  it('draws its choices in integers that equal their floating-point definitions, for every draw', async () => {
    // below(h, k, p) must be exactly unit(h, k) < p and slot(h, k, n) exactly floor(unit(h, k) * n):
    // every one of the 65,536 values of a draw, in each of the four positions of a hash
    const mismatches = await store.withConnection(async (c) => {
      await defineMacros(c);
      return c.one<{ below: number; slot: number; checked: number }>(`
        WITH draws AS (SELECT CAST(d AS UBIGINT) << CAST(16 * k AS UBIGINT) AS h, k FROM range(65536) a(d), range(4) b(k)),
             chances AS (SELECT unnest([0, 1, 0.5, 0.55, 0.98, 0.3, 0.035, 1 / 3, 0.12345, 0.999999, 1.5, -0.2]::DOUBLE[]) AS p),
             sizes AS (SELECT unnest([1, 2, 3, 4, 24, 28, 31, 90, 100, 167, 200, 3600, 43200]) AS n)
        SELECT (SELECT count(*) FROM draws, chances WHERE below(h, k, p) <> (unit(h, k) < p)) AS below,
               (SELECT count(*) FROM draws, sizes WHERE slot(h, k, n) <> floor(unit(h, k) * n)) AS slot,
               (SELECT count(*) FROM draws) AS checked`);
    });
    expect(mismatches).toEqual({ below: 0, slot: 0, checked: 4 * 65536 });
  });

  it('refuses a bad size or seed, naming the field, and changes nothing', async () => {
    const before = await tableChecksums(store);
    await expect(generateProvince(store, { subscribers: 0, seed: 1 })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'subscribers' });
    await expect(generateProvince(store, { subscribers: 10, seed: -3 })).rejects.toMatchObject({ field: 'seed' });
    await expect(generateProvince(store, { subscribers: 10, seed: 1, endMonth: '2026-13' })).rejects.toMatchObject({ field: 'endMonth' });
    expect(await tableChecksums(store)).toEqual(before);
  });
});
