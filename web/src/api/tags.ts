// Customer tags (routes/tags.ts): list, edit, recompute, ratings, comments, validation.
import type { CustomerTag, Tag, TagAdvice, TagComment, TagValidation } from '../../../src/models/tags.ts';
import { api, useApi } from './client.ts';

export type { CustomerTag, Tag, TagAdvice, TagComment, TagValidation };

export const useTags = () => useApi<Tag[]>('/api/tags');
export const useTagComments = (tagId: string | null) => useApi<TagComment[]>(tagId ? `/api/tags/${encodeURIComponent(tagId)}/comments` : null);
export const useTagValidation = (tagId: string | null) => useApi<TagValidation>(tagId ? `/api/tags/${encodeURIComponent(tagId)}/validation` : null);
export const useCustomerTags = (subscriberId: number) => useApi<CustomerTag[]>(`/api/customers/${subscriberId}/tags`);

export const recomputeTags = () => api<{ jobId: string }>('/api/tags/recompute', { method: 'POST' });
export const rateTag = (tagId: string, rating: number) => api<Tag>(`/api/tags/${encodeURIComponent(tagId)}/rating`, { method: 'PUT', body: { rating } });
export const commentOnTag = (tagId: string, body: string) => api<TagComment>(`/api/tags/${encodeURIComponent(tagId)}/comments`, { method: 'POST', body: { body } });
/** What the tag editor sends (TagInput): names, descriptions, the rule in the segment language and the advice. */
export interface TagBody {
  nameZh: string;
  nameEn: string;
  descriptionZh?: string;
  descriptionEn?: string;
  rule: unknown;
  advice: TagAdvice | null;
}

export const createTag = (body: TagBody) => api<Tag>('/api/tags', { method: 'POST', body });
export const updateTag = (tagId: string, body: TagBody) => api<Tag>(`/api/tags/${encodeURIComponent(tagId)}`, { method: 'PUT', body });
export const deleteTag = (tagId: string) => api<void>(`/api/tags/${encodeURIComponent(tagId)}`, { method: 'DELETE' });
