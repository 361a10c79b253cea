import type { OrderRecord } from '../../core/orders/order.types';
import type { Envelope } from '../../core/intake/envelope';
import type { AuditEntry, ExceptionRecord, OutboxEntry } from '../../core/ports/records';
import type { TransactionRecord } from '../../core/ports/transaction.record';

/** Row shapes as SQLite returns them, and their mapping to the port's records. */
export interface TransactionRow {
  correlation_id: string;
  message_type: string;
  business_key: string;
  plant: string;
  order_number: string;
  status: string;
  attempts: number;
  exception_id: string | null;
  applied_version: number | null;
  last_error: string | null;
  received_at: string;
  updated_at: string;
  envelope: string;
  superseded_by?: string | null;
}

export function transactionFromRow(row: TransactionRow): TransactionRecord {
  return {
    envelope: JSON.parse(row.envelope) as Envelope,
    status: row.status as TransactionRecord['status'],
    attempts: row.attempts,
    exceptionId: row.exception_id,
    appliedVersion: row.applied_version,
    lastError: row.last_error,
    updatedAt: row.updated_at,
    supersededBy: row.superseded_by ?? null,
  };
}

export function transactionToRow(t: TransactionRecord): TransactionRow {
  const { envelope } = t;
  return {
    correlation_id: envelope.correlationId,
    message_type: envelope.command.messageType,
    business_key: envelope.businessKey,
    plant: envelope.scope.plant,
    order_number: envelope.scope.orderNumber,
    status: t.status,
    attempts: t.attempts,
    exception_id: t.exceptionId,
    applied_version: t.appliedVersion,
    last_error: t.lastError,
    received_at: envelope.receivedAt,
    updated_at: t.updatedAt,
    envelope: JSON.stringify(envelope),
  };
}

export interface OrderRow {
  id: number;
  state: string;
  state_since: string;
  version: number;
  doc: string;
}

/** The columns are authoritative for the control data; the document holds the rest. */
export function orderFromRow(row: OrderRow): OrderRecord {
  const doc = JSON.parse(row.doc) as OrderRecord;
  // Orders written before inspection requests were tracked have none.
  return {
    ...doc,
    inspectionRequests: doc.inspectionRequests ?? [],
    state: row.state as OrderRecord['state'],
    stateSince: row.state_since,
    version: row.version,
  };
}

export interface ExceptionRow {
  seq: number;
  id: string;
  type: string;
  reason: string;
  status: string;
  plant: string;
  order_number: string;
  correlation_id: string;
  message_type: string;
  payload: string;
  rule: string;
  rule_set_version: number;
  created_at: string;
  owner: string;
  due_at: string;
  assignee: string | null;
  closed_at: string | null;
  version: number;
  workbench: string;
}

/** The exception's history and links, kept as one document next to its columns. */
type ExceptionWorkbench = Pick<ExceptionRecord, 'actions' | 'replayOf' | 'replayedAs' | 'pendingOverride'>;

export function exceptionFromRow(row: ExceptionRow): ExceptionRecord {
  return {
    id: row.id,
    type: row.type as ExceptionRecord['type'],
    reason: row.reason,
    status: row.status as ExceptionRecord['status'],
    plant: row.plant,
    orderNumber: row.order_number,
    correlationId: row.correlation_id,
    messageType: row.message_type,
    payload: JSON.parse(row.payload),
    rule: row.rule,
    ruleSetVersion: row.rule_set_version,
    createdAt: row.created_at,
    owner: row.owner as ExceptionRecord['owner'],
    dueAt: row.due_at,
    assignee: row.assignee,
    closedAt: row.closed_at,
    version: row.version,
    ...(JSON.parse(row.workbench) as ExceptionWorkbench),
  };
}

export function exceptionToRow(e: ExceptionRecord): Omit<ExceptionRow, 'seq'> {
  const workbench: ExceptionWorkbench = {
    actions: e.actions,
    replayOf: e.replayOf,
    replayedAs: e.replayedAs,
    pendingOverride: e.pendingOverride,
  };
  return {
    id: e.id,
    type: e.type,
    reason: e.reason,
    status: e.status,
    plant: e.plant,
    order_number: e.orderNumber,
    correlation_id: e.correlationId,
    message_type: e.messageType,
    payload: JSON.stringify(e.payload),
    rule: e.rule,
    rule_set_version: e.ruleSetVersion,
    created_at: e.createdAt,
    owner: e.owner,
    due_at: e.dueAt,
    assignee: e.assignee,
    closed_at: e.closedAt,
    version: e.version,
    workbench: JSON.stringify(workbench),
  };
}

export interface OutboxRow {
  id: string;
  destination: string;
  message_type: string;
  correlation_id: string;
  idempotency_key: string;
  payload: string;
  created_at: string;
  published_at: string | null;
  traceparent: string;
  principal: string;
  plant: string;
  order_number: string;
}

export function outboxFromRow(row: OutboxRow): OutboxEntry {
  return {
    id: row.id,
    destination: row.destination as OutboxEntry['destination'],
    messageType: row.message_type,
    correlationId: row.correlation_id,
    scope: { plant: row.plant, orderNumber: row.order_number },
    idempotencyKey: row.idempotency_key,
    payload: JSON.parse(row.payload),
    createdAt: row.created_at,
    publishedAt: row.published_at,
    traceparent: row.traceparent,
    principal: JSON.parse(row.principal) as OutboxEntry['principal'],
  };
}

export interface AuditRow {
  seq: number;
  at: string;
  subject: string;
  action: string;
  actor: string;
  correlation_id: string;
  detail: string;
  prev_hash: string;
  hash: string;
}

export function auditFromRow(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    subject: row.subject,
    action: row.action,
    actor: row.actor,
    correlationId: row.correlation_id,
    detail: JSON.parse(row.detail),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
