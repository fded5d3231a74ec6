// CPC segments (routes/cpc.ts): the latest run's segments and fit matrices; starting a run.
import type { CpcResult } from '../../../src/models/cpc.ts';
import { api, useApi } from './client.ts';

export type { CpcResult };

export const useCpc = (runId?: number) => useApi<CpcResult>('/api/models/cpc', { runId });

export const startCpc = (params: { k?: number; features?: string[] }) =>
  api<{ runId: number; jobId: string }>('/api/models/cpc/runs', { method: 'POST', body: params });
