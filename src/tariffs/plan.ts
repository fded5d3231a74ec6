// The tariff plan: what an operator sells, as data (TypeBox schema, so the catalogue, the
// console editor and HTTP all validate the same JSON), and `validatePlan`, which refuses a
// plan that could not be rated unambiguously, naming the JSON path and the reason.
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { InvalidInput } from '../store/errors.ts';
import { isCalendarDate } from '../store/dates.ts';
import { classChain, classKeyProblem, domainOf, type Domain } from './classes.ts';

const ClassKey = Type.String({
  description: 'Usage class: local, dld, ip:17951, intl:2, intl:hmt, intl_ip:12593:2, roam_intra, roam_inter, roam_intl, ' +
    'roam_inter:JZ>SH (home>visited), mt, vpmn, sms, sms:onnet, sms_sp, mms, gprs, gprs:inter, gprs_intl, wlan… ' +
    'A key also covers its qualified forms (intl covers intl:2) unless those are priced themselves.',
});
const BandName = Type.String({ description: 'A band defined in bands.rules, e.g. peak, offpeak, weekend, holiday' });

export const RateGroup = Type.Object(
  {
    from: Type.Integer({ description: 'Where the group starts, as an offset into the call (s) or session (KB); the first group starts at 0' }),
    increment: Type.Integer({ description: 'Charging increment (s, KB or messages), > 0; each started increment is charged' }),
    price: Type.Integer({ description: 'Price per increment, in 1/priceScale fen, ≥ 0' }),
  },
  { additionalProperties: false },
);

export const Rate = Type.Object(
  {
    class: ClassKey,
    bands: Type.Optional(Type.Array(BandName, { minItems: 1, description: 'Omitted: every band' })),
    setupFee: Type.Integer({ default: 0, description: 'Per call, in 1/priceScale fen, charged even when an allowance covers the call' }),
    groups: Type.Array(RateGroup, { minItems: 1, description: 'Rate groups, e.g. first 60 s as one unit then per 6 s' }),
    callCapFen: Type.Optional(Type.Integer({ description: 'Most one call may cost (setup included), in fen' })),
  },
  { additionalProperties: false },
);

export const BandRule = Type.Object(
  {
    band: BandName,
    days: Type.Array(Type.Union([Type.Integer(), Type.Literal('holiday')]), { minItems: 1, description: 'ISO weekdays 1 (Mon)…7 (Sun) or holiday' }),
    from: Type.String({ description: 'HH:MM, inclusive' }),
    to: Type.String({ description: 'HH:MM, exclusive; 24:00 for the end of the day' }),
  },
  { additionalProperties: false },
);

export const Bands = Type.Object(
  {
    split: Type.Boolean({ default: false, description: 'false: a call is rated in the band where it starts; true: split at band boundaries' }),
    holidays: Type.Array(Type.String(), { default: [], description: 'YYYY-MM-DD dates rated with the holiday rules' }),
    rules: Type.Array(BandRule, { minItems: 1, description: 'Must cover every weekday (and holiday, when holidays are listed) exactly once' }),
  },
  { additionalProperties: false },
);

export const allowanceUnits = ['second', 'minute', 'message', 'kb', 'mb'] as const;
export const Allowance = Type.Object(
  {
    id: Type.String(),
    classes: Type.Array(ClassKey, { minItems: 1 }),
    bands: Type.Optional(Type.Array(BandName, { minItems: 1 })),
    amount: Type.Integer({ description: 'Included quantity per month, in unit' }),
    unit: Type.Union(allowanceUnits.map((u) => Type.Literal(u))),
    granularity: Type.Optional(Type.Integer({ description: 'Per-call rounding of what a call consumes, in base units (s, messages, KB); default 60 for minute, else 1' })),
    priority: Type.Integer({ default: 1, description: 'Lower is consumed first; ties in listed order' }),
  },
  { additionalProperties: false },
);

export const TierStep = Type.Object(
  {
    from: Type.Integer({ description: 'Units already counted before this tier; the first tier starts at 0, each next one at the previous to' }),
    to: Type.Union([Type.Integer(), Type.Null()], { description: 'Last unit of the tier; null for the open last tier' }),
    price: Type.Integer({ description: 'Per unit, in 1/priceScale fen' }),
    flatFen: Type.Integer({ default: 0, description: 'Charged once when usage reaches the tier (the first tier’s always)' }),
  },
  { additionalProperties: false },
);

export const TieredCharge = Type.Object(
  {
    id: Type.String(),
    classes: Type.Array(ClassKey, { minItems: 1 }),
    bands: Type.Optional(Type.Array(BandName, { minItems: 1 })),
    mode: Type.Union([Type.Literal('graduated'), Type.Literal('volume')]),
    unitSize: Type.Integer({ description: 'One unit, in base units (60 = a minute, rounded up per call)' }),
    tiers: Type.Array(TierStep, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export const MonthCap = Type.Object(
  { classes: Type.Array(ClassKey, { minItems: 1 }), capFen: Type.Integer() },
  { additionalProperties: false },
);

export const roundingModes = ['up', 'halfUp', 'down'] as const;
export type RoundingMode = (typeof roundingModes)[number];
export const Rounding = Type.Object(
  {
    at: Type.Union([Type.Literal('call'), Type.Literal('month')], { description: 'Round each call, or each class line of the month' }),
    mode: Type.Union(roundingModes.map((m) => Type.Literal(m))),
  },
  { additionalProperties: false },
);

/** Seed 004 §2.2.1.6: VPMN in-group calls are left out; 12593 calls are recorded apart at their original charge. */
export const seedExclusions = ['vpmn'];
export const seedCarried = ['ip:12593', 'intl_ip:12593'];
export const carriableBillItems = ['other', 'vas', 'discount'] as const;
/** Seed 004 carries other fees and un-discounted new-service fees; a discount (e.g. a VPMN group's) only when the plan says so. */
export const seedCarriedBillItems: Array<(typeof carriableBillItems)[number]> = ['other', 'vas'];

export const TariffPlan = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64 }),
    nameZh: Type.Optional(Type.String()),
    nameEn: Type.Optional(Type.String()),
    monthlyFeeFen: Type.Integer(),
    priceScale: Type.Integer({ default: 1, description: 'Unit prices are integers in 1/priceScale fen (1000 = milli-fen)' }),
    rounding: Type.Object(Rounding.properties, { additionalProperties: false, default: { at: 'call', mode: 'up' } }),
    bands: Type.Object(Bands.properties, {
      additionalProperties: false,
      default: { split: false, holidays: [], rules: [{ band: 'all', days: [1, 2, 3, 4, 5, 6, 7, 'holiday'], from: '00:00', to: '24:00' }] },
    }),
    rates: Type.Array(Rate, { default: [] }),
    allowances: Type.Array(Allowance, { default: [] }),
    tieredCharges: Type.Array(TieredCharge, { default: [] }),
    monthCaps: Type.Array(MonthCap, { default: [] }),
    exclude: Type.Array(ClassKey, { default: seedExclusions, description: 'Classes left out of the bill (seed: VPMN in-group calls)' }),
    carry: Type.Array(ClassKey, { default: seedCarried, description: 'Classes not re-rated: carried at their original charge, shown apart (seed: 12593)' }),
    carryBillItems: Type.Array(Type.Union(carriableBillItems.map((i) => Type.Literal(i))), {
      default: seedCarriedBillItems,
      description: 'Bill items carried as they are: other fees, un-discounted new-service fees (seed), and discounts granted outside the plan',
    }),
  },
  { additionalProperties: false },
);
export type TariffPlan = Static<typeof TariffPlan>;
export type Rate = Static<typeof Rate>;
export type Allowance = Static<typeof Allowance>;
export type TieredCharge = Static<typeof TieredCharge>;
export type TierStep = Static<typeof TierStep>;

/** Bounds that keep every scaled sum an exact integer in a double. */
const maxPrice = 1_000_000_000;
const maxScale = 1_000_000;
const maxQuantity = 1_000_000_000;

const dayNames = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
export type DayType = number | 'holiday';
export const dayLabel = (d: DayType) => (d === 'holiday' ? 'holidays' : dayNames[d]);

/** 'HH:MM' → seconds of the day, or null. `to` may be 24:00. */
export function clockSeconds(text: string, allowEndOfDay: boolean): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(text);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && (min !== 0 || !allowEndOfDay))) return null;
  return h * 3600 + min * 60;
}
export const clockText = (s: number) => `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`;


/** Base units per allowance unit. */
export const allowanceUnitSize: Record<(typeof allowanceUnits)[number], { domain: Domain; base: number; granularity: number }> = {
  second: { domain: 'second', base: 1, granularity: 1 },
  minute: { domain: 'second', base: 60, granularity: 60 },
  message: { domain: 'message', base: 1, granularity: 1 },
  kb: { domain: 'kb', base: 1, granularity: 1 },
  mb: { domain: 'kb', base: 1024, granularity: 1 },
};

function refuse(field: string, reason: string): never {
  throw new InvalidInput(`${field}: ${reason}`, { field, code: 'INVALID_PLAN' });
}

/** '/rates/0/groups/1/price' → 'rates[0].groups[1].price' */
function fieldOf(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

function structuralCheck(value: unknown): void {
  const first = Value.Errors(TariffPlan, value).First();
  if (!first) return;
  const field = fieldOf(first.path) || 'plan';
  if (first.value === undefined) refuse(field, 'is required');
  const anyOf = (first.schema as { anyOf?: Array<{ const?: unknown; type?: string }> }).anyOf;
  if (anyOf) {
    const options = anyOf.map((s) => (s.const !== undefined ? JSON.stringify(s.const) : (s.type ?? 'a value')));
    refuse(field, `must be ${anyOf.every((s) => s.const !== undefined) ? 'one of ' : ''}${options.join(anyOf.every((s) => s.const !== undefined) ? ', ' : ' or ')} (got ${JSON.stringify(first.value)})`);
  }
  refuse(field, first.message.replace(/^Expected/, 'expected'));
}

/**
 * Validates a plan (from the catalogue, the editor or HTTP) and fills the defaults.
 * Throws InvalidInput with `field` set to the JSON path of the first problem.
 */
export function validatePlan(json: unknown): TariffPlan {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) refuse('plan', 'must be a JSON object');
  const value = Value.Default(TariffPlan, Value.Clone(json)) as unknown;
  structuralCheck(value);
  const plan = value as TariffPlan;
  checkNumbers(plan);
  const bandNames = checkBands(plan);
  checkClasses(plan, bandNames);
  checkAllowances(plan, bandNames);
  checkTiers(plan);
  checkCaps(plan);
  return plan;
}

function nonNegative(field: string, v: number, what: string, max = maxPrice): void {
  if (v < 0) refuse(field, `${what} must not be negative (got ${v})`);
  if (v > max) refuse(field, `${what} must be at most ${max} (got ${v})`);
}
function positive(field: string, v: number, what: string, max = maxQuantity): void {
  if (v <= 0) refuse(field, `${what} must be positive (got ${v})`);
  if (v > max) refuse(field, `${what} must be at most ${max} (got ${v})`);
}

function checkNumbers(plan: TariffPlan): void {
  nonNegative('monthlyFeeFen', plan.monthlyFeeFen, 'the monthly fee');
  positive('priceScale', plan.priceScale, 'the price scale', maxScale);
  plan.rates.forEach((r, i) => {
    nonNegative(`rates[${i}].setupFee`, r.setupFee, 'the setup fee');
    if (r.callCapFen !== undefined) nonNegative(`rates[${i}].callCapFen`, r.callCapFen, 'the per-call cap');
    r.groups.forEach((g, j) => {
      const at = `rates[${i}].groups[${j}]`;
      nonNegative(`${at}.price`, g.price, 'the price');
      positive(`${at}.increment`, g.increment, 'the charging increment');
      nonNegative(`${at}.from`, g.from, 'the group start', maxQuantity);
      if (j === 0 && g.from !== 0) refuse(`${at}.from`, `the first rate group must start at 0 (got ${g.from})`);
      if (j > 0 && g.from <= r.groups[j - 1].from) refuse(`${at}.from`, `rate groups must start in increasing order (${g.from} after ${r.groups[j - 1].from})`);
    });
  });
  plan.tieredCharges.forEach((t, i) => {
    positive(`tieredCharges[${i}].unitSize`, t.unitSize, 'the unit size');
    t.tiers.forEach((s, j) => {
      nonNegative(`tieredCharges[${i}].tiers[${j}].price`, s.price, 'the price');
      nonNegative(`tieredCharges[${i}].tiers[${j}].flatFen`, s.flatFen, 'the flat fee');
    });
  });
  plan.monthCaps.forEach((c, i) => nonNegative(`monthCaps[${i}].capFen`, c.capFen, 'the monthly cap'));
}

/** Checks the week is covered exactly once; returns the band names. */
function checkBands(plan: TariffPlan): Set<string> {
  const { rules, holidays } = plan.bands;
  const names = new Set<string>();
  const covered = new Map<DayType, Array<{ from: number; to: number; rule: number }>>();
  rules.forEach((r, i) => {
    const at = `bands.rules[${i}]`;
    if (!/^[a-z][a-z0-9_]{0,19}$/.test(r.band)) refuse(`${at}.band`, `band names are lower-case words like peak or offpeak (got '${r.band}')`);
    names.add(r.band);
    const from = clockSeconds(r.from, false);
    const to = clockSeconds(r.to, true);
    if (from === null) refuse(`${at}.from`, `must be a time HH:MM from 00:00 to 23:59 (got '${r.from}')`);
    if (to === null) refuse(`${at}.to`, `must be a time HH:MM from 00:01 to 24:00 (got '${r.to}')`);
    if (to <= from) refuse(`${at}.to`, `must be after from (${r.from}–${r.to}); split a band that runs past midnight into two rules`);
    r.days.forEach((d, j) => {
      if (d !== 'holiday' && (d < 1 || d > 7)) refuse(`${at}.days[${j}]`, `days are 1 (Monday) … 7 (Sunday) or 'holiday' (got ${d})`);
      const spans = covered.get(d) ?? [];
      const clash = spans.find((s) => s.from < to && from < s.to);
      if (clash) {
        refuse(`${at}`, `overlaps bands.rules[${clash.rule}] on ${dayLabel(d)} ${clockText(Math.max(from, clash.from))}–${clockText(Math.min(to, clash.to))}`);
      }
      spans.push({ from, to, rule: i });
      covered.set(d, spans);
    });
  });
  holidays.forEach((h, i) => {
    if (!isCalendarDate(h)) refuse(`bands.holidays[${i}]`, `must be a date YYYY-MM-DD (got '${h}')`);
    if (holidays.indexOf(h) !== i) refuse(`bands.holidays[${i}]`, `${h} is listed twice`);
  });
  const days: DayType[] = [1, 2, 3, 4, 5, 6, 7];
  if (holidays.length > 0) days.push('holiday');
  for (const d of days) {
    const spans = [...(covered.get(d) ?? [])].sort((a, b) => a.from - b.from);
    let at = 0;
    for (const s of spans) {
      if (s.from > at) break;
      at = Math.max(at, s.to);
    }
    if (at < 86_400) {
      const gapEnd = spans.find((s) => s.from > at)?.from ?? 86_400;
      refuse('bands.rules', `the bands do not cover ${dayLabel(d)} ${clockText(at)}–${clockText(gapEnd)}`);
    }
  }
  return names;
}

function checkClassKey(field: string, key: string): void {
  const problem = classKeyProblem(key);
  if (problem) refuse(field, problem);
}

function checkBandList(field: string, bands: string[] | undefined, names: Set<string>): void {
  bands?.forEach((b, i) => {
    if (!names.has(b)) refuse(`${field}[${i}]`, `unknown band '${b}' (defined: ${[...names].join(', ')})`);
  });
}

/** Every class is priced by one thing per band: a rate, a tiered charge, carried or excluded. */
function checkClasses(plan: TariffPlan, names: Set<string>): void {
  const listed = new Map<string, string>();
  const mark = (field: string, key: string) => {
    checkClassKey(field, key);
    const before = listed.get(key);
    if (before) refuse(field, `'${key}' is already ${before}`);
  };
  plan.exclude.forEach((k, i) => {
    mark(`exclude[${i}]`, k);
    listed.set(k, `excluded (exclude[${i}])`);
  });
  plan.carry.forEach((k, i) => {
    mark(`carry[${i}]`, k);
    listed.set(k, `carried (carry[${i}])`);
  });
  // (class → band → where) for rates and tiered charges
  const priced = new Map<string, Map<string, string>>();
  const price = (field: string, key: string, bands: string[] | undefined) => {
    checkClassKey(field, key);
    const other = listed.get(key);
    if (other) refuse(field, `'${key}' is already ${other}`);
    const byBand = priced.get(key) ?? new Map<string, string>();
    for (const b of bands ?? [...names]) {
      const before = byBand.get(b);
      if (before) refuse(field, `'${key}' in band '${b}' is already priced by ${before}`);
      byBand.set(b, field.replace(/\.classes\[\d+\]$|\.class$/, ''));
    }
    priced.set(key, byBand);
  };
  plan.rates.forEach((r, i) => {
    checkBandList(`rates[${i}].bands`, r.bands, names);
    price(`rates[${i}].class`, r.class, r.bands);
  });
  plan.tieredCharges.forEach((t, i) => {
    checkBandList(`tieredCharges[${i}].bands`, t.bands, names);
    t.classes.forEach((k, j) => price(`tieredCharges[${i}].classes[${j}]`, k, t.bands));
  });
  for (const [key, byBand] of priced) {
    const missing = [...names].filter((b) => !byBand.has(b));
    if (missing.length > 0) {
      const where = plan.rates.findIndex((r) => r.class === key);
      const field = where >= 0 ? `rates[${where}].bands` : 'tieredCharges';
      refuse(field, `'${key}' is priced in some bands but not in ${missing.map((b) => `'${b}'`).join(', ')}`);
    }
  }
  plan.tieredCharges.forEach((t, i) => sameDomain(`tieredCharges[${i}].classes`, t.classes));
}

function sameDomain(field: string, keys: string[]): Domain {
  const domain = domainOf(keys[0]);
  keys.forEach((k, j) => {
    if (domainOf(k) !== domain) refuse(`${field}[${j}]`, `'${k}' counts ${domainOf(k)}s but '${keys[0]}' counts ${domain}s; one list cannot mix them`);
  });
  return domain;
}

function checkAllowances(plan: TariffPlan, names: Set<string>): void {
  const ids = new Set<string>();
  plan.allowances.forEach((a, i) => {
    const at = `allowances[${i}]`;
    if (!a.id) refuse(`${at}.id`, 'must not be empty');
    if (ids.has(a.id)) refuse(`${at}.id`, `allowance id '${a.id}' is used twice`);
    ids.add(a.id);
    a.classes.forEach((k, j) => checkClassKey(`${at}.classes[${j}]`, k));
    checkBandList(`${at}.bands`, a.bands, names);
    const domain = sameDomain(`${at}.classes`, a.classes);
    const unit = allowanceUnitSize[a.unit];
    if (unit.domain !== domain) refuse(`${at}.unit`, `'${a.unit}' does not measure ${domain}s (the classes' quantity)`);
    positive(`${at}.amount`, a.amount, 'the amount');
    const granularity = a.granularity ?? unit.granularity;
    positive(`${at}.granularity`, granularity, 'the granularity');
    const base = a.amount * unit.base;
    if (base > maxQuantity) refuse(`${at}.amount`, `must be at most ${maxQuantity} base units`);
    if (base % granularity !== 0) refuse(`${at}.granularity`, `the amount (${base} base units) must be a whole number of ${granularity}-unit steps`);
  });
}

function checkTiers(plan: TariffPlan): void {
  const ids = new Set<string>();
  plan.tieredCharges.forEach((t, i) => {
    if (!t.id) refuse(`tieredCharges[${i}].id`, 'must not be empty');
    if (ids.has(t.id)) refuse(`tieredCharges[${i}].id`, `tiered charge id '${t.id}' is used twice`);
    ids.add(t.id);
    t.tiers.forEach((s, j) => {
      const at = `tieredCharges[${i}].tiers[${j}]`;
      const expected = j === 0 ? 0 : t.tiers[j - 1].to;
      if (j > 0 && expected === null) refuse(`tieredCharges[${i}].tiers[${j - 1}].to`, 'only the last tier may be open (to: null)');
      if (s.from !== expected) {
        const why = j === 0 ? 'the first tier must start at 0' : s.from < (expected as number) ? `overlaps the tier before, which ends at ${expected}` : `leaves a gap after the tier before, which ends at ${expected}`;
        refuse(`${at}.from`, `${why} (from ${s.from})`);
      }
      if (s.to !== null && s.to <= s.from) refuse(`${at}.to`, `must be above from (${s.from}–${s.to}): tiers go in increasing order`);
      if (s.to !== null && s.to > maxQuantity) refuse(`${at}.to`, `must be at most ${maxQuantity}`);
    });
    if (t.tiers[t.tiers.length - 1].to !== null) refuse(`tieredCharges[${i}].tiers[${t.tiers.length - 1}].to`, 'the last tier must be open (to: null) so every unit has a price');
  });
}

function checkCaps(plan: TariffPlan): void {
  const seen: Array<{ key: string; field: string }> = [];
  plan.monthCaps.forEach((c, i) => {
    c.classes.forEach((k, j) => {
      const field = `monthCaps[${i}].classes[${j}]`;
      checkClassKey(field, k);
      const clash = seen.find((s) => classChain(k).includes(s.key) || classChain(s.key).includes(k));
      if (clash) refuse(field, `'${k}' overlaps '${clash.key}' of ${clash.field}; a class may fall under one monthly cap only`);
      seen.push({ key: k, field });
    });
  });
}
