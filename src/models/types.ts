// The front door of the customer models (propensity, channel preference, association/lift): what a
// training request may say and what each run reports. The schemas serve the API and the CLI alike.
import { Type, type Static } from '@sinclair/typebox';

/** Where the customers come from: the province (subscribers + customer_features) or any table. */
export const ModelSource = Type.Union([
  Type.Object({ kind: Type.Literal('province') }, { additionalProperties: false }),
  Type.Object(
    {
      kind: Type.Literal('table'),
      /** a table of the database, e.g. one imported from a customer file */
      table: Type.String({ minLength: 1, maxLength: 128 }),
      /** an integer column identifying the customer; scores are stored under it */
      idColumn: Type.String({ minLength: 1, maxLength: 128 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('file'),
      /** a CSV or Parquet file on the server, loaded into a temporary table for the run */
      path: Type.String({ minLength: 1, maxLength: 1000 }),
      /** an integer column identifying the customer; without one, the row number in the file */
      idColumn: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    },
    { additionalProperties: false },
  ),
]);
export type ModelSource = Static<typeof ModelSource>;

/** The yes/no being modelled: holding a product, matching a segment filter, or a label column. */
export const PropensityLabel = Type.Union([
  Type.Object({ productId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
  Type.Object({ filter: Type.Unknown(), name: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
  Type.Object(
    {
      column: Type.String({ minLength: 1, maxLength: 128 }),
      /** the value that means "yes"; may be left out for yes/no, true/false and 1/0 columns */
      positive: Type.Optional(Type.String({ maxLength: 128 })),
    },
    { additionalProperties: false },
  ),
]);
export type PropensityLabel = Static<typeof PropensityLabel>;

export const PropensityRequest = Type.Object(
  {
    source: Type.Optional(ModelSource),
    label: PropensityLabel,
    /** attribute names (segment field names for the province, column names for a table); default: all usable */
    features: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { minItems: 1, maxItems: 80 })),
    /** train on this segment only (province source); everyone is scored */
    population: Type.Optional(Type.Unknown()),
    lambda: Type.Optional(Type.Number({ minimum: 0, maximum: 1e6 })),
    /** the share of customers used for fitting; the rest is the held-out evaluation set */
    trainShare: Type.Optional(Type.Number({ minimum: 0.1, maximum: 0.95 })),
    /** at most this many training rows are pulled into the fit (a deterministic sample) */
    maxTrainRows: Type.Optional(Type.Integer({ minimum: 1000, maximum: 5_000_000 })),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 })),
  },
  { additionalProperties: false },
);
export type PropensityRequest = Static<typeof PropensityRequest>;

export const Coefficient = Type.Object({
  feature: Type.String(),
  /** the category for a one-hot column, null for a numeric attribute */
  level: Type.Union([Type.String(), Type.Null()]),
  /** per standard deviation of the attribute (comparable across attributes) */
  coefficient: Type.Number(),
  meanPositive: Type.Union([Type.Number(), Type.Null()]),
  meanNegative: Type.Union([Type.Number(), Type.Null()]),
});
export type Coefficient = Static<typeof Coefficient>;

export const DecileRow = Type.Object({
  decile: Type.Integer(),
  customers: Type.Integer(),
  positives: Type.Integer(),
  rate: Type.Number(),
  lift: Type.Number(),
  cumulativeLift: Type.Number(),
  /** share of all positives found in deciles 1..this one */
  capture: Type.Number(),
  minScore: Type.Number(),
  maxScore: Type.Number(),
  meanProbability: Type.Number(),
});
export type DecileRow = Static<typeof DecileRow>;

export const DroppedFeature = Type.Object({ feature: Type.String(), reason: Type.String() });
export type DroppedFeature = Static<typeof DroppedFeature>;

export const PropensityMetrics = Type.Object({
  label: Type.String(),
  rows: Type.Object({ population: Type.Integer(), train: Type.Integer(), fitted: Type.Integer(), holdout: Type.Integer(), scored: Type.Integer() }),
  positives: Type.Object({ train: Type.Integer(), holdout: Type.Integer() }),
  baseRate: Type.Number(),
  auc: Type.Object({ train: Type.Number(), holdout: Type.Number() }),
  logLoss: Type.Number(),
  iterations: Type.Integer(),
  converged: Type.Boolean(),
  lambda: Type.Number(),
  intercept: Type.Number(),
  coefficients: Type.Array(Coefficient),
  topAttributes: Type.Array(Coefficient),
  deciles: Type.Array(DecileRow),
  dropped: Type.Array(DroppedFeature),
  /** what model_scores.subscriber_id holds for this run */
  scoresKeyedBy: Type.String(),
  timingsMs: Type.Record(Type.String(), Type.Number()),
});
export type PropensityMetrics = Static<typeof PropensityMetrics>;

export const ChannelPreferenceRequest = Type.Object(
  {
    /** a frequent contacter has at least this many contacts in the window */
    minContacts: Type.Optional(Type.Integer({ minimum: 2, maximum: 1000 })),
    windowMonths: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 })),
    features: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { minItems: 1, maxItems: 80 })),
    lambda: Type.Optional(Type.Number({ minimum: 0, maximum: 1e6 })),
    holdoutShare: Type.Optional(Type.Number({ minimum: 0.05, maximum: 0.5 })),
    /** at most this many frequent contacters are pulled into the fits (a deterministic sample) */
    maxTrainRows: Type.Optional(Type.Integer({ minimum: 1000, maximum: 5_000_000 })),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 })),
  },
  { additionalProperties: false },
);
export type ChannelPreferenceRequest = Static<typeof ChannelPreferenceRequest>;

export const ChannelPreferenceMetrics = Type.Object({
  minContacts: Type.Integer(),
  window: Type.Object({ from: Type.String(), to: Type.String() }),
  frequentContacters: Type.Integer(),
  trained: Type.Integer(),
  holdout: Type.Integer(),
  scored: Type.Integer(),
  /** held-out frequent contacters whose predicted top channel is their share-rule top channel */
  accuracy: Type.Number(),
  /** the same when always guessing the commonest top channel */
  baselineAccuracy: Type.Number(),
  /** the share-rule top channel among the model's two best */
  top2Accuracy: Type.Number(),
  channels: Type.Array(
    Type.Object({
      channelId: Type.String(),
      /** frequent contacters whose share-rule top channel this is */
      preferredBy: Type.Integer(),
      auc: Type.Union([Type.Number(), Type.Null()]),
      topAttributes: Type.Array(Coefficient),
    }),
  ),
  confusion: Type.Array(Type.Object({ actual: Type.String(), predicted: Type.String(), customers: Type.Integer() })),
  dropped: Type.Array(DroppedFeature),
  timingsMs: Type.Record(Type.String(), Type.Number()),
});
export type ChannelPreferenceMetrics = Static<typeof ChannelPreferenceMetrics>;

export const LiftRequest = Type.Object(
  {
    productId: Type.String({ minLength: 1, maxLength: 64 }),
    features: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { minItems: 1, maxItems: 80 })),
    /** numeric attributes are cut into this many equal-count bins */
    bins: Type.Optional(Type.Integer({ minimum: 2, maximum: 20 })),
    /** product pairs need at least this many joint holders to be reported */
    minSupportCount: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  },
  { additionalProperties: false },
);
export type LiftRequest = Static<typeof LiftRequest>;

export const AssociationRule = Type.Object({
  /** "product:CRBT" or "sms in [30, 52)" */
  antecedent: Type.String(),
  feature: Type.Union([Type.String(), Type.Null()]),
  customers: Type.Integer(),
  support: Type.Number(),
  confidence: Type.Number(),
  lift: Type.Number(),
});
export type AssociationRule = Static<typeof AssociationRule>;

export const LiftMetrics = Type.Object({
  productId: Type.String(),
  customers: Type.Integer(),
  holders: Type.Integer(),
  baseRate: Type.Number(),
  /** other products → this product, and this product → other products */
  products: Type.Array(Type.Object({ productId: Type.String(), both: Type.Integer(), support: Type.Number(), confidenceTo: Type.Number(), confidenceFrom: Type.Number(), lift: Type.Number() })),
  attributes: Type.Array(AssociationRule),
  auc: Type.Number(),
  deciles: Type.Array(DecileRow),
  dropped: Type.Array(DroppedFeature),
  timingsMs: Type.Record(Type.String(), Type.Number()),
});
export type LiftMetrics = Static<typeof LiftMetrics>;
