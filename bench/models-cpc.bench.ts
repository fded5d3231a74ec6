// CPC segmentation (issue 6, Speed): k-means with k = 10 over every customer's standardized
// features — the real model-run job (clustering, scores, segment names, fit matrices) — against
// one bare DuckDB scan of the same feature columns. Limit: under 30 s at 1,000,000 customers.
import { cpcFeatures, defaultCpcFeatures, startCpcRun, type CpcMetrics } from '../src/models/cpc.ts';
import { benchProvince, seconds, type Benchmark } from './benchmark.ts';

const subscribers = Number(process.env.BENCH_SUBSCRIBERS ?? 1_000_000);
/** BENCH_DB=file keeps the generated province there and reuses it. */

const bench: Benchmark = {
  name: 'models-cpc',
  description: `k-means (k = 10, ${defaultCpcFeatures.length} features) over ${subscribers.toLocaleString('en')} customers as a CPC model run vs one bare scan of the same feature columns.`,
  async run(log) {
    const { store, close } = await benchProvince(subscribers, log);
    try {
      // The baseline, run twice so that both it and the clustering read from a warm cache.
      const scan = `SELECT ${defaultCpcFeatures.map((f) => `sum(CAST(${cpcFeatures[f].sql} AS DOUBLE))`).join(', ')}
        FROM subscribers s LEFT JOIN customer_features f USING (subscriber_id) WHERE s.status <> 'cancelled'`;
      await store.run(scan);
      const scanStarted = Date.now();
      await store.run(scan);
      const scanMs = Date.now() - scanStarted;

      const started = Date.now();
      let lastStep = -1;
      const handle = await startCpcRun(store, { k: 10 }, 'bench', (fraction, message) => {
        const step = Math.floor(fraction * 10);
        if (step > lastStep) log(`${seconds(Date.now() - started).padStart(8)}  ${Math.round(fraction * 100)}% ${message ?? ''}`);
        lastStep = Math.max(step, lastStep);
      });
      const run = await handle.done;
      const runMs = Date.now() - started;
      const metrics = run.metrics as CpcMetrics;
      const segments = await store.query<{ name: string; n: number }>('SELECT name_en AS name, subscribers AS n FROM cpc_segments WHERE run_id = $id ORDER BY n DESC', { id: run.runId });
      return {
        figures: {
          customers: metrics.subscribers.toLocaleString('en'),
          features: String(defaultCpcFeatures.length),
          'iterations over everyone': `${metrics.iterations}${metrics.converged ? ' (converged)' : ''}`,
          'mean squared distance': metrics.inertia.toFixed(3),
          segments: segments.map((s) => `${s.name} ${s.n.toLocaleString('en')}`).join('; '),
          'CPC run (k-means, scores, names, fit matrices)': seconds(runMs),
          'bare feature scan': seconds(scanMs),
        },
        ratios: [{ label: 'CPC run / bare feature scan', value: runMs / scanMs }],
        limits: subscribers >= 1_000_000 ? [{ label: 'CPC run', value: runMs / 1000, max: 30, unit: 's' }] : [],
      };
    } finally {
      await close();
    }
  },
};

export default bench;
