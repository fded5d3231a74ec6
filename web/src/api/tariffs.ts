// Tariff communication (routes/tariffs.ts): plans, simulation runs, results, a customer's
// before/after, best plans, push. One hook or call per endpoint.
import type { PlanProduct } from '../../../src/tariffs/catalogue.ts';
import type { BestPlans, ComparisonLine, CustomerComparison } from '../../../src/tariffs/comparison.ts';
import type { TariffPlan } from '../../../src/tariffs/plan.ts';
import type { PushManifest } from '../../../src/tariffs/push.ts';
import type { Delivery } from './delivery.ts';
import type { Note } from '../../../src/tariffs/pricing.ts';
import type { CustomerResult, ResultQuery, SimulationRequest, SimulationSummary, TariffRun } from '../../../src/tariffs/simulation.ts';
import { api, downloadFile, useApi, type Query } from './client.ts';
import type { Page } from './platform.ts';

export type { BestPlans, ComparisonLine, CustomerComparison, CustomerResult, Note, PlanProduct, PushManifest, SimulationSummary, TariffPlan, TariffRun };

export interface PlanBody {
  service?: string;
  brands?: string[] | null;
  plan: unknown;
}

export const useTariffPlans = () => useApi<PlanProduct[]>('/api/tariffs/plans');

export const validatePlan = (body: PlanBody) => api<{ plan: TariffPlan }>('/api/tariffs/plans/validate', { method: 'POST', body });

export const createPlan = (body: PlanBody) => api<PlanProduct>('/api/tariffs/plans', { method: 'POST', body });

export const updatePlan = (planId: string, body: PlanBody) => api<PlanProduct>(`/api/tariffs/plans/${encodeURIComponent(planId)}`, { method: 'PUT', body });

export const deletePlan = (planId: string) => api<void>(`/api/tariffs/plans/${encodeURIComponent(planId)}`, { method: 'DELETE' });

export const importPlans = (json: unknown) => api<{ imported: Array<{ planId: string; created: boolean }> }>('/api/tariffs/plans/import', { method: 'POST', body: json });

export const startSimulation = (body: SimulationRequest) =>
  api<{ runId: number; jobId: string; targetCount: number }>('/api/tariffs/simulations', { method: 'POST', body });

export const useTariffRuns = (refreshMs?: number) => useApi<Page<TariffRun>>('/api/tariffs/runs', { pageSize: 50 }, { refreshMs });

export const useTariffRun = (runId: number | null, refreshMs?: number) => useApi<TariffRun>(runId === null ? null : `/api/tariffs/runs/${runId}`, undefined, { refreshMs });

export const useRunResults = (runId: number | null, query: Partial<ResultQuery>) =>
  useApi<Page<CustomerResult>>(runId === null ? null : `/api/tariffs/runs/${runId}/results`, query as Query);

export const useRunCustomer = (runId: number | null, subscriberId: number | null, planId?: string) =>
  useApi<{ result: CustomerResult; comparison: CustomerComparison }>(
    runId === null || subscriberId === null ? null : `/api/tariffs/runs/${runId}/customers/${subscriberId}`,
    { planId },
  );

export const useBestPlans = (subscriberId: number | null, enabled: boolean) =>
  useApi<BestPlans>(subscriberId === null || !enabled ? null : `/api/tariffs/customers/${subscriberId}/best-plans`, { limit: 3 });

export const deleteRun = (runId: number) => api<void>(`/api/tariffs/runs/${runId}`, { method: 'DELETE' });

export const pushRun = (runId: number, channels: string[]) =>
  api<{ folder: string; manifests: PushManifest[]; deliveries: Delivery[] }>(`/api/tariffs/runs/${runId}/push`, { method: 'POST', body: { channels } });

/** Downloads the run's results CSV. */
export const downloadResultsCsv = (runId: number, query: Query) => downloadFile(`/api/tariffs/runs/${runId}/results.csv`, `tariff-run-${runId}.csv`, query);
