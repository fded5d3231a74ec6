// The audit trail of sensitive actions (PII reveals, sign-ins, imports, approvals):
// who did what to which target, when, with a JSON detail.
import type { Db } from '../store/store.ts';
import { Filters } from '../store/filters.ts';

export interface AuditEntry {
  auditId: number;
  occurredAt: string;
  actor: string;
  action: string;
  target: string | null;
  detail: unknown;
}

export async function recordAudit(db: Db, actor: string, action: string, target: string | null, detail: unknown = null): Promise<void> {
  await db.run('INSERT INTO audit_log (actor, action, target, detail) VALUES ($actor, $action, $target, $detail)', {
    actor,
    action,
    target,
    detail: detail === null ? null : JSON.stringify(detail),
  });
}

export async function listAudit(
  db: Db,
  opts: { limit: number; offset: number; action?: string; actor?: string },
): Promise<{ total: number; items: AuditEntry[] }> {
  const { where, params } = new Filters().when(opts.action, 'action', 'action = $action').when(opts.actor, 'actor', 'actor = $actor');
  const total = await db.one<{ n: number }>(`SELECT count(*) AS n FROM audit_log ${where}`, params);
  const rows = await db.query<{ audit_id: number; occurred_at: string; actor: string; action: string; target: string | null; detail: string | null }>(
    `SELECT audit_id, occurred_at, actor, action, target, detail FROM audit_log ${where}
     ORDER BY audit_id DESC LIMIT $limit OFFSET $offset`,
    { ...params, limit: opts.limit, offset: opts.offset },
  );
  return {
    total: total?.n ?? 0,
    items: rows.map((r) => ({
      auditId: r.audit_id,
      occurredAt: r.occurred_at,
      actor: r.actor,
      action: r.action,
      target: r.target,
      detail: r.detail === null ? null : JSON.parse(r.detail),
    })),
  };
}
