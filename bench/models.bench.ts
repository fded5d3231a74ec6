// Customer models (issue 6, Speed): on a province of BENCH_SUBSCRIBERS (default 1,000,000)
// customers × 30 attributes, the propensity model (frame, standardization, IRLS fit, scoring
// everyone, AUC and deciles, storing the scores) and the channel-preference model, each through
// the real training job, against one bare DuckDB scan aggregating the same attribute columns.
// Limits at 1,000,000: each under 60 s. BENCH_DB=file keeps the province for the next run.
import { startChannelPreference } from '../src/models/channel-preference.ts';
import { provinceTable } from '../src/models/frame.ts';
import { startPropensity } from '../src/models/propensity.ts';
import type { ChannelPreferenceMetrics, PropensityMetrics } from '../src/models/types.ts';
import { benchProvince, seconds, type Benchmark } from './benchmark.ts';

const subscribers = Number(process.env.BENCH_SUBSCRIBERS ?? 1_000_000);

const all = provinceTable().attributes;
/** 30 attributes: every profile and usage attribute but the plan and city ids (many levels) and the VAS count (it contains Fetion). */
const propensityFeatures = all.filter((a) => !['planId', 'cityCode', 'vasCount', 'complaints90d', 'storeVisits90d', 'eChannelShare'].includes(a.name)).map((a) => a.name);
/** 30 non-contact attributes for the channel classifier. */
const channelFeatures = all.filter((a) => a.group !== 'contact' && !['planId', 'cityCode'].includes(a.name)).map((a) => a.name);

const bench: Benchmark = {
  name: 'models',
  description: `Propensity (FETION) and channel preference on ${subscribers.toLocaleString('en')} customers × 30 attributes (the training jobs) vs one bare scan aggregating the same columns.`,
  async run(log) {
    const { store, close } = await benchProvince(subscribers, log);
    try {
      await store.checkpoint();

      // The baseline, twice so that it and the models read from a warm cache.
      const table = provinceTable();
      const scanned = table.attributes.filter((a) => propensityFeatures.includes(a.name));
      const scan = `SELECT ${scanned.map((a) => (a.kind === 'numeric' ? `sum(${a.sql})` : `count(DISTINCT ${a.sql})`)).join(', ')} FROM ${table.from}`;
      await store.run(scan);
      const scanStarted = Date.now();
      await store.run(scan);
      const scanMs = Date.now() - scanStarted;

      const progress = (name: string, started: number) => {
        let last = -1;
        return (fraction: number, message?: string) => {
          const step = Math.floor(fraction * 5);
          if (step > last) log(`${name} ${seconds(Date.now() - started).padStart(8)}  ${Math.round(fraction * 100)}% ${message ?? ''}`);
          last = Math.max(last, step);
        };
      };

      const propensityStarted = Date.now();
      const propensity = await startPropensity(store, { label: { productId: 'FETION' }, features: propensityFeatures }, 'bench', progress('propensity', propensityStarted));
      const p = (await propensity.done).metrics as PropensityMetrics;
      const propensityMs = Date.now() - propensityStarted;

      const channelStarted = Date.now();
      const channel = await startChannelPreference(store, { features: channelFeatures }, 'bench', progress('channel preference', channelStarted));
      const c = (await channel.done).metrics as ChannelPreferenceMetrics;
      const channelMs = Date.now() - channelStarted;

      const steps = (t: Record<string, number>) => Object.entries(t).map(([k, v]) => `${k} ${seconds(v)}`).join(', ');
      return {
        figures: {
          customers: subscribers.toLocaleString('en'),
          'propensity attributes': `${propensityFeatures.length} (${p.coefficients.length} design columns)`,
          'propensity time': seconds(propensityMs),
          'propensity steps': steps(p.timingsMs),
          'propensity fit': `${p.rows.fitted.toLocaleString('en')} rows, ${p.iterations} IRLS iterations`,
          'propensity held-out AUC': p.auc.holdout.toFixed(4),
          'channel attributes': String(channelFeatures.length),
          'channel preference time': seconds(channelMs),
          'channel preference steps': steps(c.timingsMs),
          'channel classes × rows': `${c.channels.length} × ${c.trained.toLocaleString('en')}`,
          'channel held-out accuracy': `${c.accuracy.toFixed(3)} (baseline ${c.baselineAccuracy.toFixed(3)})`,
          'bare scan time': seconds(scanMs),
        },
        ratios: [
          { label: 'propensity / bare scan', value: propensityMs / scanMs },
          { label: 'channel preference / bare scan', value: channelMs / scanMs },
        ],
        limits:
          subscribers >= 1_000_000
            ? [
                { label: 'propensity time', value: propensityMs / 1000, max: 60, unit: 's' },
                { label: 'channel preference time', value: channelMs / 1000, max: 60, unit: 's' },
              ]
            : [],
      };
    } finally {
      await close();
    }
  },
};

export default bench;
