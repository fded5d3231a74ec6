// Usage profiles: one SQL pass over the CDR tables turns each customer-month into rows per
// usage class × time cell holding the sufficient statistics the candidate plans need (counts,
// quantities, Σ⌈part/increment⌉ per rate-group span in use, per-call fen where a plan caps or
// rounds calls). Time cells are the coarsest partition of the week on which every candidate
// plan's band is constant. Calls crossing a cell boundary under a splitting plan come back one
// by one ("residuals") so the pricer can rate them exactly.
import { monthNumberSql } from '../store/sql.ts';
import type { Db, SqlParams } from '../store/store.ts';
import { exact } from './charges.ts';
import { classChain, classRoots, domainOf, type BillLine, type ClassRoot, type Domain } from './classes.ts';
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
  /**
   * The usage classes profiles are kept by (a row's class is its index here): the class roots
   * and every key some plan names. A CDR's class is reduced to the most specific of these in its
   * chain — the keys before it are named by no plan, so every plan resolves both alike.
   */
  classes: string[];
  /** per meter, the domains of the classes that read it (other tables leave it at 0) */
  meterDomains: Array<Set<Domain>>;
  /** per cell, the band under each plan */
  cells: string[][];
  /**
   * Per class, per cell: the cell its rows are kept under — the first cell in which every plan
   * prices the class alike (same rate or tier, same allowances). A class no plan prices by band
   * keeps one row per month instead of one per cell.
   */
  cellOf: number[][];
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
export type ProfileTarget =
  | { subscriberIds: number[] }
  | {
      members: { sql: string; params: Record<string, string | number> };
      /**
       * Bounds of the members' ids, when known: put on the CDR tables themselves, so that DuckDB
       * skips the row groups of other subscribers instead of scanning every CDR for each chunk.
       */
      range?: {
        lo: number;
        hi: number;
        /** most subscribers in the range are members: aggregate the range, then keep the members */
        dense?: boolean;
      };
    };

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

/** Whether every plan prices class `cls` in cells a and b alike: same target, same allowances in the same order. */
function pricedAlike(plans: CompiledPlan[], cells: string[][], cls: string, a: number, b: number): boolean {
  return plans.every((cp, p) => {
    const res = cp.resolve(cls);
    if (res.kind !== 'usage') return true;
    const x = res.byBand.get(cells[a][p])!;
    const y = res.byBand.get(cells[b][p])!;
    if (x === y) return true;
    const same = x.target.kind === 'rate' ? y.target.kind === 'rate' && y.target.rate === x.target.rate : y.target.kind === 'tier' && y.target.tier === x.target.tier;
    return same && x.allowances.length === y.allowances.length && x.allowances.every((al, i) => al === y.allowances[i]);
  });
}

/** What the profiles must hold for these candidate plans. */
export function profileSpecFor(plans: Array<TariffPlan | CompiledPlan>): ProfileSpec {
  const compiled = plans.map((p) => ('resolve' in p ? p : compilePlan(p)));
  const meters: Meter[] = [];
  const meterDomains: Array<Set<Domain>> = [];
  const meterIds = new Map<string, number>();
  const meter = (m: Meter, classes: string[]) => {
    const key =
      m.kind === 'units'
        ? `u:${m.from}:${m.to}:${m.increment}`
        : `c:${m.scale}:${m.roundAt}:${m.roundMode}:${m.rate.setup}:${m.rate.capScaled}:${JSON.stringify(m.rate.groups)}`;
    let id = meterIds.get(key);
    if (id === undefined) {
      id = meters.length;
      meters.push(m);
      meterDomains.push(new Set());
      meterIds.set(key, id);
    }
    for (const c of classes) meterDomains[id].add(domainOf(c));
    return id;
  };
  const whole = (increment: number, classes: string[]) => meter({ kind: 'units', from: 0, to: null, increment }, classes);
  const planMeters = compiled.map((cp) => ({
    rates: cp.rates.map((r) =>
      r.linear
        ? { groups: r.groups.map((g) => meter({ kind: 'units', from: g.from, to: g.to, increment: g.increment }, [r.key])) }
        : { callCost: meter({ kind: 'callCost', rate: r, scale: cp.scale, roundAt: cp.roundAt, roundMode: cp.roundMode }, [r.key]) },
    ),
    allowances: cp.allowances.map((a) => whole(a.granularity, cp.plan.allowances[a.index].classes)),
    tiers: cp.tiers.map((t) => whole(t.unitSize, cp.plan.tieredCharges[t.index].classes)),
  }));
  const { cells, contexts } = cellPartition(compiled);
  const named = new Set(
    compiled.flatMap(({ plan: p }) => [
      ...p.rates.map((r) => r.class),
      ...p.tieredCharges.flatMap((t) => t.classes),
      ...p.carry,
      ...p.exclude,
      ...p.monthCaps.flatMap((c) => c.classes),
      ...p.allowances.flatMap((a) => a.classes),
    ]),
  );
  const classes = [...new Set([...Object.keys(classRoots), ...[...named].sort()])];
  const cellOf = classes.map((cls) => cells.map((_, x) => cells.findIndex((__, y) => y === x || pricedAlike(compiled, cells, cls, y, x))));
  return {
    plans: compiled,
    classes,
    meterDomains,
    cells,
    cellOf,
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
const dayNumber = (date: string) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000;

/**
 * cell * 100000 + end of the cell's span (seconds of day), from integer columns day (days since
 * 1970-01-01) and tod: integer arithmetic per CDR, no date functions or text.
 */
function cellSql(spec: ProfileSpec, b: Binder): string {
  const spansCase = (ctx: DayContext) => {
    const packed = ctx.spans.map((s) => b.int(s.cell * packBase + s.to));
    const whens = ctx.spans.slice(0, -1).map((s, i) => `WHEN tod < ${b.int(s.to)} THEN ${packed[i]}`);
    return whens.length === 0 ? packed[0] : `(CASE ${whens.join(' ')} ELSE ${packed[packed.length - 1]} END)`;
  };
  const weekdays = spec.contexts.filter((c) => c.dates === null);
  // 1970-01-01 was a Thursday (ISO weekday 4); when every weekday has the same cells, no weekday is needed
  const sameEveryDay = weekdays.every((c) => JSON.stringify(c.spans) === JSON.stringify(weekdays[0].spans));
  const weekly = sameEveryDay ? spansCase(weekdays[0]) : `(CASE (day + 3) % 7 + 1 ${weekdays.map((c) => `WHEN ${c.weekday} THEN ${spansCase(c)}`).join(' ')} END)`;
  const holidays = spec.contexts.filter((c) => c.dates !== null);
  if (holidays.length === 0) return weekly;
  const whens = holidays.map((c) => `WHEN list_contains(CAST(string_split(${b.value(c.dates!.map(dayNumber).join(','))}, ',') AS BIGINT[]), day) THEN ${spansCase(c)}`);
  return `(CASE ${whens.join(' ')} ELSE ${weekly} END)`;
}

function unitsSql(b: Binder, from: number, to: number | null, increment: number, q = 'q'): string {
  if (from === 0 && to === null && increment === 1) return q;
  const upper = to === null ? q : `least(${q}, ${b.int(to)})`;
  const span = from === 0 ? upper : `(${upper} - ${b.int(from)})`;
  const units = increment === 1 ? span : `((${span} + ${b.int(increment - 1)}) // ${b.int(increment)})`;
  return from === 0 ? units : `(CASE WHEN ${q} > ${b.int(from)} THEN ${units} ELSE 0 END)`;
}

function meterSql(m: Meter, b: Binder, q = 'q'): string {
  if (m.kind === 'units') return unitsSql(b, m.from, m.to, m.increment, q);
  const r = m.rate;
  let cost = [b.int(r.setup), ...r.groups.map((g) => `${unitsSql(b, g.from, g.to, g.increment, q)} * ${b.int(g.price)}`)].join(' + ');
  if (r.capScaled !== null) cost = `least(${b.int(r.capScaled)}, ${cost})`;
  if (m.roundAt === 'month' || m.scale === 1) return `(${cost})`;
  const S = b.int(m.scale);
  if (m.roundMode === 'up') return `((${cost} + ${S} - 1) // ${S})`;
  if (m.roundMode === 'down') return `((${cost}) // ${S})`;
  return `((2 * (${cost}) + ${S}) // (2 * ${S}))`;
}

/**
 * The code (index in spec.classes) of the class `key` qualified further by the text values of
 * `segments` (SQL), reduced to the most specific key some plan names: a CASE per level where
 * plans name qualifiers, else the code of `key` itself.
 */
function classCodeSql(spec: ProfileSpec, b: Binder, key: string, segments: string[]): string {
  const code = (k: string) => spec.classes.indexOf(classChain(k).find((c) => spec.classes.includes(c))!);
  const prefix = `${key}:`;
  const next = [...new Set(spec.classes.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length).split(':')[0]))];
  if (segments.length === 0 || next.length === 0) return String(code(key));
  const whens = next.map((v) => `WHEN ${b.value(v)} THEN ${classCodeSql(spec, b, `${key}:${v}`, segments.slice(1))}`);
  return `(CASE ${segments[0]} ${whens.join(' ')} ELSE ${code(key)} END)`;
}

// The classification of classes.ts (voiceClass, messageClass, gprsClass) as class codes.
function voiceCodeSql(spec: ProfileSpec, b: Binder, home: string): string {
  const c = (key: string, segments: string[] = []) => classCodeSql(spec, b, key, segments);
  const group = `(CASE WHEN v.call_class = 'hmt'::call_class THEN 'hmt' ELSE coalesce(CAST(v.country_group AS VARCHAR), '0') END)`;
  const pair = `(${home} || '>' || v.visited_city)`;
  return `(CASE
    WHEN v.is_vpmn THEN ${c('vpmn')}
    WHEN v.roam_type <> 'none'::roam_type THEN (CASE v.roam_type WHEN 'intra'::roam_type THEN ${c('roam_intra', [pair])} WHEN 'inter'::roam_type THEN ${c('roam_inter', [pair])} ELSE ${c('roam_intl', [pair])} END)
    WHEN v.direction = 'mt'::call_direction THEN ${c('mt')}
    WHEN v.ip_prefix IS NOT NULL THEN
      (CASE WHEN v.call_class IN ('intl'::call_class, 'hmt'::call_class) THEN ${c('intl_ip', ['v.ip_prefix', group])} ELSE ${c('ip', ['v.ip_prefix'])} END)
    WHEN v.call_class = 'local'::call_class THEN ${c('local')}
    WHEN v.call_class = 'dld'::call_class THEN ${c('dld')}
    ELSE ${c('intl', [group])} END)`;
}

function messageCodeSql(spec: ProfileSpec, b: Binder, kind: 'sms' | 'mms'): string {
  const c = (key: string, segments: string[] = []) => classCodeSql(spec, b, key, segments);
  return `(CASE
    WHEN m.direction = 'mt'::msg_direction THEN ${c(`${kind}_mt`)}
    WHEN m.peer_net = 'sp'::peer_net THEN ${c(`${kind}_sp`)}
    WHEN m.peer_net = 'intl'::peer_net THEN ${c(`${kind}_intl`)}
    ELSE ${c(kind, ['CAST(m.peer_net AS VARCHAR)'])} END)`;
}

function gprsCodeSql(spec: ProfileSpec, b: Binder): string {
  return `(CASE WHEN x.roam_type = 'intl'::roam_type THEN ${classCodeSql(spec, b, 'gprs_intl', [])}
    WHEN x.roam_type = 'none'::roam_type THEN ${classCodeSql(spec, b, 'gprs', [])}
    ELSE ${classCodeSql(spec, b, 'gprs', ['CAST(x.roam_type AS VARCHAR)'])} END)`;
}

function targetSql(target: ProfileTarget, b: Binder): { sql: string; params: SqlParams } {
  if ('subscriberIds' in target) {
    const ids = b.value(target.subscriberIds.join(','));
    return { sql: `SELECT s.subscriber_id, s.city_code AS home FROM subscribers s WHERE list_contains(CAST(string_split(${ids}, ',') AS INTEGER[]), s.subscriber_id)`, params: {} };
  }
  return { sql: `SELECT s.subscriber_id, s.city_code AS home FROM subscribers s WHERE s.subscriber_id IN (${target.members.sql})`, params: target.members.params };
}

/** The class roots each CDR table's rows can have (every root in exactly one table). */
const tableRoots: Record<'voice' | 'sms' | 'mms' | 'gprs' | 'wlan', ClassRoot[]> = {
  voice: ['local', 'dld', 'ip', 'intl', 'intl_ip', 'roam_intra', 'roam_inter', 'roam_intl', 'mt', 'vpmn'],
  sms: ['sms', 'sms_mt', 'sms_sp', 'sms_intl'],
  mms: ['mms', 'mms_mt', 'mms_sp', 'mms_intl'],
  gprs: ['gprs', 'gprs_intl'],
  wlan: ['wlan'],
};
// a root in no table would lose its time cells unnoticed
if (Object.values(tableRoots).flat().sort().join() !== Object.keys(classRoots).sort().join()) throw new Error('profile.ts: tableRoots must list every class root once');

/** Seconds since 1970-01-01 (naive local time) of the first instant of a month and of the next. */
function monthBounds(month: string): [number, number] {
  const [y, m] = month.split('-').map(Number);
  return [Date.UTC(y, m - 1, 1) / 1000, Date.UTC(y, m, 1) / 1000];
}

/**
 * The one pass over the CDR tables: rows per subscriber × month × class × cell (+ residual
 * calls). Each table is aggregated apart on one integer key (subscriber, month index, class
 * code, cell), which DuckDB groups far faster than text columns; only the meters a table's
 * domain can use are summed there, and for messages (one unit each) they follow from the count.
 */
export function usageProfileSql(spec: ProfileSpec, target: ProfileTarget, months: string[]): { sql: string; params: SqlParams } {
  const b = new Binder();
  const who = targetSql(target, b);
  const sorted = [...months].sort();
  const bounds = sorted.map(monthBounds);
  const from = b.value(`${sorted[0]}-01 00:00:00`);
  const to = b.value(new Date(bounds[bounds.length - 1][1] * 1000).toISOString().slice(0, 19).replace('T', ' '));
  const range = 'range' in target ? target.range : undefined;
  const ids = range ? { lo: b.int(range.lo), hi: b.int(range.hi) } : null;
  // a dense range without directional roaming needs no join: the rows of subscribers outside the target are dropped when read
  const joined = !(range?.dense && spec.routes.length === 0);
  const M = sorted.length;
  const C = spec.classes.length;
  const X = spec.cells.length;
  const monthSql = `(CASE ${bounds.map(([s, e], i) => `WHEN e >= ${b.int(s)} AND e < ${b.int(e)} THEN ${i}`).join(' ')} ELSE -1 END)`;
  // consecutive months: every CDR in [from, to) falls in one of them
  const gapless = bounds.every(([, e], i) => i === bounds.length - 1 || bounds[i + 1][0] === e);
  let cell: string | null = null;
  const table = (name: string, alias: string, time: string, domain: Domain, q: string, code: string, timed: boolean, roots: readonly string[]) => {
    const where = [`${alias}.${time} >= CAST(${from} AS TIMESTAMP)`, `${alias}.${time} < CAST(${to} AS TIMESTAMP)`];
    if (ids) where.push(`${alias}.subscriber_id BETWEEN ${ids.lo} AND ${ids.hi}`);
    const residual = timed && spec.split;
    // the time cell only for the classes of this table that some plan prices by band
    const banded = spec.classes.flatMap((k, i) => (roots.includes(k.split(':')[0]) && spec.cellOf[i].some((c) => c !== 0) ? [i] : []));
    const timedRows = residual || banded.length > 0;
    if (timedRows) cell ??= cellSql(spec, b);
    const keptCell = (i: number) =>
      spec.cellOf[i].every((c, x) => c === x) ? 'packed // ' + packBase : `(CASE packed // ${packBase} ${spec.cellOf[i].map((c, x) => `WHEN ${x} THEN ${c}`).join(' ')} END)`;
    const cellKey = banded.length === 0 ? '0' : `(CASE cls ${banded.map((i) => `WHEN ${i} THEN ${keptCell(i)}`).join(' ')} ELSE 0 END)`;
    const meters = spec.meters.map((m, i) => {
      if (!spec.meterDomains[i].has(domain)) return `CAST(0 AS DOUBLE) AS m${i}`;
      // a message is one unit: every meter is the count times its value for one
      if (domain === 'message') return `CAST(count(*) AS DOUBLE) * CAST(${meterSql(m, b, 'CAST(1 AS BIGINT)')} AS DOUBLE) AS m${i}`;
      return `sum(CAST(${meterSql(m, b)} AS DOUBLE)) AS m${i}`;
    });
    return `
      SELECT k, ${residual ? 'rt, rq,' : spec.split ? 'CAST(NULL AS TIMESTAMP) AS rt, CAST(NULL AS BIGINT) AS rq,' : ''}
        CAST(count(*) AS DOUBLE) AS n, sum(CAST(q AS DOUBLE)) AS quantity, sum(CAST(orig AS DOUBLE)) AS orig${meters.map((m) => `, ${m}`).join('')}
      FROM (
        SELECT *, ((CAST(sid AS BIGINT) * ${M} + month) * ${C} + cls) * ${X} + ${cellKey} AS k
          ${residual ? `, CASE WHEN q > packed % ${packBase} - tod THEN t END AS rt, CASE WHEN q > packed % ${packBase} - tod THEN q END AS rq` : ''}
        FROM (
          SELECT *, ${monthSql} AS month${timedRows ? `, ${cell} AS packed` : ''}
          FROM (
            SELECT *${timedRows ? ', e // 86400 AS day, e % 86400 AS tod' : ''}
            FROM (
              SELECT ${alias}.subscriber_id AS sid, ${alias}.${time} AS t, epoch_us(${alias}.${time}) // 1000000 AS e,
                CAST(${q} AS BIGINT) AS q, ${alias}.charge_fen AS orig, ${code} AS cls
              FROM ${name} ${alias} ${joined ? `JOIN target g ON g.subscriber_id = ${alias}.subscriber_id` : ''}
              WHERE ${where.join(' AND ')}))))
      ${gapless ? '' : 'WHERE month >= 0'}
      GROUP BY ALL`;
  };
  const home = joined ? 'g.home' : 'CAST(NULL AS VARCHAR)';
  const sql = `
    WITH target AS (${who.sql}),
    profiled AS (
      ${table('cdr_voice', 'v', 'start_time', 'second', 'v.duration_s', voiceCodeSql(spec, b, home), true, tableRoots.voice)}
      UNION ALL ${table('cdr_sms', 'm', 'sent_time', 'message', '1', messageCodeSql(spec, b, 'sms'), false, tableRoots.sms)}
      UNION ALL ${table('cdr_mms', 'm', 'sent_time', 'message', '1', messageCodeSql(spec, b, 'mms'), false, tableRoots.mms)}
      UNION ALL ${table('cdr_gprs', 'x', 'start_time', 'kb', 'x.volume_kb', gprsCodeSql(spec, b), false, tableRoots.gprs)}
      UNION ALL ${table('cdr_wlan', 'w', 'start_time', 'second', 'w.duration_s', classCodeSql(spec, b, 'wlan', []), true, tableRoots.wlan)}
    )
    SELECT CAST(k // ${M * C * X} AS INTEGER) AS sid, CAST(k // ${C * X} % ${M} AS INTEGER) AS month,
      CAST(k // ${X} % ${C} AS INTEGER) AS cls, CAST(k % ${X} AS INTEGER) AS cell,
      ${spec.split ? `strftime(rt, '%Y-%m-%d %H:%M:%S') AS rt, CAST(rq AS DOUBLE) AS rq,` : ''}
      n, quantity, orig${spec.meters.map((_, i) => `, m${i}`).join('')}
    FROM profiled`;
  return { sql, params: { ...who.params, ...b.params } as SqlParams };
}

/**
 * The profiles of a chunk of customers in flat arrays rather than an object per row: the fast
 * pricer reads them in tight loops, and objects (`profileAt`) are built only for the few
 * customer-months that need the general path. Profile k is subscriber ⌊k / months⌋ in month
 * k mod months. The row columns are as DuckDB sent them; profile k's rows are
 * order[rowStart[k]] … order[rowStart[k + 1] − 1] (by class and cell).
 */
export interface ProfileBatch {
  months: string[];
  subscriberIds: number[];
  homeCities: string[];
  /** the class of each row, as an index into `classes` */
  classes: string[];
  cls: Float64Array;
  cell: Float64Array;
  n: Float64Array;
  quantity: Float64Array;
  originalFen: Float64Array;
  /** row r's statistic for meter i is stats[i][r] */
  stats: Float64Array[];
  /** indexes into the row columns, by profile */
  order: Int32Array;
  rowStart: Int32Array;
  /** by profile index, only for profiles that have them */
  residuals: Map<number, ResidualCall[]>;
  /**
   * Bill items: profile k's are billStart[k] … billStart[k + 1] − 1, each an item (an index into
   * `billItems`) and its fen, in the order the per-call path lists them (`billsAt`).
   */
  billItems: readonly BillLine['item'][];
  billStart: Int32Array;
  billItem: Int32Array;
  billFen: Float64Array;
}

/** Profile k's bill lines as objects. */
export function billsAt(batch: ProfileBatch, k: number): BillLine[] {
  const lines: BillLine[] = [];
  for (let j = batch.billStart[k]; j < batch.billStart[k + 1]; j++) lines.push({ item: batch.billItems[batch.billItem[j]], amountFen: batch.billFen[j] });
  return lines;
}

export const profileCount = (batch: ProfileBatch) => batch.subscriberIds.length * batch.months.length;

/** Profile k as objects, for the general pricer and the reference fallback. */
export function profileAt(batch: ProfileBatch, k: number): UsageProfile {
  const M = batch.months.length;
  const rows: ProfileRow[] = [];
  for (let x = batch.rowStart[k]; x < batch.rowStart[k + 1]; x++) {
    const r = batch.order[x];
    const stats = batch.stats.map((column) => column[r]);
    rows.push({ cls: batch.classes[batch.cls[r]], cell: batch.cell[r], n: batch.n[r], quantity: batch.quantity[r], originalFen: batch.originalFen[r], stats });
  }
  const s = Math.floor(k / M);
  return {
    subscriberId: batch.subscriberIds[s],
    month: batch.months[k % M],
    homeCity: batch.homeCities[s],
    rows,
    residuals: batch.residuals.get(k) ?? [],
    bills: billsAt(batch, k),
  };
}

/** Months since January of year 0: consecutive months are consecutive numbers. */
const monthNumber = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;

/**
 * The target's bill items per month (as a month number), in the order the per-call path lists
 * them; the item as its code in the bill_item enum (text per bill line costs more than the query).
 */
function billsSql(target: ProfileTarget, months: string[]): { sql: string; params: SqlParams } {
  const b = new Binder();
  const range = 'range' in target ? target.range : undefined;
  // a dense range needs no semi-join: the bills of subscribers outside the target are dropped when read
  const who = range?.dense ? null : targetSql(target, b);
  const [first, last] = [months[0], months[months.length - 1]].map(monthBounds);
  const day = (seconds: number) => b.value(new Date(seconds * 1000).toISOString().slice(0, 10));
  const where = [`b.bill_month >= CAST(${day(first[0])} AS DATE)`, `b.bill_month < CAST(${day(last[1])} AS DATE)`];
  if (who) where.push(`b.subscriber_id IN (SELECT subscriber_id FROM (${who.sql}))`);
  if (range) where.push(`b.subscriber_id BETWEEN ${b.int(range.lo)} AND ${b.int(range.hi)}`);
  const sql = `
    SELECT CAST(sid AS INTEGER) AS sid, month, CAST(enum_code(item) AS INTEGER) AS item, CAST(amount AS DOUBLE) AS amount FROM (
      SELECT b.subscriber_id AS sid, CAST(${monthNumberSql('b.bill_month')} AS INTEGER) AS month, b.item, sum(b.amount_fen) AS amount
      FROM bills b WHERE ${where.join(' AND ')}
      GROUP BY ALL)
    ORDER BY sid, month, item`;
  return { sql, params: { ...who?.params, ...b.params } as SqlParams };
}

/** Each result row's profile (subscriber index × months + month), or -1 for a subscriber outside the target. */
function profilesOfRows(sid: Float64Array, month: Float64Array, indexOf: (sid: number) => number, M: number): Int32Array {
  const out = new Int32Array(sid.length);
  for (let r = 0; r < sid.length; r++) {
    const s = indexOf(sid[r]);
    out[r] = s < 0 ? -1 : s * M + month[r];
  }
  return out;
}

/**
 * The rows of the target's profiles (profile ≥ 0) in profile order, and by class and cell within
 * a profile: two counting sorts, cheaper than DuckDB ordering the rows it sends.
 */
function profileOrder(profileOf: Int32Array, cls: Float64Array, cell: Float64Array, profiles: number, classes: number, cells: number): Int32Array {
  const byKey = new Int32Array(classes * cells + 1);
  let rows = 0;
  for (let r = 0; r < profileOf.length; r++) {
    if (profileOf[r] < 0) continue;
    byKey[cls[r] * cells + cell[r] + 1]++;
    rows++;
  }
  for (let i = 1; i < byKey.length; i++) byKey[i] += byKey[i - 1];
  const inProfile = new Int32Array(rows);
  for (let r = 0; r < profileOf.length; r++) if (profileOf[r] >= 0) inProfile[byKey[cls[r] * cells + cell[r]]++] = r;
  const byProfile = new Int32Array(profiles + 1);
  for (const r of inProfile) byProfile[profileOf[r] + 1]++;
  for (let k = 1; k <= profiles; k++) byProfile[k] += byProfile[k - 1];
  const out = new Int32Array(rows);
  for (const r of inProfile) out[byProfile[profileOf[r]]++] = r;
  return out;
}

function allExact(values: Float64Array, what: string): void {
  for (let i = 0; i < values.length; i++) exact(values[i], what);
}

/** Index of a subscriber id in ascending `ids`, or -1: a dense table when the ids are close, else a Map. */
function subscriberIndex(ids: number[]): (sid: number) => number {
  const lo = ids[0] ?? 0;
  const span = ids.length === 0 ? 0 : ids[ids.length - 1] - lo + 1;
  if (span > 4 * ids.length + 1024) {
    const map = new Map(ids.map((sid, i) => [sid, i]));
    return (sid) => map.get(sid) ?? -1;
  }
  const dense = new Int32Array(span).fill(-1);
  ids.forEach((sid, i) => (dense[sid - lo] = i));
  return (sid) => (sid >= lo && sid - lo < span ? dense[sid - lo] : -1);
}

/**
 * Usage profiles of the target's subscribers for the given months ('YYYY-MM'), one per
 * subscriber × month (months without usage included, so the monthly fee is never missed),
 * read from DuckDB as columns.
 */
export async function usageProfileBatch(db: Db, target: ProfileTarget, months: string[], spec: ProfileSpec): Promise<ProfileBatch> {
  const sortedMonths = [...months].sort();
  const M = sortedMonths.length;
  const b = new Binder();
  const who = targetSql(target, b);
  const empty: ProfileBatch = {
    months: sortedMonths,
    subscriberIds: [],
    homeCities: [],
    classes: spec.classes,
    cls: new Float64Array(0),
    cell: new Float64Array(0),
    n: new Float64Array(0),
    quantity: new Float64Array(0),
    originalFen: new Float64Array(0),
    stats: spec.meters.map(() => new Float64Array(0)),
    order: new Int32Array(0),
    rowStart: new Int32Array(1),
    residuals: new Map(),
    billItems: [],
    billStart: new Int32Array(1),
    billItem: new Int32Array(0),
    billFen: new Float64Array(0),
  };
  if (M === 0) return empty;
  // the target, its usage and its bills are read at once, on three connections
  const usage = usageProfileSql(spec, target, months);
  const bills = billsSql(target, sortedMonths);
  const [subscribers, cols, billCols, items] = await Promise.all([
    db.columns(`${who.sql} ORDER BY s.subscriber_id`, { ...who.params, ...b.params } as SqlParams),
    db.columns(usage.sql, usage.params),
    db.columns(bills.sql, bills.params) as Promise<Float64Array[]>,
    db.one<{ items: BillLine['item'][] }>('SELECT CAST(enum_range(NULL::bill_item) AS VARCHAR[]) AS items'),
  ]);
  const subscriberIds = Array.from(subscribers[0] as Float64Array);
  if (subscriberIds.length === 0) return empty;
  const indexOf = subscriberIndex(subscriberIds);
  const profiles = subscriberIds.length * M;

  // residual calls (rt, rq) only when some plan splits calls
  const [sidCol, monthCol, clsCol, cellCol] = cols as Float64Array[];
  const rest = spec.split ? 6 : 4;
  const [rtCol, rqCol] = (spec.split ? cols.slice(4, 6) : [null, null]) as [Array<string | null> | null, Float64Array | null];
  const [nCol, quantityCol, origCol] = cols.slice(rest, rest + 3) as Float64Array[];
  const statCols = cols.slice(rest + 3) as Float64Array[];
  const profileOf = profilesOfRows(sidCol, monthCol, indexOf, M);
  const order = profileOrder(profileOf, clsCol, cellCol, profiles, spec.classes.length, spec.cells.length);
  const residuals = new Map<number, ResidualCall[]>();
  // rows of subscribers outside the target, and residual calls, are left out of the profiles' rows
  const kept = new Int32Array(order.length);
  const rowStart = new Int32Array(profiles + 1);
  let keptRows = 0;
  for (const r of order) {
    const k = profileOf[r];
    if (rtCol !== null && rtCol[r] !== null) {
      let list = residuals.get(k);
      if (!list) residuals.set(k, (list = []));
      list.push({ cls: spec.classes[clsCol[r]], start: rtCol[r]!, quantity: rqCol![r], n: nCol[r], originalFen: origCol[r] });
      continue;
    }
    kept[keptRows++] = r;
    rowStart[k + 1]++;
  }
  for (let k = 0; k < profiles; k++) rowStart[k + 1] += rowStart[k];
  const batch: ProfileBatch = {
    ...empty,
    subscriberIds,
    homeCities: subscribers[1] as string[],
    cls: clsCol,
    cell: cellCol,
    n: nCol,
    quantity: quantityCol,
    originalFen: origCol,
    stats: statCols,
    order: kept.subarray(0, keptRows),
    rowStart,
    residuals,
    billItems: items!.items,
    billStart: new Int32Array(profiles + 1),
  };
  allExact(batch.quantity, 'a usage quantity');
  for (const column of batch.stats) allExact(column, 'a usage statistic');

  // bill rows come ordered by subscriber, month and item: by profile
  const [sid, month, item, amount] = billCols;
  const first = monthNumber(sortedMonths[0]);
  const monthAt = new Int32Array(monthNumber(sortedMonths[M - 1]) - first + 1).fill(-1);
  sortedMonths.forEach((m, i) => (monthAt[monthNumber(m) - first] = i));
  const { billStart } = batch;
  const billItem = new Int32Array(sid.length);
  const billFen = new Float64Array(sid.length);
  let count = 0;
  for (let r = 0; r < sid.length; r++) {
    const s = indexOf(sid[r]);
    const m = month[r] - first;
    if (s < 0 || m < 0 || m >= monthAt.length || monthAt[m] < 0) continue;
    billStart[s * M + monthAt[m] + 1]++;
    billItem[count] = item[r];
    billFen[count++] = amount[r];
  }
  for (let k = 0; k < profiles; k++) billStart[k + 1] += billStart[k];
  batch.billItem = billItem.subarray(0, count);
  batch.billFen = billFen.subarray(0, count);
  return batch;
}

/**
 * Usage profiles of the target's subscribers for the given months ('YYYY-MM'), one per
 * subscriber × month (months without usage included, so the monthly fee is never missed).
 */
export async function usageProfilesFor(db: Db, target: ProfileTarget, months: string[], spec: ProfileSpec): Promise<UsageProfile[]> {
  const batch = await usageProfileBatch(db, target, months, spec);
  return Array.from({ length: profileCount(batch) }, (_, k) => profileAt(batch, k));
}
