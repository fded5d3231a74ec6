// Delivery and worklists: the operator's worklist (GET /api/worklist, outcomes recorded as channel
// feedback), the deliveries of campaign waves to the channel systems and their push attempts.
import { api, useApi, type Query } from './client.ts';

export type WorklistOutcome = 'accepted' | 'refused' | 'ordered' | 'failed';
export const worklistOutcomes: WorklistOutcome[] = ['accepted', 'refused', 'ordered', 'failed'];

export interface WorklistItem {
  itemId: number;
  campaignId: number;
  campaignName: string;
  waveNo: number;
  channelId: string;
  subscriberId: number;
  msisdn: string;
  brand: string;
  vipLevel: number;
  offerId: string;
  offerNameZh: string;
  offerNameEn: string;
  script: string | null;
  status: 'open' | 'done';
  lastOutcome: string | null;
  updatedAt: string | null;
}

export interface Worklist {
  total: number;
  open: number;
  items: WorklistItem[];
}

export const useWorklist = (query: Query) => useApi<Worklist>('/api/worklist', query);

export const recordOutcome = (itemId: number, outcome: WorklistOutcome) =>
  api<{ item: { itemId: number; status: string; lastOutcome: string } }>(`/api/worklist/${itemId}/outcome`, { method: 'POST', body: { outcome } });

export interface Delivery {
  deliveryId: number;
  kind: string;
  campaignId: number | null;
  waveNo: number | null;
  runId: number | null;
  channelId: string;
  method: 'file' | 'http' | 'worklist';
  file: string | null;
  rows: number;
  sha256: string | null;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastError: string | null;
  createdBy: string;
  createdAt: string;
  deliveredAt: string | null;
}

export interface DeliveryAttempt {
  attempt: number;
  startedAt: string;
  durationMs: number;
  httpStatus: number | null;
  error: string | null;
  result: string;
}

export const useDeliveries = (query: Query, refreshMs?: number) => useApi<{ total: number; items: Delivery[] }>('/api/deliveries', query, { refreshMs });

export const useDeliveryAttempts = (deliveryId: number | null) =>
  useApi<{ delivery: Delivery; attempts: DeliveryAttempt[] }>(deliveryId === null ? null : `/api/deliveries/${deliveryId}`);

export const deliverWave = (campaignId: number, waveNo: number) =>
  api<{ folder: string; deliveries: Delivery[] }>(`/api/campaigns/${campaignId}/waves/${waveNo}/deliver`, { method: 'POST' });

export const retryDelivery = (deliveryId: number) => api<Delivery>(`/api/deliveries/${deliveryId}/retry`, { method: 'POST' });
