// The customer view's API shapes (TypeBox): the front door of the customers domain.
// Types are derived from these schemas; routes validate and serialize with them.
import { Type, type Static } from '@sinclair/typebox';

export const Brand = Type.Union([Type.Literal('gotone'), Type.Literal('mzone'), Type.Literal('easyown')]);
export const SubscriberStatus = Type.Union([
  Type.Literal('active'),
  Type.Literal('suspended'),
  Type.Literal('arrears'),
  Type.Literal('cancelled'),
]);

export const CustomerSummary = Type.Object({
  subscriberId: Type.Integer(),
  msisdn: Type.String({ description: 'Masked (138****5678) unless revealed' }),
  brand: Brand,
  planId: Type.String(),
  planNameZh: Type.Union([Type.String(), Type.Null()]),
  planNameEn: Type.Union([Type.String(), Type.Null()]),
  status: SubscriberStatus,
  cityCode: Type.String(),
  cityNameZh: Type.Union([Type.String(), Type.Null()]),
  cityNameEn: Type.Union([Type.String(), Type.Null()]),
  age: Type.Integer(),
  gender: Type.String(),
  arpuFen: Type.Integer(),
  vipLevel: Type.Integer(),
  tenureMonths: Type.Integer(),
});
export type CustomerSummary = Static<typeof CustomerSummary>;

export const customerSortFields = ['subscriberId', 'arpuFen', 'age', 'tenureMonths', 'vipLevel'] as const;
export type CustomerSortField = (typeof customerSortFields)[number];

export const CustomerListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 20, description: 'Matches the phone number (digits) or the subscriber id' })),
  brand: Type.Optional(Brand),
  cityCode: Type.Optional(Type.String({ maxLength: 16 })),
  status: Type.Optional(SubscriberStatus),
  segmentId: Type.Optional(Type.Integer({ minimum: 1, description: "Only a saved segment's members" })),
  page: Type.Integer({ minimum: 1, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
  sort: Type.Union(customerSortFields.map((f) => Type.Literal(f)), { default: 'subscriberId' }),
  order: Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'asc' }),
});
export type CustomerListQuery = Static<typeof CustomerListQuery>;

/** The list's filters and order without the paging: what the CSV export takes. */
export const CustomerExportQuery = Type.Omit(CustomerListQuery, ['page', 'pageSize']);
export type CustomerExportQuery = Static<typeof CustomerExportQuery>;

export const CustomerList = Type.Object({ total: Type.Integer(), items: Type.Array(CustomerSummary) });
export type CustomerList = Static<typeof CustomerList>;

export const CustomerProfile = Type.Composite([
  CustomerSummary,
  Type.Object({
    joinDate: Type.String(),
    paymentType: Type.String(),
    handsetBrand: Type.Union([Type.String(), Type.Null()]),
    handsetGprs: Type.Boolean(),
    handsetMms: Type.Boolean(),
    handsetWap: Type.Boolean(),
    handsetSmart: Type.Boolean(),
    dnd: Type.Boolean(),
    groupId: Type.Union([Type.String(), Type.Null()]),
    groupName: Type.Union([Type.String(), Type.Null()]),
    vpmnGroupId: Type.Union([Type.String(), Type.Null()]),
    isGroupKeyPerson: Type.Boolean(),
  }),
]);
export type CustomerProfile = Static<typeof CustomerProfile>;

export const Holding = Type.Object({
  productId: Type.String(),
  kind: Type.String(),
  service: Type.Union([Type.String(), Type.Null()]),
  nameZh: Type.String(),
  nameEn: Type.String(),
  monthlyFeeFen: Type.Integer(),
  startDate: Type.String(),
  endDate: Type.Union([Type.String(), Type.Null()]),
});
export type Holding = Static<typeof Holding>;

export const MonthlyUsage = Type.Object({
  month: Type.String({ description: 'YYYY-MM' }),
  voiceCalls: Type.Integer(),
  voiceMinutes: Type.Integer(),
  localMinutes: Type.Integer(),
  longDistanceMinutes: Type.Integer(),
  roamingMinutes: Type.Integer(),
  sms: Type.Integer(),
  mms: Type.Integer(),
  gprsKb: Type.Integer(),
  wlanMinutes: Type.Integer(),
});
export type MonthlyUsage = Static<typeof MonthlyUsage>;

export const MonthlyBill = Type.Object({
  month: Type.String({ description: 'YYYY-MM' }),
  totalFen: Type.Integer(),
  items: Type.Record(Type.String(), Type.Integer()),
});
export type MonthlyBill = Static<typeof MonthlyBill>;

export const Customer360 = Type.Object({
  profile: CustomerProfile,
  holdings: Type.Array(Holding),
  usage: Type.Array(MonthlyUsage),
  bills: Type.Array(MonthlyBill),
});
export type Customer360 = Static<typeof Customer360>;

export const contactSources = ['contact', 'ivr', 'web', 'order'] as const;

export const ContactTimelineQuery = Type.Object({
  page: Type.Integer({ minimum: 1, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  channelId: Type.Optional(Type.String({ maxLength: 32 })),
  type: Type.Optional(Type.String({ maxLength: 32, description: 'contact type (consultation, complaint, …), "ivr", "browse" or "order"' })),
});
export type ContactTimelineQuery = Static<typeof ContactTimelineQuery>;

export const ContactItem = Type.Object({
  time: Type.String(),
  source: Type.Union(contactSources.map((s) => Type.Literal(s))),
  channelId: Type.String(),
  type: Type.String(),
  business: Type.String(),
  outcome: Type.Union([Type.String(), Type.Null()]),
  durationS: Type.Union([Type.Integer(), Type.Null()]),
  detail: Type.Union([Type.String(), Type.Null()]),
});
export type ContactItem = Static<typeof ContactItem>;

export const ContactTimeline = Type.Object({ total: Type.Integer(), items: Type.Array(ContactItem) });
export type ContactTimeline = Static<typeof ContactTimeline>;
