import type { PrincipalRef, Role } from '../auth/principal';
import type { Scope } from '../messages/command-shape';

export const TRANSACTION_STATUSES = [
  'RECEIVED',
  'HELD',
  'APPLIED',
  'POSTED',
  'DUPLICATE',
  'QUARANTINED',
  'FAILED',
] as const;
export type TransactionStatus = (typeof TRANSACTION_STATUSES)[number];

/** Statuses after which a redelivered message has nothing left to do. */
export const FINAL_TRANSACTION_STATUSES: readonly TransactionStatus[] = [
  'APPLIED',
  'POSTED',
  'DUPLICATE',
  'QUARANTINED',
  'FAILED',
];

export const EXCEPTION_TYPES = [
  'VALIDATION',
  'SEQUENCE',
  'DEPENDENCY',
  'REVISION_MISMATCH',
  'DUPLICATE_CONFLICT',
  'DOWNSTREAM',
  'RECONCILIATION',
  // Added to the contract's list: a message whose processing kept failing until its retry budget was spent.
  'PROCESSING',
] as const;
export type ExceptionType = (typeof EXCEPTION_TYPES)[number];

export const EXCEPTION_STATUSES = [
  'OPEN',
  'AWAITING_APPROVAL',
  'REPLAYED',
  'OVERRIDDEN',
  'RESOLVED',
  'DISCARDED',
] as const;
export type ExceptionStatus = (typeof EXCEPTION_STATUSES)[number];

/** Statuses a person still has to act on. */
export const ACTIVE_EXCEPTION_STATUSES: readonly ExceptionStatus[] = ['OPEN', 'AWAITING_APPROVAL'];

export const EXCEPTION_ACTIONS = [
  'ASSIGNED',
  'REPLAY_SUBMITTED',
  'OVERRIDE_REQUESTED',
  'OVERRIDE_APPROVED',
  'OVERRIDE_SUBMITTED',
  'CORRECTION_SUBMITTED',
  'REPLAYED',
  'OVERRIDDEN',
  'RESOLVED',
  'DISCARDED',
  'REFUSED_AGAIN',
] as const;
export type ExceptionActionKind = (typeof EXCEPTION_ACTIONS)[number];

/** One step in an exception's history: who did what, when, and why. */
export interface ExceptionAction {
  action: ExceptionActionKind;
  actor: string;
  at: string;
  note: string;
}

/** An override someone asked for that waits for a second principal's approval. */
export interface PendingOverride {
  rule: string;
  reason: string;
  requestedBy: string;
  requestedAt: string;
}

export interface ExceptionRecord {
  id: string;
  type: ExceptionType;
  reason: string;
  status: ExceptionStatus;
  plant: string;
  orderNumber: string;
  correlationId: string;
  messageType: string;
  payload: unknown;
  rule: string;
  ruleSetVersion: number;
  createdAt: string;
  /** The role that owns it, from its rule (core/exceptions/exception.policy). */
  owner: Role;
  /** Its triage deadline, from the plant's rule parameters for its type. */
  dueAt: string;
  assignee: string | null;
  actions: ExceptionAction[];
  /** The correlation ID of the transaction whose replay raised this exception. */
  replayOf: string | null;
  /** The correlation ID of the replay, override or correction submitted for it. */
  replayedAs: string | null;
  pendingOverride: PendingOverride | null;
  closedAt: string | null;
  /** Bumped on every change: actions on one exception are decided one at a time. */
  version: number;
}

/** An immutable record of a decision. The store chains entries of one subject by hash. */
export interface AuditDraft {
  at: string;
  subject: string;
  action: string;
  actor: string;
  correlationId: string;
  detail: unknown;
}

export interface AuditEntry extends AuditDraft {
  seq: number;
  prevHash: string;
  hash: string;
}

/** A message that must leave after a state change; written in the same store transaction as the change. */
export interface OutboxDraft {
  id: string;
  destination: 'erp' | 'mes' | 'qms';
  messageType: string;
  /** Of the transaction whose change produced it. */
  correlationId: string;
  /** The order it is about (the envelope's scope): an order's outbound messages go out in the order they were decided. */
  scope: Scope;
  idempotencyKey: string;
  payload: unknown;
  createdAt: string;
  /** A span of the producing message's trace: the posting continues the integrator's trace. */
  traceparent: string;
  /** Who submitted the message that caused it: an auditor can say who caused each posting. */
  principal: PrincipalRef;
}

export interface OutboxEntry extends OutboxDraft {
  publishedAt: string | null;
}

export interface IdempotencyRecord {
  businessKey: string;
  fingerprint: string;
  correlationId: string;
  createdAt: string;
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor of each item, in the same order. */
  cursors: string[];
  totalCount: number;
  /** Opaque cursor of the last item, or null when the page is empty. */
  endCursor: string | null;
  hasNextPage: boolean;
}
