// Money arrives in integer fen; the console shows yuan with two decimals.
const yuanFormat = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const countFormat = new Intl.NumberFormat('zh-CN');

/** 123456 fen → "¥1,234.56". */
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '—';
  return `¥${yuanFormat.format(fen / 100)}`;
}

/** Fen to a yuan number (for chart axes). */
export const fenToYuan = (fen: number): number => Math.round(fen) / 100;

export const count = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : countFormat.format(n));

/** 0.1234 → "12.34%" (or as many decimals as asked); null → "—". */
export const percent = (rate: number | null | undefined, digits = 2): string => (rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(digits)}%`);
