import type { Principal } from './api';

/** What the workbench shows of an exception to decide which actions the user's roles allow. */
export interface ActionableException {
  status: string;
  owner: string;
  overridableBy: string | null;
  pendingOverride: { requestedBy: string } | null;
}

export type WorkbenchAction = 'replay' | 'resolve' | 'discard' | 'assign' | 'override' | 'approve';

const ACTIVE = ['OPEN', 'AWAITING_APPROVAL'];

/**
 * Whether the user may take an action, and if not, why (the role it needs): the same rules the API enforces, so that
 * a disabled button says what the API would say.
 */
export function allowed(action: WorkbenchAction, exception: ActionableException, me: Principal): string | null {
  if (!ACTIVE.includes(exception.status)) return `the exception is ${exception.status}`;
  const has = (role: string) => me.roles.includes(role);
  if (action === 'override') {
    if (!exception.overridableBy) return 'this rule cannot be overridden';
    if (exception.status !== 'OPEN') return 'an override is already waiting for approval';
    return has(exception.overridableBy) ? null : `needs ${exception.overridableBy}`;
  }
  if (action === 'approve') {
    if (exception.status !== 'AWAITING_APPROVAL') return 'no override is waiting for approval';
    if (exception.pendingOverride?.requestedBy === me.id) return 'a second person must approve (four eyes)';
    return exception.overridableBy && has(exception.overridableBy) ? null : `needs ${exception.overridableBy}`;
  }
  return has(exception.owner) || has('ADMIN') ? null : `needs ${exception.owner} or ADMIN`;
}
