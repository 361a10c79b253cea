import type { Role } from '../auth/principal';
import type { ExceptionRecord, ExceptionType } from '../ports/records';
import { QUALITY_HOLD_RULE } from '../quality/quality.gate';

/**
 * Who owns an exception, and which refusals a person may override. The field's ownership split (SAP AIF's
 * responsible users): master data and stock belong to supply chain, quality decisions to quality, the order of
 * work on the floor to operations, transport and processing failures to IT (ADMIN), conflicting resends to the
 * integrator who sent them.
 */
export function ownerOf(type: ExceptionType, rule: string): Role {
  const byRule = OWNER_BY_RULE_PREFIX.find(([prefix]) => rule.startsWith(prefix));
  if (byRule) return byRule[1];
  return OWNER_BY_TYPE[type];
}

const OWNER_BY_RULE_PREFIX: readonly [string, Role][] = [
  // Work centres are the floor's own master data; items, revisions, units and lots are supply chain's.
  ['reference.work-center', 'OPERATIONS'],
  // A plant's code tables are master data too.
  ['mapping.', 'SUPPLY_CHAIN'],
  ['reference.', 'SUPPLY_CHAIN'],
  // Where a conditionally released lot may be used is quality's call.
  ['consumption.lot-restricted', 'QUALITY'],
  ['consumption.lot-', 'SUPPLY_CHAIN'],
  ['consumption.reserved-quantity', 'SUPPLY_CHAIN'],
  ['consumption.reserved-component', 'SUPPLY_CHAIN'],
  ['completion.lot-', 'SUPPLY_CHAIN'],
  ['inspection.', 'QUALITY'],
  ['nonconformance.', 'QUALITY'],
  ['quality.', 'QUALITY'],
  ['order.cancel-', 'OPERATIONS'],
  ['order.change-', 'OPERATIONS'],
  ['message.', 'ADMIN'],
  ['processing.', 'ADMIN'],
  ['downstream.', 'ADMIN'],
  // Drift: ERP's postings and stock are supply chain's, the floor's records operations', quality records quality's.
  ['reconciliation.erp', 'SUPPLY_CHAIN'],
  ['reconciliation.mes', 'OPERATIONS'],
  ['reconciliation.qms', 'QUALITY'],
];

const OWNER_BY_TYPE: Record<ExceptionType, Role> = {
  VALIDATION: 'OPERATIONS',
  SEQUENCE: 'OPERATIONS',
  DEPENDENCY: 'QUALITY',
  REVISION_MISMATCH: 'OPERATIONS',
  DUPLICATE_CONFLICT: 'INTEGRATOR',
  DOWNSTREAM: 'ADMIN',
  RECONCILIATION: 'SUPPLY_CHAIN',
  PROCESSING: 'ADMIN',
};

export interface OverridePolicy {
  /** The only role that may override the rule (an ADMIN may not: overrides are business decisions). */
  role: Role;
  /** Overrides of this rule always need a second principal's approval, whatever the plant's rules say. */
  alwaysFourEyes: boolean;
  /** What the override means, for the audit entry and the error a refused override gets. */
  meaning: string;
}

/**
 * The rules a person may override, each with the role that may. Everything else is corrected (replay with a
 * corrected payload, master data fixed) or resolved outside Plantgate: overriding a negative stock, an unknown
 * item or a conflicting resend would only move the error downstream.
 */
export const OVERRIDABLE_RULES: Readonly<Record<string, OverridePolicy>> = {
  'order.cancel-started': {
    role: 'OPERATIONS',
    alwaysFourEyes: false,
    meaning: 'cancel an order whose work started on the floor (MES is told to stop)',
  },
  'order.change-started': {
    role: 'OPERATIONS',
    alwaysFourEyes: false,
    meaning: 'apply an order change that touches work started on the floor (MES must acknowledge the new version)',
  },
  'consumption.lot-status': {
    role: 'SUPPLY_CHAIN',
    alwaysFourEyes: false,
    meaning: 'consume from a BLOCKED lot',
  },
  'consumption.lot-expiry': {
    role: 'SUPPLY_CHAIN',
    alwaysFourEyes: false,
    meaning: 'consume from a lot past its expiry',
  },
  'consumption.reserved-quantity': {
    role: 'SUPPLY_CHAIN',
    alwaysFourEyes: false,
    meaning: "consume more of a component than its reservation for the operation plus the plant's tolerance",
  },
  'consumption.lot-restricted': {
    role: 'QUALITY',
    alwaysFourEyes: false,
    meaning: "consume a RESTRICTED lot at a work centre the plant's rules do not allow it at",
  },
  'consumption.reserved-component': {
    role: 'SUPPLY_CHAIN',
    alwaysFourEyes: false,
    meaning: 'consume a component not reserved on the order (a substitute)',
  },
  'completion.over-delivery': {
    role: 'OPERATIONS',
    alwaysFourEyes: false,
    meaning: "complete more than the plant's over-delivery tolerance",
  },
  'operation.yield-predecessor': {
    role: 'OPERATIONS',
    alwaysFourEyes: false,
    meaning: "confirm more yield than the previous operation's",
  },
  'operation.predecessor-completed': {
    role: 'OPERATIONS',
    alwaysFourEyes: false,
    meaning: 'complete an operation before its predecessor',
  },
  'quality.release-hold': {
    role: 'QUALITY',
    alwaysFourEyes: true,
    meaning: 'release the held lot under deviation: received as RESTRICTED stock only',
  },
  'completion.last-operation': {
    role: 'OPERATIONS',
    alwaysFourEyes: false,
    meaning: "report a completion lot beyond the last operation's confirmed yield",
  },
};

export function overridePolicy(rule: string): OverridePolicy | undefined {
  return OVERRIDABLE_RULES[rule];
}

/** Whether the decision being made may pass `rule` (an approved override of exactly that rule). */
export function overridden(ctx: { overrideRule?: string | null }, rule: string): boolean {
  return ctx.overrideRule === rule;
}

/**
 * Whether an exception stands for an event that was refused and not applied, so that a replay or an integrator's
 * correction may take over its business key. Not so for a posting that did not leave or a conflicting resend (their
 * event was applied), a quality hold (its inspection or nonconformance was applied) or a message nobody could read.
 */
export function hasRefusedEvent(exception: Pick<ExceptionRecord, 'type' | 'rule'>): boolean {
  return (
    exception.type !== 'DOWNSTREAM' &&
    exception.type !== 'RECONCILIATION' &&
    exception.type !== 'DUPLICATE_CONFLICT' &&
    exception.rule !== QUALITY_HOLD_RULE &&
    exception.rule !== 'message.readable'
  );
}
