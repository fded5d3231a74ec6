// The deterministic demo province: subscribers of seven personas with three months of CDRs,
// bills, holdings, orders, contacts, IVR sessions and web browsing, generated in DuckDB SQL.
// Every random draw is a hash of (seed, row key, salt), so the same seed gives the same data
// whatever the thread count; nothing is generated row by row in JS.
import type { Progress } from '../jobs/jobs.ts';
import { refreshCustomerFeatures } from '../customers/features.ts';
import { InvalidInput } from '../store/errors.ts';
import { billedMinutesSql } from '../store/sql.ts';
import type { ConnectionDb, Db, Store } from '../store/store.ts';
import { storeDemoTariffPlans } from './plans.ts';
import {
  cities,
  contactBusinesses,
  groupIndustries,
  handsetBrands,
  internationalDestinations,
  interProvinceCities,
  ivrMenu,
  personas,
  plans,
  province,
  services,
  webJourneys,
  weightedList,
} from './catalogue.ts';

export interface DemoOptions {
  subscribers: number;
  seed: number;
  /** The last of the three data months, YYYY-MM. */
  endMonth?: string;
}

export interface DemoSummary {
  subscribers: number;
  months: string[];
  rows: Record<string, number>;
  cdrs: number;
}

export const defaultEndMonth = '2026-10';

/** The tables the generator fills (and clears first); the checksum covers them all. */
export const provinceTables = [
  'cities', 'groups', 'products', 'subscribers', 'demo_personas', 'holdings', 'orders',
  'cdr_voice', 'cdr_sms', 'cdr_mms', 'cdr_gprs', 'cdr_wlan', 'bills',
  'contact_events', 'ivr_sessions', 'ivr_menu', 'web_browse', 'costs', 'province_meta',
] as const;

export const cdrTables = ['cdr_voice', 'cdr_sms', 'cdr_mms', 'cdr_gprs', 'cdr_wlan'] as const;

// Hours of the day by weight: calls and messages cluster in the working day and evening.
const hourWeights = [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1.5, 4, 7, 8, 8, 7, 6, 7, 8, 8, 7, 7, 8, 9, 9, 8, 5, 2];
const serviceHourWeights = hourWeights.map((w, h) => (h >= 8 && h <= 20 ? w : w / 6));
const dataServices = { web: 40, news: 10, music: 12, video: 10, game: 8, mail: 10, other: 10 };
const siteWeights = { online_hall: 35, portal: 20, wap: 20, monternet: 10, mail139: 15 };

/** A SQL list literal of this module's own constants (never input): ['a', 'b'] or [1, 2]. */
function literal(values: readonly (string | number)[]): string {
  return `[${values.map((v) => (typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`)).join(', ')}]`;
}

/** Equal weights for each of these values. */
function evenly(values: readonly string[]): Record<string, number> {
  return Object.fromEntries(values.map((v) => [v, 1]));
}

// Constant pick-lists, inlined into the SQL as literals: DuckDB folds them once, where a
// joined list column would be copied into every generated row. A list that fills an ENUM column
// is cast to the enum once, here, rather than each picked value; and enum columns are compared
// with enum constants ('mt'::call_direction), or DuckDB casts every row to text.
const lists = {
  personas: literal(weightedList(Object.fromEntries(personas.map((p) => [p.id, p.weight])), 200)),
  cities: literal(weightedList(Object.fromEntries(cities.map((c) => [c.code, c.weight])), 200)),
  cityCodes: literal(cities.map((c) => c.code)),
  interCities: literal(interProvinceCities),
  intlPlaces: literal(internationalDestinations),
  hours: literal(weightedList(Object.fromEntries(hourWeights.map((w, h) => [String(h), w])), 200).map(Number)),
  serviceHours: literal(weightedList(Object.fromEntries(serviceHourWeights.map((w, h) => [String(h), w])), 200).map(Number)),
  smartHandsets: literal(handsetBrands.smart),
  basicHandsets: literal(handsetBrands.basic),
  industries: literal(groupIndustries),
  dataServices: `CAST(${literal(weightedList(dataServices))} AS data_service[])`,
};

/** The IVR menu path a contact's business is served at; the agent menu one level above it. */
const ivrLeaf = (business: string) => `(CASE ${business} ${ivrMenu.flatMap((m) => m.businesses.map((b) => `WHEN '${b}' THEN '${m.path}'`)).join(' ')} ELSE '0' END)`;
/** The menu a path sits in ('1>2' for '1>2>1'; '' at the top). */
const ivrParent = (path: string) => `regexp_replace(${path}, '>?[^>]+$', '')`;

// Web browsing by numbers: sites by index (1-based in SQL), each site's journeys as spans of one
// list of pages, 20 weighted journey slots per site. Integer picks from constant lists cost a
// fraction of splitting picked text into pages.
const webSites = Object.keys(webJourneys);
const journeys = webSites.flatMap((site) => webJourneys[site].map((j) => ({ site, ...j })));
/** Journey i's pages start after the pages of journeys 0 … i − 1. */
const journeyStarts = journeys.map((_, i) => journeys.slice(0, i).reduce((n, j) => n + j.pages.length, 0));
/** A site's journeys by weight, as their 1-based numbers. */
const journeySlots = (site: string) => weightedList(Object.fromEntries(journeys.flatMap((j, i) => (j.site === site ? [[String(i + 1), j.weight]] : []))), 20).map(Number);
const web = {
  siteOf: (site: string) => webSites.indexOf(site) + 1,
  sites: literal(weightedList(siteWeights).map((site) => webSites.indexOf(site) + 1)),
  siteCodes: `CAST(${literal(webSites)} AS web_site[])`,
  slots: literal(webSites.flatMap(journeySlots)),
  starts: literal(journeyStarts),
  lengths: literal(journeys.map((j) => j.pages.length)),
  pages: literal(journeys.flatMap((j) => j.pages)),
};

/** Turns a JS array of plain objects into a temp table, through one JSON parameter. */
async function tempTable(tx: ConnectionDb, name: string, rows: Array<Record<string, unknown>>): Promise<void> {
  const typeOf = (v: unknown): unknown => {
    if (Array.isArray(v)) return [typeOf(v[0] ?? '')];
    if (typeof v === 'number') return 'DOUBLE';
    if (typeof v === 'boolean') return 'BOOLEAN';
    return 'VARCHAR';
  };
  const structure = JSON.stringify([Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, typeOf(v)]))]);
  // `name` and `structure` come from this module's constants, never from input
  await tx.run(`CREATE OR REPLACE TEMP TABLE ${name} AS SELECT unnest(from_json($rows, '${structure}'), recursive := true)`, {
    rows: JSON.stringify(rows),
  });
}

function monthsEndingAt(endMonth: string): string[] {
  const [y, m] = endMonth.split('-').map(Number);
  return [2, 1, 0].map((back) => {
    const d = new Date(Date.UTC(y, m - 1 - back, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  });
}

export function validateDemoOptions(options: DemoOptions): Required<DemoOptions> {
  const endMonth = options.endMonth ?? defaultEndMonth;
  if (!Number.isSafeInteger(options.subscribers) || options.subscribers < 1 || options.subscribers > 50_000_000) {
    throw new InvalidInput(`subscribers must be a whole number from 1 to 50,000,000, got ${options.subscribers}`, { field: 'subscribers' });
  }
  if (!Number.isSafeInteger(options.seed) || options.seed < 1 || options.seed > 2_147_483_647) {
    throw new InvalidInput(`seed must be a whole number from 1 to 2,147,483,647, got ${options.seed}`, { field: 'seed' });
  }
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(endMonth)) {
    throw new InvalidInput(`endMonth must be YYYY-MM, got "${endMonth}"`, { field: 'endMonth' });
  }
  return { subscribers: options.subscribers, seed: options.seed, endMonth };
}

/**
 * Replaces the province's data with a generated one, and drops the tariff runs and campaigns made
 * on the old one. Users, jobs, audit, settings and saved segments stay.
 * Each step commits on its own — one transaction around hundreds of millions of inserted rows
 * costs DuckDB more than half again the time — so a failure part-way clears the province
 * rather than leaving half of one: the outcome is a whole province or an empty one.
 */
export async function generateProvince(store: Store, options: DemoOptions, progress: Progress = () => undefined): Promise<DemoSummary> {
  const { subscribers, seed, endMonth } = validateDemoOptions(options);
  const months = monthsEndingAt(endMonth);
  const steps: Array<[string, number, (tx: ConnectionDb) => Promise<void>]> = [
    ['reference data', 1, (tx) => referenceData(tx, { subscribers, seed, months })],
    ['subscribers', 2, (tx) => generateSubscribers(tx, subscribers, seed)],
    ['holdings and orders', 2, (tx) => generateHoldings(tx, seed)],
    ['voice CDRs', 30, (tx) => generateVoice(tx, seed)],
    ['SMS and MMS CDRs', 22, (tx) => generateMessages(tx, seed)],
    ['GPRS and WLAN CDRs', 12, (tx) => generateData(tx, seed)],
    ['bills', 12, (tx) => generateBills(tx, months)],
    ['contacts, IVR and web', 6, (tx) => generateContacts(tx, seed)],
    ['customer features', 13, async (tx) => void (await refreshCustomerFeatures(tx))],
  ];
  const total = steps.reduce((n, [, w]) => n + w, 0);
  let done = 0;
  await store.withConnection(async (c) => {
    await clearProvince(c);
    // rows may land in any order (every reader sorts): inserts then run fully parallel, ~10% faster
    await c.run('SET preserve_insertion_order = false');
    try {
      await defineMacros(c);
      for (const [label, weight, step] of steps) {
        progress(done / total, label);
        await step(c);
        done += weight;
      }
    } catch (error) {
      await clearProvince(c).catch(() => undefined);
      throw error;
    } finally {
      await c.run('RESET preserve_insertion_order');
    }
    progress(1, 'done');
  });
  await dropScratch(store);
  const rows = await tableRowCounts(store);
  return { subscribers, months, rows, cdrs: cdrTables.reduce((n, t) => n + rows[t], 0) };
}

/**
 * The generator's SQL vocabulary. A hash h holds four 16-bit draws (k = 0 … 3). A draw becomes a
 * uniform number in (0, 1) only where the value is continuous (a duration's logarithm); choices
 * stay in integers, which DuckDB evaluates at a fraction of the cost of doubles over hundreds of
 * millions of rows: below(h, k, p) is exactly unit(h, k) < p, slot(h, k, n) exactly
 * floor(unit(h, k) * n), since (d + 0.5) / 65536 < p ⟺ d < ⌈65536·p − 0.5⌉ for an integer d, and
 * ⌊(d + 0.5) / 65536 · n⌋ = ((2d + 1)·n) >> 17 (test/demo.test.ts checks every d).
 * UBIGINT operands throughout: mixing in a signed integer makes DuckDB compute in HUGEINT.
 */
export async function defineMacros(tx: ConnectionDb): Promise<void> {
  await tx.run(`CREATE OR REPLACE TEMP MACRO draw(h, k) AS ((h) >> CAST((k) * 16 AS UBIGINT)) & CAST(65535 AS UBIGINT)`);
  await tx.run(`CREATE OR REPLACE TEMP MACRO unit(h, k) AS (draw(h, k)::DOUBLE + 0.5) / 65536.0`);
  // the draws below which unit(h, k) < p: with p a constant, DuckDB folds it once per statement
  await tx.run(`CREATE OR REPLACE TEMP MACRO odds(p) AS CAST(greatest(0, ceil(65536 * (p) - 0.5)) AS UBIGINT)`);
  await tx.run(`CREATE OR REPLACE TEMP MACRO below(h, k, p) AS draw(h, k) < odds(p)`);
  await tx.run(`CREATE OR REPLACE TEMP MACRO slot(h, k, n) AS CAST((((draw(h, k) << CAST(1 AS UBIGINT)) | CAST(1 AS UBIGINT)) * CAST(n AS UBIGINT)) >> CAST(17 AS UBIGINT) AS BIGINT)`);
  await tx.run(`CREATE OR REPLACE TEMP MACRO pick(list, h, k) AS list[1 + slot(h, k, len(list))]`);
  await tx.run(`CREATE OR REPLACE TEMP MACRO hour_of(h, k) AS (${lists.hours})[1 + slot(h, k, 200)]`);
  await tx.run(`CREATE OR REPLACE TEMP MACRO service_hour_of(h, k) AS (${lists.serviceHours})[1 + slot(h, k, 200)]`);
  // a moment in a month (as epoch µs) for draw h: a day, the given hour, a second in it;
  // integer arithmetic, cheaper than intervals over hundreds of millions of rows
  await tx.run(`CREATE OR REPLACE TEMP MACRO moment(month_us, days, hour, h) AS make_timestamp(
    month_us + (slot(h, 0, days) * 86400 + CAST(hour AS BIGINT) * 3600 + slot(h, 2, 3600)) * 1000000)`);
}

// Work about the old province's customers that means nothing in a new one: tariff simulation
// runs and campaigns (their targets, exclusions and resources), children first.
const provinceDependents = [
  'tariff_run_results', 'tariff_run_targets', 'tariff_runs',
  'campaign_targets', 'campaign_exclusions', 'campaign_resources', 'campaigns',
];

async function clearProvince(c: ConnectionDb): Promise<void> {
  await c.run('BEGIN TRANSACTION');
  for (const table of [...provinceDependents, ...provinceTables, 'customer_features', 'import_batches']) await c.run(`DELETE FROM ${table}`);
  await c.run('COMMIT');
}

async function dropScratch(store: Store): Promise<void> {
  // temp tables live per connection; the pool may hand this connection out again
  await store.withConnection(async (c) => {
    for (const t of ['gen_persona', 'gen_plan', 'gen_service', 'gen_month', 'gen_sub', 'gen_usage', 'gen_contact', 'gen_choice']) {
      await c.run(`DROP TABLE IF EXISTS ${t}`);
    }
  });
}

async function tableRowCounts(db: Db): Promise<Record<string, number>> {
  const parts = provinceTables.map((t) => `SELECT '${t}' AS t, count(*) AS n FROM ${t}`).join(' UNION ALL ');
  const rows = await db.query<{ t: string; n: number }>(parts);
  return Object.fromEntries(rows.map((r) => [r.t, r.n]));
}

/** An order-independent checksum of every province table: `rows:hash-sum`. */
export async function tableChecksums(db: Db): Promise<Record<string, string>> {
  const parts = provinceTables.map((t) => `SELECT '${t}' AS t, count(*) AS n, coalesce(sum(hash(x)), 0)::VARCHAR AS h FROM ${t} x`).join(' UNION ALL ');
  const rows = await db.query<{ t: string; n: number; h: string }>(parts);
  const byTable = new Map(rows.map((r) => [r.t, `${r.n}:${r.h}`]));
  return Object.fromEntries(provinceTables.map((t) => [t, byTable.get(t)!]));
}

async function referenceData(tx: ConnectionDb, o: { subscribers: number; seed: number; months: string[] }): Promise<void> {
  const cityWeights = Object.fromEntries(cities.map((c) => [c.code, c.weight]));
  const planIds = plans.map((p) => p.id);
  await tempTable(
    tx,
    'gen_persona',
    personas.map((p) => ({
      persona: p.id,
      age_min: p.ageMin,
      age_max: p.ageMax,
      max_tenure: p.maxTenureMonths,
      smart_share: p.smartShare,
      group_share: p.groupShare,
      dnd_share: p.dndShare,
      vas_probs: services.map((s) => p.vas[s.id] ?? 0),
      voice_calls: p.voiceCalls,
      call_seconds: p.callSeconds,
      dld_share: p.dldShare,
      intl_share: p.intlShare,
      ip_share: p.ipShare,
      roam_intra: p.roamIntra,
      roam_inter: p.roamInter,
      roam_intl: p.roamIntl,
      sms: p.sms,
      mms: p.mms,
      gprs_sessions: p.gprsSessions,
      gprs_kb: p.gprsKb,
      wlan_sessions: p.wlanSessions,
      contacts: p.contacts,
      frequent_share: p.frequentShare,
      complaint_share: p.complaintShare,
      browse_visits: p.browseVisits,
    })),
  );
  await tempTable(tx, 'gen_plan', plans.map((p) => ({ ...p })));
  await tempTable(tx, 'gen_service', services.map((s, i) => ({ ...s, idx: i + 1 })));
  // weighted choices keyed by persona (plans, channels) or contact type (business):
  // 100 slots each, picked by an equality join on a uniform slot number
  const slots = (list: string, key: string, weights: Record<string, number>) =>
    weightedList(weights).map((value, slot) => ({ list, key, slot, value }));
  await tempTable(tx, 'gen_choice', [
    ...personas.flatMap((p) => slots('plan', p.id, p.plans)),
    ...personas.flatMap((p) => slots('channel', p.id, p.channels)),
    ...Object.entries(contactBusinesses).flatMap(([type, list]) => slots('business', type, evenly(list))),
  ]);
  await tx.run(`CREATE OR REPLACE TEMP TABLE gen_month AS
    SELECT m, CAST(month || '-01' AS TIMESTAMP) AS month_start,
      CAST(datediff('day', CAST(month || '-01' AS DATE), CAST(month || '-01' AS DATE) + INTERVAL 1 MONTH) AS INTEGER) AS days
    FROM (SELECT unnest(from_json($months, '["VARCHAR"]')) AS month, unnest(range(3)) AS m)`, { months: JSON.stringify(o.months) });

  for (const c of cities) {
    await tx.run('INSERT INTO cities VALUES ($code, $zh, $en, $capital)', { code: c.code, zh: c.nameZh, en: c.nameEn, capital: c.capital });
  }
  for (const m of ivrMenu) {
    await tx.run('INSERT INTO ivr_menu (key_path, label_zh, label_en) VALUES ($path, $zh, $en)', { path: m.path, zh: m.zh, en: m.en });
  }
  for (const s of services) {
    await tx.run(
      `INSERT INTO products (product_id, kind, service, name_zh, name_en, monthly_fee_fen) VALUES ($id, $kind, $service, $zh, $en, $fee)`,
      { id: s.id, kind: s.kind, service: s.service, zh: s.nameZh, en: s.nameEn, fee: s.monthlyFee },
    );
  }
  // the plans as tariff definitions the re-rater reproduces the demo charges with, plus
  // candidate plans nobody holds yet and the GPRS pack's add-on terms
  await storeDemoTariffPlans(tx);
  await tx.run(
    `INSERT INTO groups
     SELECT 'G' || lpad(CAST(i + 1 AS VARCHAR), 5, '0'),
       pick(${lists.industries}, hash($seed, i, 'group'), 0) || ' group ' || CAST(i + 1 AS VARCHAR),
       pick(${lists.industries}, hash($seed, i, 'group'), 0),
       pick(${lists.cities}, hash($seed, i, 'group'), 1),
       below(hash($seed, i, 'group'), 2, 0.6)
     FROM range($groups) t(i)`,
    { seed: o.seed, groups: Math.max(3, Math.ceil(o.subscribers / 120)) },
  );
  const asOf = await tx.one<{ d: string }>(`SELECT strftime(max(month_start) + INTERVAL 1 MONTH - INTERVAL 1 DAY, '%Y-%m-%d') AS d FROM gen_month`);
  const meta: Record<string, string> = {
    province_name_zh: province.nameZh,
    province_name_en: province.nameEn,
    as_of_date: asOf!.d,
    data_months: o.months.join(','),
    demo_seed: String(o.seed),
    demo_subscribers: String(o.subscribers),
  };
  for (const [key, value] of Object.entries(meta)) await tx.run('INSERT INTO province_meta VALUES ($key, $value)', { key, value });
}

async function generateSubscribers(tx: ConnectionDb, n: number, seed: number): Promise<void> {
  // gen_sub: everything the usage generators need per subscriber, persona parameters included
  await tx.run(
    `CREATE OR REPLACE TEMP TABLE gen_sub AS
     WITH base AS (
       SELECT i + 1 AS sid, hash($seed, i + 1, 1) AS h1, hash($seed, i + 1, 2) AS h2, hash($seed, i + 1, 3) AS h3, hash($seed, i + 1, 4) AS h4,
         pick(${lists.personas}, hash($seed, i + 1, 0), 0) AS persona
       FROM range($n) t(i)
     ),
     drawn AS (
       SELECT b.*, p.* EXCLUDE (persona), pc.value AS plan_id, pick(${lists.cities}, h1, 2) AS city_code,
         CAST(p.age_min + slot(h1, 3, (p.age_max - p.age_min + 1)) AS INTEGER) AS age,
         CAST(3 + floor(pow(unit(h2, 1), 1.3) * (p.max_tenure - 3)) AS INTEGER) AS tenure_months,
         below(h2, 3, p.smart_share) AS smart,
         below(h3, 2, p.group_share) AS in_group,
         exp(0.55 * sqrt(-2 * ln(unit(h4, 0))) * cos(2 * pi() * unit(h4, 1)) - 0.15) AS activity,
         below(h4, 2, p.frequent_share) AS frequent,
         below(h4, 3, 0.05) AS complaint_prone,
         pick(${lists.interCities}, hash(h4), 0) AS fav_city
       FROM base b JOIN gen_persona p USING (persona)
         JOIN gen_choice pc ON pc.list = 'plan' AND pc.key = b.persona AND pc.slot = slot(b.h1, 1, 100)
     )
     SELECT d.* EXCLUDE (vas_probs), pl.brand, pl.monthlyFee AS monthly_fee, pl.localPerMin AS local_rate, pl.dldPerMin AS dld_rate, pl.ipPerMin AS ip_rate,
       pl.intlPerMin AS intl_rate, pl.roamPerMin AS roam_rate, pl.intlRoamPerMin AS intl_roam_rate, pl.sms AS sms_rate,
       pl.mms AS mms_rate, pl.gprsPerMb AS gprs_rate, pl.wlanPerMin AS wlan_rate,
       CASE WHEN in_group THEN 'G' || lpad(CAST(1 + CAST(slot(h3, 3, (SELECT count(*) FROM groups)) AS INTEGER) AS VARCHAR), 5, '0') END AS group_id,
       smart OR below(hash(h2), 0, 0.6) AS handset_gprs,
       -- Fetion users are planted: young, smartphone, heavy SMS (the model tests recover this)
       below(hash($seed, sid, 'svc', 1), 0, least(0.95, d.vas_probs[1] * CASE WHEN smart THEN 1.4 ELSE 0.6 END * CASE WHEN age < 25 THEN 1.2 ELSE 1 END)) AS fetion,
       -- a data pack only for handsets that can use data
       (smart OR below(hash(h2), 0, 0.6)) AND below(hash($seed, sid, 'svc', 8), 0, d.vas_probs[8]) AS gprs_pack,
       -- the usage generators' per-subscriber chances as draw thresholds (see below()), cumulative
       -- where one draw chooses among several outcomes; computed here once, not once per CDR
       odds(dld_share) AS dld_odds, odds(dld_share + intl_share) AS intl_odds,
       odds(ip_share) AS ip_odds, odds(ip_share * 0.3) AS ip_12593_odds,
       odds(roam_intl) AS voice_roam_intl_odds, odds(roam_intl + roam_inter) AS voice_roam_inter_odds,
       odds(roam_intl + roam_inter + roam_intra) AS voice_roam_intra_odds,
       odds(roam_inter) AS roam_inter_odds, odds(roam_inter + roam_intra) AS roam_intra_odds
     FROM drawn d JOIN gen_plan pl ON pl.id = d.plan_id`,
    { seed, n },
  );
  await tx.run(
    `INSERT INTO subscribers (subscriber_id, msisdn, brand, plan_id, status, city_code, age, gender, join_date, arpu_fen, payment_type,
       vip_level, handset_brand, handset_gprs, handset_mms, handset_wap, handset_smart, dnd, group_id, vpmn_group_id, is_group_key_person)
     SELECT s.sid,
       CASE s.brand WHEN 'gotone' THEN ['139', '138', '135'] WHEN 'mzone' THEN ['150', '158', '157', '136'] ELSE ['134', '159', '137', '151', '152'] END
         [1 + CAST(s.sid % (CASE s.brand WHEN 'gotone' THEN 3 WHEN 'mzone' THEN 4 ELSE 5 END) AS INTEGER)]
         || lpad(CAST((s.sid * 48271 + $seed * 7919) % 100000000 AS VARCHAR), 8, '0'),
       s.brand,
       s.plan_id,
       CASE WHEN below(s.h2, 2, 0.92) THEN 'active' WHEN below(s.h2, 2, 0.95) THEN 'suspended' WHEN below(s.h2, 2, 0.985) THEN 'arrears' ELSE 'cancelled' END,
       s.city_code, s.age,
       CASE WHEN below(s.h2, 0, CASE s.persona WHEN 'homemaker' THEN 0.95 WHEN 'business' THEN 0.3 ELSE 0.5 END) THEN 'F' ELSE 'M' END,
       CAST((SELECT max(month_start) FROM gen_month) + INTERVAL 1 MONTH - to_months(s.tenure_months) - to_days(CAST(slot(hash(s.h1), 0, 28) AS INTEGER)) AS DATE),
       0,
       CASE WHEN s.brand = 'gotone' THEN (CASE WHEN below(hash(s.h1), 1, 0.9) THEN 'postpaid' ELSE 'prepaid' END)
            ELSE (CASE WHEN below(hash(s.h1), 1, 0.15) THEN 'postpaid' ELSE 'prepaid' END) END,
       0,
       CASE WHEN s.smart THEN pick(${lists.smartHandsets}, s.h3, 0) ELSE pick(${lists.basicHandsets}, s.h3, 0) END,
       s.handset_gprs, s.smart OR below(hash(s.h2), 1, 0.7), s.smart OR below(hash(s.h2), 2, 0.65), s.smart,
       below(s.h3, 1, s.dnd_share),
       s.group_id,
       CASE WHEN g.has_vpmn THEN s.group_id END,
       s.group_id IS NOT NULL AND below(hash(s.h3), 0, 0.06)
     FROM gen_sub s LEFT JOIN groups g ON g.group_id = s.group_id`,
    { seed },
  );
  await tx.run(`INSERT INTO demo_personas SELECT sid, persona FROM gen_sub`);
  await tx.run(`ALTER TABLE gen_sub ADD COLUMN vpmn BOOLEAN DEFAULT false`);
  await tx.run(`UPDATE gen_sub SET vpmn = true FROM subscribers sub WHERE sub.subscriber_id = gen_sub.sid AND sub.vpmn_group_id IS NOT NULL`);
  // monthly usage counts; suspended and cancelled lines go quiet in the last month
  await tx.run(
    `CREATE OR REPLACE TEMP TABLE gen_usage AS
     SELECT s.sid, mo.m, mo.month_start, epoch_us(mo.month_start) AS month_us, mo.days,
       CAST(quiet AS BOOLEAN) AS quiet,
       CAST(CASE WHEN quiet THEN 0 ELSE floor(s.voice_calls * s.activity * (0.85 + 0.3 * unit(h, 0)) + unit(h, 1)) END AS INTEGER) AS n_voice,
       CAST(CASE WHEN quiet THEN 0 ELSE floor(s.sms * CASE WHEN s.fetion THEN 1.35 ELSE 1 END * s.activity * (0.85 + 0.3 * unit(h, 2)) + unit(h, 3)) END AS INTEGER) AS n_sms,
       CAST(CASE WHEN quiet OR NOT s.handset_gprs THEN 0 ELSE floor(s.gprs_sessions * s.activity * (0.85 + 0.3 * unit(g, 0)) + unit(g, 1)) END AS INTEGER) AS n_gprs,
       CAST(CASE WHEN quiet THEN 0 ELSE floor(s.mms * s.activity + unit(g, 2)) END AS INTEGER) AS n_mms,
       CAST(CASE WHEN quiet OR NOT s.smart THEN 0 ELSE floor(s.wlan_sessions * s.activity + unit(g, 3)) END AS INTEGER) AS n_wlan
     FROM (SELECT s.*, mo.m, mo.month_start, mo.days, hash($seed, s.sid, mo.m, 5) AS h, hash($seed, s.sid, mo.m, 6) AS g,
             mo.m = 2 AND sub.status IN ('suspended'::subscriber_status, 'cancelled'::subscriber_status) AS quiet
           FROM gen_sub s JOIN subscribers sub ON sub.subscriber_id = s.sid, gen_month mo) s
       JOIN gen_month mo USING (m)`,
    { seed },
  );
}

async function generateHoldings(tx: ConnectionDb, seed: number): Promise<void> {
  // the plan, every service held now, and a few held once and given up in the data window
  await tx.run(
    `INSERT INTO holdings (subscriber_id, product_id, start_date, end_date)
     SELECT subscriber_id, plan_id, join_date, NULL FROM subscribers`,
  );
  await tx.run(
    `INSERT INTO holdings (subscriber_id, product_id, start_date, end_date)
     WITH draws AS (
       SELECT s.sid, sv.id AS product_id, sub.join_date, hash($seed, s.sid, 'svc', sv.idx) AS h,
         CASE CAST(sv.idx AS INTEGER) WHEN 1 THEN s.fetion WHEN 8 THEN s.gprs_pack ELSE below(hash($seed, s.sid, 'svc', sv.idx), 0, p.vas_probs[CAST(sv.idx AS INTEGER)]) END AS held,
         (SELECT min(month_start) FROM gen_month)::DATE AS window_start,
         (SELECT max(month_start) + INTERVAL 1 MONTH - INTERVAL 1 DAY FROM gen_month)::DATE AS window_end
       FROM gen_sub s JOIN gen_persona p USING (persona) JOIN subscribers sub ON sub.subscriber_id = s.sid CROSS JOIN gen_service sv
     )
     SELECT sid, product_id,
       CAST(greatest(join_date, window_end - to_days(CAST(floor(pow(unit(h, 1), 2) * 900) AS INTEGER))) AS DATE),
       CASE WHEN NOT held THEN CAST(window_start + to_days(CAST(slot(h, 2, 90) AS INTEGER)) AS DATE) END
     FROM draws
     WHERE held OR below(h, 3, 0.03)`,
    { seed },
  );
  // ended holdings must have started before they ended
  await tx.run(`UPDATE holdings SET start_date = end_date - INTERVAL 30 DAY WHERE end_date IS NOT NULL AND start_date >= end_date`);
  await tx.run(
    `INSERT INTO orders (order_id, subscriber_id, product_id, channel_id, action, order_time, status)
     WITH data_window AS (SELECT min(month_start) AS s, max(month_start) + INTERVAL 1 MONTH AS e FROM gen_month),
     events AS (
       SELECT h.subscriber_id, h.product_id, 'order' AS action, CAST(h.start_date AS TIMESTAMP) AS at FROM holdings h, data_window w
       WHERE h.start_date >= w.s AND h.start_date < w.e AND h.product_id NOT IN (SELECT id FROM gen_plan)
       UNION ALL
       SELECT h.subscriber_id, h.product_id, 'cancel', CAST(h.end_date AS TIMESTAMP) FROM holdings h, data_window w
       WHERE h.end_date >= w.s AND h.end_date < w.e
     )
     SELECT 'O' || CAST(e.subscriber_id AS VARCHAR) || '-' || e.product_id || '-' || e.action,
       e.subscriber_id, e.product_id,
       CASE WHEN below(hash($seed, e.subscriber_id, e.product_id, e.action), 0, 0.3) THEN pick(['sms_hall', 'web', 'wap', 'app'], hash($seed, e.subscriber_id, e.product_id), 1)
            ELSE ch.value END,
       e.action,
       e.at + to_seconds(CAST(8 * 3600 + slot(hash($seed, e.subscriber_id, e.product_id, e.action), 2, 12 * 3600) AS BIGINT)),
       CASE WHEN below(hash($seed, e.subscriber_id, e.product_id, e.action), 3, 0.95) THEN 'completed' ELSE 'failed' END
     FROM events e JOIN gen_sub s ON s.sid = e.subscriber_id
       JOIN gen_choice ch ON ch.list = 'channel' AND ch.key = s.persona
         AND ch.slot = slot(hash($seed, e.subscriber_id, e.product_id, e.action), 1, 100)`,
    { seed },
  );
}

async function generateVoice(tx: ConnectionDb, seed: number): Promise<void> {
  // g's four draws: direction, class, roaming, and one shared by the class-specific choices
  // (IP prefix for long distance, HMT for international, VPMN for local: never two at once)
  await tx.run(
    `INSERT INTO cdr_voice (subscriber_id, start_time, duration_s, direction, call_class, time_band, roam_type, visited_city, ip_prefix, country_group, is_vpmn, charge_fen)
     WITH calls AS (
       SELECT u.sid, u.month_us, u.days, u.h, hash(u.h) AS g, hour_of(u.h, 1) AS hour
       FROM (SELECT sid, month_us, days, hash($seed, sid, m, unnest(range(n_voice)), 11) AS h FROM gen_usage) u
     ),
     drawn AS (
       SELECT c.sid, c.h, c.hour, moment(c.month_us, c.days, c.hour, c.h) AS start_time,
         CAST(greatest(1, least(7200, round(-ln(unit(c.h, 3)) * s.call_seconds))) AS INTEGER) AS duration_s,
         CASE WHEN below(c.g, 0, 0.55) THEN 'mo'::call_direction WHEN below(c.g, 0, 0.98) THEN 'mt'::call_direction ELSE 'cf'::call_direction END AS direction,
         CASE WHEN draw(c.g, 1) < s.dld_odds THEN 'dld'::call_class
              WHEN draw(c.g, 1) < s.intl_odds THEN (CASE WHEN below(c.g, 3, 0.3) THEN 'hmt'::call_class ELSE 'intl'::call_class END)
              ELSE 'local'::call_class END AS call_class,
         CASE WHEN draw(c.g, 2) < s.voice_roam_intl_odds THEN 'intl'::roam_type
              WHEN draw(c.g, 2) < s.voice_roam_inter_odds THEN 'inter'::roam_type
              WHEN draw(c.g, 2) < s.voice_roam_intra_odds THEN 'intra'::roam_type
              ELSE 'none'::roam_type END AS roam_type,
         draw(c.g, 3) AS v, s.fav_city, s.ip_odds, s.ip_12593_odds, s.vpmn,
         s.local_rate, s.dld_rate, s.ip_rate, s.intl_rate, s.roam_rate, s.intl_roam_rate
       FROM calls c JOIN gen_sub s USING (sid)
     ),
     classified AS (
       SELECT *,
         CASE WHEN call_class = 'dld'::call_class AND v < ip_odds THEN (CASE WHEN v < ip_12593_odds THEN '12593' ELSE '17951' END) END AS ip_prefix,
         call_class = 'local'::call_class AND roam_type = 'none'::roam_type AND vpmn AND v < odds(0.35) AS vpmn_call,
         ${billedMinutesSql('duration_s')} AS minutes
       FROM drawn
     )
     SELECT c.sid, c.start_time, c.duration_s, c.direction, c.call_class,
       CASE WHEN c.hour BETWEEN 7 AND 22 THEN 'peak'::time_band ELSE 'offpeak'::time_band END, c.roam_type,
       CASE c.roam_type WHEN 'intra'::roam_type THEN pick(${lists.cityCodes}, hash(c.h, 1), 1)
                        WHEN 'inter'::roam_type THEN (CASE WHEN below(hash(c.h, 1), 2, 0.7) THEN c.fav_city ELSE pick(${lists.interCities}, hash(c.h, 1), 1) END)
                        WHEN 'intl'::roam_type THEN pick(${lists.intlPlaces}, hash(c.h, 1), 1) END,
       c.ip_prefix,
       CASE WHEN c.call_class = 'intl'::call_class THEN CAST(1 + slot(hash(c.h, 1), 3, 4) AS TINYINT) END,
       c.vpmn_call,
       CAST(c.minutes * CASE
         WHEN c.roam_type = 'intl'::roam_type THEN c.intl_roam_rate
         WHEN c.roam_type <> 'none'::roam_type THEN c.roam_rate
         WHEN c.direction = 'mt'::call_direction THEN 0
         WHEN c.vpmn_call THEN 5
         WHEN c.ip_prefix IS NOT NULL THEN c.ip_rate
         WHEN c.call_class = 'dld'::call_class THEN c.dld_rate
         WHEN c.call_class = 'intl'::call_class THEN c.intl_rate
         WHEN c.call_class = 'hmt'::call_class THEN round(c.intl_rate / 2)
         ELSE c.local_rate END AS INTEGER)
     FROM classified c`,
    { seed },
  );
}

async function generateMessages(tx: ConnectionDb, seed: number): Promise<void> {
  await tx.run(
    `INSERT INTO cdr_sms (subscriber_id, sent_time, direction, peer_net, roam_type, charge_fen)
     WITH msgs AS (
       SELECT u.sid, u.month_us, u.days, u.h, hash(u.h) AS g
       FROM (SELECT sid, month_us, days, hash($seed, sid, m, unnest(range(n_sms)), 12) AS h FROM gen_usage) u
     ),
     drawn AS (
       SELECT m.sid, moment(m.month_us, m.days, hour_of(m.h, 1), m.h) AS sent_time,
         CASE WHEN below(m.h, 3, 0.55) THEN 'mo'::msg_direction ELSE 'mt'::msg_direction END AS direction,
         CASE WHEN below(m.g, 0, 0.72) THEN 'onnet'::peer_net WHEN below(m.g, 0, 0.95) THEN 'offnet'::peer_net
              WHEN below(m.g, 0, 0.96) THEN 'intl'::peer_net ELSE 'sp'::peer_net END AS peer_net,
         CASE WHEN draw(m.g, 1) < s.roam_inter_odds THEN 'inter'::roam_type WHEN draw(m.g, 1) < s.roam_intra_odds THEN 'intra'::roam_type
              ELSE 'none'::roam_type END AS roam_type,
         s.sms_rate
       FROM msgs m JOIN gen_sub s USING (sid)
     )
     SELECT sid, sent_time, direction, peer_net, roam_type,
       CAST(CASE WHEN direction = 'mt'::msg_direction OR peer_net = 'sp'::peer_net THEN 0 WHEN peer_net = 'intl'::peer_net THEN 100 ELSE sms_rate END AS INTEGER)
     FROM drawn`,
    { seed },
  );
  await tx.run(
    `INSERT INTO cdr_mms (subscriber_id, sent_time, direction, peer_net, roam_type, size_kb, charge_fen)
     WITH msgs AS (
       SELECT u.sid, u.month_us, u.days, u.h, hash(u.h) AS g
       FROM (SELECT sid, month_us, days, hash($seed, sid, m, unnest(range(n_mms)), 13) AS h FROM gen_usage) u
     )
     SELECT m.sid, moment(m.month_us, m.days, hour_of(m.h, 1), m.h),
       CASE WHEN below(m.h, 3, 0.6) THEN 'mo'::msg_direction ELSE 'mt'::msg_direction END,
       CASE WHEN below(m.g, 0, 0.8) THEN 'onnet'::peer_net WHEN below(m.g, 0, 0.9) THEN 'offnet'::peer_net ELSE 'sp'::peer_net END,
       'none'::roam_type,
       CAST(10 + slot(m.g, 1, 90) AS INTEGER),
       CAST(CASE WHEN below(m.h, 3, 0.6) AND below(m.g, 0, 0.9) THEN s.mms_rate ELSE 0 END AS INTEGER)
     FROM msgs m JOIN gen_sub s USING (sid)`,
    { seed },
  );
}

async function generateData(tx: ConnectionDb, seed: number): Promise<void> {
  await tx.run(
    `INSERT INTO cdr_gprs (subscriber_id, start_time, duration_s, volume_kb, apn, service, roam_type, charge_fen)
     WITH sessions AS (
       SELECT u.sid, u.month_us, u.days, u.h, hash(u.h) AS g
       FROM (SELECT sid, month_us, days, hash($seed, sid, m, unnest(range(n_gprs)), 14) AS h FROM gen_usage) u
     ),
     drawn AS (
       SELECT s.sid, moment(x.month_us, x.days, hour_of(x.h, 1), x.h) AS start_time,
         CAST(30 + floor(-ln(unit(x.h, 3)) * 600) AS INTEGER) AS duration_s,
         CAST(greatest(1, round(-ln(unit(x.g, 0)) * s.gprs_kb)) AS INTEGER) AS volume_kb,
         CASE WHEN (s.smart AND below(x.g, 1, 0.85)) OR (NOT s.smart AND below(x.g, 1, 0.3)) THEN 'cmnet'::apn ELSE 'cmwap'::apn END AS apn,
         CASE WHEN s.fetion AND below(x.g, 2, 0.35) THEN 'fetion'::data_service ELSE pick(${lists.dataServices}, x.g, 3) END AS service,
         CASE WHEN draw(hash(x.g), 0) < s.roam_inter_odds THEN 'inter'::roam_type
              WHEN draw(hash(x.g), 0) < s.roam_intra_odds THEN 'intra'::roam_type ELSE 'none'::roam_type END AS roam_type,
         s.gprs_pack, s.gprs_rate
       FROM sessions x JOIN gen_sub s USING (sid)
     )
     SELECT sid, start_time, duration_s, volume_kb, apn, service, roam_type,
       CAST(CASE WHEN gprs_pack AND roam_type = 'none'::roam_type THEN 0 ELSE round(volume_kb * gprs_rate / 1024.0) END AS INTEGER)
     FROM drawn`,
    { seed },
  );
  await tx.run(
    `INSERT INTO cdr_wlan (subscriber_id, start_time, duration_s, volume_kb, hotspot_city, charge_fen)
     WITH sessions AS (
       SELECT u.sid, u.month_us, u.days, u.h, hash(u.h) AS g, CAST(60 + floor(-ln(unit(u.h, 3)) * 1800) AS INTEGER) AS duration_s
       FROM (SELECT sid, month_us, days, hash($seed, sid, m, unnest(range(n_wlan)), 15) AS h FROM gen_usage) u
     )
     SELECT x.sid, moment(x.month_us, x.days, service_hour_of(x.h, 1), x.h), x.duration_s,
       CAST(greatest(1, round(-ln(unit(x.g, 0)) * 8000)) AS INTEGER),
       CASE WHEN below(x.g, 1, 0.8) THEN sub.city_code ELSE pick(${lists.interCities}, x.g, 2) END,
       CAST(${billedMinutesSql('x.duration_s')} * s.wlan_rate AS INTEGER)
     FROM sessions x JOIN gen_sub s USING (sid) JOIN subscribers sub ON sub.subscriber_id = x.sid`,
    { seed },
  );
}

/** Bills by item from the rated CDRs, the plan fee, held services and group discounts. */
async function generateBills(tx: ConnectionDb, months: string[]): Promise<void> {
  // A CDR's bill month by comparing its time with the month starts: two comparisons cost a
  // fraction of month() or date_trunc over hundreds of millions of rows. Each item is a row of
  // its own (a union, not one wide row per month unpivoted), summed as BIGINT: DuckDB's HUGEINT
  // sums made joining and unpivoting them cost more than the scans.
  const [first, second, third] = months.map((m) => `${m}-01`);
  const billMonth = (time: string) =>
    `CASE WHEN ${time} < TIMESTAMP '${second}' THEN DATE '${first}' WHEN ${time} < TIMESTAMP '${third}' THEN DATE '${second}' ELSE DATE '${third}' END`;
  const charges = (table: string, time: string, item: string) =>
    `SELECT subscriber_id, ${billMonth(time)}, '${item}', CAST(sum(charge_fen) AS BIGINT) FROM ${table} GROUP BY ALL`;
  await tx.run(
    `INSERT INTO bills (subscriber_id, bill_month, item, amount_fen)
     WITH voice AS (
       SELECT subscriber_id AS sid, ${billMonth('start_time')} AS bill_month,
         CAST(sum(charge_fen) FILTER (WHERE roam_type = 'none'::roam_type AND ip_prefix IS NULL AND call_class = 'local'::call_class) AS BIGINT) AS local_voice,
         CAST(sum(charge_fen) FILTER (WHERE roam_type = 'none'::roam_type AND ip_prefix IS NULL AND call_class = 'dld'::call_class) AS BIGINT) AS dld_voice,
         CAST(sum(charge_fen) FILTER (WHERE roam_type = 'none'::roam_type AND ip_prefix IS NOT NULL) AS BIGINT) AS ip_voice,
         CAST(sum(charge_fen) FILTER (WHERE roam_type = 'none'::roam_type AND ip_prefix IS NULL AND call_class IN ('intl'::call_class, 'hmt'::call_class)) AS BIGINT) AS intl_voice,
         CAST(sum(charge_fen) FILTER (WHERE roam_type <> 'none'::roam_type) AS BIGINT) AS roam_voice
       FROM cdr_voice GROUP BY ALL),
     -- every subscriber is billed each month, but a cancelled line not in the last one
     billed AS (
       SELECT s.sid, mo.month_start::DATE AS bill_month, s.monthly_fee, s.vpmn
       FROM gen_sub s JOIN subscribers sub ON sub.subscriber_id = s.sid, gen_month mo
       WHERE NOT (mo.m = 2 AND sub.status = 'cancelled'::subscriber_status)),
     items AS (
       SELECT sid, bill_month, 'monthly_fee' AS item, CAST(monthly_fee AS BIGINT) AS amount FROM billed
       UNION ALL
       SELECT sid, bill_month, unnest(['local_voice', 'dld_voice', 'ip_voice', 'intl_voice', 'roam_voice']),
         unnest([local_voice, dld_voice, ip_voice, intl_voice, roam_voice])
       FROM voice
       UNION ALL
       -- VPMN groups get a tenth off local calls
       SELECT v.sid, v.bill_month, 'discount', CAST(-round(v.local_voice / 10) AS BIGINT) FROM voice v JOIN gen_sub s USING (sid) WHERE s.vpmn
       UNION ALL ${charges('cdr_sms', 'sent_time', 'sms')}
       UNION ALL ${charges('cdr_mms', 'sent_time', 'mms')}
       UNION ALL ${charges('cdr_gprs', 'start_time', 'gprs')}
       UNION ALL ${charges('cdr_wlan', 'start_time', 'wlan')}
       UNION ALL
       SELECT b.sid, b.bill_month, 'vas', CAST(sum(p.monthly_fee_fen) AS BIGINT)
       FROM billed b JOIN holdings h ON h.subscriber_id = b.sid JOIN products p USING (product_id)
       WHERE p.kind <> 'tariff_plan'::product_kind AND h.start_date < b.bill_month + INTERVAL 1 MONTH AND (h.end_date IS NULL OR h.end_date >= b.bill_month)
       GROUP BY ALL)
     SELECT sid, bill_month, item::bill_item, CAST(amount AS INTEGER)
     FROM items
     WHERE amount <> 0`,
  );
  // ARPU and VIP level follow from the bills
  await tx.run(
    `UPDATE subscribers SET arpu_fen = a.arpu,
       vip_level = CASE WHEN a.arpu >= 40000 THEN 4 WHEN a.arpu >= 25000 THEN 3 WHEN a.arpu >= 15000 THEN 2
                        WHEN a.arpu >= 8000 AND subscribers.brand = 'gotone' THEN 1 ELSE 0 END
     FROM (SELECT subscriber_id, CAST(greatest(0, round(sum(amount_fen) / 3)) AS INTEGER) AS arpu FROM bills GROUP BY subscriber_id) a
     WHERE a.subscriber_id = subscribers.subscriber_id`,
  );
}

async function generateContacts(tx: ConnectionDb, seed: number): Promise<void> {
  // contact counts: frequent contacters 10–40 over the window, others a persona mean
  await tx.run(
    `CREATE OR REPLACE TEMP TABLE gen_contact AS
     WITH counts AS (
       SELECT s.sid, s.persona, s.complaint_prone, s.complaint_share, s.fetion, s.smart,
         CAST(CASE WHEN s.frequent THEN 10 + slot(hash($seed, s.sid, 'contacts'), 0, 31)
                   ELSE floor(-ln(unit(hash($seed, s.sid, 'contacts'), 1)) * s.contacts * pow(s.activity, 0.3)) END AS INTEGER) AS n
       FROM gen_sub s
     ),
     events AS (
       SELECT c.*, hash($seed, c.sid, c.i, 21) AS h, hash(hash($seed, c.sid, c.i, 21)) AS g
       FROM (SELECT *, unnest(range(n)) AS i FROM counts) c
     ),
     typed AS (
       SELECT e.*,
         CASE WHEN below(e.h, 0, CASE WHEN e.complaint_prone THEN 0.35 ELSE e.complaint_share END) THEN 'complaint'
              WHEN below(e.h, 0, 0.42) THEN 'consultation'
              WHEN below(e.h, 0, 0.75) THEN 'transaction'
              WHEN below(e.h, 0, 0.87) THEN 'marketing'
              WHEN below(e.h, 0, 0.95) THEN 'care'
              ELSE 'browse' END AS event_type
       FROM events e
     )
     SELECT t.sid, t.i, t.h, t.g, t.event_type,
       make_timestamp((SELECT epoch_us(min(month_start)) FROM gen_month) + 1000000 * CAST(
          slot(t.h, 1, (SELECT sum(days) FROM gen_month)) * 86400
          + service_hour_of(t.h, 2) * 3600 + slot(t.h, 3, 3600) AS BIGINT)) AS event_time,
       CASE t.event_type
         WHEN 'marketing' THEN (CASE WHEN t.persona = 'business' THEN pick(['account_mgr', 'account_mgr', 'outbound', 'sms_hall'], t.g, 0)
                                     ELSE pick(['outbound', 'outbound', 'sms_hall', 'store'], t.g, 0) END)
         WHEN 'care' THEN pick(['sms_hall', 'sms_hall', 'outbound', 'account_mgr'], t.g, 0)
         WHEN 'browse' THEN (CASE WHEN t.smart THEN pick(['app', 'web', 'wap'], t.g, 0) ELSE pick(['web', 'wap'], t.g, 0) END)
         ELSE ch.value END AS channel_id,
       bz.value AS business,
       CASE t.event_type
         WHEN 'complaint' THEN (CASE WHEN below(t.g, 2, 0.7) THEN 'resolved' WHEN below(t.g, 2, 0.9) THEN 'unresolved' ELSE 'transferred' END)
         WHEN 'consultation' THEN (CASE WHEN below(t.g, 2, 0.9) THEN 'resolved' ELSE 'transferred' END)
         WHEN 'marketing' THEN (CASE WHEN below(t.g, 2, 0.15) THEN 'accepted' WHEN below(t.g, 2, 0.65) THEN 'refused' ELSE 'no_answer' END)
         ELSE 'completed' END AS outcome
     FROM typed t
       JOIN gen_choice ch ON ch.list = 'channel' AND ch.key = t.persona AND ch.slot = slot(t.g, 0, 100)
       JOIN gen_choice bz ON bz.list = 'business' AND bz.key = t.event_type AND bz.slot = slot(t.g, 1, 100)`,
    { seed },
  );
  await tx.run(
    `INSERT INTO contact_events (subscriber_id, event_time, channel_id, event_type, business, outcome, duration_s)
     SELECT sid, event_time, channel_id, event_type::contact_type, business, outcome::contact_outcome,
       CASE WHEN channel_id IN ('store', 'account_mgr') THEN CAST(120 + slot(g, 3, 900) AS INTEGER)
            WHEN channel_id IN ('agent', 'outbound', 'ivr') THEN CAST(30 + floor(-ln(unit(g, 3)) * 180) AS INTEGER) END
     FROM gen_contact`,
  );
  // every agent call passes through the IVR menu first: the caller keys towards the business,
  // then 0 in that menu (or 0 at once); some self-service callers give up one menu short of it
  await tx.run(
    `INSERT INTO ivr_sessions (session_id, subscriber_id, start_time, key_path, duration_s, to_agent, abandoned)
     WITH sessions AS (
       SELECT *, ${ivrParent('leaf')} AS menu
       FROM (SELECT c.*, ${ivrLeaf('c.business')} AS leaf, c.channel_id = 'ivr' AND below(hash(c.g), 2, 0.12) AS gave_up
             FROM gen_contact c WHERE c.channel_id IN ('ivr', 'agent'))
     )
     SELECT sid * 1000 + i, sid,
       event_time - CASE WHEN channel_id = 'agent' THEN INTERVAL 90 SECOND ELSE INTERVAL 0 SECOND END,
       CASE WHEN channel_id = 'agent' THEN (CASE WHEN below(hash(g), 0, 0.25) OR menu = '' THEN '0' ELSE menu || '>0' END)
            WHEN gave_up AND menu <> '' THEN menu
            ELSE leaf END,
       CAST(20 + slot(hash(g), 1, 160) AS INTEGER),
       channel_id = 'agent',
       gave_up
     FROM sessions`,
  );
  // browsing sessions: each follows one of its site's journeys and goes on to the next page
  // with odds of 0.6, its pages 20 s to 3 min apart, in order
  await tx.run(
    `INSERT INTO web_browse (subscriber_id, visit_time, site, page_path, duration_s)
     WITH visits AS (
       SELECT sid, fetion, handset_wap, hash($seed, sid, i, 31) AS h
       FROM (SELECT s.sid, s.fetion, sub.handset_wap,
               unnest(range(CAST(floor(-ln(unit(hash($seed, s.sid, 'browse'), 0)) * s.browse_visits * 2 * s.activity) AS INTEGER))) AS i
             FROM gen_sub s JOIN subscribers sub ON sub.subscriber_id = s.sid)
     ),
     sited AS (
       SELECT v.*, CASE WHEN v.fetion AND below(v.h, 0, 0.2) THEN ${web.siteOf('fetion')}
                        WHEN NOT v.handset_wap AND pick(${web.sites}, v.h, 1) = ${web.siteOf('wap')} THEN ${web.siteOf('online_hall')}
                        ELSE pick(${web.sites}, v.h, 1) END AS k
       FROM visits v
     ),
     journeys AS (
       SELECT s.sid, s.k, s.h, (${web.slots})[(s.k - 1) * 20 + 1 + CAST(slot(s.h, 3, 20) AS INTEGER)] AS j,
         1 + CAST(floor(ln(unit(hash(s.h), 3)) / ln(0.6)) AS INTEGER) AS depth,
         (SELECT epoch_us(min(month_start)) FROM gen_month) + 1000000 * CAST(
           slot(s.h, 2, (SELECT sum(days) FROM gen_month)) * 86400 + hour_of(hash(s.h), 0) * 3600
           + slot(hash(s.h), 1, 3600) AS BIGINT) AS start_us
       FROM sited s
     ),
     views AS (
       SELECT sid, k, j, start_us, h, 1 + unnest(range(least((${web.lengths})[j], depth))) AS step FROM journeys
     )
     SELECT sid, make_timestamp(start_us + 1000000 * CAST((step - 1) * 100 + slot(hash(h, step), 1, 80) AS BIGINT)),
       (${web.siteCodes})[k], (${web.pages})[(${web.starts})[j] + step], CAST(5 + floor(-ln(unit(hash(h, step), 2)) * 90) AS INTEGER)
     FROM views`,
    { seed },
  );
  await tx.run(
    `INSERT INTO costs (cost_month, city_code, item, amount_fen)
     SELECT mo.month_start::DATE, c.city_code, it.item,
       CAST(c.n * it.per_subscriber * (0.9 + 0.2 * unit(hash($seed, c.city_code, mo.m, it.item), 0)) AS BIGINT)
     FROM (SELECT city_code, count(*) AS n FROM subscribers GROUP BY city_code) c, gen_month mo,
       (VALUES ('advertising', 80), ('promotion', 120), ('network_ops', 900), ('marketing_org', 150), ('sales', 300), ('admin', 200)) it(item, per_subscriber)`,
    { seed },
  );
}
