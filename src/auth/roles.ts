// Roles and what they may do. Deny by default: a permission not listed for a role is refused,
// and the server checks it on every route (the console only hides what it may not use).

export const roles = ['admin', 'planner', 'approver', 'analyst', 'operator', 'auditor'] as const;
export type Role = (typeof roles)[number];

export const permissions = [
  'customers.read',
  'customers.export',
  'segments.write',
  'pii.reveal',
  'data.import',
  'demo.generate',
  'jobs.read',
  /** cancel a job somebody else started (one's own needs only jobs.read) */
  'jobs.cancel',
  'audit.read',
  'users.manage',
  'tariffs.read',
  'tariffs.write',
  'tariffs.simulate',
  'tariffs.push',
  'campaigns.read',
  'campaigns.write',
  'campaigns.approve',
  'campaigns.evaluate',
  'campaigns.feedback',
  'campaigns.settings',
  'models.read',
  'models.train',
  'models.settings',
  'tags.comment',
  'policy.read',
  'policy.write',
  'channels.manage',
  'worklists.work',
] as const;
export type Permission = (typeof permissions)[number];

const grants: Record<Role, readonly Permission[]> = {
  admin: permissions,
  planner: ['customers.read', 'customers.export', 'segments.write', 'jobs.read', 'tariffs.read', 'tariffs.write', 'tariffs.simulate', 'tariffs.push', 'campaigns.read', 'campaigns.write', 'campaigns.evaluate', 'campaigns.feedback', 'models.read', 'tags.comment', 'policy.read'],
  approver: ['customers.read', 'jobs.read', 'tariffs.read', 'campaigns.read', 'campaigns.approve', 'models.read', 'policy.read'],
  analyst: ['customers.read', 'customers.export', 'segments.write', 'jobs.read', 'tariffs.read', 'tariffs.simulate', 'campaigns.read', 'campaigns.evaluate', 'models.read', 'models.train', 'models.settings', 'tags.comment', 'policy.read'],
  operator: ['customers.read', 'jobs.read', 'tariffs.read', 'campaigns.read', 'campaigns.feedback', 'models.read', 'tags.comment', 'worklists.work'],
  auditor: ['customers.read', 'jobs.read', 'audit.read', 'campaigns.read', 'models.read', 'policy.read'],
};

export function permissionsOf(role: Role): Permission[] {
  return [...grants[role]];
}

export function can(role: Role, permission: Permission): boolean {
  return grants[role].includes(permission);
}
