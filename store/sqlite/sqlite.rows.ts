import type { OrderRecord } from '../../core/orders/order.types';
import type { AuditEntry, ExceptionRecord, OutboxEntry, TransactionRecord } from '../../core/ports/records';

/** Row shapes as SQLite returns them, and their mapping to the port's records. */
export interface TransactionRow {
  correlation_id: string;
  message_id: string;
  message_type: string;
  business_key: string;
  plant: string;
  order_number: string;
  status: string;
  attempts: number;
  exception_id: string | null;
  applied_version: number | null;
  last_error: string | null;
  payload: string;
  received_at: string;
  updated_at: string;
}

export function transactionFromRow(row: TransactionRow): TransactionRecord {
  return {
    correlationId: row.correlation_id,
    messageId: row.message_id,
    messageType: row.message_type as TransactionRecord['messageType'],
    businessKey: row.business_key,
    plant: row.plant,
    orderNumber: row.order_number,
    status: row.status as TransactionRecord['status'],
    attempts: row.attempts,
    exceptionId: row.exception_id,
    appliedVersion: row.applied_version,
    lastError: row.last_error,
    payload: JSON.parse(row.payload),
    receivedAt: row.received_at,
    updatedAt: row.updated_at,
  };
}

export function transactionToRow(t: TransactionRecord): TransactionRow {
  return {
    correlation_id: t.correlationId,
    message_id: t.messageId,
    message_type: t.messageType,
    business_key: t.businessKey,
    plant: t.plant,
    order_number: t.orderNumber,
    status: t.status,
    attempts: t.attempts,
    exception_id: t.exceptionId,
    applied_version: t.appliedVersion,
    last_error: t.lastError,
    payload: JSON.stringify(t.payload),
    received_at: t.receivedAt,
    updated_at: t.updatedAt,
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
  return { ...doc, state: row.state as OrderRecord['state'], stateSince: row.state_since, version: row.version };
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
}

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
}

export function outboxFromRow(row: OutboxRow): OutboxEntry {
  return {
    id: row.id,
    destination: row.destination as OutboxEntry['destination'],
    messageType: row.message_type,
    correlationId: row.correlation_id,
    idempotencyKey: row.idempotency_key,
    payload: JSON.parse(row.payload),
    createdAt: row.created_at,
    publishedAt: row.published_at,
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
