// The contact policy's front door: the policy document a planner edits (TypeBox, stored versioned
// in contact_policy), the exclusion reason codes in the order they are checked, and the shapes the
// one decision function reads. Times are seconds of the operator's wall clock (see clock.ts).
import { Type, type Static } from '@sinclair/typebox';

/** Exclusion reasons, in the order the decision checks them; the first that applies is reported. */
export const policyReasons = [
  'dnd',
  'status_suspended',
  'status_arrears',
  'status_cancelled',
  'offer_inactive',
  'already_holds',
  'brand_not_eligible',
  'cap_reached',
  'min_interval',
  'accepted_before',
  'refused_limit',
  'quiet_hours',
  'outside_wave',
  'wave_limit',
  'channel_capacity',
  'complained_recently',
] as const;
export type PolicyReason = (typeof policyReasons)[number];

const ChannelScope = Type.String({ minLength: 1, maxLength: 32, description: 'a channel id, or "*" for all channels together' });
const Clock = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'HH:MM, operator time zone' });

export const CapWindow = Type.Union([
  Type.Object({ kind: Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')]) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('sliding'), days: Type.Integer({ minimum: 1, maximum: 366 }) }, { additionalProperties: false }),
]);
export type CapWindow = Static<typeof CapWindow>;

export const ContactCap = Type.Object(
  {
    channel: ChannelScope,
    window: CapWindow,
    max: Type.Integer({ minimum: 0, maximum: 1000 }),
    /** 'marketing': marketing contacts only; 'all': inbound service contacts and complaints count too. */
    counts: Type.Union([Type.Literal('marketing'), Type.Literal('all')]),
  },
  { additionalProperties: false },
);
export type ContactCap = Static<typeof ContactCap>;

export const QuietHours = Type.Object(
  { channel: ChannelScope, from: Clock, to: Clock },
  { additionalProperties: false, description: 'no marketing from `from` until `to` (wraps midnight when from > to)' },
);

export const ContextWeight = Type.Object(
  {
    /** the context's trigger (e.g. bill_payment, browse_plans) */
    trigger: Type.String({ minLength: 1, maxLength: 64 }),
    /** absent: every offer; otherwise only this product */
    productId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    weight: Type.Number({ minimum: 0, maximum: 100 }),
  },
  { additionalProperties: false },
);

export const ContactPolicy = Type.Object(
  {
    caps: Type.Array(ContactCap, { maxItems: 50 }),
    /** hours between two marketing contacts on any channel; perChannel overrides for a channel's own contacts */
    minIntervalHours: Type.Number({ minimum: 0, maximum: 24 * 90 }),
    minIntervalHoursPerChannel: Type.Record(Type.String({ maxLength: 32 }), Type.Number({ minimum: 0, maximum: 24 * 90 })),
    stopAfterAcceptance: Type.Boolean(),
    /** refusals of the same offer after which it is not offered again (0: never stop) */
    maxRefusals: Type.Integer({ minimum: 0, maximum: 100 }),
    /** how far back acceptances and refusals count */
    stopLookbackDays: Type.Integer({ minimum: 1, maximum: 366 }),
    /** a customer who complained in the last D days is not marketed (0: off) */
    complaintQuietDays: Type.Integer({ minimum: 0, maximum: 366 }),
    quietHours: Type.Array(QuietHours, { maxItems: 50 }),
    /** marketing contacts of one campaign per customer within one wave */
    maxContactsPerWave: Type.Integer({ minimum: 1, maximum: 100 }),
    /** a reserved real-time offer not reported shown is released after this long */
    reservationTimeoutSeconds: Type.Integer({ minimum: 10, maximum: 7 * 86400 }),
    /** feedback without a decision id is matched to a reserved or listed contact this recent (days) */
    feedbackMatchDays: Type.Integer({ minimum: 0, maximum: 60 }),
    /** offers returned by one real-time decision (each is one contact) */
    maxOffersPerDecision: Type.Integer({ minimum: 1, maximum: 10 }),
    /** arbitration: the propensity used when no propensity model scored the customer (0..1) */
    defaultPropensity: Type.Number({ minimum: 0, maximum: 1 }),
    contextWeights: Type.Array(ContextWeight, { maxItems: 200 }),
    /** business levers per product id (default 1) */
    levers: Type.Record(Type.String({ maxLength: 64 }), Type.Number({ minimum: 0, maximum: 100 })),
  },
  { additionalProperties: false },
);
export type ContactPolicy = Static<typeof ContactPolicy>;

/** The province's starting policy: conservative caps, no outbound calls at night. */
export const defaultContactPolicy: ContactPolicy = {
  caps: [
    { channel: '*', window: { kind: 'week' }, max: 3, counts: 'marketing' },
    { channel: '*', window: { kind: 'month' }, max: 6, counts: 'marketing' },
    { channel: '*', window: { kind: 'day' }, max: 6, counts: 'all' },
    { channel: 'outbound', window: { kind: 'sliding', days: 7 }, max: 1, counts: 'marketing' },
    { channel: 'sms_hall', window: { kind: 'day' }, max: 1, counts: 'marketing' },
  ],
  minIntervalHours: 4,
  minIntervalHoursPerChannel: { outbound: 72 },
  stopAfterAcceptance: true,
  maxRefusals: 2,
  stopLookbackDays: 90,
  complaintQuietDays: 14,
  quietHours: [
    { channel: 'outbound', from: '21:00', to: '09:00' },
    { channel: 'sms_hall', from: '22:00', to: '08:00' },
  ],
  maxContactsPerWave: 1,
  reservationTimeoutSeconds: 1800,
  feedbackMatchDays: 7,
  maxOffersPerDecision: 1,
  defaultPropensity: 0.1,
  contextWeights: [{ trigger: 'bill_payment', weight: 1.5 }],
  levers: {},
};

export const StoredPolicy = Type.Object({
  version: Type.Integer(),
  policy: ContactPolicy,
  updatedBy: Type.String(),
  updatedAt: Type.String(),
});
export type StoredPolicy = Static<typeof StoredPolicy>;

/** What kind of contact a ledger entry is: caps with counts='marketing' see only marketing ones. */
export type ContactKind = 'marketing' | 'service' | 'complaint';

/** One contact of a subscriber as the decision sees it (live: not released, not expired). */
export interface ContactRecord {
  /** operator wall-clock seconds */
  at: number;
  channelId: string;
  kind: ContactKind;
  campaignId: number | null;
  offerId: string | null;
  waveNo: number | null;
  accepted: boolean;
  refused: boolean;
}

export interface SubscriberState {
  subscriberId: number;
  status: 'active' | 'suspended' | 'arrears' | 'cancelled';
  dnd: boolean;
  brand: string;
  planId: string;
}

/** An offer of a campaign as the decision needs it. */
export interface OfferTerms {
  campaignId: number;
  offerId: string;
  productActive: boolean;
  /** brands the product may be sold to; null: all */
  brands: readonly string[] | null;
  /** whether the subscriber already holds the product (or is on the plan) */
  held: boolean;
  wave: { waveNo: number; start: number; end: number; size: number | null; used: number } | null;
}

export interface DecisionInput {
  subscriber: SubscriberState;
  offer: OfferTerms;
  channelId: string;
  at: number;
  contacts: readonly ContactRecord[];
  /** marketing contacts on the channel today, and its capacity (null: unbounded) */
  channelToday: number;
  channelCapacity: number | null;
}

export type Verdict = { allowed: true } | { allowed: false; reason: PolicyReason; detail: string };

// HTTP shapes of the decision API and the wave lists (validation and fast serialization).

export const DecideBody = Type.Object(
  {
    subscriber: Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'subscriber id' }),
    channel: Type.String({ minLength: 1, maxLength: 32, description: 'the calling channel; must be the channel of the X-Channel-Key' }),
    context: Type.Optional(
      Type.Object(
        { trigger: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9_]+$', description: 'why the customer is here: bill_payment, browse_plans …' })) },
        {
          additionalProperties: Type.Union([Type.String({ maxLength: 256 }), Type.Number(), Type.Boolean()]),
          maxProperties: 20,
          description: 'what the channel knows of the moment (page, trigger …), at most 2 KB',
        },
      ),
    ),
  },
  { additionalProperties: false },
);
export type DecideBody = Static<typeof DecideBody>;

const Factors = Type.Object({
  propensity: Type.Number(),
  propensitySource: Type.String(),
  contextWeight: Type.Number(),
  value: Type.Number(),
  valueSource: Type.String(),
  lever: Type.Number(),
});

export const DecisionResponse = Type.Object({
  decisionId: Type.String(),
  subscriberId: Type.Integer(),
  channelId: Type.String(),
  at: Type.String(),
  offers: Type.Array(
    Type.Object({
      rank: Type.Integer(),
      campaignId: Type.Integer(),
      campaignName: Type.String(),
      offerId: Type.String(),
      nameZh: Type.String(),
      nameEn: Type.String(),
      script: Type.Union([Type.String(), Type.Null()]),
      priority: Type.Number(),
      reservedUntil: Type.String(),
    }),
  ),
  tags: Type.Array(Type.Object({ tagId: Type.String(), nameZh: Type.String(), nameEn: Type.String(), advice: Type.Unknown() })),
  considered: Type.Array(
    Type.Object({
      rank: Type.Integer(),
      campaignId: Type.Integer(),
      offerId: Type.String(),
      priority: Type.Number(),
      factors: Factors,
      outcome: Type.String(),
      reason: Type.Union([Type.String(), Type.Null()]),
      detail: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  explanation: Type.String(),
});

export const WaveList = Type.Object({
  campaignId: Type.Integer(),
  waveNo: Type.Integer(),
  at: Type.String(),
  targets: Type.Integer(),
  listed: Type.Integer(),
  excluded: Type.Integer(),
  byReason: Type.Array(Type.Object({ reason: Type.String(), subscribers: Type.Integer() })),
  byChannel: Type.Array(Type.Object({ channelId: Type.String(), listed: Type.Integer(), excluded: Type.Integer() })),
});

export const WaveContact = Type.Object({
  subscriberId: Type.Integer(),
  channelId: Type.String(),
  offerId: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Union([Type.String(), Type.Null()]),
});
