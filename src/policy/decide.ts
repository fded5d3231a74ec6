// The one decision function of the contact policy, shared by batch wave lists and the real-time
// decision API: may this subscriber be offered this offer on this channel at this moment? Pure —
// the caller brings the subscriber's live contacts and the channel's use today — so the same rules
// give the same answer everywhere, and tests state them as tables.
import { clockSeconds, DAY, windowSpan } from './clock.ts';
import type { ContactPolicy, DecisionInput, Verdict } from './types.ts';

/** A policy prepared for many decisions: quiet hours in seconds, per-channel rules looked up by id. */
export interface CompiledPolicy {
  policy: ContactPolicy;
  quiet: Array<{ channel: string; from: number; to: number; label: string }>;
  intervalAll: number;
  intervalPerChannel: Map<string, number>;
  /** how far back the ledger must hold contacts, in days */
  horizonDays: number;
  /** the caps' spans for the last moment asked about (a wave list asks a million times for one moment) */
  spans: { at: number; spans: Array<{ from: number; to: number }> };
}

export function compilePolicy(policy: ContactPolicy): CompiledPolicy {
  const reach = policy.caps.map((c) => (c.window.kind === 'sliding' ? c.window.days : c.window.kind === 'month' ? 31 : c.window.kind === 'week' ? 7 : 1));
  const intervals = [policy.minIntervalHours, ...Object.values(policy.minIntervalHoursPerChannel)].map((h) => Math.ceil(h / 24));
  return {
    policy,
    quiet: policy.quietHours.map((q) => ({ channel: q.channel, from: clockSeconds(q.from), to: clockSeconds(q.to), label: `${q.channel} ${q.from}–${q.to}` })),
    intervalAll: policy.minIntervalHours * 3600,
    intervalPerChannel: new Map(Object.entries(policy.minIntervalHoursPerChannel).map(([c, h]) => [c, h * 3600])),
    horizonDays: Math.max(1, ...reach, ...intervals, policy.stopLookbackDays, policy.complaintQuietDays, policy.feedbackMatchDays) + 1,
    spans: { at: NaN, spans: [] },
  };
}

const deny = (reason: Extract<Verdict, { allowed: false }>['reason'], detail: string): Verdict => ({ allowed: false, reason, detail });
const allow: Verdict = { allowed: true };

const windowLabel = (w: ContactPolicy['caps'][number]['window']) => (w.kind === 'sliding' ? `${w.days} days` : w.kind);

function inQuietHours(secondOfDay: number, from: number, to: number): boolean {
  if (from === to) return false;
  return from < to ? secondOfDay >= from && secondOfDay < to : secondOfDay >= from || secondOfDay < to;
}

/**
 * Allow, or the first exclusion reason that applies, in this order: do-not-disturb and abnormal
 * status; eligibility (active product, not already held, brand); caps per channel and across
 * channels; minimum interval; stop after acceptance or N refusals of the offer; quiet hours; the
 * campaign wave (its dates, contacts per customer, its size); channel capacity today; a recent complaint.
 */
export function checkContact(input: DecisionInput, compiled: CompiledPolicy): Verdict {
  const { subscriber, offer, channelId, at, contacts } = input;
  const policy = compiled.policy;

  if (subscriber.dnd) return deny('dnd', 'the customer asked not to be disturbed');
  if (subscriber.status !== 'active') return deny(`status_${subscriber.status}`, `the subscriber is ${subscriber.status}`);

  if (!offer.productActive) return deny('offer_inactive', `${offer.offerId} is no longer sold`);
  if (offer.held) return deny('already_holds', `the customer already has ${offer.offerId}`);
  if (offer.brands && !offer.brands.includes(subscriber.brand)) return deny('brand_not_eligible', `${offer.offerId} is sold to ${offer.brands.join('/')}, not ${subscriber.brand}`);

  if (compiled.spans.at !== at) compiled.spans = { at, spans: policy.caps.map((cap) => windowSpan(cap.window, at)) };
  for (const [i, cap] of policy.caps.entries()) {
    if (cap.channel !== '*' && cap.channel !== channelId) continue;
    const { from, to } = compiled.spans.spans[i]!;
    let n = 0;
    for (const c of contacts) {
      if (c.at < from || c.at >= to) continue;
      if (cap.counts === 'marketing' && c.kind !== 'marketing') continue;
      if (cap.channel !== '*' && c.channelId !== cap.channel) continue;
      n++;
    }
    if (n >= cap.max) return deny('cap_reached', `${cap.channel === '*' ? 'all channels' : cap.channel}: ${n} ${cap.counts === 'all' ? 'contacts' : 'marketing contacts'} in the ${windowLabel(cap.window)} (cap ${cap.max})`);
  }

  const ownInterval = compiled.intervalPerChannel.get(channelId);
  for (const c of contacts) {
    if (c.kind !== 'marketing') continue;
    const gap = Math.abs(at - c.at);
    if (gap < compiled.intervalAll) return deny('min_interval', `a marketing contact on ${c.channelId} ${Math.floor(gap / 60)} min away (minimum ${policy.minIntervalHours} h)`);
    if (ownInterval !== undefined && c.channelId === channelId && gap < ownInterval) {
      return deny('min_interval', `a marketing contact on ${channelId} ${Math.floor(gap / 60)} min away (minimum ${ownInterval / 3600} h on this channel)`);
    }
  }

  const lookback = at - policy.stopLookbackDays * DAY;
  let refusals = 0;
  for (const c of contacts) {
    if (c.offerId !== offer.offerId || c.at <= lookback) continue;
    if (c.accepted && policy.stopAfterAcceptance) return deny('accepted_before', `the customer accepted ${offer.offerId}`);
    if (c.refused) refusals++;
  }
  if (policy.maxRefusals > 0 && refusals >= policy.maxRefusals) return deny('refused_limit', `${offer.offerId} refused ${refusals} times (limit ${policy.maxRefusals})`);

  const secondOfDay = ((at % DAY) + DAY) % DAY;
  for (const q of compiled.quiet) {
    if ((q.channel === '*' || q.channel === channelId) && inQuietHours(secondOfDay, q.from, q.to)) return deny('quiet_hours', q.label);
  }

  if (offer.wave) {
    const w = offer.wave;
    if (at < w.start || at >= w.end) return deny('outside_wave', `wave ${w.waveNo} runs ${new Date(w.start * 1000).toISOString().slice(0, 10)} – ${new Date((w.end - 1) * 1000).toISOString().slice(0, 10)}`);
    let mine = 0;
    for (const c of contacts) if (c.kind === 'marketing' && c.campaignId === offer.campaignId && c.at >= w.start && c.at < w.end) mine++;
    if (mine >= policy.maxContactsPerWave) return deny('wave_limit', `already contacted ${mine} times in wave ${w.waveNo} of campaign ${offer.campaignId}`);
    if (w.size !== null && w.used >= w.size) return deny('wave_limit', `wave ${w.waveNo} of campaign ${offer.campaignId} is full (${w.size})`);
  }

  if (input.channelCapacity !== null && input.channelToday >= input.channelCapacity) {
    return deny('channel_capacity', `${channelId} carried ${input.channelToday} of its ${input.channelCapacity} contacts today`);
  }

  if (policy.complaintQuietDays > 0) {
    const since = at - policy.complaintQuietDays * DAY;
    const complaint = contacts.find((c) => c.kind === 'complaint' && c.at > since && c.at <= at);
    if (complaint) return deny('complained_recently', `complained on ${complaint.channelId} within ${policy.complaintQuietDays} days`);
  }
  return allow;
}
