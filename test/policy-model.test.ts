// Model-based test of the contact policy under concurrency: fast-check drives random interleavings
// of real-time decisions on several channels (run together with Promise.all), channel feedback
// (shown, accepted, refused, not shown), inbound complaints and service contacts, and the clock.
// The test keeps its own log of what happened and checks it, independently of the engine, against
// every rule: caps, minimum intervals, do-not-disturb, stop after acceptance or refusals, recent
// complaints and quiet hours.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, dayStart, monthStart, wallText, weekStart } from '../src/policy/clock.ts';
import { publishContacts } from '../src/policy/contacts.ts';
import { stopPolicyEngine } from '../src/policy/engine.ts';
import type { ContactPolicy } from '../src/policy/types.ts';
import type { Store } from '../src/store/store.ts';
import { tempStore } from './builders.ts';
import { at, eChannelPlan, openPolicy, policyWorld, type PolicyWorld } from './policy-builders.ts';

const HOUR = 3600;
const policy: ContactPolicy = {
  ...openPolicy,
  caps: [
    { channel: '*', window: { kind: 'day' }, max: 2, counts: 'marketing' },
    { channel: '*', window: { kind: 'week' }, max: 4, counts: 'marketing' },
    { channel: '*', window: { kind: 'month' }, max: 6, counts: 'marketing' },
    { channel: 'app', window: { kind: 'sliding', days: 2 }, max: 1, counts: 'marketing' },
    { channel: '*', window: { kind: 'day' }, max: 3, counts: 'all' },
  ],
  minIntervalHours: 1,
  minIntervalHoursPerChannel: { web: 3 },
  stopAfterAcceptance: true,
  maxRefusals: 2,
  stopLookbackDays: 30,
  complaintQuietDays: 2,
  quietHours: [{ channel: 'store', from: '20:00', to: '08:00' }],
  reservationTimeoutSeconds: 3 * HOUR,
  maxOffersPerDecision: 2,
};

type Command =
  | { kind: 'decide'; requests: Array<{ who: number; channel: 'app' | 'web' | 'store' }> }
  | { kind: 'feedback'; pick: number; outcome: 'shown' | 'accepted' | 'refused' | 'not_shown' }
  | { kind: 'inbound'; who: number; outcome: 'complaint' | 'service' }
  | { kind: 'wait'; seconds: number };

const channels = ['app', 'web', 'store'] as const;
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('decide' as const), requests: fc.array(fc.record({ who: fc.nat(4), channel: fc.constantFrom(...channels) }), { minLength: 1, maxLength: 4 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('feedback' as const), pick: fc.nat(), outcome: fc.constantFrom('shown' as const, 'accepted' as const, 'refused' as const, 'not_shown' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('inbound' as const), who: fc.nat(4), outcome: fc.constantFrom('complaint' as const, 'service' as const) }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('wait' as const), seconds: fc.oneof(fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 5 * HOUR }), fc.integer({ min: 0, max: 40 * HOUR })) }),
  },
);

/** One thing that happened to a customer, in the test's own log. */
interface Event {
  seq: number;
  who: number;
  at: number;
  kind: 'marketing' | 'complaint' | 'service';
  channel: string;
  offerId: string | null;
  decisionId: string | null;
  state: 'pending' | 'confirmed' | 'released';
  expiresAt: number;
  accepted: boolean;
  refusedSeq: number | null;
  acceptedSeq: number | null;
}

let store: Store;
let world: PolicyWorld;
let pool: number[];
let dndTarget: number;

beforeAll(async () => {
  store = await tempStore('policy-model');
  world = await policyWorld(store, {
    plan: eChannelPlan({
      offers: [
        { productId: 'FETION', scripts: { app: 'a', web: 'w', store: 's' } },
        { productId: 'MAIL139', scripts: { app: 'a', web: 'w', store: 's' } },
      ],
      channels: [{ channelId: 'app' }, { channelId: 'web' }, { channelId: 'store' }],
    }),
  });
  // a target who asked not to be disturbed after the campaign chose its targets
  dndTarget = world.targets[4]!;
  await store.run('UPDATE subscribers SET dnd = true WHERE subscriber_id = $id', { id: dndTarget });
  pool = world.targets.slice(0, 5);
  await world.setPolicy(policy);
});

afterAll(async () => {
  await stopPolicyEngine(store);
  await world?.client.app.close();
  await store?.close();
});

function inQuiet(t: number): boolean {
  const s = ((t % DAY) + DAY) % DAY;
  return s >= 20 * HOUR || s < 8 * HOUR;
}

/** Every rule, checked on the log; returns the first violation found. */
function violations(log: Event[], now: number): string[] {
  const found: string[] = [];
  // what counts at the end: confirmed contacts, and reservations neither released nor timed out
  const live = log.filter((e) => e.kind !== 'marketing' || e.state === 'confirmed' || (e.state === 'pending' && e.expiresAt > now));
  const marketing = live.filter((e) => e.kind === 'marketing');
  for (const who of new Set(log.map((e) => e.who))) {
    const mine = marketing.filter((e) => e.who === who);
    if (who === dndTarget && mine.length) found.push(`do-not-disturb customer ${who} contacted`);
    const calendar = { day: dayStart, week: weekStart, month: monthStart } as const;
    for (const cap of policy.caps.filter((c) => c.counts === 'marketing')) {
      const scoped = mine.filter((e) => cap.channel === '*' || e.channel === cap.channel);
      if (cap.window.kind === 'sliding') {
        const span = cap.window.days * DAY;
        for (const e of scoped) {
          const n = scoped.filter((o) => o.at >= e.at && o.at < e.at + span).length;
          if (n > cap.max) found.push(`${who}: ${n} contacts on ${cap.channel} within ${cap.window.days} days from ${wallText(e.at)}`);
        }
      } else {
        const start = calendar[cap.window.kind];
        const counts = new Map<number, number>();
        for (const e of scoped) counts.set(start(e.at), (counts.get(start(e.at)) ?? 0) + 1);
        for (const [w, n] of counts) if (n > cap.max) found.push(`${who}: ${n} contacts in the ${cap.window.kind} from ${wallText(w)} (cap ${cap.max})`);
      }
    }
    // the all-contacts day cap: when a batch of decisions ran, what was known then stays within it
    const everything = live.filter((e) => e.who === who);
    for (const c of mine) {
      const known = everything.filter((e) => e.seq <= c.seq && dayStart(e.at) === dayStart(c.at)).length;
      if (known > 3) found.push(`${who}: ${known} contacts of any kind on ${wallText(dayStart(c.at)).slice(0, 10)} when deciding at ${wallText(c.at)}`);
    }
    for (const a of mine) {
      for (const b of mine) {
        if (a === b || b.at < a.at) continue;
        if (b.at - a.at < policy.minIntervalHours * HOUR) found.push(`${who}: contacts ${wallText(a.at)} and ${wallText(b.at)} closer than the minimum interval`);
        if (a.channel === 'web' && b.channel === 'web' && b.at - a.at < 3 * HOUR) found.push(`${who}: web contacts ${wallText(a.at)} and ${wallText(b.at)} closer than 3 h`);
      }
    }
    for (const c of mine) {
      if (c.channel === 'store' && inQuiet(c.at)) found.push(`${who}: store contact in quiet hours at ${wallText(c.at)}`);
      const sameOffer = log.filter((e) => e.who === who && e.offerId === c.offerId && e.at > c.at - 30 * DAY);
      if (sameOffer.some((e) => e.acceptedSeq !== null && e.acceptedSeq < c.seq)) found.push(`${who}: ${c.offerId} offered at ${wallText(c.at)} after it was accepted`);
      if (sameOffer.filter((e) => e.refusedSeq !== null && e.refusedSeq < c.seq).length >= policy.maxRefusals) found.push(`${who}: ${c.offerId} offered at ${wallText(c.at)} after ${policy.maxRefusals} refusals`);
      const complaint = log.find((e) => e.who === who && e.kind === 'complaint' && e.seq < c.seq && e.at > c.at - 2 * DAY && e.at <= c.at);
      if (complaint) found.push(`${who}: marketed at ${wallText(c.at)} after a complaint at ${wallText(complaint.at)}`);
    }
  }
  return found;
}

describe('the contact policy under random interleavings of decisions and feedback', () => {
  it('never breaks a cap, an interval, do-not-disturb, a stop rule, a complaint pause or quiet hours', async () => {
    let offersMade = 0;
    let refusedByPolicy = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 45 }), async (commands) => {
        await stopPolicyEngine(store);
        await store.run('DELETE FROM policy_reservations');
        await store.run('DELETE FROM contact_events');
        world.clock.now = at('2026-11-03 07:00:00');
        const engine = await world.restart();
        const log: Event[] = [];
        let seq = 0;
        for (const cmd of commands) {
          seq++;
          if (cmd.kind === 'wait') {
            world.clock.now += cmd.seconds;
          } else if (cmd.kind === 'decide') {
            const answers = await Promise.all(cmd.requests.map((r) => engine.decide({ subscriberId: pool[r.who]!, channelId: r.channel })));
            for (const a of answers) {
              if (a.offers.length === 0) refusedByPolicy++;
              for (const o of a.offers) {
                offersMade++;
                log.push({ seq, who: a.subscriberId, at: world.clock.now, kind: 'marketing', channel: a.channelId, offerId: o.offerId, decisionId: a.decisionId, state: 'pending', expiresAt: world.clock.now + policy.reservationTimeoutSeconds, accepted: false, refusedSeq: null, acceptedSeq: null });
              }
            }
          } else if (cmd.kind === 'feedback') {
            // a channel reports only on an offer it still holds (not released, not timed out)
            const open = log.filter((e) => e.kind === 'marketing' && e.state !== 'released' && (e.state === 'confirmed' || e.expiresAt > world.clock.now) && e.acceptedSeq === null && e.refusedSeq === null);
            const e = open[cmd.pick % Math.max(open.length, 1)];
            if (!e) continue;
            if (cmd.outcome === 'not_shown' && e.state === 'confirmed') continue;
            publishContacts(store, [{ subscriberId: e.who, channelId: e.channel, at: wallText(world.clock.now), outcome: cmd.outcome, campaignId: world.campaignId, offerId: e.offerId, eventId: `f${seq}`, decisionId: e.decisionId }]);
            if (cmd.outcome === 'not_shown') e.state = 'released';
            else e.state = 'confirmed';
            if (cmd.outcome === 'accepted') e.acceptedSeq = seq;
            if (cmd.outcome === 'refused') e.refusedSeq = seq;
          } else {
            const who = pool[cmd.who]!;
            publishContacts(store, [{ subscriberId: who, channelId: 'agent', at: wallText(world.clock.now), outcome: cmd.outcome, campaignId: null, offerId: null, eventId: `i${seq}` }]);
            log.push({ seq, who, at: world.clock.now, kind: cmd.outcome, channel: 'agent', offerId: null, decisionId: null, state: 'confirmed', expiresAt: Infinity, accepted: false, refusedSeq: null, acceptedSeq: null });
          }
        }
        expect(violations(log, world.clock.now)).toEqual([]);
      }),
      { numRuns: 30, seed: 20261125 },
    );
    // the runs exercised both sides: offers were made, and the policy refused some
    expect(offersMade).toBeGreaterThan(50);
    expect(refusedByPolicy).toBeGreaterThan(20);
  });

  it('the checker itself catches a breach (a second contact the same hour)', () => {
    const base = { who: pool[0]!, kind: 'marketing' as const, channel: 'app', offerId: 'FETION', decisionId: null, state: 'confirmed' as const, expiresAt: Infinity, accepted: false, refusedSeq: null, acceptedSeq: null };
    const t0 = at('2026-11-03 10:00:00');
    expect(violations([{ ...base, seq: 1, at: t0 }, { ...base, seq: 2, at: t0 + 60, channel: 'web' }], t0 + 120)).toContain(
      `${pool[0]}: contacts 2026-11-03 10:00:00 and 2026-11-03 10:01:00 closer than the minimum interval`,
    );
  });
});
