// The audit trail of sensitive actions (PII reveals, sign-ins, imports, approvals):
// who did what to which target, when, with a JSON detail.
import type { Db } from '../store/store.ts';

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
  const filters: string[] = [];
  const params: Record<string, string | number> = {};
  if (opts.action) {
    filters.push('action = $action');
    params.action = opts.action;
  }
  if (opts.actor) {
    filters.push('actor = $actor');
    params.actor = opts.actor;
  }
  const where = filters.length ? `WHERE ${filters.join(' AND ')}` : '';
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
