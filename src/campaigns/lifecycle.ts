// The campaign state machine: which action moves a campaign from which states to which, and who
// may take it. One table, read by the service (to refuse), the routes (to name the permission) and
// the console (to offer only the actions the user may take).
import { can, type Permission, type Role } from '../auth/roles.ts';

export const campaignStatuses = ['draft', 'submitted', 'approved', 'scheduled', 'running', 'paused', 'finished', 'evaluated'] as const;
export type CampaignStatus = (typeof campaignStatuses)[number];

export const campaignActions = ['edit', 'delete', 'submit', 'approve', 'return', 'schedule', 'start', 'pause', 'resume', 'adjust', 'finish', 'evaluate'] as const;
export type CampaignAction = (typeof campaignActions)[number];

export interface TransitionRule {
  from: readonly CampaignStatus[];
  /** The status after the action; null keeps the status (edit, adjust) or removes the campaign (delete). */
  to: CampaignStatus | null;
  permission: Permission;
  /** The creator and the submitter may not take this action on their own campaign (four-eyes rule). */
  notOwn?: boolean;
  /** A written reason is required (a returned campaign tells its planner why). */
  needsReason?: boolean;
}

export const transitionRules: Record<CampaignAction, TransitionRule> = {
  edit: { from: ['draft'], to: null, permission: 'campaigns.write' },
  delete: { from: ['draft'], to: null, permission: 'campaigns.write' },
  submit: { from: ['draft'], to: 'submitted', permission: 'campaigns.write' },
  approve: { from: ['submitted'], to: 'approved', permission: 'campaigns.approve', notOwn: true },
  return: { from: ['submitted'], to: 'draft', permission: 'campaigns.approve', notOwn: true, needsReason: true },
  schedule: { from: ['approved'], to: 'scheduled', permission: 'campaigns.write' },
  start: { from: ['scheduled'], to: 'running', permission: 'campaigns.write' },
  pause: { from: ['running'], to: 'paused', permission: 'campaigns.write' },
  resume: { from: ['paused'], to: 'running', permission: 'campaigns.write' },
  adjust: { from: ['running', 'paused'], to: null, permission: 'campaigns.write' },
  finish: { from: ['running', 'paused'], to: 'finished', permission: 'campaigns.write' },
  evaluate: { from: ['finished'], to: 'evaluated', permission: 'campaigns.evaluate' },
};

/** The status an action leads to, or null when the action is not allowed from `status`. */
export function nextStatus(status: CampaignStatus, action: CampaignAction): CampaignStatus | null {
  const rule = transitionRules[action];
  if (!rule.from.includes(status)) return null;
  return rule.to ?? status;
}

export interface CampaignOwnership {
  status: CampaignStatus;
  createdBy: string;
  submittedBy: string | null;
}

/** Whether the user is the campaign's creator or submitter (and so may not decide on it). */
export function isOwn(campaign: CampaignOwnership, username: string): boolean {
  return campaign.createdBy === username || campaign.submittedBy === username;
}

/** The actions a user may take on a campaign now (for the console's buttons). */
export function allowedActions(campaign: CampaignOwnership, user: { username: string; role: Role }): CampaignAction[] {
  return campaignActions.filter((action) => {
    const rule = transitionRules[action];
    return rule.from.includes(campaign.status) && can(user.role, rule.permission) && !(rule.notOwn && isOwn(campaign, user.username));
  });
}

/** Statuses in which channel feedback (contact outcomes) may still arrive. */
export const feedbackStatuses: readonly CampaignStatus[] = ['running', 'paused', 'finished'];
/** Statuses in which marketing resources may be applied for. */
export const resourceStatuses: readonly CampaignStatus[] = ['draft', 'submitted', 'approved', 'scheduled', 'running', 'paused'];
