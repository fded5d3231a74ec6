// Business–channel fit (routes/fit.ts): the graded matrix, parameters and overrides.
import type { FitCell, FitMatrix } from '../../../src/models/fit.ts';
import { api, useApi } from './client.ts';

export type { FitCell, FitMatrix };
export type FitAttributes = Record<string, number>;

export const useFit = () => useApi<FitMatrix>('/api/models/fit');

export const saveFitBusiness = (businessId: string, body: { nameZh: string; nameEn: string; attributes: FitAttributes }) =>
  api<void>(`/api/models/fit/businesses/${encodeURIComponent(businessId)}`, { method: 'PUT', body });

export const saveFitChannel = (channelId: string, attributes: FitAttributes) =>
  api<void>(`/api/models/fit/channels/${encodeURIComponent(channelId)}`, { method: 'PUT', body: { attributes } });

export const setFitOverride = (businessId: string, channelId: string, grade: string | null, reason: string | null) =>
  api<FitCell>(`/api/models/fit/overrides/${encodeURIComponent(businessId)}/${encodeURIComponent(channelId)}`, { method: 'PUT', body: { grade, reason } });
