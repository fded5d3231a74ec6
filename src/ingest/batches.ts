// The import history: one row per file loaded (kind, name, hash, rows, source system), newest first.
import type { Db } from '../store/store.ts';

export interface ImportBatch {
  batchId: number;
  kind: string;
  fileName: string;
  fileSha256: string;
  rows: number;
  source: string;
  importedAt: string;
}

export async function listImportBatches(db: Db, page: { limit: number; offset: number }): Promise<{ total: number; items: ImportBatch[] }> {
  const total = await db.one<{ n: number }>('SELECT count(*) AS n FROM import_batches');
  const items = await db.query<ImportBatch>(
    `SELECT batch_id AS "batchId", kind, file_name AS "fileName", file_sha256 AS "fileSha256", row_count AS rows, source,
       strftime(imported_at, '%Y-%m-%d %H:%M:%S') AS "importedAt"
     FROM import_batches ORDER BY batch_id DESC LIMIT $limit OFFSET $offset`,
    page,
  );
  return { total: total?.n ?? 0, items };
}
