// Calendar dates as the API, files and plans write them: 'YYYY-MM-DD', checked against the calendar.

/** A real calendar date 'YYYY-MM-DD' (2026-02-30 is not, though JS's date parser takes it for March 2). */
export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}
