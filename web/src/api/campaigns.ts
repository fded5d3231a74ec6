// Campaigns: list, approval inbox, the plan, lifecycle actions, targets, history and the report
// (routes/campaigns.ts). Types come from the server's schemas so the console never drifts from them.
import type { Static } from '@sinclair/typebox';
import type { DiversionQuery, DiversionReport } from '../../../src/campaigns/diversion.ts';
import type {
  AdjustBody,
  Campaign,
  CampaignList as CampaignListSchema,
  CampaignListQuery,
  CampaignPlan,
  CampaignSummary,
  HoldoutSettings,
  Resource,
  ResourceApplication,
  TargetCounts,
} from '../../../src/campaigns/types.ts';
import type { CampaignReport } from '../../../src/campaigns/report.ts';
import type { CampaignSimulation } from '../../../src/campaigns/simulation.ts';
import type { CampaignAction, CampaignStatus } from '../../../src/campaigns/lifecycle.ts';
import { api, ApiError, downloadFile, useApi } from './client.ts';

export type CampaignList = Static<typeof CampaignListSchema>;
export type { CampaignSimulation };
export type { Campaign, CampaignPlan, CampaignSummary, CampaignReport, TargetCounts, CampaignAction, CampaignStatus, HoldoutSettings, Resource, ResourceApplication };
export type BreakdownRow = CampaignReport['byChannel'][number];

export interface HistoryEntry {
  occurredAt: string;
  actor: string;
  action: string;
  detail: unknown;
}

/** The lifecycle actions that are a plain POST with {version, reason}. */
export type TransitionAction = Exclude<CampaignAction, 'edit' | 'delete' | 'adjust'>;

type ListQuery = Partial<Omit<CampaignListQuery, 'status'>> & { status?: CampaignStatus };

/** All campaigns, or with `inbox` the approval inbox: submitted campaigns the user neither wrote nor submitted. */
export const useCampaigns = (query: ListQuery, inbox = false) => useApi<CampaignList>(inbox ? '/api/campaigns/inbox' : '/api/campaigns', query);

export const useCampaign = (id: number | null) => useApi<Campaign>(id === null ? null : `/api/campaigns/${id}`);

export const useCampaignHistory = (id: number) => useApi<HistoryEntry[]>(`/api/campaigns/${id}/history`);

export const useCampaignReport = (id: number) => useApi<CampaignReport>(`/api/campaigns/${id}/report`);

export const createCampaign = (plan: CampaignPlan) => api<Campaign>('/api/campaigns', { method: 'POST', body: plan });

export const updateCampaign = (id: number, plan: CampaignPlan, version: number) =>
  api<Campaign>(`/api/campaigns/${id}`, { method: 'PUT', body: { ...plan, version } });

export const deleteCampaign = (id: number, version: number) => api<void>(`/api/campaigns/${id}`, { method: 'DELETE', query: { version } });

export const transitionCampaign = (id: number, action: TransitionAction, version: number, reason?: string) =>
  api<Campaign>(`/api/campaigns/${id}/${action}`, { method: 'POST', body: reason ? { version, reason } : { version } });

/** The changes allowed while a campaign runs or is paused (budget actuals, waves, channel rules). */
export const adjustCampaign = (id: number, body: AdjustBody) => api<Campaign>(`/api/campaigns/${id}/adjust`, { method: 'POST', body });

/** Downloads the report (CSV or Excel). */
export const downloadReport = (id: number, format: 'csv' | 'xlsx') => downloadFile(`/api/campaigns/${id}/report.${format}`, `campaign-${id}-report.${format}`);

/** A campaign changed by someone else since it was read. */
export const isStale = (error: unknown): boolean => error instanceof ApiError && error.status === 409 && error.code === 'STALE_VERSION';

// Marketing resources (gifted prepaid credit, gifts, materials): applied for, approved apart, used.

export const useCampaignResources = (id: number) => useApi<Resource[]>(`/api/campaigns/${id}/resources`);

export const applyForResource = (id: number, body: ResourceApplication) => api<Resource>(`/api/campaigns/${id}/resources`, { method: 'POST', body });

export const decideResource = (id: number, resourceId: number, decision: 'approve' | 'reject', note?: string) =>
  api<Resource>(`/api/campaigns/${id}/resources/${resourceId}/${decision}`, { method: 'POST', body: note ? { note } : {} });

export const recordResourceUsage = (id: number, resourceId: number, usedQuantity: number) =>
  api<Resource>(`/api/campaigns/${id}/resources/${resourceId}/usage`, { method: 'POST', body: { usedQuantity } });

/** The global holdout: a fixed share of all customers never marketed. */
export const useHoldoutSettings = () => useApi<HoldoutSettings>('/api/campaigns/settings');

export const setHoldoutPercent = (holdoutPercent: number) => api<HoldoutSettings>('/api/campaigns/settings', { method: 'PUT', body: { holdoutPercent } });

/** What the campaign would do if scheduled now: targets after eligibility and policy, responses, cost, load. */
export const simulateCampaign = (id: number) => api<CampaignSimulation>(`/api/campaigns/${id}/simulate`, { method: 'POST' });

export type { DiversionReport };
export const useDiversion = (id: number | null, query: DiversionQuery) => useApi<DiversionReport>(id === null ? null : `/api/campaigns/${id}/diversion`, query);
