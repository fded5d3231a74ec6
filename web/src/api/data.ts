// Data in: import kinds, import history and uploads (routes/data.ts).
import type { ImportBatch } from '../../../src/ingest/batches.ts';
import type { ColumnSpec, KindSpec } from '../../../src/ingest/kinds.ts';
import { api, useApi, type Query } from './client.ts';
import type { Page } from './platform.ts';

export type { ColumnSpec, ImportBatch, KindSpec };


export const useImportKinds = () => useApi<Record<string, KindSpec>>('/api/imports/kinds');

export const useImports = (query: Query) => useApi<Page<ImportBatch>>('/api/imports', query);

export function uploadImport(kind: string, file: File): Promise<{ jobId: string }> {
  const form = new FormData();
  form.append('file', file, file.name);
  return api<{ jobId: string }>(`/api/imports/${encodeURIComponent(kind)}`, { method: 'POST', form });
}
