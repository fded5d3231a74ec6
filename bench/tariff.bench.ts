// Tariff re-rating (issue 3, Speed): every subscriber × three months of CDRs × 20 candidate plans
// through the real simulation job (the code the API and CLI run), against one bare DuckDB
// aggregating scan of the voice CDRs. Target: ≤ 3× the scan, and under 2 minutes at 1,000,000.
// The per-call reference rater's speed is printed beside it.
import { demoTariffProducts } from '../src/demo/plans.ts';
import { upsertPlanProduct, type PlanProductInput } from '../src/tariffs/catalogue.ts';
import { customerMonthsFor } from '../src/tariffs/cdrs.ts';
import { compilePlan } from '../src/tariffs/compile.ts';
import { validatePlan, type TariffPlan } from '../src/tariffs/plan.ts';
import { rateMonth } from '../src/tariffs/reference.ts';
import { dataMonths, startSimulation } from '../src/tariffs/simulation.ts';
import { benchProvince, perSecond, seconds, type Benchmark } from './benchmark.ts';

const subscribers = Number(process.env.BENCH_SUBSCRIBERS ?? 1_000_000);
const planCount = 20;
/** Customers the reference rater prices, every plan each. */
const referenceSample = 500;

/**
 * A variant of a demo plan an operator might weigh: another fee, bigger allowances and bundles,
 * rates a tenth cheaper. Validated like any plan from the editor.
 */
function variantOf(input: PlanProductInput, k: number): PlanProductInput {
  const p: TariffPlan = structuredClone(input.plan);
  p.id = `${p.id}_V${k}`;
  p.nameEn = `${p.nameEn ?? p.id} (variant ${k})`;
  p.monthlyFeeFen = Math.round((p.monthlyFeeFen * (10 + k)) / 10 / 100) * 100;
  for (const r of p.rates) for (const g of r.groups) g.price = Math.floor((g.price * 9) / 10);
  for (const a of p.allowances) a.amount *= 2;
  for (const t of p.tieredCharges) {
    for (const s of t.tiers) {
      if (s.from > 0) s.from *= 2;
      if (s.to !== null) s.to *= 2;
    }
  }
  return { ...input, plan: validatePlan(p) };
}

/** The demo's current and candidate plans, topped up to `n` with variants of the candidates. */
function candidatePlans(n: number): PlanProductInput[] {
  const demo = demoTariffProducts();
  const candidates = demo.filter((d) => d.plan.rounding.at === 'month');
  const variants = Array.from({ length: Math.max(0, n - demo.length) }, (_, k) => variantOf(candidates[k % candidates.length], k + 1));
  return [...demo, ...variants].slice(0, n);
}

/** Per CDR table, one aggregate grouped by subscriber that reads every column the profile pass needs. */
const floorScans = [
  ['cdr_voice', `epoch(start_time) + duration_s + enum_code(call_class) + enum_code(roam_type) + enum_code(direction) + CAST(ip_prefix IS NULL AS INTEGER) + coalesce(country_group, 0) + CAST(is_vpmn AS INTEGER) + CAST(visited_city IS NULL AS INTEGER)`],
  ['cdr_sms', 'epoch(sent_time) + enum_code(direction) + enum_code(peer_net)'],
  ['cdr_mms', 'epoch(sent_time) + enum_code(direction) + enum_code(peer_net)'],
  ['cdr_gprs', 'epoch(start_time) + volume_kb + enum_code(roam_type)'],
  ['cdr_wlan', 'epoch(start_time) + duration_s'],
].map(([table, expr]) => `SELECT count(*), sum(s) FROM (SELECT subscriber_id, sum(${expr}) AS s FROM ${table} GROUP BY subscriber_id)`);

const bench: Benchmark = {
  name: 'tariff',
  description: `Re-rate ${subscribers.toLocaleString('en')} subscribers × 3 months under ${planCount} candidate plans (the simulation job) vs one bare aggregating scan of cdr_voice.`,
  async run(log) {
    const { store, close } = await benchProvince(subscribers, log);
    try {
      const plans = candidatePlans(planCount);
      for (const p of plans) await upsertPlanProduct(store, p);
      await store.checkpoint();
      const cdrs = (await store.one<{ n: number }>('SELECT count(*) AS n FROM cdr_voice'))!.n;

      // The baseline, run twice so that both it and the simulation read from a warm cache. The
      // outer query uses the sum: DuckDB drops aggregates nobody reads, which would leave a bare
      // GROUP BY subscriber_id.
      const scan = 'SELECT count(*), sum(s) FROM (SELECT subscriber_id, sum(duration_s) AS s FROM cdr_voice GROUP BY subscriber_id)';
      await store.run(scan);
      const scanStarted = Date.now();
      await store.run(scan);
      const scanMs = Date.now() - scanStarted;

      // The floor of any rater that reads the CDRs when it runs: the same kind of scan, but
      // touching every column re-rating needs (time, quantity, what classifies a call or
      // message) in all five CDR tables. No classifying, no time bands, no pricing.
      for (const sql of floorScans) await store.run(sql);
      const floorStarted = Date.now();
      for (const sql of floorScans) await store.run(sql);
      const floorMs = Date.now() - floorStarted;

      const request = { planIds: plans.map((p) => p.plan.id), filter: { field: 'brand', op: 'in', value: ['gotone', 'mzone', 'easyown'] } };
      let lastStep = -1;
      const simulationStarted = Date.now();
      const started = await startSimulation(store, request, 'bench', (fraction) => {
        const step = Math.floor(fraction * 10);
        if (step > lastStep) log(`${seconds(Date.now() - simulationStarted).padStart(8)}  ${Math.round(fraction * 100)}%`);
        lastStep = Math.max(step, lastStep);
      });
      const summary = await started.done;
      const simulationMs = Date.now() - simulationStarted;

      // The reference rater on a sample: CDRs loaded once (not counted), every month under every plan.
      const months = await dataMonths(store);
      const ids = (await store.query<{ id: number }>(`SELECT subscriber_id AS id FROM subscribers ORDER BY hash(subscriber_id) LIMIT ${referenceSample}`)).map((r) => r.id);
      const customerMonths = await customerMonthsFor(store, ids, months);
      const compiled = plans.map((p) => compilePlan(p.plan));
      const referenceStarted = Date.now();
      for (const cm of customerMonths) for (const cp of compiled) rateMonth(cp, cm);
      const referenceMs = Date.now() - referenceStarted;
      const referenceCount = customerMonths.length * compiled.length;
      const priced = summary.targetCount * months.length * plans.length;

      return {
        figures: {
          subscribers: subscribers.toLocaleString('en'),
          'voice CDRs': cdrs.toLocaleString('en'),
          'candidate plans': String(plans.length),
          'customer-month-plans priced': priced.toLocaleString('en'),
          'of which by the reference rater': summary.referenceMonths.toLocaleString('en'),
          'sub-optimal customers': `${summary.subOptimal.toLocaleString('en')} of ${summary.priced.toLocaleString('en')}`,
          'simulation time': seconds(simulationMs),
          'simulation customer-month-plans/s': perSecond(priced, simulationMs),
          'bare aggregating scan time': seconds(scanMs),
          'floor (same scan, every column re-rating reads)': `${seconds(floorMs)} (${(floorMs / scanMs).toFixed(1)}× the bare scan)`,
          'reference rater customer-month-plans/s': `${perSecond(referenceCount, referenceMs)} (${referenceCount.toLocaleString('en')} in ${seconds(referenceMs)})`,
          'reference rater, whole run (extrapolated)': seconds((priced / referenceCount) * referenceMs),
        },
        ratios: [
          { label: 'simulation / bare scan', value: simulationMs / scanMs, target: 3 },
          { label: 'simulation / floor', value: simulationMs / floorMs },
        ],
        limits: subscribers >= 1_000_000 ? [{ label: 'simulation time', value: simulationMs / 1000, max: 120, unit: 's' }] : [],
      };
    } finally {
      await close();
    }
  },
};

export default bench;
