// Phone numbers are PII: every role without 'pii.reveal' sees them masked, in the UI, the API
// and exports. Revealing one is an audited action (see customers/service.ts).

/** 13812345678 → 138****5678; shorter or odd values keep at most their first 3 and last 4 characters. */
export function maskMsisdn(msisdn: string): string {
  if (msisdn.length <= 7) return '*'.repeat(msisdn.length);
  return `${msisdn.slice(0, 3)}${'*'.repeat(msisdn.length - 7)}${msisdn.slice(-4)}`;
}

/** `maskMsisdn` in SQL, for exports written by DuckDB. */
export const maskMsisdnSql = (column: string): string =>
  `(CASE WHEN length(${column}) <= 7 THEN repeat('*', length(${column})) ELSE left(${column}, 3) || repeat('*', length(${column}) - 7) || right(${column}, 4) END)`;
