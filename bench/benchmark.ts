// The shape of a benchmark: figures to print, ratios against an in-process baseline, and
// absolute limits the issue names (e.g. "under 3 minutes on this machine").
export interface BenchResult {
  figures: Record<string, string>;
  ratios: Array<{ label: string; value: number; target?: number }>;
  limits?: Array<{ label: string; value: number; max: number; unit: string }>;
}

export interface Benchmark {
  name: string;
  description: string;
  run(log: (line: string) => void): Promise<BenchResult>;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function perSecond(n: number, ms: number): string {
  return `${Math.round(n / (ms / 1000)).toLocaleString('en')}/s`;
}
