// Usage profiles: one SQL pass over the CDR tables turns each customer-month into rows per
// usage class × time cell holding the sufficient statistics the candidate plans need (counts,
// quantities, Σ⌈part/increment⌉ per rate-group span in use, per-call fen where a plan caps or
// rounds calls). Time cells are the coarsest partition of the week on which every candidate
// plan's band is constant. Calls crossing a cell boundary under a splitting plan come back one
// by one ("residuals") so the pricer can rate them exactly.
import type { Db, SqlParams } from '../store/store.ts';
import { exact } from './charges.ts';
import { gprsClassSql, messageClassSql, voiceClassSql, type BillLine } from './classes.ts';
import { daySeconds, weekdayOf } from './calendar.ts';
import { compilePlan, type CompiledPlan, type CompiledRate } from './compile.ts';
import type { DayType, TariffPlan } from './plan.ts';

export type Meter =
  | { kind: 'units'; from: number; to: number | null; increment: number }
  | { kind: 'callCost'; rate: CompiledRate; scale: number; roundAt: 'call' | 'month'; roundMode: string };

/** Where each plan finds its statistics among the spec's meters. */
export interface PlanMeters {
  /** per rate: one units meter per group (linear rates) or one callCost meter */
  rates: Array<{ groups: number[] } | { callCost: number }>;
  /** per allowance: Σ⌈q/granularity⌉ */
  allowances: number[];
  /** per tiered charge: Σ⌈q/unitSize⌉ */
  tiers: number[];
}

/** One day context: an ordinary weekday, or holiday dates that share every plan's day type. */
export interface DayContext {
  weekday: number;
  /** null for the ordinary weekday */
  dates: string[] | null;
  /** consecutive spans of the day: [previous to, to) lies in `cell` */
  spans: Array<{ to: number; cell: number }>;
}

export interface ProfileSpec {
  plans: CompiledPlan[];
  /** per cell, the band under each plan */
  cells: string[][];
  contexts: DayContext[];
  meters: Meter[];
  planMeters: PlanMeters[];
  /** home>visited pairs some plan names */
  routes: string[];
  /** some plan splits calls at band boundaries */
  split: boolean;
}

export interface ProfileRow {
  cls: string;
  cell: number;
  n: number;
  quantity: number;
  originalFen: number;
  /** Σ per meter, in spec.meters order */
  stats: number[];
}

/** A call that crosses a time cell boundary, kept whole (n identical ones). */
export interface ResidualCall {
  cls: string;
  start: string;
  quantity: number;
  n: number;
  originalFen: number;
}

export interface UsageProfile {
  subscriberId: number;
  month: string;
  homeCity: string;
  rows: ProfileRow[];
  residuals: ResidualCall[];
  bills: BillLine[];
}

/** Whose usage: a list of subscriber ids, or SQL selecting subscriber_id (e.g. a segment's members). */
export type ProfileTarget = { subscriberIds: number[] } | { members: { sql: string; params: Record<string, string | number> } };

// --- the spec: what the candidate plans need ---------------------------------------------

function cellPartition(plans: CompiledPlan[]): { cells: string[][]; contexts: DayContext[] } {
  const cells: string[][] = [];
  const cellIds = new Map<string, number>();
  const cellOf = (bands: string[]) => {
    const key = JSON.stringify(bands);
    let id = cellIds.get(key);
    if (id === undefined) {
      id = cells.length;
      cells.push(bands);
      cellIds.set(key, id);
    }
    return id;
  };
  const spansFor = (dayTypes: DayType[]) => {
    const cuts = new Set<number>([0]);
    plans.forEach((p, i) => p.calendar.days.get(dayTypes[i])!.forEach((s) => cuts.add(s.from)));
    const starts = [...cuts].sort((a, b) => a - b);
    const spans: DayContext['spans'] = [];
    starts.forEach((from, k) => {
      const bands = plans.map((p, i) => p.calendar.days.get(dayTypes[i])!.find((s) => from < s.to)!.band);
      const cell = cellOf(bands);
      const to = starts[k + 1] ?? daySeconds;
      const last = spans[spans.length - 1];
      if (last && last.cell === cell) last.to = to;
      else spans.push({ to, cell });
    });
    return spans;
  };
  const contexts: DayContext[] = [];
  for (let w = 1; w <= 7; w++) contexts.push({ weekday: w, dates: null, spans: spansFor(plans.map(() => w)) });
  const holidays = [...new Set(plans.flatMap((p) => [...p.calendar.holidays]))].sort();
  const byTypes = new Map<string, DayContext>();
  for (const date of holidays) {
    const w = weekdayOf(date);
    const dayTypes: DayType[] = plans.map((p) => (p.calendar.holidays.has(date) ? 'holiday' : w));
    const key = JSON.stringify(dayTypes);
    const known = byTypes.get(key);
    if (known) known.dates!.push(date);
    else {
      const ctx: DayContext = { weekday: w, dates: [date], spans: spansFor(dayTypes) };
      byTypes.set(key, ctx);
      contexts.push(ctx);
    }
  }
  return { cells, contexts };
}

/** What the profiles must hold for these candidate plans. */
export function profileSpecFor(plans: Array<TariffPlan | CompiledPlan>): ProfileSpec {
  const compiled = plans.map((p) => ('resolve' in p ? p : compilePlan(p)));
  const meters: Meter[] = [];
  const meterIds = new Map<string, number>();
  const meter = (m: Meter) => {
    const key =
      m.kind === 'units'
        ? `u:${m.from}:${m.to}:${m.increment}`
        : `c:${m.scale}:${m.roundAt}:${m.roundMode}:${m.rate.setup}:${m.rate.capScaled}:${JSON.stringify(m.rate.groups)}`;
    let id = meterIds.get(key);
    if (id === undefined) {
      id = meters.length;
      meters.push(m);
      meterIds.set(key, id);
    }
    return id;
  };
  const whole = (increment: number) => meter({ kind: 'units', from: 0, to: null, increment });
  const planMeters = compiled.map((cp) => ({
    rates: cp.rates.map((r) =>
      r.linear
        ? { groups: r.groups.map((g) => meter({ kind: 'units', from: g.from, to: g.to, increment: g.increment })) }
        : { callCost: meter({ kind: 'callCost', rate: r, scale: cp.scale, roundAt: cp.roundAt, roundMode: cp.roundMode }) },
    ),
    allowances: cp.allowances.map((a) => whole(a.granularity)),
    tiers: cp.tiers.map((t) => whole(t.unitSize)),
  }));
  const { cells, contexts } = cellPartition(compiled);
  return {
    plans: compiled,
    cells,
    contexts,
    meters,
    planMeters,
    routes: [...new Set(compiled.flatMap((p) => [...p.routes]))].sort(),
    split: compiled.some((p) => p.calendar.split),
  };
}

// --- the SQL ------------------------------------------------------------------------------

class Binder {
  readonly params: Record<string, string | number | boolean> = {};
  private next = 0;
  /** A bound integer, typed so that DuckDB does integer arithmetic with it. */
  int(v: number): string {
    return `CAST(${this.value(v)} AS BIGINT)`;
  }
  value(v: string | number | boolean): string {
    const name = `tp${this.next++}`;
    this.params[name] = v;
    return `$${name}`;
  }
}

const packBase = 100_000;

/** cell * 100000 + end of the cell's span (seconds of day), from columns t (timestamp) and tod. */
function cellSql(spec: ProfileSpec, b: Binder): string {
  const spansCase = (ctx: DayContext) => {
    const packed = ctx.spans.map((s) => b.int(s.cell * packBase + s.to));
    const whens = ctx.spans.slice(0, -1).map((s, i) => `WHEN tod < ${b.int(s.to)} THEN ${packed[i]}`);
    return whens.length === 0 ? packed[0] : `(CASE ${whens.join(' ')} ELSE ${packed[packed.length - 1]} END)`;
  };
  const weekdays = spec.contexts.filter((c) => c.dates === null);
  const weekly = `(CASE isodow(t) ${weekdays.map((c) => `WHEN ${c.weekday} THEN ${spansCase(c)}`).join(' ')} END)`;
  const holidays = spec.contexts.filter((c) => c.dates !== null);
  if (holidays.length === 0) return weekly;
  const whens = holidays.map((c) => `WHEN list_contains(string_split(${b.value(c.dates!.join(','))}, ','), strftime(t, '%Y-%m-%d')) THEN ${spansCase(c)}`);
  return `(CASE ${whens.join(' ')} ELSE ${weekly} END)`;
}

function unitsSql(b: Binder, from: number, to: number | null, increment: number, q = 'q'): string {
  if (from === 0 && to === null && increment === 1) return q;
  const upper = to === null ? q : `least(${q}, ${b.int(to)})`;
  const span = from === 0 ? upper : `(${upper} - ${b.int(from)})`;
  const units = increment === 1 ? span : `((${span} + ${b.int(increment - 1)}) // ${b.int(increment)})`;
  return from === 0 ? units : `(CASE WHEN ${q} > ${b.int(from)} THEN ${units} ELSE 0 END)`;
}

function meterSql(m: Meter, b: Binder): string {
  if (m.kind === 'units') return unitsSql(b, m.from, m.to, m.increment);
  const r = m.rate;
  let cost = [b.int(r.setup), ...r.groups.map((g) => `${unitsSql(b, g.from, g.to, g.increment)} * ${b.int(g.price)}`)].join(' + ');
  if (r.capScaled !== null) cost = `least(${b.int(r.capScaled)}, ${cost})`;
  if (m.roundAt === 'month' || m.scale === 1) return `(${cost})`;
  const S = b.int(m.scale);
  if (m.roundMode === 'up') return `((${cost} + ${S} - 1) // ${S})`;
  if (m.roundMode === 'down') return `((${cost}) // ${S})`;
  return `((2 * (${cost}) + ${S}) // (2 * ${S}))`;
}

function targetSql(target: ProfileTarget, b: Binder): { sql: string; params: SqlParams } {
  if ('subscriberIds' in target) {
    const ids = b.value(target.subscriberIds.join(','));
    return { sql: `SELECT s.subscriber_id, s.city_code AS home FROM subscribers s WHERE list_contains(CAST(string_split(${ids}, ',') AS INTEGER[]), s.subscriber_id)`, params: {} };
  }
  return { sql: `SELECT s.subscriber_id, s.city_code AS home FROM subscribers s WHERE s.subscriber_id IN (${target.members.sql})`, params: target.members.params };
}

function monthRange(months: string[], b: Binder) {
  const sorted = [...months].sort();
  const [y, m] = sorted[sorted.length - 1].split('-').map(Number);
  const end = `${m === 12 ? y + 1 : y}-${String(m === 12 ? 1 : m + 1).padStart(2, '0')}-01 00:00:00`;
  return { from: b.value(`${sorted[0]}-01 00:00:00`), to: b.value(end), list: b.value(sorted.join(',')) };
}

/** The one pass over the CDR tables: rows per subscriber × month × class × cell (+ residual calls). */
export function usageProfileSql(spec: ProfileSpec, target: ProfileTarget, months: string[]): { sql: string; params: SqlParams } {
  const b = new Binder();
  const who = targetSql(target, b);
  const range = monthRange(months, b);
  const routes = spec.routes.length > 0 ? b.value(spec.routes.join(',')) : null;
  const when = (col: string) => `${col} >= CAST(${range.from} AS TIMESTAMP) AND ${col} < CAST(${range.to} AS TIMESTAMP)`;
  const meters = spec.meters.map((m, i) => `sum(${meterSql(m, b)}) AS m${i}`);
  const sql = `
    WITH target AS (${who.sql}),
    usage AS (
      SELECT v.subscriber_id AS sid, v.start_time AS t, CAST(v.duration_s AS BIGINT) AS q, true AS timed,
        ${voiceClassSql('v', 'g.home', routes)} AS cls, v.charge_fen AS orig
      FROM cdr_voice v JOIN target g ON g.subscriber_id = v.subscriber_id WHERE ${when('v.start_time')}
      UNION ALL
      SELECT m.subscriber_id, m.sent_time, CAST(1 AS BIGINT), false, ${messageClassSql('sms', 'm')}, m.charge_fen
      FROM cdr_sms m JOIN target g ON g.subscriber_id = m.subscriber_id WHERE ${when('m.sent_time')}
      UNION ALL
      SELECT m.subscriber_id, m.sent_time, CAST(1 AS BIGINT), false, ${messageClassSql('mms', 'm')}, m.charge_fen
      FROM cdr_mms m JOIN target g ON g.subscriber_id = m.subscriber_id WHERE ${when('m.sent_time')}
      UNION ALL
      SELECT x.subscriber_id, x.start_time, CAST(x.volume_kb AS BIGINT), false, ${gprsClassSql('x')}, x.charge_fen
      FROM cdr_gprs x JOIN target g ON g.subscriber_id = x.subscriber_id WHERE ${when('x.start_time')}
      UNION ALL
      SELECT w.subscriber_id, w.start_time, CAST(w.duration_s AS BIGINT), true, 'wlan', w.charge_fen
      FROM cdr_wlan w JOIN target g ON g.subscriber_id = w.subscriber_id WHERE ${when('w.start_time')}
    ),
    timed AS (
      SELECT *, strftime(t, '%Y-%m') AS month, CAST(hour(t) * 3600 + minute(t) * 60 + second(t) AS BIGINT) AS tod
      FROM usage WHERE list_contains(string_split(${range.list}, ','), strftime(t, '%Y-%m'))
    ),
    placed AS (SELECT *, ${cellSql(spec, b)} AS packed FROM timed),
    marked AS (
      SELECT *, packed // ${packBase} AS cell,
        (timed AND ${b.value(spec.split)} AND q > packed % ${packBase} - tod) AS residual
      FROM placed
    )
    SELECT sid, month, cls, CAST(cell AS INTEGER) AS cell,
      CASE WHEN residual THEN strftime(t, '%Y-%m-%d %H:%M:%S') END AS rt,
      CASE WHEN residual THEN q END AS rq,
      count(*) AS n, sum(q) AS quantity, sum(orig) AS orig${meters.map((m) => `, ${m}`).join('')}
    FROM marked
    GROUP BY sid, month, cls, cell, rt, rq`;
  return { sql, params: { ...who.params, ...b.params } as SqlParams };
}

interface ProfileSqlRow {
  sid: number;
  month: string;
  cls: string;
  cell: number;
  rt: string | null;
  rq: number | null;
  n: number;
  quantity: number;
  orig: number;
  [meter: string]: unknown;
}

/**
 * Usage profiles of the target's subscribers for the given months ('YYYY-MM'), one per
 * subscriber × month (months without usage included, so the monthly fee is never missed).
 */
export async function usageProfilesFor(db: Db, target: ProfileTarget, months: string[], spec: ProfileSpec): Promise<UsageProfile[]> {
  if (months.length === 0) return [];
  const b = new Binder();
  const who = targetSql(target, b);
  const subscribers = await db.query<{ subscriber_id: number; home: string }>(`${who.sql} ORDER BY s.subscriber_id`, { ...who.params, ...b.params } as SqlParams);
  const profiles = new Map<string, UsageProfile>();
  for (const s of subscribers) {
    for (const month of [...months].sort()) {
      profiles.set(`${s.subscriber_id}|${month}`, { subscriberId: s.subscriber_id, month, homeCity: s.home, rows: [], residuals: [], bills: [] });
    }
  }
  const { sql, params } = usageProfileSql(spec, target, months);
  for (const r of await db.query<ProfileSqlRow>(sql, params)) {
    const p = profiles.get(`${r.sid}|${r.month}`);
    if (!p) continue;
    if (r.rt !== null) {
      p.residuals.push({ cls: r.cls, start: r.rt, quantity: r.rq!, n: r.n, originalFen: r.orig });
      continue;
    }
    const stats = spec.meters.map((_, i) => exact(Number(r[`m${i}`]), 'a usage statistic'));
    p.rows.push({ cls: r.cls, cell: r.cell, n: r.n, quantity: exact(r.quantity, 'a usage quantity'), originalFen: r.orig, stats });
  }
  const bb = new Binder();
  const whoBills = targetSql(target, bb);
  const monthList = bb.value([...months].sort().join(','));
  const bills = await db.query<{ sid: number; month: string; item: BillLine['item']; amount: number }>(
    `SELECT b.subscriber_id AS sid, strftime(b.bill_month, '%Y-%m') AS month, CAST(b.item AS VARCHAR) AS item, sum(b.amount_fen) AS amount
     FROM bills b WHERE b.subscriber_id IN (SELECT subscriber_id FROM (${whoBills.sql}))
       AND list_contains(string_split(${monthList}, ','), strftime(b.bill_month, '%Y-%m'))
     GROUP BY ALL ORDER BY ALL`,
    { ...whoBills.params, ...bb.params } as SqlParams,
  );
  for (const bill of bills) profiles.get(`${bill.sid}|${bill.month}`)?.bills.push({ item: bill.item, amountFen: bill.amount });
  return [...profiles.values()];
}
