// The live offers: offers of running campaigns, by channel, with each campaign's treatment targets
// held as sorted typed arrays, and what arbitration needs per product (who holds it, propensity
// scores of the latest model run, tariff savings, margin). Rebuilt when a campaign changes status.
import type { Db } from '../store/store.ts';
import { findLatestModelRun } from '../models/runs.ts';
import { DAY, wallSeconds } from './clock.ts';
import { bindable, holdersOf, sortedHas, sortedRange } from './history.ts';

export interface LiveWave {
  waveNo: number;
  start: number;
  /** exclusive: the day after the wave's last day, 00:00 */
  end: number;
  size: number | null;
}

export interface LiveCampaign {
  campaignId: number;
  name: string;
  version: number;
  channels: Set<string>;
  offers: Array<{ productId: string; scripts: Record<string, string> }>;
  waves: LiveWave[];
  /** treatment targets sorted by subscriber (serial waves: one row per wave) */
  targetIds: Int32Array;
  targetWave: Uint8Array;
  targetChannel: Uint8Array;
  channelList: string[];
}

export interface ProductFacts {
  productId: string;
  nameZh: string;
  nameEn: string;
  kind: string;
  active: boolean;
  brands: string[] | null;
  marginFen: number;
  holders: Int32Array;
  /** propensity 0..100 by subscriber, from the latest succeeded 'propensity' run of the product */
  propensity: Map<number, number> | null;
  propensityRun: number | null;
  /** 'model run <id>', said once here rather than per decision */
  propensitySource: string | null;
  /** monthly saving (fen) by subscriber, from the latest tariff run that priced the plan */
  savings: Map<number, number> | null;
  /** when these facts were read (ms); holdings and model runs change, so they are read again after a while */
  loadedAt: number;
}

const productFactsTtlMs = 10 * 60_000;

interface PlanShape {
  channels: Array<{ channelId: string }>;
  offers: Array<{ productId: string; scripts: Record<string, string> }>;
  waves: Array<{ startDate: string; endDate: string; size?: number; channels?: string[] }>;
}

/** A plan's waves on the operator's wall clock, each ending at 00:00 after its last day. */
export function liveWaves(waves: PlanShape['waves']): LiveWave[] {
  return waves.map((w, i) => ({
    waveNo: i + 1,
    start: wallSeconds(`${w.startDate} 00:00:00`),
    end: wallSeconds(`${w.endDate} 00:00:00`) + DAY,
    size: w.size ?? null,
  }));
}

/** Loads a running campaign's offers, waves and treatment targets. */
async function loadCampaign(db: Db, row: { campaignId: number; name: string; version: number; plan: PlanShape }): Promise<LiveCampaign> {
  const channelList = [...new Set(row.plan.channels.map((c) => c.channelId))];
  const [ids, waves, channels] = (await db.columns(
    `SELECT subscriber_id, CAST(wave_no AS INTEGER), CAST(list_position($channels, channel_id) - 1 AS INTEGER)
     FROM campaign_targets WHERE campaign_id = $id AND grp = 'treatment' ORDER BY subscriber_id, wave_no`,
    { id: row.campaignId, channels: bindable(channelList) },
  )) as Float64Array[];
  return {
    campaignId: row.campaignId,
    name: row.name,
    version: row.version,
    channels: new Set(channelList),
    offers: row.plan.offers,
    waves: liveWaves(row.plan.waves),
    targetIds: Int32Array.from(ids!),
    targetWave: Uint8Array.from(waves!),
    targetChannel: Uint8Array.from(channels!),
    channelList,
  };
}

/** The target rows of a subscriber in a campaign: [first, end) indexes. */
export const targetRows = (c: LiveCampaign, subscriberId: number): [number, number] => sortedRange(c.targetIds, subscriberId);

/** The wave a target row set uses at `at`: the one running then, else the first. */
export function waveAt(c: LiveCampaign, rows: [number, number], at: number): LiveWave | null {
  let first: LiveWave | null = null;
  for (let i = rows[0]; i < rows[1]; i++) {
    const w = c.waves[c.targetWave[i]! - 1];
    if (!w) continue;
    first ??= w;
    if (at >= w.start && at < w.end) return w;
  }
  return first;
}

export class LiveOffers {
  campaigns = new Map<number, LiveCampaign>();
  products = new Map<string, ProductFacts>();
  /** channel → running campaigns using it */
  byChannel = new Map<string, LiveCampaign[]>();

  /** Re-reads the running campaigns (keeping the targets of those whose version did not change). */
  async refresh(db: Db, today: string): Promise<void> {
    const rows = await db.query<{ campaignId: number; name: string; version: number; plan: string | PlanShape }>(
      `SELECT campaign_id AS "campaignId", name, version, plan FROM campaigns WHERE status = 'running' ORDER BY campaign_id`,
    );
    const next = new Map<number, LiveCampaign>();
    for (const row of rows) {
      const known = this.campaigns.get(row.campaignId);
      const plan = (typeof row.plan === 'string' ? JSON.parse(row.plan) : row.plan) as PlanShape;
      next.set(row.campaignId, known && known.version === row.version ? known : await loadCampaign(db, { ...row, plan }));
    }
    const productIds = new Set([...next.values()].flatMap((c) => c.offers.map((o) => o.productId)));
    const products = new Map<string, ProductFacts>();
    for (const id of productIds) {
      const known = this.products.get(id);
      products.set(id, known && Date.now() - known.loadedAt < productFactsTtlMs ? known : await loadProduct(db, id, today));
    }
    const byChannel = new Map<string, LiveCampaign[]>();
    for (const c of next.values()) for (const ch of c.channels) byChannel.set(ch, [...(byChannel.get(ch) ?? []), c]);
    this.campaigns = next;
    this.products = products;
    this.byChannel = byChannel;
  }

  /** Forgets a product's facts (holdings or scores changed), so the next refresh reads them again. */
  forgetProduct(productId: string): void {
    this.products.delete(productId);
  }

  get offerCount(): number {
    let n = 0;
    for (const c of this.campaigns.values()) n += c.offers.length;
    return n;
  }
}

export async function loadProduct(db: Db, productId: string, today: string): Promise<ProductFacts> {
  const p = await db.one<{ nameZh: string; nameEn: string; kind: string; active: boolean; brands: string[] | null; fee: number; definition: unknown }>(
    `SELECT name_zh AS "nameZh", name_en AS "nameEn", CAST(kind AS VARCHAR) AS kind, active, brands, monthly_fee_fen AS fee, definition
     FROM products WHERE product_id = $id`,
    { id: productId },
  );
  const definition = (typeof p?.definition === 'string' ? JSON.parse(p.definition) : p?.definition) as { marginFen?: unknown } | null | undefined;
  const margin = typeof definition?.marginFen === 'number' ? definition.marginFen : (p?.fee ?? 0);
  const run = await findLatestModelRun(db, 'propensity', productId);
  let propensity: Map<number, number> | null = null;
  if (run) {
    const [ids, scores] = (await db.columns("SELECT subscriber_id, score FROM model_scores WHERE run_id = $run AND label = ''", { run: run.runId })) as Float64Array[];
    propensity = new Map();
    for (let i = 0; i < ids!.length; i++) propensity.set(ids![i]!, scores![i]!);
  }
  let savings: Map<number, number> | null = null;
  if (p?.kind === 'tariff_plan') {
    const [ids, saving] = (await db.columns(
      `WITH run AS (SELECT run_id, list_position(plan_ids, $id) AS pos FROM tariff_runs
                    WHERE list_contains(plan_ids, $id) AND finished_at IS NOT NULL ORDER BY run_id DESC LIMIT 1)
       SELECT r.subscriber_id, CAST((r.current_fen - r.costs[run.pos]) / greatest(r.months_billed, 1) AS DOUBLE)
       FROM tariff_run_results r JOIN run USING (run_id) WHERE r.months_billed > 0`,
      { id: productId },
    )) as Float64Array[];
    if (ids!.length) {
      savings = new Map();
      for (let i = 0; i < ids!.length; i++) savings.set(ids![i]!, saving![i]!);
    }
  }
  return {
    productId,
    nameZh: p?.nameZh ?? productId,
    nameEn: p?.nameEn ?? productId,
    kind: p?.kind ?? 'offer',
    active: p?.active ?? false,
    brands: p?.brands?.length ? p.brands : null,
    marginFen: margin,
    holders: await holdersOf(db, productId, today),
    propensity,
    propensityRun: run?.runId ?? null,
    propensitySource: run ? `model run ${run.runId}` : null,
    savings,
    loadedAt: Date.now(),
  };
}

export const holds = (product: ProductFacts, subscriberId: number) => sortedHas(product.holders, subscriberId);
