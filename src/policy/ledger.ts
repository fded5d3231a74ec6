// The in-memory contact ledger: every subscriber's contacts within the policy's horizon, so a
// decision reads them without a query. History from contact_events is loaded once into flat typed
// arrays sorted by subscriber (a few bytes a contact); contacts made since — reservations, wave
// lists, channel feedback — are small per-subscriber arrays. Counters of marketing contacts per
// channel and day, and per campaign wave, answer the capacity rules.
import type { ContactFact } from './contacts.ts';
import { dayNumber } from './clock.ts';
import { sortedIndexOf } from './history.ts';
import type { ContactKind, ContactRecord } from './types.ts';

export interface LiveContact extends ContactRecord {
  subscriberId: number;
  /** the decision (real-time) or 'wave:<campaign>:<wave>' (wave list) that reserved it */
  decisionId: string | null;
  /** pending: reserved, counts until expiresAt; confirmed: the channel reported it happened */
  state: 'pending' | 'confirmed';
  expiresAt: number;
}

/** History columns, sorted by subscriber then time. */
export interface LedgerHistory {
  subscriberIds: Int32Array;
  at: Int32Array;
  channel: Uint8Array;
  kind: Uint8Array;
  /** index into offers, or -1 */
  offer: Int32Array;
  /** campaign id, or -1 */
  campaign: Int32Array;
  /** 1 accepted, 2 refused */
  flags: Uint8Array;
  channels: string[];
  offers: string[];
}

const kinds: ContactKind[] = ['marketing', 'service', 'complaint'];
export const kindCode = (kind: ContactKind) => kinds.indexOf(kind);

/** What a fact did to a reservation, for the caller to persist. */
export interface ReservationChange {
  decisionId: string;
  subscriberId: number;
  status: 'confirmed' | 'released';
}

const marketingOutcomes = new Set(['delivered', 'shown', 'viewed', 'accepted', 'refused', 'ordered']);

export class ContactLedger {
  private ids: Int32Array;
  private starts: Int32Array;
  private readonly live = new Map<number, LiveContact[]>();
  /** channel → day number → marketing contacts; campaign → wave → contacts (numeric keys: no string per check) */
  private readonly channelDay = new Map<string, Map<number, number>>();
  private readonly waveUse = new Map<number, Map<number, number>>();

  constructor(
    private history: LedgerHistory,
    /** days a feedback fact without a decision id looks back for the contact it reports on */
    private matchDays: number,
  ) {
    // CSR index: unique subscriber ids and where each one's rows start
    const n = history.subscriberIds.length;
    const ids: number[] = [];
    const starts: number[] = [];
    for (let i = 0; i < n; i++) {
      if (i === 0 || history.subscriberIds[i] !== history.subscriberIds[i - 1]) {
        ids.push(history.subscriberIds[i]!);
        starts.push(i);
      }
      if (history.kind[i] === 0) this.bump(this.channelDay, history.channels[history.channel[i]!]!, dayNumber(history.at[i]!), 1);
    }
    starts.push(n);
    this.ids = Int32Array.from(ids);
    this.starts = Int32Array.from(starts);
  }

  setMatchDays(days: number): void {
    this.matchDays = days;
  }

  private bump<K>(map: Map<K, Map<number, number>>, outer: K, inner: number, by: number): void {
    let m = map.get(outer);
    if (!m) map.set(outer, (m = new Map()));
    const next = (m.get(inner) ?? 0) + by;
    if (next <= 0) m.delete(inner);
    else m.set(inner, next);
  }

  private slot(subscriberId: number): number {
    return sortedIndexOf(this.ids, subscriberId);
  }

  /** The subscriber's contacts that count at `at`: history, confirmed ones, and reservations not yet expired. */
  contactsOf(subscriberId: number, at: number): ContactRecord[] {
    const out: ContactRecord[] = [];
    const s = this.slot(subscriberId);
    if (s >= 0) {
      const h = this.history;
      for (let i = this.starts[s]!; i < this.starts[s + 1]!; i++) {
        const offer = h.offer[i]!;
        const campaign = h.campaign[i]!;
        out.push({
          at: h.at[i]!,
          channelId: h.channels[h.channel[i]!]!,
          kind: kinds[h.kind[i]!]!,
          campaignId: campaign < 0 ? null : campaign,
          offerId: offer < 0 ? null : h.offers[offer]!,
          waveNo: null,
          accepted: h.flags[i] === 1,
          refused: h.flags[i] === 2,
        });
      }
    }
    for (const c of this.live.get(subscriberId) ?? []) if (c.state === 'confirmed' || c.expiresAt > at) out.push(c);
    return out;
  }

  /** Marketing contacts the channel carries on the day of `at`. */
  channelToday(channelId: string, at: number): number {
    return this.channelDay.get(channelId)?.get(dayNumber(at)) ?? 0;
  }

  /** Contacts reserved or listed in a campaign wave. */
  waveUsed(campaignId: number, waveNo: number): number {
    return this.waveUse.get(campaignId)?.get(waveNo) ?? 0;
  }

  private count(c: LiveContact, by: 1 | -1): void {
    if (c.kind !== 'marketing') return;
    this.bump(this.channelDay, c.channelId, dayNumber(c.at), by);
    if (c.campaignId !== null && c.waveNo !== null) this.bump(this.waveUse, c.campaignId, c.waveNo, by);
  }

  /** Adds a contact (a reservation, a listed wave row, or reported feedback). */
  add(contact: LiveContact): void {
    let list = this.live.get(contact.subscriberId);
    if (!list) this.live.set(contact.subscriberId, (list = []));
    list.push(contact);
    this.count(contact, 1);
  }

  private remove(subscriberId: number, contact: LiveContact): void {
    const list = this.live.get(subscriberId);
    if (!list) return;
    const i = list.indexOf(contact);
    if (i < 0) return;
    list.splice(i, 1);
    if (list.length === 0) this.live.delete(subscriberId);
    this.count(contact, -1);
  }

  /** The reservation of a decision (for one of its offers), if it still holds. */
  findReservation(subscriberId: number, decisionId: string, offerId: string | null = null): LiveContact | undefined {
    return this.live.get(subscriberId)?.find((c) => c.decisionId === decisionId && (offerId === null || c.offerId === offerId));
  }

  /** The live contact a feedback fact reports on: by decision id, else the latest on the same channel and offer (or campaign). */
  private match(fact: ContactFact, at: number): LiveContact | undefined {
    const list = this.live.get(fact.subscriberId);
    if (!list) return undefined;
    const decisionId = fact.decisionId ?? (fact.outcome === 'released' || fact.outcome === 'reserved' ? fact.eventId : null);
    if (decisionId) {
      const byId = list.find((c) => c.decisionId === decisionId && (fact.offerId === null || c.offerId === fact.offerId));
      if (byId) return byId;
    }
    const since = at - this.matchDays * 86_400;
    for (let i = list.length - 1; i >= 0; i--) {
      const c = list[i]!;
      if (c.kind !== 'marketing' || c.channelId !== fact.channelId || c.at < since || c.at > at + 60) continue;
      if (fact.offerId !== null ? c.offerId === fact.offerId : fact.campaignId !== null && c.campaignId === fact.campaignId) return c;
    }
    return undefined;
  }

  /** Applies committed contact facts; returns the reservations they confirmed or released. */
  apply(facts: readonly (ContactFact & { atSeconds: number })[]): ReservationChange[] {
    const changes: ReservationChange[] = [];
    for (const fact of facts) {
      const at = fact.atSeconds;
      if (!Number.isFinite(at)) continue;
      const base = { subscriberId: fact.subscriberId, at, channelId: fact.channelId, campaignId: fact.campaignId, offerId: fact.offerId, waveNo: null, accepted: false, refused: false };
      switch (fact.outcome) {
        case 'reserved': {
          // the engine adds its reservations itself, under the subscriber's lock; others are added here
          const id = fact.decisionId ?? fact.eventId;
          if (id && this.findReservation(fact.subscriberId, id)) break;
          this.add({ ...base, kind: 'marketing', decisionId: id, state: 'pending', expiresAt: Number.POSITIVE_INFINITY });
          break;
        }
        case 'released':
        case 'not_shown':
        case 'failed': {
          const c = this.match(fact, at);
          if (c && c.state === 'pending') {
            this.remove(fact.subscriberId, c);
            if (c.decisionId) changes.push({ decisionId: c.decisionId, subscriberId: fact.subscriberId, status: 'released' });
          }
          break;
        }
        case 'service':
        case 'complaint':
          this.add({ ...base, kind: fact.outcome, decisionId: null, state: 'confirmed', expiresAt: Number.POSITIVE_INFINITY });
          break;
        default: {
          if (!marketingOutcomes.has(fact.outcome)) break;
          const accepted = fact.outcome === 'accepted' || fact.outcome === 'ordered';
          const refused = fact.outcome === 'refused';
          const c = this.match(fact, at);
          if (c) {
            if (c.state === 'pending' && c.decisionId) changes.push({ decisionId: c.decisionId, subscriberId: fact.subscriberId, status: 'confirmed' });
            c.state = 'confirmed';
            c.expiresAt = Number.POSITIVE_INFINITY;
            c.accepted ||= accepted;
            c.refused ||= refused;
            if (fact.offerId && !c.offerId) c.offerId = fact.offerId;
          } else {
            this.add({ ...base, kind: 'marketing', decisionId: null, state: 'confirmed', expiresAt: Number.POSITIVE_INFINITY, accepted, refused });
          }
        }
      }
    }
    return changes;
  }

  /** Swaps in a reloaded history (the policy's horizon grew), keeping the live contacts. */
  replaceHistory(history: LedgerHistory): void {
    const live = [...this.live.values()].flat();
    const fresh = new ContactLedger(history, this.matchDays);
    for (const c of live) fresh.add(c);
    Object.assign(this, { history, ids: fresh.ids, starts: fresh.starts });
    this.live.clear();
    this.channelDay.clear();
    this.waveUse.clear();
    for (const [k, v] of fresh.live) this.live.set(k, v);
    for (const [k, v] of fresh.channelDay) this.channelDay.set(k, v);
    for (const [k, v] of fresh.waveUse) this.waveUse.set(k, v);
  }

  /** Drops pending reservations whose time ran out; returns their decision ids. */
  expire(now: number): string[] {
    const expired: string[] = [];
    for (const [subscriberId, list] of this.live) {
      for (const c of [...list]) {
        if (c.state === 'pending' && c.expiresAt <= now) {
          this.remove(subscriberId, c);
          if (c.decisionId) expired.push(c.decisionId);
        }
      }
    }
    return expired;
  }

  get size(): { historyContacts: number; liveSubscribers: number } {
    return { historyContacts: this.history.at.length, liveSubscribers: this.live.size };
  }
}

