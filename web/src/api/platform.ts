// Health, overview, channels, jobs and audit (routes/platform.ts): one hook per endpoint.
import type { Overview } from '../../../src/analytics/overview.ts';
import type { Product } from '../../../src/catalogue/products.ts';
import { useEffect, useState } from 'react';
import { api, useApi, type Query } from './client.ts';

export type { Overview, Product };

/** GET /api/health: 200 when ready, 503 with progress while the first demo province is generated. */
export interface Health {
  ready: boolean;
  failed: boolean;
  progress: number;
  message: string | null;
}

export async function fetchHealth(): Promise<Health> {
  const response = await fetch('/api/health', { headers: { accept: 'application/json' } });
  const body = (await response.json().catch(() => ({}))) as { status?: string; progress?: number; message?: string | null };
  if (response.ok) return { ready: true, failed: false, progress: 1, message: null };
  return { ready: false, failed: body.status === 'failed', progress: body.progress ?? 0, message: body.message ?? null };
}

export const useOverview = () => useApi<Overview>('/api/overview');

export interface Channel {
  channelId: string;
  nameZh: string;
  nameEn: string;
  kind: string;
  dailyCapacity: number | null;
}

export const useChannels = () => useApi<Channel[]>('/api/channels');

/** The product catalogue: tariff plans, value-added services, offers; on sale, or also those no longer sold. */
export const useProducts = (includeInactive = false) => useApi<Product[]>('/api/products', includeInactive ? { includeInactive } : undefined);

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Job {
  jobId: string;
  kind: string;
  status: JobStatus;
  progress: number;
  message: string | null;
  params: unknown;
  result: unknown;
  error: string | null;
  createdBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** running, and stops part-way when asked */
  cancellable: boolean;
}

export const isActive = (job: Pick<Job, 'status'>) => job.status === 'queued' || job.status === 'running';

export interface Page<T> {
  total: number;
  items: T[];
}

export const useJobs = (query: Query, refreshMs?: number) => useApi<Page<Job>>('/api/jobs', query, { refreshMs });

/** Asks a running job to stop (its starter, or a role with jobs.cancel); it then ends as cancelled. */
export const cancelJob = (jobId: string) => api<Job>(`/api/jobs/${encodeURIComponent(jobId)}/cancel`, { method: 'POST' });

export const useJob = (jobId: string | null, refreshMs?: number) =>
  useApi<Job>(jobId === null ? null : `/api/jobs/${encodeURIComponent(jobId)}`, undefined, { refreshMs });

export interface AuditEntry {
  auditId: number;
  occurredAt: string;
  actor: string;
  action: string;
  target: string | null;
  detail: unknown;
}

export const useAudit = (query: Query) => useApi<Page<AuditEntry>>('/api/audit', query);

export type City = Overview['byCity'][number];

let citiesOnce: Promise<City[]> | null = null;

/**
 * The province's cities (code and names) for filters and labels. The overview is the only
 * answer that lists them, so it is fetched once per page load and kept.
 */
export function useCities(): City[] | undefined {
  const [cities, setCities] = useState<City[]>();
  useEffect(() => {
    citiesOnce ??= api<Overview>('/api/overview').then((o) => o.byCity);
    let live = true;
    citiesOnce.then(
      (list) => live && setCities(list),
      () => {
        citiesOnce = null; // try again next time
      },
    );
    return () => {
      live = false;
    };
  }, []);
  return cities;
}
