// The campaign domain's front door: TypeBox schemas for a campaign's plan (what a planner edits),
// the campaign as stored and shown, and the bodies of its actions. Types are derived from them.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { campaignStatuses, campaignActions } from './lifecycle.ts';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Fen = (description: string) => Type.Integer({ minimum: 0, maximum: 1e13, description });
const DateText = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD, operator time zone' });
const ChannelId = Type.String({ minLength: 1, maxLength: 32 });
/** A segment-language filter (src/customers/segments.ts); checked by compileSegment, not by the schema. */
const Filter = Type.Unknown({ description: 'a segment filter: {all|any|not|field/op/value|holds|contacted}' });

export const campaignCategories = ['new_service', 'retention', 'tariff', 'value_up', 'care', 'diversion', 'other'] as const;
export const budgetItems = ['gifts_materials', 'channel_commission', 'discounts', 'per_head'] as const;
export type BudgetItem = (typeof budgetItems)[number];
export const waveModes = ['parallel', 'serial'] as const;
export const targetKinds = ['segment', 'filter', 'list'] as const;
export const advertisingMedia = ['tv', 'press', 'radio'] as const;
export const materialKinds = ['poster', 'leaflet', 'banner', 'brochure', 'other'] as const;
export const outcomeKinds = ['accepted', 'refused', 'no_answer'] as const;
export const resourceKinds = ['prepaid_credit', 'gift', 'material'] as const;
export type ResourceKind = (typeof resourceKinds)[number];
export const resourceStatuses = ['applied', 'approved', 'rejected'] as const;

/** A string enum, typed as the union of its values. */
const literals = <T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });

export const BudgetLine = Type.Object(
  {
    item: Type.Union(budgetItems.map((v) => Type.Literal(v))),
    plannedFen: Fen('planned cost of the item, fen'),
    actualFen: Type.Optional(Fen('cost incurred so far, fen (entered while the campaign runs)')),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const Offer = Type.Object(
  {
    productId: Type.String({ minLength: 1, maxLength: 64, description: 'a product of the catalogue (products table)' }),
    /** The script each channel's agent or message uses, keyed by channel id. */
    scripts: Type.Optional(Type.Record(Type.String({ maxLength: 32 }), Type.String({ maxLength: 4000 }))),
  },
  { additionalProperties: false },
);

export const TargetGroup = Type.Object(
  {
    kind: Type.Union(targetKinds.map((v) => Type.Literal(v))),
    segmentId: Type.Optional(Type.Integer({ minimum: 1 })),
    filter: Type.Optional(Filter),
    subscriberIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 200_000 })),
  },
  { additionalProperties: false, description: 'exactly one of: a saved segment, an inline filter, an uploaded list' },
);

/** A planner's channel rule. Rules are in priority order: a customer goes to the first rule that matches. */
export const ChannelRule = Type.Object(
  {
    channelId: ChannelId,
    /** The customer segment this rule serves (parallel mode: segment → channel); reported by segment. */
    segment: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** Who the rule takes; absent: everyone left. */
    when: Type.Optional(Filter),
  },
  { additionalProperties: false },
);

export const Wave = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 100 })),
    startDate: DateText,
    endDate: DateText,
    /** Parallel mode: at most this many customers (treatment and control) in the wave; absent: all that remain. */
    size: Type.Optional(Type.Integer({ minimum: 1 })),
    /** The channels the wave uses, in its order of preference; absent: every rule's channel, in rule order. */
    channels: Type.Optional(Type.Array(ChannelId, { minItems: 1, maxItems: 12 })),
  },
  { additionalProperties: false },
);

export const Advertising = Type.Object(
  {
    medium: Type.Union(advertisingMedia.map((v) => Type.Literal(v))),
    content: Type.String({ minLength: 1, maxLength: 2000 }),
    startDate: DateText,
    endDate: DateText,
    costFen: Type.Optional(Fen('cost of the placement')),
  },
  { additionalProperties: false },
);

export const Material = Type.Object(
  {
    kind: Type.Union(materialKinds.map((v) => Type.Literal(v))),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    quantity: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
    destination: Type.String({ minLength: 1, maxLength: 200, description: 'a city, store or hall where the material goes' }),
  },
  { additionalProperties: false },
);

export const Kpis = Type.Object(
  {
    targetResponders: Type.Optional(Type.Integer({ minimum: 0 })),
    targetSuccessRate: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    /** What one response is worth to the operator (fen); the ROI's benefit side. */
    valuePerResponseFen: Type.Optional(Fen('value of one response')),
  },
  { additionalProperties: false },
);

export const AlertThresholds = Type.Object(
  {
    /** Warn when a success rate falls below this (default: the KPI's target success rate). */
    minSuccessRate: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    /** Warn when more than this share of the target group was excluded (default 0.3). */
    maxExclusionShare: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    /** Success rates are judged only once this many customers were reached (default 30). */
    minContacted: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

const planProperties = {
  name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
  category: Type.Union(campaignCategories.map((v) => Type.Literal(v))),
  goal: Type.Optional(Type.String({ maxLength: 2000 })),
  kpis: Type.Optional(Kpis),
  alerts: Type.Optional(AlertThresholds),
  budget: Type.Optional(Type.Array(BudgetLine, { maxItems: budgetItems.length })),
  offers: Type.Optional(Type.Array(Offer, { maxItems: 20 })),
  target: Type.Optional(TargetGroup),
  channels: Type.Optional(Type.Array(ChannelRule, { maxItems: 30 })),
  waveMode: Type.Optional(Type.Union(waveModes.map((v) => Type.Literal(v)))),
  waves: Type.Optional(Type.Array(Wave, { maxItems: 20 })),
  /**
   * How each customer's channel is chosen among the rules that take them: the first such rule
   * (rules), or the one whose channel the customer prefers most by the channel-preference model,
   * weighed by the channel's fit for the first offer (preference; a C-grade channel is never used).
   */
  channelPriority: Type.Optional(
    Type.Object(
      {
        by: Type.Union([Type.Literal('rules'), Type.Literal('preference')]),
        /** the channel-preference run to use; absent: the latest one when the targets are made */
        runId: Type.Optional(Type.Integer({ minimum: 1 })),
      },
      { additionalProperties: false },
    ),
  ),
  /** Percentage (0–50) of the eligible targets held out at random as the control group. */
  controlPercent: Type.Optional(Type.Number({ minimum: 0, maximum: 50 })),
  promotion: Type.Optional(
    Type.Object(
      { advertising: Type.Optional(Type.Array(Advertising, { maxItems: 50 })), materials: Type.Optional(Type.Array(Material, { maxItems: 100 })) },
      { additionalProperties: false },
    ),
  ),
};

/** What a planner writes. A draft may be incomplete; submitting needs offers, a target, channels and waves. */
export const CampaignPlan = Type.Object(planProperties, { additionalProperties: false });
export type CampaignPlan = Static<typeof CampaignPlan>;
export type ChannelRule = Static<typeof ChannelRule>;
export type Wave = Static<typeof Wave>;
export type TargetGroup = Static<typeof TargetGroup>;

export const CampaignUpdate = Type.Object({ ...planProperties, version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
export type CampaignUpdate = Static<typeof CampaignUpdate>;

export const TransitionBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'the version you read; a stale one is refused with 409' }),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type TransitionBody = Static<typeof TransitionBody>;

/** The limited changes allowed while a campaign runs or is paused. */
export const AdjustBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
    budgetActuals: Type.Optional(
      Type.Array(Type.Object({ item: Type.Union(budgetItems.map((v) => Type.Literal(v))), actualFen: Fen('cost incurred so far') }, { additionalProperties: false }), {
        maxItems: budgetItems.length,
      }),
    ),
    waves: Type.Optional(
      Type.Array(
        Type.Object(
          {
            waveNo: Type.Integer({ minimum: 1, description: '1-based position of the wave' }),
            name: Type.Optional(Type.String({ maxLength: 100 })),
            startDate: Type.Optional(DateText),
            endDate: Type.Optional(DateText),
            channels: Type.Optional(Type.Array(ChannelId, { minItems: 1, maxItems: 12 })),
          },
          { additionalProperties: false },
        ),
        { maxItems: 20 },
      ),
    ),
    /** A new channel priority rule list; customers not yet contacted are re-routed by it. */
    channels: Type.Optional(Type.Array(ChannelRule, { minItems: 1, maxItems: 30 })),
  },
  { additionalProperties: false },
);
export type AdjustBody = Static<typeof AdjustBody>;

export const TargetCounts = Type.Object({
  materializedAt: Nullable(Type.String()),
  treatment: Type.Integer(),
  control: Type.Integer(),
  excluded: Type.Integer(),
  byReason: Type.Array(Type.Object({ reason: Type.String(), subscribers: Type.Integer() })),
  byWaveChannel: Type.Array(
    Type.Object({ waveNo: Type.Integer(), channelId: Type.String(), segment: Type.String(), treatment: Type.Integer(), control: Type.Integer() }),
  ),
});
export type TargetCounts = Static<typeof TargetCounts>;

const CampaignHead = {
  campaignId: Type.Integer(),
  name: Type.String(),
  category: Type.String(),
  status: literals(campaignStatuses),
  version: Type.Integer(),
  startDate: Nullable(Type.String()),
  endDate: Nullable(Type.String()),
  createdBy: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  submittedBy: Nullable(Type.String()),
  approvedBy: Nullable(Type.String()),
  returnReason: Nullable(Type.String()),
};

export const CampaignSummary = Type.Object({ ...CampaignHead, treatment: Type.Integer(), control: Type.Integer() });
export type CampaignSummary = Static<typeof CampaignSummary>;

export const Campaign = Type.Object({
  ...CampaignHead,
  submittedAt: Nullable(Type.String()),
  approvedAt: Nullable(Type.String()),
  scheduledAt: Nullable(Type.String()),
  startedAt: Nullable(Type.String()),
  finishedAt: Nullable(Type.String()),
  evaluatedAt: Nullable(Type.String()),
  plan: CampaignPlan,
  /** The target filter as it will be / was materialized (a saved segment's filter is copied at submission). */
  targetFilter: Type.Unknown(),
  targets: TargetCounts,
  /** What the signed-in user may do with it now. */
  allowedActions: Type.Array(literals(campaignActions)),
});
export type Campaign = Static<typeof Campaign>;

export const CampaignListQuery = Type.Object(
  {
    status: Type.Optional(Type.Array(literals(campaignStatuses), { maxItems: campaignStatuses.length })),
    q: Type.Optional(Type.String({ maxLength: 100, description: 'part of the name' })),
    category: Type.Optional(literals(campaignCategories)),
    createdBy: Type.Optional(Type.String({ maxLength: 64 })),
    sort: Type.Optional(literals(['createdAt', 'updatedAt', 'name', 'status', 'startDate'] as const)),
    order: Type.Optional(literals(['asc', 'desc'] as const)),
    page: Type.Integer({ minimum: 1, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
  },
  { additionalProperties: false },
);
export type CampaignListQuery = Static<typeof CampaignListQuery>;

export const CampaignList = Type.Object({ total: Type.Integer(), items: Type.Array(CampaignSummary) });

export const HistoryEntry = Type.Object({ occurredAt: Type.String(), actor: Type.String(), action: Type.String(), detail: Type.Unknown() });

export const OutcomeBatch = Type.Object(
  {
    outcomes: Type.Array(
      Type.Object(
        {
          subscriberId: Type.Integer({ minimum: 1 }),
          channel: ChannelId,
          outcome: Type.Union(outcomeKinds.map((v) => Type.Literal(v))),
          at: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}(:\\d{2})?$', description: 'YYYY-MM-DD HH:MM[:SS], operator time zone' }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 10_000 },
    ),
  },
  { additionalProperties: false },
);
export type OutcomeBatch = Static<typeof OutcomeBatch>;

export const Resource = Type.Object({
  resourceId: Type.Integer(),
  campaignId: Type.Integer(),
  kind: Type.String(),
  budgetItem: Type.String(),
  description: Type.String(),
  quantity: Type.Integer(),
  unitValueFen: Type.Integer(),
  amountFen: Type.Integer(),
  status: literals(resourceStatuses),
  usedQuantity: Type.Integer(),
  usedFen: Type.Integer(),
  appliedBy: Type.String(),
  appliedAt: Type.String(),
  decidedBy: Nullable(Type.String()),
  decidedAt: Nullable(Type.String()),
  decisionNote: Nullable(Type.String()),
});
export type Resource = Static<typeof Resource>;

export const ResourceApplication = Type.Object(
  {
    kind: Type.Union(resourceKinds.map((v) => Type.Literal(v))),
    description: Type.String({ minLength: 1, maxLength: 500 }),
    quantity: Type.Integer({ minimum: 1, maximum: 100_000_000 }),
    unitValueFen: Fen('value of one unit (for gifted prepaid credit: the credit per customer)'),
  },
  { additionalProperties: false },
);
export type ResourceApplication = Static<typeof ResourceApplication>;

export const ResourceDecision = Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false });
export const ResourceUsage = Type.Object(
  { usedQuantity: Type.Integer({ minimum: 0, description: 'units used so far (cumulative)' }) },
  { additionalProperties: false },
);

export const HoldoutSettings = Type.Object({
  /** Share of all customers never marketed, in percent. */
  holdoutPercent: Type.Number(),
  holdoutSubscribers: Type.Integer(),
  subscribers: Type.Integer(),
});
export type HoldoutSettings = Static<typeof HoldoutSettings>;
