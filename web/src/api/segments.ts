// Segments: the field catalogue, live preview and saved segments (routes/segments.ts).
import type { SavedSegment, SegmentPreview } from '../../../src/customers/segments.ts';
import { api, useApi } from './client.ts';

export type { SavedSegment, SegmentPreview };

export type FieldType = 'number' | 'string' | 'enum' | 'boolean';
export type ComparisonOp = 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte' | 'between' | 'in' | 'notIn' | 'isTrue' | 'isFalse';

export interface SegmentField {
  name: string;
  type: FieldType;
  values: string[] | null;
  ops: ComparisonOp[];
  labelZh: string;
  labelEn: string;
  group: 'profile' | 'usage' | 'contact';
}

export type FieldValue = number | string | Array<number | string>;
export interface FieldCondition {
  field: string;
  op: ComparisonOp;
  value?: FieldValue;
}
export type SegmentFilter = { all: FieldCondition[] } | { any: FieldCondition[] };

export const useSegmentFields = () => useApi<SegmentField[]>('/api/segments/fields');

export const useSegments = () => useApi<SavedSegment[]>('/api/segments');

export const previewSegment = (filter: SegmentFilter, signal?: AbortSignal) =>
  api<SegmentPreview>('/api/segments/preview', { method: 'POST', body: { filter }, signal });

export const saveSegment = (name: string, filter: SegmentFilter, description?: string) =>
  api<SavedSegment>('/api/segments', { method: 'POST', body: { name, filter, description } });
