// Operator wall-clock time as plain seconds. Timestamps are stored naive in the operator's zone, so
// 'YYYY-MM-DD HH:MM:SS' read as if it were UTC gives a number whose calendar arithmetic (midnight,
// Monday, the 1st) is the operator's; only "now" needs the zone, to read the real clock there.
import type { CapWindow } from './types.ts';

const DAY = 86_400;

/** 'YYYY-MM-DD HH:MM[:SS]' (or with a T) → wall-clock seconds; NaN when it is not a time. */
export function wallSeconds(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?/.exec(text);
  if (!m) return NaN;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCDate() !== d || back.getUTCMonth() !== mo - 1 || h > 23 || mi > 59 || s > 59) return NaN;
  return ms / 1000;
}

/** wall-clock seconds → 'YYYY-MM-DD HH:MM:SS' */
export function wallText(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** The wall clock of `zone` now, as seconds. */
const formatters = new Map<string, Intl.DateTimeFormat>();

export function wallNow(zone: string, now = Date.now()): number {
  let format = formatters.get(zone);
  // building a formatter costs far more than using one; the decision API reads the clock per request
  if (!format) formatters.set(zone, (format = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  })));
  const parts = format.formatToParts(new Date(now));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) / 1000;
}

export const dayStart = (t: number) => Math.floor(t / DAY) * DAY;
export const dayNumber = (t: number) => Math.floor(t / DAY);

/** Monday 00:00 of t's week (the Chinese calendar week starts on Monday). */
export function weekStart(t: number): number {
  const day = Math.floor(t / DAY);
  const weekday = (((day + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday: Monday = 0
  return (day - weekday) * DAY;
}

export function monthStart(t: number): number {
  const d = new Date(t * 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
}

function nextMonthStart(t: number): number {
  const d = new Date(t * 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / 1000;
}

/**
 * The span a cap counts contacts in, for a decision at `t`: [from, to). Calendar windows are the
 * day/week/month holding t. A sliding window of N days is (t − N days, t + N days): every N-day
 * span that holds t lies inside it, so a contact allowed by it keeps every such span within the
 * cap even when feedback arrives out of order.
 */
export function windowSpan(window: CapWindow, t: number): { from: number; to: number } {
  switch (window.kind) {
    case 'day':
      return { from: dayStart(t), to: dayStart(t) + DAY };
    case 'week':
      return { from: weekStart(t), to: weekStart(t) + 7 * DAY };
    case 'month':
      return { from: monthStart(t), to: nextMonthStart(t) };
    case 'sliding':
      return { from: t - window.days * DAY + 1, to: t + window.days * DAY };
  }
}

/** 'HH:MM' → seconds after midnight */
export const clockSeconds = (hhmm: string) => Number(hhmm.slice(0, 2)) * 3600 + Number(hhmm.slice(3, 5)) * 60;

export { DAY };
