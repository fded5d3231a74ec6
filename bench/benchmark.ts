// The shape of a benchmark: figures to print, ratios against an in-process baseline, and
// absolute limits the issue names (e.g. "under 3 minutes on this machine"); and the demo province
// most benchmarks run on.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateProvince } from '../src/demo/generate.ts';
import { Store } from '../src/store/store.ts';
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

/**
 * The province a benchmark runs on: generated (seed 1) into a temp file that `close` removes, or,
 * with BENCH_DB=file, kept in that file and reused by the next run (for iterating on one stage).
 */
export async function benchProvince(subscribers: number, log: (line: string) => void): Promise<{ store: Store; close(): Promise<void> }> {
  const keptDb = process.env.BENCH_DB;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yiti-bench-'));
  const reuse = keptDb !== undefined && fs.existsSync(keptDb);
  const store = await Store.open(keptDb ?? path.join(dir, 'bench.duckdb'));
  const close = async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  if (!reuse) {
    try {
      const started = Date.now();
      await generateProvince(store, { subscribers, seed: 1 });
      await store.checkpoint();
      log(`generated the province in ${seconds(Date.now() - started)} (not counted)`);
    } catch (error) {
      await close();
      throw error;
    }
  }
  return { store, close };
}
