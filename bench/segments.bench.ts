// Segment count preview (issue 4): the live count and composition the segment builder shows while
// a planner edits, for typical filters, on the whole province. Target: under 300 ms each at
// 1,000,000 subscribers. Baseline: a bare count of the subscribers table in the same process.
import { previewSegment } from '../src/customers/segments.ts';
import { benchProvince, type Benchmark } from './benchmark.ts';

const subscribers = Number(process.env.BENCH_SUBSCRIBERS ?? 1_000_000);
const repeats = 7;

/** Filters a planner writes: profile ranges, usage, holdings and contact history. */
const typicalFilters: Array<[string, unknown]> = [
  ['brand and age', { all: [{ field: 'brand', op: 'eq', value: 'mzone' }, { field: 'age', op: 'between', value: [18, 25] }] }],
  ['ARPU band in two cities', { all: [{ field: 'arpuFen', op: 'gte', value: 10_000 }, { field: 'cityCode', op: 'in', value: ['JZ', 'LC'] }] }],
  ['heavy roamers', { any: [{ field: 'roamInterMinutes', op: 'gte', value: 60 }, { field: 'longDistanceMinutes', op: 'gte', value: 120 }] }],
  ['holds Fetion, SMS-heavy', { all: [{ holds: { productId: 'FETION' } }, { field: 'sms', op: 'gte', value: 100 }] }],
  ['complained in the last 30 days', { contacted: { withinDays: 30, type: 'complaint' } }],
  ['≥ 3 store visits for bill payment last month', { contacted: { withinDays: 30, channelId: 'store', business: 'bill_payment', atLeast: 3 } }],
  ['not DND, active, e-channel lovers', { all: [{ field: 'dnd', op: 'isFalse' }, { field: 'status', op: 'eq', value: 'active' }, { field: 'eChannelShare', op: 'gte', value: 0.5 }] }],
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

const bench: Benchmark = {
  name: 'segments',
  description: `Segment count preview (count + composition by brand and city) for ${typicalFilters.length} typical filters on ${subscribers.toLocaleString('en')} subscribers vs a bare count of the subscribers table.`,
  async run(log) {
    const { store, close } = await benchProvince(subscribers, log);
    try {
      const timed = async (fn: () => Promise<unknown>): Promise<number> => {
        const t = performance.now();
        await fn();
        return performance.now() - t;
      };
      await store.run('SELECT count(*) FROM subscribers');
      const bare: number[] = [];
      for (let i = 0; i < repeats; i++) bare.push(await timed(() => store.run('SELECT count(*), sum(arpu_fen) FROM subscribers')));
      bare.sort((a, b) => a - b);
      const bareMedian = percentile(bare, 0.5);

      const figures: Record<string, string> = { subscribers: subscribers.toLocaleString('en'), 'bare count (median)': `${bareMedian.toFixed(1)} ms` };
      let worst = 0;
      for (const [name, filter] of typicalFilters) {
        const first = await previewSegment(store, filter);
        const times: number[] = [];
        for (let i = 0; i < repeats; i++) times.push(await timed(() => previewSegment(store, filter)));
        times.sort((a, b) => a - b);
        const median = percentile(times, 0.5);
        worst = Math.max(worst, median);
        figures[name] = `${median.toFixed(0)} ms median, ${times.at(-1)!.toFixed(0)} ms max (${first.count.toLocaleString('en')} subscribers)`;
        log(`${name}: ${figures[name]}`);
      }
      return {
        figures,
        ratios: [{ label: 'slowest preview / bare count', value: worst / bareMedian }],
        limits: subscribers >= 1_000_000 ? [{ label: 'slowest preview (median)', value: worst, max: 300, unit: 'ms' }] : [],
      };
    } finally {
      await close();
    }
  },
};

export default bench;
