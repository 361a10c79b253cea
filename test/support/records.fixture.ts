import { randomUUID } from 'node:crypto';
import type { OrderRecord } from '../../core/orders/order.types';
import type { TransactionRecord } from '../../core/ports/records';
import type { UnitOfWork } from '../../core/ports/store.port';

export function aTransaction(overrides: Partial<TransactionRecord> = {}): TransactionRecord {
  const now = new Date().toISOString();
  return {
    correlationId: randomUUID(),
    messageId: randomUUID(),
    messageType: 'ReleaseProductionOrder',
    businessKey: `ReleaseProductionOrder|P1|${randomUUID()}`,
    plant: 'P1',
    orderNumber: 'PO-1',
    status: 'RECEIVED',
    attempts: 0,
    exceptionId: null,
    appliedVersion: null,
    lastError: null,
    payload: { orderNumber: 'PO-1' },
    receivedAt: now,
    updatedAt: now,
    ...overrides,
  };
}

export function anOrder(overrides: Partial<OrderRecord> = {}): OrderRecord {
  const now = new Date().toISOString();
  return {
    plant: 'P1',
    orderNumber: 'PO-1',
    state: 'RELEASED',
    stateSince: now,
    version: 1,
    item: 'ITEM-1',
    itemRevision: 'A',
    routingRevision: 'R1',
    specRevision: 'S1',
    quantity: 10,
    uom: 'EA',
    dueAt: now,
    producedQuantity: 0,
    scrapQuantity: 0,
    operations: [],
    components: [],
    materialConsumptions: [],
    completions: [],
    inspections: [],
    goodsReceipts: [],
    postings: [],
    timeline: [{ at: now, state: 'RELEASED', correlationId: 'c', cause: 'test' }],
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

/** A unit of work that applies `order` at `expectedVersion` under a fresh business key. */
export function anApplyUnit(order: OrderRecord, expectedVersion: number, overrides: Partial<UnitOfWork> = {}): UnitOfWork {
  const transaction = aTransaction({ plant: order.plant, orderNumber: order.orderNumber, status: 'APPLIED', appliedVersion: order.version });
  const now = transaction.updatedAt;
  return {
    transaction,
    order: { record: order, expectedVersion },
    idempotencyKey: { businessKey: transaction.businessKey, fingerprint: 'f1', correlationId: transaction.correlationId, createdAt: now },
    audit: [{ at: now, subject: `order:${order.plant}:${order.orderNumber}`, action: 'test.applied', actor: 'test', correlationId: transaction.correlationId, detail: {} }],
    outbox: [
      { id: `${transaction.correlationId}:0`, destination: 'mes', messageType: 'OrderReleased', correlationId: transaction.correlationId, idempotencyKey: 'k', payload: { a: 1 }, createdAt: now },
    ],
    exceptions: [],
    ...overrides,
  };
}
