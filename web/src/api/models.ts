// Customer models: training runs (propensity, channel preference, lift), one run's metrics and
// log, and a customer's scores (routes/models.ts).
import type { ModelRun } from '../../../src/models/runs.ts';
import type { ScoreLabel, SubscriberScore } from '../../../src/models/scores.ts';
import type { ChannelPreferenceMetrics, ChannelPreferenceRequest, DecileRow, LiftMetrics, LiftRequest, PropensityMetrics, PropensityRequest } from '../../../src/models/types.ts';
import { api, useApi } from './client.ts';

export type { ChannelPreferenceMetrics, DecileRow, LiftMetrics, ModelRun, PropensityMetrics, ScoreLabel, SubscriberScore };

export type ModelKind = 'propensity' | 'channel_preference' | 'lift' | 'matching_tree';

export interface RunDetail {
  run: ModelRun;
  log: Array<{ at: string; message: string }>;
}

export const useModelRuns = (model: ModelKind, refreshMs?: number) =>
  useApi<{ total: number; items: ModelRun[] }>('/api/models/runs', { model, limit: 50 }, { refreshMs });

/** Runs of every model, newest first: a segment's model-score condition picks one. */
export const useAllModelRuns = (enabled = true) => useApi<{ total: number; items: ModelRun[] }>(enabled ? '/api/models/runs' : null, { limit: 200 });

/** What a run scored per label (a channel, a cluster; '' for one score per customer). */
export const useScoreLabels = (runId: number | null) => useApi<ScoreLabel[]>(runId === null ? null : `/api/models/runs/${runId}/labels`);

export const useModelRun = (runId: number | null, refreshMs?: number) => useApi<RunDetail>(runId === null ? null : `/api/models/runs/${runId}`, undefined, { refreshMs });

export const useSubscriberScores = (subscriberId: number | null) => useApi<SubscriberScore[]>(subscriberId === null ? null : `/api/models/subscribers/${subscriberId}/scores`);

type Started = { runId: number; jobId: string };

export const trainPropensity = (body: PropensityRequest) => api<Started>('/api/models/propensity', { method: 'POST', body });
export const trainChannelPreference = (body: ChannelPreferenceRequest) => api<Started>('/api/models/channel-preference', { method: 'POST', body });
export const trainLift = (body: LiftRequest) => api<Started>('/api/models/lift', { method: 'POST', body });
export const trainMatchingTree = (body: { products: string[]; maxDepth?: number; minLeafSize?: number }) =>
  api<Started>('/api/models/matching-tree', { method: 'POST', body });
