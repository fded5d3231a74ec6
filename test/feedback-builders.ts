// Builders for the feedback and delivery tests: a small province with a running campaign (offer
// FETION on account managers and outbound), channel keys, events and feedback CSV files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createChannelKey } from '../src/channels/keys.ts';
import type { FeedbackEvent } from '../src/ingest/feedback.ts';
import type { Store } from '../src/store/store.ts';
import { basePlan, campaignApp, campaignIn, smallProvince, type Client } from './campaign-builders.ts';

export interface FeedbackWorld {
  client: Client;
  campaignId: number;
  /** The X-Channel-Key of the outbound call centre and of the app. */
  outboundKey: string;
  appKey: string;
}

export async function feedbackWorld(store: Store, subscribers = 60): Promise<FeedbackWorld> {
  await smallProvince(store, subscribers);
  const client = await campaignApp(store);
  const { id } = await campaignIn(client, 'running', basePlan());
  const outbound = await createChannelKey(store, 'outbound', 'outbound centre CRM', 'admin');
  const app = await createChannelKey(store, 'app', 'mobile app', 'admin');
  return { client, campaignId: id, outboundKey: outbound.secret, appKey: app.secret };
}

export function event(campaignId: number, n: number, overrides: Partial<FeedbackEvent> = {}): FeedbackEvent {
  return {
    eventId: `ob-${n}`,
    subscriberId: (n % 50) + 1,
    campaignId,
    offerId: 'FETION',
    channel: 'outbound',
    outcome: 'delivered',
    at: '2026-11-05 10:00:00',
    ...overrides,
  };
}

export const feedbackHeader = 'event_id,subscriber_id,campaign_id,offer_id,channel_id,outcome,event_time';

export function feedbackLine(e: FeedbackEvent): string {
  return [e.eventId, e.subscriberId, e.campaignId, e.offerId, e.channel, e.outcome, e.at].join(',');
}

/** Writes a CSV in a temp folder and returns its path. */
export function csvFile(name: string, lines: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yiti-feedback-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

export async function countOf(store: Store, table: 'feedback_events' | 'contact_events' | 'import_batches'): Promise<number> {
  return (await store.one<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))!.n;
}
