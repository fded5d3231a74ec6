// How a diversion target is classed after launch, as SQL: shared by the diversion report
// (diversion.ts) and the segment condition that picks the second round (customers/segments.ts).
// A leaf module, so that the segment language can use it without importing the campaigns.

export const diversionOutcomes = ['moved', 'stayed', 'inactive'] as const;
export type DiversionOutcome = (typeof diversionOutcomes)[number];

/** A target's outcome from its transactions after launch: `e` on e-channels out of `n`. */
export const diversionOutcomeSql = (e: string, n: string) => `CASE WHEN ${n} = 0 THEN 'inactive' WHEN ${e} * 2 >= ${n} THEN 'moved' ELSE 'stayed' END`;

/**
 * SQL selecting the treated targets of campaign `campaignId` (a bound parameter) whose outcome is
 * one of `outcomes` (checked against diversionOutcomes by the caller), counting the transactions
 * (of one business, a bound parameter, if given) made from the first wave's start to the last wave's end.
 */
export function diversionMembersSql(campaignId: string, outcomes: readonly DiversionOutcome[], business?: string): string {
  return `SELECT t.subscriber_id FROM campaign_targets t
    LEFT JOIN (
      SELECT e.subscriber_id, count(*) AS n, count(*) FILTER (WHERE ch.kind = 'electronic') AS ne
      FROM contact_events e JOIN channels ch USING (channel_id), campaigns c
      WHERE c.campaign_id = ${campaignId} AND e.event_type = 'transaction'${business ? ` AND e.business = ${business}` : ''}
        AND e.event_time >= CAST(c.start_date AS TIMESTAMP) AND e.event_time < CAST(c.end_date AS TIMESTAMP) + INTERVAL 1 DAY
      GROUP BY e.subscriber_id
    ) a ON a.subscriber_id = t.subscriber_id
    WHERE t.campaign_id = ${campaignId} AND t.grp = 'treatment'
      AND ${diversionOutcomeSql('coalesce(a.ne, 0)', 'coalesce(a.n, 0)')} IN (${outcomes.map((o) => `'${o}'`).join(', ')})`;
}
