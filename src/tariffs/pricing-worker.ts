// A worker thread that prices a tariff run's chunks (`priceChunk`), so that pricing one chunk
// on one core overlaps DuckDB profiling the next ones and the job thread reading them. Both sides
// of the conversation are here: `PricingWorker` on the job's thread, the handler in the worker
// (started through pricing-worker.mjs, which loads TypeScript as `yiti` does).
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { CustomerMonth } from './classes.ts';
import { priceChunk, type LoadMonths, type RunPricing, type TargetCustomer } from './pricing.ts';
import { profileSpecFor, type ProfileBatch } from './profile.ts';
import { MonthTotals } from './totals.ts';

type ToWorker =
  | { type: 'run'; run: RunPricing }
  | { type: 'chunk'; id: number; customers: TargetCustomer[]; batch: ProfileBatch }
  | { type: 'months'; id: number; customerMonths: CustomerMonth[] };

type FromWorker =
  | { type: 'lines'; id: number; text: string }
  | { type: 'months'; id: number; subscriberIds: number[]; months: string[] }
  | { type: 'failed'; id: number; message: string; stack?: string };

const role = 'tariff-pricing';

/** The typed arrays' buffers of a batch, each once: moved to the worker, not copied. */
function buffersOf(batch: ProfileBatch): ArrayBuffer[] {
  const arrays = [batch.cls, batch.cell, batch.n, batch.quantity, batch.originalFen, ...batch.stats, batch.order, batch.rowStart, batch.billStart, batch.billItem, batch.billFen];
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}

/**
 * The job's side: the run's plans go to the worker once (`start`), then chunks go there and come
 * back as their result lines. The worker is made at once, so that it loads while the job reads
 * the target.
 */
export class PricingWorker {
  private readonly worker: Worker;
  private next = 0;
  private readonly pending = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  private failure: Error | null = null;

  constructor(loadMonths: LoadMonths) {
    this.worker = new Worker(new URL('./pricing-worker.mjs', import.meta.url), { workerData: { role } });
    this.worker.on('message', (m: FromWorker) => {
      if (m.type === 'months') {
        loadMonths(m.subscriberIds, m.months).then(
          (customerMonths) => this.worker.postMessage({ type: 'months', id: m.id, customerMonths } satisfies ToWorker),
          (error: Error) => this.fail(error),
        );
        return;
      }
      const waiting = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.type === 'lines') waiting?.resolve(m.text);
      else waiting?.reject(Object.assign(new Error(m.message), { stack: m.stack }));
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`The tariff pricing worker stopped (exit code ${code})`)));
  }

  start(run: RunPricing): void {
    this.worker.postMessage({ type: 'run', run } satisfies ToWorker);
  }

  /** The chunk's result lines, joined by newlines. The batch's arrays move to the worker: do not read them after. */
  price(customers: TargetCustomer[], batch: ProfileBatch): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'chunk', id, customers, batch } satisfies ToWorker, buffersOf(batch));
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('The tariff pricing worker was closed');
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
  }
}

// --- the worker's side -------------------------------------------------------------------------

if (!isMainThread && (workerData as { role?: string } | null)?.role === role) {
  const port = parentPort!;
  let run: RunPricing;
  let totals: MonthTotals;
  const loading = new Map<number, (customerMonths: CustomerMonth[]) => void>();
  port.on('message', (m: ToWorker) => {
    if (m.type === 'run') {
      run = m.run;
      totals = new MonthTotals(profileSpecFor(run.variants));
      return;
    }
    if (m.type === 'months') {
      loading.get(m.id)?.(m.customerMonths);
      loading.delete(m.id);
      return;
    }
    const loadMonths: LoadMonths = (subscriberIds, months) =>
      new Promise((resolve) => {
        loading.set(m.id, resolve);
        port.postMessage({ type: 'months', id: m.id, subscriberIds, months } satisfies FromWorker);
      });
    priceChunk(totals, run, m.customers, m.batch, loadMonths).then(
      (lines) => port.postMessage({ type: 'lines', id: m.id, text: lines.join('\n') } satisfies FromWorker),
      (error: Error) => port.postMessage({ type: 'failed', id: m.id, message: error.message, stack: error.stack } satisfies FromWorker),
    );
  });
}
