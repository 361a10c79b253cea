import type { PrincipalRef, Role } from '../auth/principal';
import { DomainError } from '../errors';
import type { RuleSet } from './rule-set';

/** The parameters a rule change may set: everything of a plant's rule set but its version, which the change gives. */
export type RuleParameters = Partial<Omit<RuleSet, 'version'>>;
export type RuleParameter = keyof RuleParameters;

export const RULE_CHANGE_STATUSES = ['PENDING', 'APPROVED', 'REJECTED'] as const;
export type RuleChangeStatus = (typeof RULE_CHANGE_STATUSES)[number];

/**
 * A proposed new version of one plant's rule set: the parameters it changes on top of the version before it, when
 * it takes effect, and who decided it. Approved changes are the plant's versions after the file's (version 1 of a
 * plant is whatever RULES_FILE says, or the defaults).
 */
export interface RuleChange {
  id: string;
  plant: string;
  /** The version this change becomes when approved. */
  version: number;
  status: RuleChangeStatus;
  parameters: RuleParameters;
  /** The roles that own the changed parameters: an approver needs every one of them. */
  owners: Role[];
  /** When the version takes effect: events received from then on are judged by it. */
  effectiveAt: string;
  reason: string;
  /** Set when the change puts an earlier version's parameters back (a rollback). */
  revertsTo: number | null;
  proposedBy: PrincipalRef;
  proposedAt: string;
  decidedBy: PrincipalRef | null;
  decidedAt: string | null;
  note: string | null;
  /** When a process first saw it in force and wrote its activation to the audit chain. */
  activatedAt: string | null;
  /** Bumped on every write: two approvers cannot both decide one change. */
  rev: number;
}

/**
 * Who owns which parameter, from the field's ownership model: supply chain the tolerances and reconciliation
 * thresholds, quality the gating and first-article rules, operations the hold windows, overlap and exception
 * policies, administrators the code mappings and what shapes business keys and postings.
 */
export const PARAMETER_OWNERS: Record<RuleParameter, Role> = {
  yieldTolerancePct: 'SUPPLY_CHAIN',
  overDeliveryTolerancePct: 'SUPPLY_CHAIN',
  underDeliveryTolerancePct: 'SUPPLY_CHAIN',
  reservationTolerancePct: 'SUPPLY_CHAIN',
  reconciliation: 'SUPPLY_CHAIN',
  restrictedLotWorkCenters: 'QUALITY',
  firstArticle: 'QUALITY',
  fourEyesOverrides: 'QUALITY',
  holdWindowMs: 'OPERATIONS',
  allowOperationOverlap: 'OPERATIONS',
  openExceptionLimit: 'OPERATIONS',
  stalledAfterSeconds: 'OPERATIONS',
  triageMinutes: 'OPERATIONS',
  autoReplayRules: 'OPERATIONS',
  mappings: 'ADMIN',
  timestampBucketMs: 'ADMIN',
  requireEnrichment: 'ADMIN',
};

/** The owning roles of a change's parameters, each once, in a stable order. */
export function ownersOf(parameters: RuleParameters): Role[] {
  const roles = new Set(Object.keys(parameters).map((p) => PARAMETER_OWNERS[p as RuleParameter]));
  return (['SUPPLY_CHAIN', 'QUALITY', 'OPERATIONS', 'ADMIN'] as const).filter((r) => roles.has(r));
}

/** What a store answers when a rule change was written by someone else since it was read. */
export function ruleChangeConflict(id: string): DomainError {
  return new DomainError('CONCURRENT_MODIFICATION', `Rule change ${id} was changed meanwhile; read it again`, {
    retryable: true,
    details: { id },
  });
}
