// The one stream of contact facts the contact policy counts. Whoever commits a contact — channel
// feedback (HTTP batch or file), campaign outcomes, an import of contact records — publishes the
// committed facts here; the policy's in-memory ledger subscribes, so caps, intervals and stop rules
// see every contact at once. Publish only after the transaction that stored the facts committed.
import type { Store } from '../store/store.ts';

export const contactOutcomes = ['reserved', 'released', 'delivered', 'shown', 'not_shown', 'viewed', 'accepted', 'refused', 'ordered', 'failed', 'service', 'complaint'] as const;
export type ContactOutcome = (typeof contactOutcomes)[number];

export interface ContactFact {
  subscriberId: number;
  channelId: string;
  /** Operator-local time, 'YYYY-MM-DD HH:MM:SS'. */
  at: string;
  outcome: ContactOutcome;
  campaignId: number | null;
  offerId: string | null;
  /** The channel's event id (feedback) or the decision id (reservations), when there is one. */
  eventId: string | null;
  /**
   * The real-time decision (POST /api/decide answers with its id) this fact reports on, when the
   * channel sends it back: the policy's ledger then confirms or releases exactly that reservation.
   * Without it, feedback is matched to the latest reservation of the same channel and offer.
   */
  decisionId?: string | null;
}

export type ContactListener = (facts: readonly ContactFact[]) => void;

const listeners = new WeakMap<Store, Set<ContactListener>>();

/** Subscribes to the committed contact facts of one store; returns the unsubscribe function. */
export function onContacts(store: Store, listener: ContactListener): () => void {
  let set = listeners.get(store);
  if (!set) listeners.set(store, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

/** Tells the subscribers about facts that have just been committed. */
export function publishContacts(store: Store, facts: readonly ContactFact[]): void {
  if (facts.length === 0) return;
  for (const listener of listeners.get(store) ?? []) listener(facts);
}
