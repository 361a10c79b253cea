import type { RuleChange } from '../../core/rules/rule-change';
import { randomUUID } from 'node:crypto';
import type { OrderRecord } from '../../core/orders/order.types';
import { SCHEMA_VERSION, type Envelope } from '../../core/intake/envelope';
import type { Command } from '../../core/messages/message.registry';
import type { TransactionRecord } from '../../core/ports/transaction.record';
import type { UnitOfWork } from '../../core/ports/store.port';
import { openException, type ExceptionDraft } from '../../core/exceptions/exception.factory';
import type { ExceptionRecord } from '../../core/ports/records';
import { DEFAULT_RULE_SET } from '../../core/rules/rule-set';

/** An envelope of a release of order PO-1 in plant P1, with a unique business key. */
export function anEnvelope(overrides: Partial<Envelope> = {}): Envelope {
  const correlationId = overrides.correlationId ?? randomUUID();
  const scope = overrides.scope ?? { plant: 'P1', orderNumber: 'PO-1' };
  return {
    schemaVersion: SCHEMA_VERSION,
    command: {
      messageType: 'ReleaseProductionOrder',
      payload: { orderNumber: scope.orderNumber },
    } as unknown as Command,
    messageId: randomUUID(),
    correlationId,
    businessKey: `ReleaseProductionOrder|P1|${randomUUID()}`,
    fingerprint: 'f1',
    scope,
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    principal: { id: 'test-principal', name: 'Test', kind: 'API_KEY' },
    receivedAt: new Date().toISOString(),
    replayOf: null,
    ...overrides,
  };
}

/** A transaction; `envelope` overrides are merged into a fresh envelope. */
export function aTransaction(
  overrides: Omit<Partial<TransactionRecord>, 'envelope'> & { envelope?: Partial<Envelope> } = {},
): TransactionRecord {
  const { envelope, ...rest } = overrides;
  const e = anEnvelope(envelope);
  return {
    envelope: e,
    status: 'RECEIVED',
    attempts: 0,
    supersededBy: null,
    exceptionId: null,
    appliedVersion: null,
    lastError: null,
    updatedAt: e.receivedAt,
    ...rest,
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
    orderVersion: 1,
    versions: [],
    awaitingAcknowledgement: null,
    producedQuantity: 0,
    scrapQuantity: 0,
    operations: [],
    components: [],
    materialConsumptions: [],
    completions: [],
    inspectionRequests: [],
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
export function anApplyUnit(
  order: OrderRecord,
  expectedVersion: number,
  overrides: Partial<UnitOfWork> = {},
): UnitOfWork {
  const transaction = aTransaction({
    envelope: { scope: { plant: order.plant, orderNumber: order.orderNumber } },
    status: 'APPLIED',
    appliedVersion: order.version,
  });
  const { businessKey, correlationId, principal, traceparent } = transaction.envelope;
  const now = transaction.updatedAt;
  return {
    transaction,
    order: { record: order, expectedVersion },
    idempotencyKey: { businessKey, fingerprint: 'f1', correlationId, createdAt: now },
    audit: [
      {
        at: now,
        subject: `order:${order.plant}:${order.orderNumber}`,
        action: 'test.applied',
        actor: 'test',
        correlationId,
        detail: {},
      },
    ],
    outbox: [
      {
        id: `${correlationId}:0`,
        destination: 'mes',
        messageType: 'OrderReleased',
        correlationId,
        scope: transaction.envelope.scope,
        idempotencyKey: 'k',
        payload: { a: 1 },
        createdAt: now,
        traceparent,
        principal,
      },
    ],
    exceptions: [],
    ...overrides,
  };
}

/** An OPEN exception as a refusal opens it, under the default rule set. */
export function anException(draft: ExceptionDraft): ExceptionRecord {
  return openException(draft, DEFAULT_RULE_SET);
}

/** A pending rule change of a plant, proposed a moment apart from the ones before it. */
let ruleChangeCount = 0;
export function aRuleChange(plant: string, overrides: Partial<RuleChange> = {}): RuleChange {
  ruleChangeCount += 1;
  return {
    id: `rc-${plant}-${ruleChangeCount}-${Math.random().toString(36).slice(2, 8)}`,
    plant,
    version: 0,
    status: 'PENDING',
    parameters: { yieldTolerancePct: 5 },
    owners: ['SUPPLY_CHAIN'],
    effectiveAt: '2026-12-01T06:00:00.000Z',
    reason: 'widen the yield tolerance',
    revertsTo: null,
    proposedBy: { id: 'u1', name: 'Sam Supply', kind: 'USER' },
    proposedAt: new Date(Date.UTC(2026, 10, 29, 12, 0, ruleChangeCount)).toISOString(),
    decidedBy: null,
    decidedAt: null,
    note: null,
    activatedAt: null,
    rev: 1,
    ...overrides,
  };
}
