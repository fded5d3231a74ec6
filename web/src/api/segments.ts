// Segments: the field catalogue, live preview and saved segments (routes/segments.ts).
import type { SavedSegment, SegmentPreview } from '../../../src/customers/segments.ts';
import type { ComparisonOp, FieldType } from '../components/filterTree.ts';
import { api, useApi, useOnce } from './client.ts';

export type { ComparisonOp, FieldType, SavedSegment, SegmentPreview };

export interface SegmentField {
  name: string;
  type: FieldType;
  values: string[] | null;
  /** where to pick the codes of a text field from */
  source: 'plans' | 'cities' | null;
  ops: ComparisonOp[];
  labelZh: string;
  labelEn: string;
  group: 'profile' | 'usage' | 'contact';
}

/** A filter in the segment language (src/customers/segments.ts); the server checks it. */
export type SegmentFilter = Record<string, unknown>;

/** The fields a filter may use: the server's allow-list, the same for the whole session. */
export const useSegmentFields = () => useOnce<SegmentField[]>('/api/segments/fields');

export const useSegments = () => useApi<SavedSegment[]>('/api/segments');

export const previewSegment = (filter: SegmentFilter, signal?: AbortSignal) =>
  api<SegmentPreview>('/api/segments/preview', { method: 'POST', body: { filter }, signal });

export const saveSegment = (name: string, filter: SegmentFilter, description?: string) =>
  api<SavedSegment>('/api/segments', { method: 'POST', body: { name, filter, description } });

export const updateSegment = (segmentId: number, name: string, filter: SegmentFilter, description?: string) =>
  api<SavedSegment>(`/api/segments/${segmentId}`, { method: 'PUT', body: { name, filter, description } });

export const deleteSegment = (segmentId: number) => api<void>(`/api/segments/${segmentId}`, { method: 'DELETE' });
