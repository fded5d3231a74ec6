// Contact outcomes of a campaign, recorded into the one contact history (contact_events with the
// campaign's id) so that the customer view, the contact policy and the report all see them. For
// now they arrive through the API; the execution issue's channel feedback will write the same rows.
// A batch is checked whole before any row is written; a row already recorded is skipped, not doubled.
import { recordAudit } from '../audit/audit.ts';
import { publishContacts, type ContactFact, type ContactOutcome } from '../policy/contacts.ts';
import { Conflict, InvalidInput } from '../store/errors.ts';
import type { Store } from '../store/store.ts';
import { authorizeFeedback, getCampaignRow, type Actor } from './campaigns.ts';
import { feedbackStatuses } from './lifecycle.ts';
import { isCalendarDate } from '../store/dates.ts';
import type { OutcomeBatch } from './types.ts';

export async function recordOutcomes(store: Store, campaignId: number, batch: OutcomeBatch, actor: Actor): Promise<{ recorded: number; duplicates: number }> {
  const facts: ContactFact[] = [];
  const result = await store.transaction(async (tx) => {
    const row = await getCampaignRow(tx, campaignId);
    authorizeFeedback(actor);
    if (!feedbackStatuses.includes(row.status)) {
      throw new Conflict(`Campaign ${campaignId} is ${row.status}; outcomes are taken while it runs, is paused or has just finished`, { field: 'status', code: 'NOT_RUNNING' });
    }
    const channels = new Set(row.plan.channels.map((c) => c.channelId));
    const times = batch.outcomes.map((o, i) => {
      if (!channels.has(o.channel)) {
        throw new InvalidInput(`outcomes[${i}].channel: "${o.channel}" is not one of the campaign's channels (${[...channels].join(', ')})`, { field: `outcomes[${i}].channel` });
      }
      const at = o.at.replace('T', ' ');
      if (!isCalendarDate(at.slice(0, 10)) || Number(at.slice(11, 13)) > 23 || Number(at.slice(14, 16)) > 59 || Number(at.slice(17, 19) || 0) > 59) {
        throw new InvalidInput(`outcomes[${i}].at: "${o.at}" is not a time`, { field: `outcomes[${i}].at` });
      }
      return at.length === 16 ? `${at}:00` : at;
    });
    const ids = batch.outcomes.map((o) => o.subscriberId);
    const membership = await tx.query<{ i: number; grp: string | null; reason: string | null }>(
      `WITH b AS (SELECT unnest($ids) AS subscriber_id, unnest(range(len($ids))) AS i)
       SELECT b.i, t.grp, x.reason
       FROM b
         LEFT JOIN (SELECT subscriber_id, any_value(grp) AS grp FROM campaign_targets WHERE campaign_id = $id GROUP BY 1) t USING (subscriber_id)
         LEFT JOIN (SELECT subscriber_id, any_value(reason) AS reason FROM campaign_exclusions WHERE campaign_id = $id GROUP BY 1) x USING (subscriber_id)
       WHERE t.grp IS DISTINCT FROM 'treatment'
       ORDER BY b.i LIMIT 1`,
      { ids, id: campaignId },
    );
    const bad = membership[0];
    if (bad) {
      const field = `outcomes[${bad.i}].subscriberId`;
      const who = `subscriber ${ids[bad.i]}`;
      const reason =
        bad.grp === 'control'
          ? `${who} is in the control group, which is never contacted`
          : bad.reason
            ? `${who} was excluded from this campaign (${bad.reason})`
            : `${who} is not a target of this campaign`;
      throw new InvalidInput(`${field}: ${reason}`, { field, code: 'NOT_A_TARGET' });
    }
    const before = await tx.one<{ n: number }>('SELECT count(*) AS n FROM contact_events WHERE campaign_id = $key', { key: String(campaignId) });
    const inserted = await tx.query<{ subscriberId: number; at: string; channelId: string; outcome: string }>(
      `INSERT INTO contact_events (subscriber_id, event_time, channel_id, event_type, business, outcome, campaign_id, note)
       SELECT DISTINCT b.subscriber_id, b.at, b.channel, 'marketing', $business, CAST(b.outcome AS contact_outcome), $key, 'campaign outcome'
       FROM (SELECT unnest($ids) AS subscriber_id, CAST(unnest($times) AS TIMESTAMP) AS at, unnest($channels) AS channel, unnest($outcomes) AS outcome) b
       WHERE NOT EXISTS (
         SELECT 1 FROM contact_events e
         WHERE e.campaign_id = $key AND e.subscriber_id = b.subscriber_id AND e.event_time = b.at
           AND e.channel_id = b.channel AND CAST(e.outcome AS VARCHAR) = b.outcome)
       RETURNING subscriber_id AS "subscriberId", strftime(event_time, '%Y-%m-%d %H:%M:%S') AS at, channel_id AS "channelId", CAST(outcome AS VARCHAR) AS outcome`,
      {
        ids,
        times,
        channels: batch.outcomes.map((o) => o.channel),
        outcomes: batch.outcomes.map((o) => o.outcome),
        key: String(campaignId),
        business: row.plan.offers[0]?.productId ?? 'campaign',
      },
    );
    const after = await tx.one<{ n: number }>('SELECT count(*) AS n FROM contact_events WHERE campaign_id = $key', { key: String(campaignId) });
    const recorded = (after?.n ?? 0) - (before?.n ?? 0);
    await recordAudit(tx, actor.username, 'campaign.outcomes', `campaign:${campaignId}`, { received: batch.outcomes.length, recorded });
    // an unanswered call was still an attempt on the customer: the policy counts it as a contact
    const business = row.plan.offers[0]?.productId ?? 'campaign';
    for (const r of inserted) {
      facts.push({ subscriberId: r.subscriberId, channelId: r.channelId, at: r.at, outcome: r.outcome === 'no_answer' ? 'delivered' : (r.outcome as ContactOutcome), campaignId, offerId: business, eventId: null });
    }
    return { recorded, duplicates: batch.outcomes.length - recorded };
  });
  publishContacts(store, facts);
  return result;
}
