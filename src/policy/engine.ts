// The contact policy at run time, one per store: the ledger, the subscribers' state, the live
// offers and the policy in memory, kept current by the contact-fact stream, campaign status changes
// and policy edits. It answers real-time decisions (serialized per subscriber, reserving what it
// returns) and generates the policy-checked list of a campaign wave, both through checkContact.
import type { DuckDBPreparedStatement } from '@duckdb/node-api';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { campaignNotFound, onCampaignChange } from '../campaigns/campaigns.ts';
import { loadConfig } from '../config.ts';
import { Conflict, DomainError, InvalidInput } from '../store/errors.ts';
import type { ConnectionDb, Store } from '../store/store.ts';
import { arbitrate, contextWeightOf, offersOf, pickOffer, type Candidate, type RankedCandidate } from './arbitration.ts';
import { DAY, wallNow, wallSeconds, wallText } from './clock.ts';
import { onContacts, type ContactFact } from './contacts.ts';
import { checkContact, compilePolicy, type CompiledPolicy } from './decide.ts';
import { bindable, contactHistory, sortedRange, SubscriberDirectory } from './history.ts';
import { ContactLedger, type LiveContact, type ReservationChange } from './ledger.ts';
import { SubscriberLocks } from './lock.ts';
import { holds, liveWaves, LiveOffers, loadProduct, targetRows, waveAt, type LiveCampaign, type ProductFacts } from './offers.ts';
import { getContactPolicy, onPolicyChange } from './policies.ts';
import { waveListCounts, type WaveListCounts } from './waves.ts';
import { policyReasons, type OfferTerms, type StoredPolicy, type SubscriberState } from './types.ts';

export interface EngineOptions {
  timeZone?: string;
  /** the operator's wall clock in seconds (tests move it) */
  clock?: () => number;
}

export interface DecisionRequest {
  subscriberId: number;
  channelId: string;
  context?: { trigger?: string } & Record<string, unknown>;
  /** also answer every offer considered, with its factors and fate, and the explanation in words */
  explain?: boolean;
}

export interface OfferedOffer {
  rank: number;
  campaignId: number;
  campaignName: string;
  offerId: string;
  nameZh: string;
  nameEn: string;
  script: string | null;
  priority: number;
  reservedUntil: string;
}

export interface Decision {
  decisionId: string;
  subscriberId: number;
  channelId: string;
  at: string;
  offers: OfferedOffer[];
  tags: Array<{ tagId: string; nameZh: string; nameEn: string; advice: unknown }>;
  /** only when the request asked for the explanation */
  considered?: Array<Pick<RankedCandidate, 'rank' | 'campaignId' | 'offerId' | 'priority' | 'factors' | 'outcome' | 'reason' | 'detail'>>;
  explanation?: string;
}

export type WaveListSummary = WaveListCounts;

export class UnknownSubscriber extends DomainError {
  constructor(id: number) {
    super('UNKNOWN_SUBSCRIBER', 404, `Subscriber ${id} does not exist`, { field: 'subscriber' });
  }
}

interface TagInfo {
  tagId: string;
  nameZh: string;
  nameEn: string;
  advice: unknown;
}

interface ReservationRow {
  decisionId: string;
  subscriberId: number;
  channelId: string;
  campaignId: number;
  offerId: string;
  waveNo: number | null;
  at: number;
  expiresAt: number;
}

/** How stale the real-time path's copy of subscriber states (status, DND) may grow. */
const directoryMaxAgeMs = 5 * 60_000;

const insertReservationsSql = `INSERT INTO policy_reservations (decision_id, subscriber_id, channel_id, campaign_id, offer_id, wave_no, reserved_at, expires_at, status)
  SELECT r.d, r.s, r.c, r.k, r.o, r.w, CAST(r.a AS TIMESTAMP), CAST(r.e AS TIMESTAMP), 'active'
  FROM (SELECT unnest(from_json($1, '[{"d":"VARCHAR","s":"INTEGER","c":"VARCHAR","k":"INTEGER","o":"VARCHAR","w":"SMALLINT","a":"VARCHAR","e":"VARCHAR"}]')) AS r)`;
const insertStatements = new WeakMap<ConnectionDb['connection'], Promise<DuckDBPreparedStatement>>();

/**
 * Group commit of rows that must be stored before their callers answer: rows added while commits
 * run, or within `spacingMs` of the last one starting, go together in the next. A DuckDB commit
 * costs about the same CPU for one row as for fifty, so spacing them bounds the commits per second
 * whatever the load; two may run at once, so one slow fsync does not hold back the rows after it.
 */
class GroupCommit<T> {
  private pending: { rows: T[]; done: Promise<void>; settle: (error?: unknown) => void } | null = null;
  private running = new Set<Promise<void>>();
  private lastStart = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly commit: (rows: T[]) => Promise<void>,
    private readonly spacingMs = 8,
    private readonly maxRunning = 2,
  ) {}

  add(rows: readonly T[]): Promise<void> {
    if (!this.pending) {
      let settle!: (error?: unknown) => void;
      const done = new Promise<void>((resolve, reject) => (settle = (error) => (error === undefined ? resolve() : reject(error))));
      this.pending = { rows: [], done, settle };
    }
    const { done } = this.pending;
    this.pending.rows.push(...rows);
    this.pump();
    return done;
  }

  private pump(now = false): void {
    if (!this.pending || this.timer || this.running.size >= this.maxRunning) return;
    const wait = now ? 0 : this.lastStart + this.spacingMs - performance.now();
    if (wait >= 1) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.pump();
      }, wait);
      return;
    }
    const batch = this.pending;
    this.pending = null;
    this.lastStart = performance.now();
    const run = this.commit(batch.rows).then(
      () => batch.settle(),
      (error: unknown) => batch.settle(error ?? new Error('commit failed')),
    );
    this.running.add(run);
    void run.then(() => {
      this.running.delete(run);
      this.pump();
    });
  }

  /** Commits what is waiting now and waits for every commit (shutdown). */
  async drain(): Promise<void> {
    while (this.pending || this.running.size) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.pump(true);
      await Promise.all(this.running);
    }
  }
}

export class PolicyEngine {
  readonly locks = new SubscriberLocks();
  readonly offers = new LiveOffers();
  private compiled: CompiledPolicy;
  private channelCapacity = new Map<string, number | null>();
  /**
   * Who holds which tag, compact (a tagged province holds millions of pairs, and the server keeps
   * them for its lifetime: as objects, every major garbage collection would mark them all): pair i
   * is subscriber tagged.sids[i] holding tagInfo[tagged.tags[i]], sorted by subscriber.
   */
  private tagged = { sids: new Int32Array(0), tags: new Int32Array(0) };
  private tagInfo: TagInfo[] = [];
  private readonly reservations = new GroupCommit<ReservationRow>((rows) => this.insertReservations(rows));
  private timer: ReturnType<typeof setInterval> | undefined;
  private unsubscribe: Array<() => void> = [];
  private refreshing: Promise<void> = Promise.resolve();

  private constructor(
    readonly store: Store,
    public stored: StoredPolicy,
    readonly ledger: ContactLedger,
    public directory: SubscriberDirectory,
    readonly now: () => number,
  ) {
    this.compiled = compilePolicy(stored.policy);
  }

  static async start(store: Store, options: EngineOptions = {}): Promise<PolicyEngine> {
    const zone = options.timeZone ?? loadConfig().timeZone;
    const now = options.clock ?? wallClock(zone);
    const stored = await getContactPolicy(store);
    const compiled = compilePolicy(stored.policy);
    const t = now();
    const history = await contactHistory(store, t - compiled.horizonDays * DAY);
    const ledger = new ContactLedger(history, stored.policy.feedbackMatchDays);
    const engine = new PolicyEngine(store, stored, ledger, await SubscriberDirectory.load(store), now);
    // subscribe first, then read what is pending: a fact published meanwhile is not lost
    engine.unsubscribe.push(onContacts(store, (facts) => engine.onFacts(facts)));
    engine.unsubscribe.push(onCampaignChange(store, () => void engine.refreshOffers()));
    engine.unsubscribe.push(onPolicyChange(store, (p) => void engine.usePolicy(p)));
    await engine.loadPending(t);
    await engine.loadChannels();
    await engine.loadTags();
    await engine.refreshOffers();
    let sweeps = 0;
    engine.timer = setInterval(() => {
      void engine.sweep();
      // every 10 minutes: product facts (holdings, model runs) and tags may have changed
      if (++sweeps % 120 === 0) void engine.refreshOffers().then(() => engine.loadTags()).catch(() => undefined);
    }, 5_000);
    engine.timer.unref();
    return engine;
  }

  get policy(): CompiledPolicy {
    return this.compiled;
  }

  /** Reservations still active and wave rows still listed count as contacts after a restart. */
  private async loadPending(t: number): Promise<void> {
    const rows = await this.store.query<ReservationRow & { status: string }>(
      `SELECT decision_id AS "decisionId", subscriber_id AS "subscriberId", channel_id AS "channelId", campaign_id AS "campaignId", offer_id AS "offerId",
         CAST(wave_no AS INTEGER) AS "waveNo", CAST(epoch(reserved_at) AS INTEGER) AS at, CAST(epoch(expires_at) AS INTEGER) AS "expiresAt", status
       FROM policy_reservations WHERE status = 'active' AND expires_at > CAST($now AS TIMESTAMP)`,
      { now: wallText(t) },
    );
    // confirmed reservations are not read: the feedback that confirmed them is in contact_events
    for (const r of rows) this.ledger.add(this.liveContact(r, 'pending'));
    const [ids, waves, campaigns, at, expires, channels, offers] = (await this.store.columns(
      `SELECT subscriber_id, CAST(wave_no AS INTEGER), campaign_id, CAST(epoch(listed_at) AS INTEGER), CAST(epoch(expires_at) AS INTEGER), channel_id, offer_id
       FROM wave_contacts WHERE status = 'listed' AND closed_at IS NULL AND expires_at > CAST($now AS TIMESTAMP)`,
      { now: wallText(t) },
    )) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, string[], Array<string | null>];
    for (let i = 0; i < ids!.length; i++) {
      this.ledger.add({
        subscriberId: ids![i]!,
        at: at![i]!,
        channelId: channels[i]!,
        kind: 'marketing',
        campaignId: campaigns![i]!,
        offerId: offers[i] ?? null,
        waveNo: waves![i]!,
        accepted: false,
        refused: false,
        decisionId: `wave:${campaigns![i]}:${waves![i]}`,
        state: 'pending',
        expiresAt: expires![i]!,
      });
    }
  }

  private liveContact(r: ReservationRow, state: 'pending' | 'confirmed'): LiveContact {
    return {
      subscriberId: r.subscriberId,
      at: r.at,
      channelId: r.channelId,
      kind: 'marketing',
      campaignId: r.campaignId,
      offerId: r.offerId,
      waveNo: r.waveNo,
      accepted: false,
      refused: false,
      decisionId: r.decisionId,
      state,
      expiresAt: state === 'confirmed' ? Number.POSITIVE_INFINITY : r.expiresAt,
    };
  }

  private async loadChannels(): Promise<void> {
    const rows = await this.store.query<{ id: string; capacity: number | null }>('SELECT channel_id AS id, daily_capacity AS capacity FROM channels');
    this.channelCapacity = new Map(rows.map((r) => [r.id, r.capacity]));
  }

  /** Tags for the front line (customer_tags / tags, written by the tag models), kept in memory. */
  async loadTags(): Promise<void> {
    const info = await this.store.query<TagInfo>('SELECT tag_id AS "tagId", name_zh AS "nameZh", name_en AS "nameEn", advice FROM tags ORDER BY tag_id');
    const [sids, tags] = (await this.store.columns(
      `SELECT c.subscriber_id, CAST(t.no AS INTEGER)
       FROM customer_tags c JOIN (SELECT tag_id, row_number() OVER (ORDER BY tag_id) - 1 AS no FROM tags) t USING (tag_id)
       ORDER BY 1, 2`,
    )) as Float64Array[];
    this.tagInfo = info.map((t) => ({ ...t, advice: typeof t.advice === 'string' ? JSON.parse(t.advice) : t.advice }));
    this.tagged = { sids: Int32Array.from(sids), tags: Int32Array.from(tags) };
  }

  /** Re-reads the running campaigns; decisions wait for it so none uses a stopped campaign. */
  refreshOffers(): Promise<void> {
    this.refreshing = this.refreshing.then(() => this.offers.refresh(this.store, wallText(this.now()).slice(0, 10))).catch((error) => {
      console.error('policy: refreshing live offers failed', error);
    });
    return this.refreshing;
  }

  private async usePolicy(stored: StoredPolicy): Promise<void> {
    const before = this.compiled.horizonDays;
    this.stored = stored;
    this.compiled = compilePolicy(stored.policy);
    this.ledger.setMatchDays(stored.policy.feedbackMatchDays);
    if (this.compiled.horizonDays > before) {
      this.ledger.replaceHistory(await contactHistory(this.store, this.now() - this.compiled.horizonDays * DAY));
    }
  }

  private onFacts(facts: readonly ContactFact[]): void {
    // the publisher has committed its facts already: a failure here must not reach it
    try {
      const changes = this.ledger.apply(facts.map((f) => ({ ...f, atSeconds: wallSeconds(f.at) })));
      if (changes.length) void this.saveStatus(changes);
    } catch (error) {
      console.error('policy: applying contact facts failed', error);
    }
  }

  private async saveStatus(changes: ReservationChange[]): Promise<void> {
    for (const change of changes.filter((c) => c.decisionId.startsWith('wave:'))) {
      const [, campaignId, waveNo] = change.decisionId.split(':');
      await this.store
        .run(
          `UPDATE wave_contacts SET closed_as = $as, closed_at = current_localtimestamp()
           WHERE campaign_id = $c AND wave_no = $w AND subscriber_id = $s AND status = 'listed' AND closed_at IS NULL`,
          { as: change.status === 'confirmed' ? 'contacted' : 'released', c: Number(campaignId), w: Number(waveNo), s: change.subscriberId },
        )
        .catch((error) => console.error('policy: closing a wave contact failed', error));
    }
    for (const status of ['confirmed', 'released'] as const) {
      const ids = changes.filter((c) => c.status === status).map((c) => c.decisionId).filter((id) => !id.startsWith('wave:'));
      if (!ids.length) continue;
      await this.store
        .run(
          `UPDATE policy_reservations SET status = $status, closed_at = current_localtimestamp()
           WHERE decision_id IN (SELECT unnest($ids)) AND status = 'active'`,
          { status, ids },
        )
        .catch((error) => console.error('policy: saving reservation status failed', error));
    }
  }

  /**
   * Reads every subscriber's status, DND, brand and plan again. A batch reads it before it starts
   * (a list must see today's do-not-disturb), the real-time path every few minutes.
   */
  async refreshDirectory(): Promise<void> {
    this.directory = await SubscriberDirectory.load(this.store);
    this.directoryLoadedAt = Date.now();
  }

  private directoryLoadedAt = Date.now();

  /** Expires reservations whose time ran out (the decision reads expiry itself; this frees memory and the table). */
  async sweep(): Promise<void> {
    if (Date.now() - this.directoryLoadedAt > directoryMaxAgeMs) await this.refreshDirectory().catch(() => undefined);
    const now = this.now();
    const expired = this.ledger.expire(now).filter((id) => !id.startsWith('wave:'));
    if (!expired.length) return;
    await this.store
      .run(`UPDATE policy_reservations SET status = 'expired', closed_at = current_localtimestamp() WHERE decision_id IN (SELECT unnest($ids)) AND status = 'active'`, {
        ids: expired,
      })
      .catch((error) => console.error('policy: expiring reservations failed', error));
  }

  /** Stores reservations; resolves once they are committed (with those of other decisions). */
  private persist(rows: ReservationRow[]): Promise<void> {
    return this.reservations.add(rows);
  }

  private async insertReservations(rows: ReservationRow[]): Promise<void> {
    if (!rows.length) return;
    // one JSON text bound instead of eight lists bound value by value
    const json = JSON.stringify(rows.map((r) => ({ d: r.decisionId, s: r.subscriberId, c: r.channelId, k: r.campaignId, o: r.offerId, w: r.waveNo, a: wallText(r.at), e: wallText(r.expiresAt) })));
    await this.store.withConnection(async (db) => {
      // prepared once per connection: planning it was about a third of what a small insert costs
      let statement = insertStatements.get(db.connection);
      if (!statement) {
        statement = db.connection.prepare(insertReservationsSql);
        insertStatements.set(db.connection, statement);
        statement.catch(() => insertStatements.delete(db.connection));
      }
      const prepared = await statement;
      prepared.bindVarchar(1, json);
      await prepared.run();
    });
  }

  private terms(c: LiveCampaign, product: ProductFacts, subscriberId: number, wave: ReturnType<typeof waveAt>): OfferTerms {
    return {
      campaignId: c.campaignId,
      offerId: product.productId,
      productActive: product.active,
      brands: product.brands,
      held: holds(product, subscriberId),
      wave: wave ? { waveNo: wave.waveNo, start: wave.start, end: wave.end, size: wave.size, used: 0 } : null,
    };
  }

  /** The factors of arbitration for one offer and customer. */
  private candidate(c: LiveCampaign, offer: LiveCampaign['offers'][number], product: ProductFacts, subscriberId: number, channelId: string, trigger: string | undefined, wave: ReturnType<typeof waveAt>): Candidate {
    const policy = this.compiled.policy;
    const score = product.propensity?.get(subscriberId);
    const saving = product.savings?.get(subscriberId);
    const value = saving !== undefined && saving > 0 ? saving / 100 : product.marginFen / 100;
    return {
      campaignId: c.campaignId,
      offerId: offer.productId,
      script: offer.scripts[channelId] ?? null,
      terms: this.terms(c, product, subscriberId, wave),
      factors: {
        propensity: score !== undefined ? score / 100 : policy.defaultPropensity,
        propensitySource: score !== undefined ? (product.propensitySource ?? 'default') : 'default',
        contextWeight: contextWeightOf(policy, trigger, offer.productId),
        value: Math.max(value, 0.01),
        valueSource: saving !== undefined && saving > 0 ? 'tariff_saving' : 'margin',
        lever: policy.levers[offer.productId] ?? 1,
      },
    };
  }

  /** Checks one candidate for a subscriber against the ledger as it stands. */
  private verdict(subscriber: SubscriberState, candidate: Candidate, channelId: string, at: number, contacts: ReturnType<ContactLedger['contactsOf']>) {
    const wave = candidate.terms.wave;
    // the wave's use is read now, under the subscriber's turn (the terms object is the candidate's own, or the list's)
    if (wave) wave.used = this.ledger.waveUsed(candidate.campaignId, wave.waveNo);
    return checkContact(
      {
        subscriber,
        offer: candidate.terms,
        channelId,
        at,
        contacts,
        channelToday: this.ledger.channelToday(channelId, at),
        channelCapacity: this.channelCapacity.get(channelId) ?? null,
      },
      this.compiled,
    );
  }

  /** Refuses a channel id that is not in the channels table (read again once, for a channel added since). */
  async assertChannel(channelId: string): Promise<void> {
    if (this.channelCapacity.has(channelId)) return;
    await this.loadChannels();
    if (!this.channelCapacity.has(channelId)) throw new InvalidInput(`channel: "${channelId}" is not a channel`, { field: 'channel', code: 'UNKNOWN_CHANNEL' });
  }

  /** POST /api/decide: the ranked offers for a subscriber arriving on a channel, each reserved as a contact. */
  async decide(request: DecisionRequest): Promise<Decision> {
    const { subscriberId, channelId } = request;
    if (!this.channelCapacity.has(channelId)) await this.assertChannel(channelId);
    const subscriber = this.directory.cached(subscriberId) ?? (await this.directory.find(this.store, subscriberId));
    if (!subscriber) throw new UnknownSubscriber(subscriberId);
    await this.refreshing;
    const trigger = typeof request.context?.trigger === 'string' ? request.context.trigger : undefined;
    return this.locks.run(subscriberId, async () => {
      const at = this.now();
      const candidates = this.candidatesFor(subscriberId, channelId, trigger, at);
      const decisionId = randomUUID();
      const contacts = this.ledger.contactsOf(subscriberId, at);
      const expiresAt = at + this.compiled.policy.reservationTimeoutSeconds;
      const reserved: ReservationRow[] = [];
      const check = (c: Candidate) => this.verdict(subscriber, c, channelId, at, contacts);
      const reserve = (c: Candidate) => {
        const row: ReservationRow = { decisionId, subscriberId, channelId, campaignId: c.campaignId, offerId: c.offerId, waveNo: c.terms.wave?.waveNo ?? null, at, expiresAt };
        const live = this.liveContact(row, 'pending');
        this.ledger.add(live);
        contacts.push(live);
        reserved.push(row);
      };
      // the explanation ranks and words every candidate; the plain answer checks only until the quota is filled
      const max = this.compiled.policy.maxOffersPerDecision;
      const explained = request.explain ? arbitrate(candidates, max, check, reserve) : null;
      const offered = explained ? explained.offered : offersOf(candidates, max, check, reserve);
      // answer only once the reservations are stored: an acknowledged offer survives a restart
      if (reserved.length) await this.persist(reserved);
      const reservedUntil = wallText(expiresAt);
      const decision: Decision = {
        decisionId,
        subscriberId,
        channelId,
        at: wallText(at),
        offers: offered.map((o, i) => {
          const product = this.offers.products.get(o.offerId);
          return {
            rank: i + 1,
            campaignId: o.campaignId,
            campaignName: this.offers.campaigns.get(o.campaignId)?.name ?? '',
            offerId: o.offerId,
            nameZh: product?.nameZh ?? o.offerId,
            nameEn: product?.nameEn ?? o.offerId,
            script: o.script,
            priority: o.priority,
            reservedUntil,
          };
        }),
        tags: this.tagsOf(subscriberId),
      };
      if (explained) {
        decision.considered = explained.ranked.map(({ rank, campaignId, offerId, priority, factors, outcome, reason, detail }) => ({ rank, campaignId, offerId, priority, factors, outcome, reason, detail }));
        decision.explanation = explained.explanation;
      }
      return decision;
    });
  }

  /** The offers of the running campaigns on the channel that target the subscriber, with their factors. */
  private candidatesFor(subscriberId: number, channelId: string, trigger: string | undefined, at: number): Candidate[] {
    const candidates: Candidate[] = [];
    for (const c of this.offers.byChannel.get(channelId) ?? []) {
      const rows = targetRows(c, subscriberId);
      if (rows[0] === rows[1]) continue;
      const wave = waveAt(c, rows, at);
      for (const offer of c.offers) {
        const product = this.offers.products.get(offer.productId);
        if (product) candidates.push(this.candidate(c, offer, product, subscriberId, channelId, trigger, wave));
      }
    }
    return candidates;
  }

  private tagsOf(subscriberId: number): TagInfo[] {
    const [first, end] = sortedRange(this.tagged.sids, subscriberId);
    return Array.from(this.tagged.tags.subarray(first, end), (tag) => this.tagInfo[tag]);
  }


  /**
   * The policy-checked list of one wave of a running campaign: each treatment target of the wave
   * listed on its channel with the offer arbitration picks, or excluded with the policy's reason.
   * Rows listed by an earlier generation stay (they hold their contact); the rest are checked again.
   * A target's check and its reservation happen in one synchronous step, which no real-time
   * decision can interleave with, so the list and the decision API share every cap.
   */
  async generateWaveList(campaignId: number, waveNo: number, opts: { at?: number } = {}): Promise<WaveListSummary> {
    await this.refreshDirectory();
    const row = await this.store.one<{ status: string; name: string; version: number; plan: string }>(
      'SELECT status, name, version, plan FROM campaigns WHERE campaign_id = $id',
      { id: campaignId },
    );
    if (!row) throw campaignNotFound(campaignId);
    if (row.status !== 'running') throw new Conflict(`Campaign ${campaignId} is ${row.status}; wave lists are made for a running campaign`, { field: 'status', code: 'NOT_RUNNING' });
    await this.refreshOffers();
    const campaign = this.offers.campaigns.get(campaignId);
    const wave = campaign?.waves[waveNo - 1];
    if (!campaign || !wave) throw new InvalidInput(`wave: campaign ${campaignId} has ${campaign?.waves.length ?? 0} waves, not a wave ${waveNo}`, { field: 'wave', code: 'UNKNOWN_WAVE' });
    const now = this.now();
    if (now >= wave.end && opts.at === undefined) throw new Conflict(`Wave ${waveNo} of campaign ${campaignId} ended on ${wallText(wave.end - DAY).slice(0, 10)}`, { field: 'wave', code: 'WAVE_OVER' });
    // the list is checked for the moment it goes out: now during the wave, its first morning before it
    const at = opts.at ?? (now >= wave.start ? now : wave.start + 10 * 3600);
    const products = new Map<string, ProductFacts>();
    for (const o of campaign.offers) products.set(o.productId, this.offers.products.get(o.productId) ?? (await loadProduct(this.store, o.productId, wallText(at).slice(0, 10))));
    const [listedIds] = (await this.store.columns(
      "SELECT subscriber_id FROM wave_contacts WHERE campaign_id = $id AND wave_no = $wave AND status = 'listed' ORDER BY 1",
      { id: campaignId, wave: waveNo },
    )) as Float64Array[];
    const alreadyListed = new Set(listedIds);

    const offerIds = campaign.offers.map((o) => o.productId);
    const reasons = [...policyReasons, 'lower_priority', 'unknown_subscriber', 'no_offer'];
    const n = campaign.targetIds.length;
    const outSub = new Int32Array(n);
    const outChannel = new Uint8Array(n);
    const outOffer = new Int16Array(n);
    const outReason = new Int16Array(n);
    const outDetail: string[] = [];
    let count = 0;
    const waveTerms = { ...wave, used: 0 };
    for (let i = 0; i < n; i++) {
      if (campaign.targetWave[i] !== waveNo) continue;
      const subscriberId = campaign.targetIds[i]!;
      if (alreadyListed.has(subscriberId)) continue;
      const channelId = campaign.channelList[campaign.targetChannel[i]!]!;
      const k = count++;
      outSub[k] = subscriberId;
      outChannel[k] = campaign.targetChannel[i]!;
      const subscriber = this.directory.cached(subscriberId);
      if (!subscriber) {
        outOffer[k] = -1;
        outReason[k] = reasons.indexOf('unknown_subscriber');
        outDetail[k] = 'not in the subscriber directory';
        continue;
      }
      const contacts = this.ledger.contactsOf(subscriberId, at);
      const candidates = campaign.offers.map((offer) => this.candidate(campaign, offer, products.get(offer.productId)!, subscriberId, channelId, undefined, null));
      for (const c of candidates) c.terms.wave = waveTerms;
      const pick = pickOffer(candidates, (c) => this.verdict(subscriber, c, channelId, at, contacts));
      if (pick.chosen) {
        this.ledger.add({
          subscriberId,
          at,
          channelId,
          kind: 'marketing',
          campaignId,
          offerId: pick.chosen.offerId,
          waveNo,
          accepted: false,
          refused: false,
          decisionId: `wave:${campaignId}:${waveNo}`,
          state: 'pending',
          expiresAt: wave.end,
        });
        outOffer[k] = offerIds.indexOf(pick.chosen.offerId);
        outReason[k] = -1;
        outDetail[k] = '';
      } else {
        outOffer[k] = pick.best ? offerIds.indexOf(pick.best.offerId) : -1;
        outReason[k] = reasons.indexOf(pick.verdict && !pick.verdict.allowed ? pick.verdict.reason : 'no_offer');
        outDetail[k] = pick.verdict && !pick.verdict.allowed ? pick.verdict.detail : 'the campaign has no offer';
      }
      // let decisions in between: each target's check and reservation stay one synchronous step
      if (k % 20_000 === 19_999) await new Promise((resolve) => setImmediate(resolve));
    }
    await this.saveWaveList(campaignId, waveNo, at, wave.end, { count, outSub, outChannel, outOffer, outReason, outDetail }, campaign.channelList, offerIds, reasons);
    return waveListCounts(this.store, campaignId, waveNo);
  }

  /**
   * What the wave lists of a campaign not yet running would say of each treatment target, checked
   * on its wave's first morning, without reserving anything: null when the policy allows the
   * contact, else the reason. Targets count against each other as a list does (channel capacity,
   * wave size, one customer in two serial waves); nothing is added to the ledger.
   */
  async dryRun(
    campaignId: number,
    plan: { offers: LiveCampaign['offers']; waves: Array<{ startDate: string; endDate: string; size?: number }> },
    targets: ReadonlyArray<{ subscriberId: number; waveNo: number; channelId: string }>,
  ): Promise<Array<string | null>> {
    await this.refreshDirectory();
    const waves = liveWaves(plan.waves);
    const campaign: LiveCampaign = {
      campaignId,
      name: '',
      version: 0,
      channels: new Set(targets.map((t) => t.channelId)),
      offers: plan.offers,
      waves,
      targetIds: new Int32Array(0),
      targetWave: new Uint8Array(0),
      targetChannel: new Uint8Array(0),
      channelList: [],
    };
    const products = new Map<string, ProductFacts>();
    for (const o of plan.offers) products.set(o.productId, this.offers.products.get(o.productId) ?? (await loadProduct(this.store, o.productId, wallText(this.now()).slice(0, 10))));
    const channelDay = new Map<string, number>();
    const waveUsed = new Map<number, number>();
    const tentative = new Map<number, LiveContact[]>();
    const verdicts: Array<string | null> = [];
    for (const [k, t] of targets.entries()) {
      const wave = waves[t.waveNo - 1]!;
      const at = wave.start + 10 * 3600;
      const subscriber = this.directory.cached(t.subscriberId);
      if (!subscriber) {
        verdicts.push('unknown_subscriber');
        continue;
      }
      const contacts = [...this.ledger.contactsOf(t.subscriberId, at), ...(tentative.get(t.subscriberId) ?? [])];
      const dayKey = `${t.channelId}|${Math.floor(at / DAY)}`;
      const candidates = plan.offers.map((offer) => this.candidate(campaign, offer, products.get(offer.productId)!, t.subscriberId, t.channelId, undefined, wave));
      const pick = pickOffer(candidates, (c) => {
        if (c.terms.wave) c.terms.wave.used = waveUsed.get(t.waveNo) ?? 0;
        return checkContact(
          {
            subscriber,
            offer: c.terms,
            channelId: t.channelId,
            at,
            contacts,
            channelToday: this.ledger.channelToday(t.channelId, at) + (channelDay.get(dayKey) ?? 0),
            // a wave list is one day's list: over a wave of several days capacity is a question of
            // load per day, which the simulation reports apart, not a reason to drop the customer
            channelCapacity: null,
          },
          this.compiled,
        );
      });
      if (pick.chosen) {
        verdicts.push(null);
        waveUsed.set(t.waveNo, (waveUsed.get(t.waveNo) ?? 0) + 1);
        channelDay.set(dayKey, (channelDay.get(dayKey) ?? 0) + 1);
        const list = tentative.get(t.subscriberId) ?? [];
        list.push({
          subscriberId: t.subscriberId,
          at,
          channelId: t.channelId,
          kind: 'marketing',
          campaignId,
          offerId: pick.chosen.offerId,
          waveNo: t.waveNo,
          accepted: false,
          refused: false,
          decisionId: `simulation:${campaignId}`,
          state: 'pending',
          expiresAt: wave.end,
        });
        tentative.set(t.subscriberId, list);
      } else {
        verdicts.push(pick.verdict && !pick.verdict.allowed ? pick.verdict.reason : 'no_offer');
      }
      // nothing here changes the ledger, so decisions may run in between
      if (k % 20_000 === 19_999) await new Promise((resolve) => setImmediate(resolve));
    }
    return verdicts;
  }

  private async saveWaveList(
    campaignId: number,
    waveNo: number,
    at: number,
    expiresAt: number,
    out: { count: number; outSub: Int32Array; outChannel: Uint8Array; outOffer: Int16Array; outReason: Int16Array; outDetail: string[] },
    channels: string[],
    offers: string[],
    reasons: string[],
  ): Promise<void> {
    // a CSV read by DuckDB's parallel reader beats a million appender calls through N-API
    const file = path.join(os.tmpdir(), `yiti-wave-${process.pid}-${randomUUID()}.csv`);
    const lines: string[] = [];
    for (let i = 0; i < out.count; i++) {
      const detail = out.outDetail[i] ?? '';
      lines.push(`${out.outSub[i]},${out.outChannel[i]},${out.outOffer[i]},${out.outReason[i]},${detail ? `"${detail.replaceAll('"', '""')}"` : ''}`);
    }
    await fs.promises.writeFile(file, lines.join('\n') + '\n');
    await this.store.withConnection(async (db) => {
      await db.run('CREATE OR REPLACE TEMP TABLE wave_stage (subscriber_id INTEGER, channel SMALLINT, offer SMALLINT, reason SMALLINT, detail VARCHAR)');
      try {
        if (out.count) await db.run(
          `INSERT INTO wave_stage SELECT * FROM read_csv($file, header = false, quote = '"',
             columns = {'subscriber_id': 'INTEGER', 'channel': 'SMALLINT', 'offer': 'SMALLINT', 'reason': 'SMALLINT', 'detail': 'VARCHAR'})`,
          { file },
        );
      } finally {
        await fs.promises.rm(file, { force: true });
      }
      await db.run('BEGIN TRANSACTION');
      try {
        await db.run("DELETE FROM wave_contacts WHERE campaign_id = $id AND wave_no = $wave AND status = 'excluded'", { id: campaignId, wave: waveNo });
        await db.run(
          `INSERT INTO wave_contacts (campaign_id, wave_no, subscriber_id, channel_id, offer_id, status, reason, detail, listed_at, expires_at)
           SELECT $id, $wave, subscriber_id, list_extract($channels, channel + 1), CASE WHEN offer >= 0 THEN list_extract($offers, offer + 1) END,
             CASE WHEN reason < 0 THEN 'listed' ELSE 'excluded' END, CASE WHEN reason >= 0 THEN list_extract($reasons, reason + 1) END,
             nullif(detail, ''), CAST($at AS TIMESTAMP), CAST($expires AS TIMESTAMP)
           FROM wave_stage`,
          { id: campaignId, wave: waveNo, channels: bindable(channels), offers: bindable(offers), reasons, at: wallText(at), expires: wallText(expiresAt) },
        );
        await db.run('COMMIT');
      } catch (error) {
        await db.run('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        await db.run('DROP TABLE IF EXISTS wave_stage');
      }
    });
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    for (const u of this.unsubscribe) u();
    await this.reservations.drain();
  }
}

const engines = new WeakMap<Store, Promise<PolicyEngine>>();

/** The store's engine, started on first use (the server starts it at boot; tests may pass a clock first). */
export function policyEngine(store: Store, options?: EngineOptions): Promise<PolicyEngine> {
  let engine = engines.get(store);
  if (!engine) {
    engine = PolicyEngine.start(store, options);
    engines.set(store, engine);
    engine.catch(() => engines.delete(store));
  }
  return engine;
}

/** Stops a store's engine (tests, shutdown). */
export async function stopPolicyEngine(store: Store): Promise<void> {
  const engine = engines.get(store);
  engines.delete(store);
  if (engine) await (await engine).close();
}

/**
 * Starts the store's engine afresh — its ledger, subscriber directory and live offers read again —
 * after the province was replaced wholesale (demo generation), which no contact fact announces.
 */
export async function restartPolicyEngine(store: Store, options?: EngineOptions): Promise<PolicyEngine> {
  await stopPolicyEngine(store);
  return policyEngine(store, options);
}

/** generateWaveList through the store's engine. */
export async function generateWaveList(store: Store, campaignId: number, waveNo: number, opts: { at?: number } = {}): Promise<WaveListSummary> {
  return (await policyEngine(store)).generateWaveList(campaignId, waveNo, opts);
}

/**
 * The operator's wall clock read through the time zone at most once a second: reading it costs a
 * formatter call, the decision API reads it per request, and it counts whole seconds anyway.
 */
function wallClock(zone: string): () => number {
  let second = NaN;
  let wall = 0;
  return () => {
    const ms = Date.now();
    const s = Math.floor(ms / 1000);
    if (s !== second) {
      second = s;
      wall = wallNow(zone, ms);
    }
    return wall;
  };
}
