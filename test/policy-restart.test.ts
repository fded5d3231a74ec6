// The policy engine after the province is replaced wholesale (demo generation): nothing announces
// the new contacts, so the engine is started afresh and reads them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wallSeconds } from '../src/policy/clock.ts';
import { policyEngine, restartPolicyEngine, stopPolicyEngine } from '../src/policy/engine.ts';
import type { Store } from '../src/store/store.ts';
import { addCity, addPlan, addSubscriber, tempStore } from './builders.ts';

let store: Store;

beforeAll(async () => {
  store = await tempStore('policy-restart');
});
afterAll(async () => {
  await stopPolicyEngine(store);
  await store?.close();
});

describe('restarting the policy engine', () => {
  it('reads the subscribers and contact history of a province written behind its back', async () => {
    const now = wallSeconds('2026-10-31 12:00:00');
    const before = await policyEngine(store, { clock: () => now });
    await addCity(store);
    await addPlan(store);
    await addSubscriber(store, { subscriber_id: 7, msisdn: '13800000007' });
    await store.run(`INSERT INTO contact_events (subscriber_id, event_time, channel_id, event_type, business, outcome)
      VALUES (7, '2026-10-30 09:00:00', 'agent', 'complaint', 'bill_dispute', 'unresolved')`);
    expect(before.ledger.contactsOf(7, now)).toHaveLength(0);

    const after = await restartPolicyEngine(store, { clock: () => now });
    expect(after).not.toBe(before);
    expect(after.directory.cached(7)).toMatchObject({ subscriberId: 7, status: 'active' });
    expect(after.ledger.contactsOf(7, now)).toEqual([expect.objectContaining({ kind: 'complaint', channelId: 'agent' })]);
  });
});
