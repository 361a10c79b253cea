import type { TransactionRecord } from '../../core/ports/transaction.record';

/** A transaction as stored: the record plus the envelope fields it is filtered and sorted on, at the top level. */
export type TransactionDoc = TransactionRecord & {
  _id: string;
  plant: string;
  orderNumber: string;
  businessKey: string;
  receivedAt: string;
};

export function toTransactionDoc(t: TransactionRecord): TransactionDoc {
  const { envelope } = t;
  return {
    ...t,
    _id: envelope.correlationId,
    plant: envelope.scope.plant,
    orderNumber: envelope.scope.orderNumber,
    businessKey: envelope.businessKey,
    receivedAt: envelope.receivedAt,
  };
}

export function fromTransactionDoc(doc: TransactionDoc | null): TransactionRecord | null {
  if (!doc) return null;
  const { envelope, status, attempts, exceptionId, appliedVersion, lastError, updatedAt, supersededBy } = doc;
  return {
    envelope,
    status,
    attempts,
    exceptionId,
    appliedVersion,
    lastError,
    updatedAt,
    supersededBy: supersededBy ?? null,
  };
}
