// The contact policy (routes/policy.ts): the policy document and saving a new version.
import type { ContactPolicy, StoredPolicy } from '../../../src/policy/types.ts';
import { api, useApi } from './client.ts';

export type { ContactPolicy, StoredPolicy };

export const usePolicy = () => useApi<StoredPolicy>('/api/policy');
export const usePolicyReasons = () => useApi<string[]>('/api/policy/reasons');

export const savePolicy = (version: number, policy: ContactPolicy) => api<StoredPolicy>('/api/policy', { method: 'PUT', body: { version, policy } });
