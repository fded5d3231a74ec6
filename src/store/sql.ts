// SQL fragments for rules that queries in several modules share. Each takes a column (or
// expression) from the caller's own SQL text, never input.

/** A date or timestamp's month as one number, year × 12 + month − 1: consecutive months are consecutive numbers. */
export const monthNumberSql = (column: string): string => `(year(${column}) * 12 + month(${column}) - 1)`;

/** A duration in seconds as billed minutes: each call rounded up to a whole minute, in integer arithmetic. */
export const billedMinutesSql = (seconds: string): string => `CAST((${seconds} + 59) // 60 AS INTEGER)`;

/** A text value as one CSV field (empty for NULL; quoted, with its quotes doubled, when it holds a quote, comma or line break). */
export const csvFieldSql = (text: string): string =>
  `(CASE WHEN regexp_matches(coalesce(${text}, ''), '[",\r\n]') THEN '"' || replace(${text}, '"', '""') || '"' ELSE coalesce(${text}, '') END)`;

/** Fen as yuan with two decimals (12345 → 123.45), empty for NULL. */
export const yuanTextSql = (fen: string): string => `coalesce(printf('%.2f', ${fen} / 100), '')`;

/** Fields joined into one CSV line (without its line break), a NULL as an empty field: concat_ws alone would drop it and shift the columns. */
export const csvRowSql = (fields: string[]): string => `concat_ws(',', ${fields.map((f) => `coalesce(CAST(${f} AS VARCHAR), '')`).join(', ')})`;

/** One CSV field (RFC 4180): quoted when it holds a quote, comma or line break; a list as its items joined by spaces. */
export function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : Array.isArray(value) ? value.join(' ') : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line with its CRLF. */
export const csvLine = (values: unknown[]) => `${values.map(csvField).join(',')}\r\n`;
