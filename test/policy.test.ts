// The contact policy's decision function as scenario tables: one row per rule, then the window
// edges (midnight, Monday, month end, a sliding window's boundary) in the operator's wall clock.
import { describe, expect, it } from 'vitest';
import { arbitrate, type Candidate } from '../src/policy/arbitration.ts';
import { wallNow, wallSeconds, wallText, weekStart, windowSpan } from '../src/policy/clock.ts';
import { checkContact, compilePolicy } from '../src/policy/decide.ts';
import { openPolicy } from './policy-builders.ts';
import { type ContactPolicy, type ContactRecord, type DecisionInput, type OfferTerms, type SubscriberState } from '../src/policy/types.ts';

const t = (text: string) => {
  const s = wallSeconds(text);
  if (Number.isNaN(s)) throw new Error(`bad time ${text}`);
  return s;
};

const subscriber = (over: Partial<SubscriberState> = {}): SubscriberState => ({ subscriberId: 1, status: 'active', dnd: false, brand: 'gotone', planId: 'GT88', ...over });
const offer = (over: Partial<OfferTerms> = {}): OfferTerms => ({ campaignId: 7, offerId: 'FETION', productActive: true, brands: null, held: false, wave: null, ...over });
const contact = (at: string, over: Partial<ContactRecord> = {}): ContactRecord => ({
  at: t(at),
  channelId: 'sms_hall',
  kind: 'marketing',
  campaignId: 7,
  offerId: 'FETION',
  waveNo: null,
  accepted: false,
  refused: false,
  ...over,
});

interface Scenario {
  name: string;
  policy?: Partial<ContactPolicy>;
  subscriber?: Partial<SubscriberState>;
  offer?: Partial<OfferTerms>;
  contacts?: ContactRecord[];
  channel?: string;
  at?: string;
  channelToday?: number;
  capacity?: number | null;
  expect: string;
}

function decide(s: Scenario) {
  const input: DecisionInput = {
    subscriber: subscriber(s.subscriber),
    offer: offer(s.offer),
    channelId: s.channel ?? 'sms_hall',
    at: t(s.at ?? '2026-11-25 10:00:00'),
    contacts: s.contacts ?? [],
    channelToday: s.channelToday ?? 0,
    channelCapacity: s.capacity ?? null,
  };
  return checkContact(input, compilePolicy({ ...openPolicy, ...s.policy }));
}

const wave = { waveNo: 1, start: t('2026-11-20 00:00:00'), end: t('2026-11-30 00:00:00'), size: null, used: 0 };

const scenarios: Scenario[] = [
  { name: 'an ordinary customer with no history is allowed', expect: 'allow' },
  { name: 'do-not-disturb excludes', subscriber: { dnd: true }, expect: 'dnd' },
  { name: 'do-not-disturb wins over an abnormal status', subscriber: { dnd: true, status: 'suspended' }, expect: 'dnd' },
  { name: 'a suspended subscriber is excluded', subscriber: { status: 'suspended' }, expect: 'status_suspended' },
  { name: 'a subscriber in arrears is excluded', subscriber: { status: 'arrears' }, expect: 'status_arrears' },
  { name: 'a cancelled subscriber is excluded', subscriber: { status: 'cancelled' }, expect: 'status_cancelled' },
  { name: 'an offer no longer sold is excluded', offer: { productActive: false }, expect: 'offer_inactive' },
  { name: 'a customer already holding the product cannot order it', offer: { held: true }, expect: 'already_holds' },
  { name: 'a product sold to other brands is excluded', offer: { brands: ['mzone'] }, expect: 'brand_not_eligible' },
  { name: 'a product sold to the customer\'s brand is allowed', offer: { brands: ['mzone', 'gotone'] }, expect: 'allow' },
  {
    name: 'a per-channel cap counts only that channel',
    policy: { caps: [{ channel: 'sms_hall', window: { kind: 'day' }, max: 1, counts: 'marketing' }] },
    contacts: [contact('2026-11-25 08:00:00', { channelId: 'outbound' })],
    expect: 'allow',
  },
  {
    name: 'a per-channel cap reached excludes',
    policy: { caps: [{ channel: 'sms_hall', window: { kind: 'day' }, max: 1, counts: 'marketing' }] },
    contacts: [contact('2026-11-25 08:00:00')],
    expect: 'cap_reached',
  },
  {
    name: 'an all-channel cap counts every channel',
    policy: { caps: [{ channel: '*', window: { kind: 'week' }, max: 2, counts: 'marketing' }] },
    contacts: [contact('2026-11-23 08:00:00', { channelId: 'outbound' }), contact('2026-11-24 08:00:00', { channelId: 'app' })],
    expect: 'cap_reached',
  },
  {
    name: 'a marketing cap ignores service contacts',
    policy: { caps: [{ channel: '*', window: { kind: 'day' }, max: 1, counts: 'marketing' }] },
    contacts: [contact('2026-11-25 08:00:00', { kind: 'service', channelId: 'agent' })],
    expect: 'allow',
  },
  {
    name: 'an all-contacts cap counts inbound service contacts and complaints',
    policy: { caps: [{ channel: '*', window: { kind: 'day' }, max: 2, counts: 'all' }] },
    contacts: [contact('2026-11-25 08:00:00', { kind: 'service', channelId: 'agent' }), contact('2026-11-25 09:00:00', { kind: 'complaint', channelId: 'agent' })],
    expect: 'cap_reached',
  },
  {
    name: 'a marketing contact within the minimum interval excludes',
    policy: { minIntervalHours: 4 },
    contacts: [contact('2026-11-25 06:00:01', { channelId: 'app' })],
    expect: 'min_interval',
  },
  { name: 'a contact exactly the minimum interval ago is allowed', policy: { minIntervalHours: 4 }, contacts: [contact('2026-11-25 06:00:00')], expect: 'allow' },
  {
    name: 'a per-channel interval applies to that channel\'s own contacts',
    policy: { minIntervalHoursPerChannel: { outbound: 72 } },
    channel: 'outbound',
    contacts: [contact('2026-11-23 10:00:01', { channelId: 'outbound' })],
    expect: 'min_interval',
  },
  {
    name: 'a per-channel interval ignores other channels',
    policy: { minIntervalHoursPerChannel: { outbound: 72 } },
    channel: 'outbound',
    contacts: [contact('2026-11-24 10:00:00', { channelId: 'app' })],
    expect: 'allow',
  },
  { name: 'an accepted offer is not offered again', policy: { stopAfterAcceptance: true }, contacts: [contact('2026-10-01 10:00:00', { accepted: true })], expect: 'accepted_before' },
  {
    name: 'acceptance of another offer does not stop this one',
    policy: { stopAfterAcceptance: true },
    contacts: [contact('2026-10-01 10:00:00', { accepted: true, offerId: 'MAIL139' })],
    expect: 'allow',
  },
  {
    name: 'N refusals of the same offer stop it',
    policy: { maxRefusals: 2 },
    contacts: [contact('2026-10-01 10:00:00', { refused: true }), contact('2026-10-20 10:00:00', { refused: true, channelId: 'outbound' })],
    expect: 'refused_limit',
  },
  { name: 'fewer than N refusals do not', policy: { maxRefusals: 2 }, contacts: [contact('2026-10-01 10:00:00', { refused: true })], expect: 'allow' },
  {
    name: 'refusals older than the lookback are forgotten',
    policy: { maxRefusals: 1, stopLookbackDays: 30 },
    contacts: [contact('2026-10-25 10:00:00', { refused: true })],
    expect: 'allow',
  },
  { name: 'quiet hours of the channel exclude', policy: { quietHours: [{ channel: 'outbound', from: '21:00', to: '09:00' }] }, channel: 'outbound', at: '2026-11-25 22:30:00', expect: 'quiet_hours' },
  { name: 'quiet hours of another channel do not', policy: { quietHours: [{ channel: 'outbound', from: '21:00', to: '09:00' }] }, channel: 'app', at: '2026-11-25 22:30:00', expect: 'allow' },
  { name: 'a moment outside the wave is excluded', offer: { wave }, at: '2026-11-30 00:00:00', expect: 'outside_wave' },
  {
    name: 'a second contact of the campaign in one wave is excluded',
    policy: { maxContactsPerWave: 1 },
    offer: { wave },
    contacts: [contact('2026-11-21 10:00:00', { channelId: 'outbound' })],
    expect: 'wave_limit',
  },
  { name: 'a full wave is excluded', offer: { wave: { ...wave, size: 100, used: 100 } }, expect: 'wave_limit' },
  { name: 'a channel at its daily capacity is excluded', channelToday: 20_000, capacity: 20_000, expect: 'channel_capacity' },
  { name: 'a channel below its capacity is allowed', channelToday: 19_999, capacity: 20_000, expect: 'allow' },
  { name: 'a complaint within D days excludes', policy: { complaintQuietDays: 14 }, contacts: [contact('2026-11-20 10:00:00', { kind: 'complaint', channelId: 'agent' })], expect: 'complained_recently' },
  { name: 'a complaint D days ago no longer does', policy: { complaintQuietDays: 14 }, contacts: [contact('2026-11-11 10:00:00', { kind: 'complaint', channelId: 'agent' })], expect: 'allow' },
  {
    name: 'the first rule in order is the one reported (cap before quiet hours before capacity)',
    policy: { caps: [{ channel: '*', window: { kind: 'day' }, max: 1, counts: 'marketing' }], quietHours: [{ channel: '*', from: '00:00', to: '23:59' }] },
    contacts: [contact('2026-11-25 08:00:00')],
    channelToday: 5,
    capacity: 5,
    expect: 'cap_reached',
  },
];

describe('checkContact, rule by rule', () => {
  it.each(scenarios)('$name', (s) => {
    const verdict = decide(s);
    expect(verdict.allowed ? 'allow' : verdict.reason).toBe(s.expect);
  });

  it('names the cap that was reached', () => {
    const v = decide(scenarios.find((s) => s.name === 'an all-channel cap counts every channel')!);
    expect(v).toEqual({ allowed: false, reason: 'cap_reached', detail: 'all channels: 2 marketing contacts in the week (cap 2)' });
  });
});

describe('window edges in the operator\'s wall clock', () => {
  const capOf = (window: ContactPolicy['caps'][number]['window']) => ({ caps: [{ channel: '*', window, max: 1, counts: 'marketing' as const }] });
  const edge = (window: ContactPolicy['caps'][number]['window'], contactAt: string, at: string) =>
    decide({ name: '', policy: capOf(window), contacts: [contact(contactAt)], at, expect: '' }).allowed;

  it('a day starts at midnight', () => {
    expect(edge({ kind: 'day' }, '2026-11-24 23:59:59', '2026-11-25 00:00:00')).toBe(true);
    expect(edge({ kind: 'day' }, '2026-11-25 00:00:00', '2026-11-25 23:59:59')).toBe(false);
  });

  it('a week starts on Monday at midnight', () => {
    expect(wallText(weekStart(t('2026-11-25 10:00:00')))).toBe('2026-11-23 00:00:00');
    expect(wallText(weekStart(t('2026-11-29 23:59:59')))).toBe('2026-11-23 00:00:00');
    expect(edge({ kind: 'week' }, '2026-11-29 23:59:59', '2026-11-30 00:00:00')).toBe(true);
    expect(edge({ kind: 'week' }, '2026-11-23 00:00:00', '2026-11-29 23:59:59')).toBe(false);
  });

  it('a month ends on its last day at midnight, February of a leap year included', () => {
    expect(edge({ kind: 'month' }, '2026-11-30 23:59:59', '2026-12-01 00:00:00')).toBe(true);
    expect(edge({ kind: 'month' }, '2026-11-01 00:00:00', '2026-11-30 23:59:59')).toBe(false);
    expect(edge({ kind: 'month' }, '2028-02-29 12:00:00', '2028-03-01 00:00:00')).toBe(true);
    expect(edge({ kind: 'month' }, '2028-02-01 00:00:00', '2028-02-29 23:59:59')).toBe(false);
    expect(windowSpan({ kind: 'month' }, t('2026-12-31 23:59:59'))).toEqual({ from: t('2026-12-01 00:00:00'), to: t('2027-01-01 00:00:00') });
  });

  it('a sliding window of N days forgets a contact exactly N days later', () => {
    expect(edge({ kind: 'sliding', days: 7 }, '2026-11-18 10:00:00', '2026-11-25 10:00:00')).toBe(true);
    expect(edge({ kind: 'sliding', days: 7 }, '2026-11-18 10:00:01', '2026-11-25 10:00:00')).toBe(false);
  });

  it('quiet hours wrap midnight: 21:00 is quiet, 09:00 is not', () => {
    const at = (time: string) => decide({ name: '', policy: { quietHours: [{ channel: 'outbound', from: '21:00', to: '09:00' }] }, channel: 'outbound', at: `2026-11-25 ${time}`, expect: '' }).allowed;
    expect([at('20:59:59'), at('21:00:00'), at('00:00:00'), at('08:59:59'), at('09:00:00')]).toEqual([true, false, false, false, true]);
  });

  it('reads "now" in the operator\'s zone: 16:00 UTC is the next day in Shanghai', () => {
    expect(wallText(wallNow('Asia/Shanghai', Date.UTC(2026, 10, 24, 16, 0, 0)))).toBe('2026-11-25 00:00:00');
    expect(wallText(wallNow('Asia/Shanghai', Date.UTC(2026, 10, 30, 15, 59, 59)))).toBe('2026-11-30 23:59:59');
    expect(wallText(wallNow('America/New_York', Date.UTC(2026, 6, 1, 3, 30, 0)))).toBe('2026-06-30 23:30:00');
  });

  it('refuses impossible times', () => {
    expect(wallSeconds('2026-02-30 10:00:00')).toBeNaN();
    expect(wallSeconds('2026-11-25 24:00:00')).toBeNaN();
    expect(wallSeconds('yesterday')).toBeNaN();
  });
});

describe('arbitration', () => {
  const candidate = (offerId: string, propensity: number, value: number, lever = 1): Candidate => ({
    campaignId: 1,
    offerId,
    script: null,
    terms: offer({ offerId }),
    factors: { propensity, propensitySource: 'default', contextWeight: 1, value, valueSource: 'margin', lever },
  });

  it('ranks by propensity × context × value × lever and explains who won and why the others were dropped', () => {
    const result = arbitrate([candidate('A', 0.2, 10), candidate('B', 0.5, 10), candidate('C', 0.9, 10, 0.1)], 1, () => ({ allowed: true }));
    expect(result.ranked.map((r) => [r.offerId, r.priority, r.outcome, r.reason])).toEqual([
      ['B', 5, 'offered', null],
      ['A', 2, 'dropped', 'lower_priority'],
      ['C', 0.9, 'dropped', 'lower_priority'],
    ]);
    expect(result.explanation).toContain('Offered #1 B (campaign 1): priority 5 = propensity 0.5');
  });

  it('passes over an offer the policy excludes to the next one', () => {
    const result = arbitrate([candidate('A', 0.2, 10), candidate('B', 0.5, 10)], 1, (c) =>
      c.offerId === 'B' ? { allowed: false, reason: 'already_holds', detail: 'has B' } : { allowed: true },
    );
    expect(result.offered.map((o) => o.offerId)).toEqual(['A']);
    expect(result.ranked[0]).toMatchObject({ offerId: 'B', outcome: 'dropped', reason: 'already_holds' });
  });
});
