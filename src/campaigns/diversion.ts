// E-channel diversion (电子渠道分流, MISSION §6): did a campaign's targets move their transactions
// from stores and the human hotline to the e-channels? Transactions by channel before the first
// wave and from it on, for the treated and the control group; each target classed by where its
// transactions went after launch; those who did not move make the second round's segment.
//
// Definitions: e-channels are the channels of kind 'electronic' (SMS hall, web, WAP, app). A target
// *moved* when at least half of its transactions after launch were on e-channels, *stayed* when
// fewer were, and is *inactive* when it made none. Before = as many days before the first wave as
// the waves last (at most 180), unless `days` says otherwise.
import { Type, type Static } from '@sinclair/typebox';
import { Conflict, InvalidInput } from '../store/errors.ts';
import type { Db } from '../store/store.ts';
import { getCampaignRow } from './campaigns.ts';
import { planWindow } from './plan.ts';
import { diversionOutcomeSql } from './diversion-outcome.ts';
import { compareProportions } from './stats.ts';

export const DiversionQuery = Type.Object({
  days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, description: 'days before the first wave to compare with (default: as long as the waves)' })),
  business: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'only transactions of this business, e.g. bill_payment' })),
});
export type DiversionQuery = Static<typeof DiversionQuery>;

const GroupFigures = Type.Object({
  customers: Type.Integer(),
  moved: Type.Integer(),
  stayed: Type.Integer(),
  inactive: Type.Integer(),
  movedRate: Type.Union([Type.Number(), Type.Null()], { description: 'moved / (moved + stayed)' }),
  eShareBefore: Type.Union([Type.Number(), Type.Null()], { description: 'share of the transactions on e-channels' }),
  eShareAfter: Type.Union([Type.Number(), Type.Null()]),
});

export const DiversionReport = Type.Object({
  campaignId: Type.Integer(),
  business: Type.Union([Type.String(), Type.Null()]),
  before: Type.Object({ from: Type.String(), to: Type.String() }),
  after: Type.Object({ from: Type.String(), to: Type.String() }),
  treatment: GroupFigures,
  control: GroupFigures,
  uplift: Type.Union([
    Type.Object({ absolute: Type.Number(), absoluteCi: Type.Tuple([Type.Number(), Type.Number()]), pValue: Type.Union([Type.Number(), Type.Null()]) }),
    Type.Null(),
  ]),
  channels: Type.Array(
    Type.Object({
      channelId: Type.String(),
      nameZh: Type.String(),
      nameEn: Type.String(),
      electronic: Type.Boolean(),
      treatmentBefore: Type.Integer(),
      treatmentAfter: Type.Integer(),
      controlBefore: Type.Integer(),
      controlAfter: Type.Integer(),
    }),
  ),
});
export type DiversionReport = Static<typeof DiversionReport>;

const day = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The campaign's before and after windows, as days included. */
async function windows(db: Db, campaignId: number, days: number | undefined) {
  const row = await getCampaignRow(db, campaignId);
  if (!row.scheduledAt) {
    throw new Conflict(`Campaign ${campaignId} is ${row.status}; it has targets to follow once it is scheduled`, { field: 'status', code: 'NOT_SCHEDULED' });
  }
  const { startDate, endDate } = planWindow(row.plan);
  if (!startDate || !endDate) throw new Conflict(`Campaign ${campaignId} has no waves`, { field: 'plan.waves', code: 'NO_WAVES' });
  const start = Date.parse(`${startDate}T00:00:00Z`);
  const length = days ?? Math.min(180, Math.round((Date.parse(`${endDate}T00:00:00Z`) - start) / day) + 1);
  return { before: { from: isoDay(start - length * day), to: isoDay(start - day) }, after: { from: startDate, to: endDate } };
}

export async function diversionReport(db: Db, campaignId: number, query: DiversionQuery = {}): Promise<DiversionReport> {
  const { before, after } = await windows(db, campaignId, query.days);
  if (query.business !== undefined) {
    const known = await db.one('SELECT 1 AS found FROM contact_events WHERE business = $b LIMIT 1', { b: query.business });
    if (!known) throw new InvalidInput(`business: no contact record has the business "${query.business}"`, { field: 'business' });
  }
  const params = {
    id: campaignId,
    beforeFrom: before.from,
    afterFrom: after.from,
    afterTo: after.to,
    ...(query.business !== undefined ? { business: query.business } : {}),
  };
  const business = query.business !== undefined ? 'AND e.business = $business' : '';
  // each target's transactions per channel before and after launch
  const perChannel = `
    WITH t AS (SELECT DISTINCT subscriber_id, grp FROM campaign_targets WHERE campaign_id = $id),
    x AS (
      SELECT t.subscriber_id, t.grp, e.channel_id, e.event_time >= CAST($afterFrom AS TIMESTAMP) AS after
      FROM t JOIN contact_events e USING (subscriber_id)
      WHERE e.event_type = 'transaction' ${business}
        AND e.event_time >= CAST($beforeFrom AS TIMESTAMP) AND e.event_time < CAST($afterTo AS TIMESTAMP) + INTERVAL 1 DAY
    )`;
  const groups = await db.query<{ grp: string; customers: number; moved: number; stayed: number; inactive: number; eb: number; nb: number; ea: number; na: number }>(
    `${perChannel},
     per AS (
       SELECT t.subscriber_id, t.grp,
         count(x.channel_id) FILTER (WHERE NOT x.after) AS nb, count(x.channel_id) FILTER (WHERE NOT x.after AND ch.kind = 'electronic') AS eb,
         count(x.channel_id) FILTER (WHERE x.after) AS na, count(x.channel_id) FILTER (WHERE x.after AND ch.kind = 'electronic') AS ea
       FROM t LEFT JOIN x USING (subscriber_id, grp) LEFT JOIN channels ch ON ch.channel_id = x.channel_id
       GROUP BY t.subscriber_id, t.grp
     )
     SELECT grp, count(*) AS customers,
       count(*) FILTER (WHERE outcome = 'moved') AS moved, count(*) FILTER (WHERE outcome = 'stayed') AS stayed,
       count(*) FILTER (WHERE outcome = 'inactive') AS inactive,
       sum(eb) AS eb, sum(nb) AS nb, sum(ea) AS ea, sum(na) AS na
     FROM (SELECT *, ${diversionOutcomeSql('ea', 'na')} AS outcome FROM per)
     GROUP BY grp`,
    params,
  );
  const figures = (grp: string): Static<typeof GroupFigures> => {
    const g = groups.find((r) => r.grp === grp);
    if (!g) return { customers: 0, moved: 0, stayed: 0, inactive: 0, movedRate: null, eShareBefore: null, eShareAfter: null };
    const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);
    return {
      customers: g.customers,
      moved: g.moved,
      stayed: g.stayed,
      inactive: g.inactive,
      movedRate: share(g.moved, g.moved + g.stayed),
      eShareBefore: share(g.eb, g.nb),
      eShareAfter: share(g.ea, g.na),
    };
  };
  const treatment = figures('treatment');
  const control = figures('control');
  const tActive = treatment.moved + treatment.stayed;
  const cActive = control.moved + control.stayed;
  const compared = tActive > 0 && cActive > 0 ? compareProportions(treatment.moved, tActive, control.moved, cActive) : null;
  const channels = await db.query<DiversionReport['channels'][number]>(
    `${perChannel}
     SELECT ch.channel_id AS "channelId", ch.name_zh AS "nameZh", ch.name_en AS "nameEn", ch.kind = 'electronic' AS electronic,
       count(x.channel_id) FILTER (WHERE x.grp = 'treatment' AND NOT x.after) AS "treatmentBefore",
       count(x.channel_id) FILTER (WHERE x.grp = 'treatment' AND x.after) AS "treatmentAfter",
       count(x.channel_id) FILTER (WHERE x.grp = 'control' AND NOT x.after) AS "controlBefore",
       count(x.channel_id) FILTER (WHERE x.grp = 'control' AND x.after) AS "controlAfter"
     FROM channels ch LEFT JOIN x USING (channel_id)
     GROUP BY ALL ORDER BY electronic, "treatmentBefore" DESC, "channelId"`,
    params,
  );
  return {
    campaignId,
    business: query.business ?? null,
    before,
    after,
    treatment,
    control,
    uplift: compared ? { absolute: compared.absolute, absoluteCi: compared.absoluteCi, pValue: compared.pValue } : null,
    channels,
  };
}
