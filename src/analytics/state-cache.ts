// Results of long scans over tables that only grow, kept per state of those tables. They change
// only by an import, which appends and so raises their row counts, or by a demo generation, whose
// output its seed, size and months fix; the state is those counts and those settings.
import type { Db } from '../store/store.ts';

export class StateCache<T> {
  private readonly entries = new WeakMap<Db, Map<string, Promise<T>>>();

  /** `tables` are the tables the results are computed from; at most `size` results are kept per store. */
  constructor(
    private readonly tables: readonly string[],
    private readonly size = 1,
  ) {}

  /** The result for `key` in the tables' current state: kept, or computed now (a failure is not kept). */
  async get(db: Db, key: string, compute: () => Promise<T>): Promise<T> {
    // table names come from the constructor's callers' constants, never from input
    const state = await db.one<{ key: string }>(
      `SELECT concat_ws('|', ${this.tables.map((t) => `(SELECT count(*) FROM ${t})`).join(', ')},
         (SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM province_meta WHERE key IN ('demo_seed', 'demo_subscribers', 'data_months'))) AS key`,
    );
    const full = `${state!.key}#${key}`;
    let kept = this.entries.get(db);
    if (!kept) this.entries.set(db, (kept = new Map()));
    const hit = kept.get(full);
    if (hit) {
      // most recently used last
      kept.delete(full);
      kept.set(full, hit);
      return hit;
    }
    const result = compute();
    kept.set(full, result);
    while (kept.size > this.size) kept.delete(kept.keys().next().value!);
    result.catch(() => kept.get(full) === result && kept.delete(full));
    return result;
  }
}
