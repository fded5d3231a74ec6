// Reading what the policy keeps in memory from DuckDB: the contact history over the horizon (as the
// ledger's columns), the subscribers' state (status, do-not-disturb, brand, plan) as sorted typed
// arrays, and who holds a product. One query each, read as columns.
import type { Db } from '../store/store.ts';
import { wallText } from './clock.ts';
import type { LedgerHistory } from './ledger.ts';
import type { SubscriberState } from './types.ts';

/** DuckDB cannot bind an empty list (its item type is unknown); a list of one unused value stands in. */
export const bindable = (values: string[]): string[] => (values.length ? values : ['']);

/** contact_events since `since` (wall seconds), sorted by subscriber and time. */
export async function contactHistory(db: Db, since: number): Promise<LedgerHistory> {
  const channels = (await db.query<{ id: string }>('SELECT DISTINCT channel_id AS id FROM contact_events ORDER BY 1')).map((r) => r.id);
  const offers = (
    await db.query<{ id: string }>("SELECT DISTINCT business AS id FROM contact_events WHERE event_type = 'marketing' AND event_time >= CAST($since AS TIMESTAMP) ORDER BY 1", {
      since: wallText(since),
    })
  ).map((r) => r.id);
  const [sub, at, channel, kind, offer, campaign, flags] = (await db.columns(
    `SELECT subscriber_id,
       CAST(epoch(event_time) AS INTEGER),
       CAST(list_position($channels, channel_id) - 1 AS INTEGER),
       CASE event_type WHEN 'marketing' THEN 0 WHEN 'complaint' THEN 2 ELSE 1 END,
       CASE WHEN event_type = 'marketing' THEN CAST(list_position($offers, business) - 1 AS INTEGER) ELSE -1 END,
       coalesce(TRY_CAST(campaign_id AS INTEGER), -1),
       CASE outcome WHEN 'accepted' THEN 1 WHEN 'refused' THEN 2 ELSE 0 END
     FROM contact_events WHERE event_time >= CAST($since AS TIMESTAMP)
     ORDER BY subscriber_id, event_time`,
    { channels: bindable(channels), offers: bindable(offers), since: wallText(since) },
  )) as Float64Array[];
  return {
    subscriberIds: Int32Array.from(sub!),
    at: Int32Array.from(at!),
    channel: Uint8Array.from(channel!),
    kind: Uint8Array.from(kind!),
    offer: Int32Array.from(offer!),
    campaign: Int32Array.from(campaign!),
    flags: Uint8Array.from(flags!),
    channels,
    offers,
  };
}

const statuses = ['active', 'suspended', 'arrears', 'cancelled'] as const;

/** Every subscriber's state, sorted by id; a subscriber added later is read on demand. */
export class SubscriberDirectory {
  private constructor(
    private ids: Int32Array,
    private status: Uint8Array,
    private dnd: Uint8Array,
    private brand: Uint8Array,
    private plan: Int32Array,
    private brands: string[],
    private plans: string[],
    private readonly extra = new Map<number, SubscriberState>(),
  ) {}

  static async load(db: Db): Promise<SubscriberDirectory> {
    const brands = (await db.query<{ v: string }>('SELECT DISTINCT CAST(brand AS VARCHAR) AS v FROM subscribers ORDER BY 1')).map((r) => r.v);
    const plans = (await db.query<{ v: string }>('SELECT DISTINCT plan_id AS v FROM subscribers ORDER BY 1')).map((r) => r.v);
    const [id, status, dnd, brand, plan] = (await db.columns(
      `SELECT subscriber_id, CAST(list_position($statuses, CAST(status AS VARCHAR)) - 1 AS INTEGER), CAST(dnd AS INTEGER),
         CAST(list_position($brands, CAST(brand AS VARCHAR)) - 1 AS INTEGER), CAST(list_position($plans, plan_id) - 1 AS INTEGER)
       FROM subscribers ORDER BY subscriber_id`,
      { statuses: [...statuses], brands: bindable(brands), plans: bindable(plans) },
    )) as Float64Array[];
    return new SubscriberDirectory(Int32Array.from(id!), Uint8Array.from(status!), Uint8Array.from(dnd!), Uint8Array.from(brand!), Int32Array.from(plan!), brands, plans);
  }

  private slot(subscriberId: number): number {
    return sortedIndexOf(this.ids, subscriberId);
  }

  /** The state from memory, or undefined when the subscriber was not there at load. */
  cached(subscriberId: number): SubscriberState | undefined {
    const s = this.slot(subscriberId);
    if (s < 0) return this.extra.get(subscriberId);
    return {
      subscriberId,
      status: statuses[this.status[s]!]!,
      dnd: this.dnd[s] === 1,
      brand: this.brands[this.brand[s]!]!,
      planId: this.plans[this.plan[s]!]!,
    };
  }

  /** The state, reading the database for a subscriber imported after the load; undefined if unknown. */
  async find(db: Db, subscriberId: number): Promise<SubscriberState | undefined> {
    const known = this.cached(subscriberId);
    if (known) return known;
    const row = await db.one<SubscriberState>(
      `SELECT subscriber_id AS "subscriberId", CAST(status AS VARCHAR) AS status, dnd, CAST(brand AS VARCHAR) AS brand, plan_id AS "planId"
       FROM subscribers WHERE subscriber_id = $id`,
      { id: subscriberId },
    );
    if (row) this.extra.set(subscriberId, row);
    return row;
  }

  get size(): number {
    return this.ids.length + this.extra.size;
  }
}

/** Sorted ids of the subscribers holding a product today (or on it, for a tariff plan). */
export async function holdersOf(db: Db, productId: string, today: string): Promise<Int32Array> {
  const [ids] = (await db.columns(
    `SELECT subscriber_id FROM holdings WHERE product_id = $p AND (end_date IS NULL OR end_date >= CAST($today AS DATE))
     UNION SELECT subscriber_id FROM subscribers WHERE plan_id = $p
     ORDER BY 1`,
    { p: productId, today },
  )) as Float64Array[];
  return Int32Array.from(ids!);
}

/** The position of `id` in ascending `ids`, or -1. */
export function sortedIndexOf(ids: Int32Array, id: number): number {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = ids[mid]!;
    if (v === id) return mid;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export const sortedHas = (ids: Int32Array, id: number): boolean => sortedIndexOf(ids, id) >= 0;

/** Where `id`'s entries lie in ascending `ids`, which may repeat it: [first, end) indexes (empty when absent). */
export function sortedRange(ids: Int32Array, id: number): [number, number] {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ids[mid]! < id) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < ids.length && ids[end] === id) end++;
  return [lo, end];
}
