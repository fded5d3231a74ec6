// Time bands: which band an instant falls in under a plan, and how a call splits at band
// boundaries. Times are naive operator-local text ('YYYY-MM-DD HH:MM:SS'); no Date zone
// arithmetic is involved, so the result never depends on the process's TZ.
import { clockSeconds, type DayType, type TariffPlan } from './plan.ts';

export const daySeconds = 86_400;

export interface Span {
  from: number;
  to: number;
  band: string;
}

/** A plan's bands, ready for lookup: per day type, sorted spans with adjacent equal bands merged. */
export interface Calendar {
  split: boolean;
  holidays: ReadonlySet<string>;
  days: Map<DayType, Span[]>;
  bands: string[];
}

export function compileCalendar(bands: TariffPlan['bands']): Calendar {
  const days = new Map<DayType, Span[]>();
  for (const rule of bands.rules) {
    const from = clockSeconds(rule.from, false)!;
    const to = clockSeconds(rule.to, true)!;
    for (const d of rule.days) days.set(d, [...(days.get(d) ?? []), { from, to, band: rule.band }]);
  }
  for (const [d, spans] of days) {
    const merged: Span[] = [];
    for (const s of [...spans].sort((a, b) => a.from - b.from)) {
      const last = merged[merged.length - 1];
      if (last && last.band === s.band && last.to === s.from) last.to = s.to;
      else merged.push({ ...s });
    }
    days.set(d, merged);
  }
  return { split: bands.split, holidays: new Set(bands.holidays), days, bands: [...new Set(bands.rules.map((r) => r.band))] };
}

/** A moment, decomposed. */
export interface Moment {
  /** 'YYYY-MM-DD' */
  date: string;
  /** ISO weekday, 1 = Monday */
  weekday: number;
  /** seconds since midnight */
  tod: number;
}

export function weekdayOf(date: string): number {
  const d = new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))));
  return ((d.getUTCDay() + 6) % 7) + 1;
}

/** 'YYYY-MM-DD HH:MM:SS[.ffffff]' (or with a T) → Moment; fractions of a second are dropped. */
export function momentOf(timestamp: string): Moment {
  const date = timestamp.slice(0, 10);
  const tod = Number(timestamp.slice(11, 13)) * 3600 + Number(timestamp.slice(14, 16)) * 60 + Number(timestamp.slice(17, 19));
  return { date, weekday: weekdayOf(date), tod };
}

export function nextDate(date: string): string {
  const d = new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)) + 1));
  return d.toISOString().slice(0, 10);
}

export function dayTypeOf(cal: Calendar, m: Pick<Moment, 'date' | 'weekday'>): DayType {
  return cal.holidays.has(m.date) ? 'holiday' : m.weekday;
}

export function spanAt(cal: Calendar, m: Moment): Span {
  const spans = cal.days.get(dayTypeOf(cal, m))!;
  for (const s of spans) if (m.tod < s.to) return s;
  return spans[spans.length - 1];
}

export function bandAt(cal: Calendar, m: Moment): string {
  return spanAt(cal, m).band;
}

/** A stretch [a, b) of a call, as offsets from its start, lying in one band. */
export interface Piece {
  band: string;
  a: number;
  b: number;
}

/**
 * The pieces a call of `quantity` seconds from `start` is rated in: one piece in the starting
 * band unless the plan splits calls, in which case a new piece starts at each band change
 * (midnight included, when the next day's band differs).
 */
export function piecesOf(cal: Calendar, start: Moment, quantity: number, timed: boolean): Piece[] {
  const first = spanAt(cal, start);
  if (!cal.split || !timed || start.tod + quantity <= first.to) return [{ band: first.band, a: 0, b: quantity }];
  const pieces: Piece[] = [];
  let at = 0;
  let m: Moment = { ...start };
  while (at < quantity) {
    const span = spanAt(cal, m);
    const len = Math.min(quantity - at, span.to - m.tod);
    const last = pieces[pieces.length - 1];
    if (last && last.band === span.band) last.b += len;
    else pieces.push({ band: span.band, a: at, b: at + len });
    at += len;
    m = m.tod + len >= daySeconds ? { date: nextDate(m.date), weekday: (m.weekday % 7) + 1, tod: 0 } : { ...m, tod: m.tod + len };
  }
  return pieces;
}
