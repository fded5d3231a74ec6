// The contact policy document: read (the highest stored version, or the default before anyone
// saved one), checked and saved as a new version with an audit entry. Whoever caches the policy
// (the decision engine) subscribes to changes.
import { recordAudit } from '../audit/audit.ts';
import { assertShape } from '../campaigns/plan.ts';
import { Conflict, InvalidInput } from '../store/errors.ts';
import type { Db, Store } from '../store/store.ts';
import { ContactPolicy, defaultContactPolicy, type StoredPolicy } from './types.ts';

type PolicyListener = (policy: StoredPolicy) => void;
const listeners = new WeakMap<Store, Set<PolicyListener>>();

export function onPolicyChange(store: Store, listener: PolicyListener): () => void {
  let set = listeners.get(store);
  if (!set) listeners.set(store, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

export async function getContactPolicy(db: Db): Promise<StoredPolicy> {
  const row = await db.one<{ version: number; policy: string; updatedBy: string; updatedAt: string }>(
    `SELECT version, policy, updated_by AS "updatedBy", strftime(updated_at, '%Y-%m-%d %H:%M:%S') AS "updatedAt"
     FROM contact_policy ORDER BY version DESC LIMIT 1`,
  );
  if (!row) return { version: 0, policy: defaultContactPolicy, updatedBy: 'system', updatedAt: '' };
  return { ...row, policy: typeof row.policy === 'string' ? JSON.parse(row.policy) : row.policy };
}

/** The checks a schema cannot make: channels named exist, no cap or quiet window given twice. */
async function checkPolicy(db: Db, policy: ContactPolicy): Promise<void> {
  const channels = new Set((await db.query<{ id: string }>('SELECT channel_id AS id FROM channels')).map((r) => r.id));
  const known = (channel: string, field: string) => {
    if (channel !== '*' && !channels.has(channel)) throw new InvalidInput(`${field}: "${channel}" is not a channel`, { field, code: 'UNKNOWN_CHANNEL' });
  };
  const seen = new Set<string>();
  policy.caps.forEach((cap, i) => {
    known(cap.channel, `caps[${i}].channel`);
    const key = JSON.stringify([cap.channel, cap.window, cap.counts]);
    if (seen.has(key)) throw new InvalidInput(`caps[${i}]: the same channel, window and count appear twice; keep one cap`, { field: `caps[${i}]` });
    seen.add(key);
  });
  policy.quietHours.forEach((q, i) => {
    known(q.channel, `quietHours[${i}].channel`);
    if (q.from === q.to) throw new InvalidInput(`quietHours[${i}].to: a quiet window from ${q.from} to ${q.to} is empty`, { field: `quietHours[${i}].to` });
  });
  for (const channel of Object.keys(policy.minIntervalHoursPerChannel)) known(channel, `minIntervalHoursPerChannel.${channel}`);
}

/** Saves a new version of the policy (the version the editor read must still be current). */
export async function updateContactPolicy(store: Store, input: unknown, expectedVersion: number, actor: string): Promise<StoredPolicy> {
  assertShape(ContactPolicy, input, 'policy');
  const policy = input as ContactPolicy;
  const saved = await store.transaction(async (tx) => {
    await checkPolicy(tx, policy);
    const current = await getContactPolicy(tx);
    if (current.version !== expectedVersion) {
      throw new Conflict(`version: the policy is at version ${current.version}, you edited version ${expectedVersion}; reload it`, {
        field: 'version',
        code: 'STALE_VERSION',
      });
    }
    const version = current.version + 1;
    await tx.run('INSERT INTO contact_policy (version, policy, updated_by) VALUES ($version, $policy, $by)', { version, policy: JSON.stringify(policy), by: actor });
    await recordAudit(tx, actor, 'policy.update', `contact_policy:${version}`, { from: current.version, to: version, policy });
    return getContactPolicy(tx);
  });
  for (const listener of listeners.get(store) ?? []) listener(saved);
  return saved;
}
