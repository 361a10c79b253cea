import { scopeOf } from '../commands/command.types';
import type { ExceptionRecord, TransactionRecord } from '../ports/records';
import type { UnitOfWork } from '../ports/store.port';
import type { ApplyDecision, Decision, DecisionContext } from './decision';
import type { HeldMessage } from './held-message';
import type { InboundMessage } from './inbound-message';

/** Turns a decision into the unit of work that records it. Pure. */

export function transactionOf(message: InboundMessage, existing: TransactionRecord | null, now: string): TransactionRecord {
  const { plant, orderNumber } = scopeOf(message.command);
  return {
    correlationId: message.correlationId,
    messageId: message.messageId,
    messageType: message.command.messageType,
    businessKey: message.businessKey,
    plant,
    orderNumber,
    status: 'RECEIVED',
    attempts: Math.max(message.attempt, existing?.attempts ?? 0),
    exceptionId: null,
    appliedVersion: null,
    lastError: existing?.lastError ?? null,
    payload: message.command.payload,
    receivedAt: existing?.receivedAt ?? message.receivedAt,
    updatedAt: now,
  };
}

export function subjectOf(message: InboundMessage): string {
  const { plant, orderNumber } = scopeOf(message.command);
  return orderNumber ? `order:${plant}:${orderNumber}` : 'reference-data';
}

export function applyUnit(message: InboundMessage, base: TransactionRecord, decision: ApplyDecision, ctx: DecisionContext, expectedOrderVersion: number): UnitOfWork {
  const order = decision.order ? { ...decision.order, version: expectedOrderVersion + 1 } : undefined;
  return {
    transaction: { ...base, status: 'APPLIED', appliedVersion: order?.version ?? null },
    order: order ? { record: order, expectedVersion: expectedOrderVersion } : undefined,
    lots: decision.lots?.map((lot) => ({ record: { ...lot, version: lot.version + 1 }, expectedVersion: lot.version })),
    reference: decision.reference,
    idempotencyKey: { businessKey: message.businessKey, fingerprint: message.fingerprint, correlationId: message.correlationId, createdAt: ctx.now },
    audit: [
      {
        at: ctx.now,
        subject: subjectOf(message),
        action: decision.action,
        actor: message.actor,
        correlationId: message.correlationId,
        detail: { messageType: message.command.messageType, state: order?.state ?? null, version: order?.version ?? null, ruleSetVersion: ctx.rules.version },
      },
    ],
    outbox: decision.outbox.map((draft, index) => ({ ...draft, id: `${message.correlationId}:${index}`, correlationId: message.correlationId, createdAt: ctx.now })),
    exceptions: [],
    relatedTransactions: decision.postedCorrelationIds?.map((correlationId) => ({ correlationId, status: 'POSTED' as const })),
  };
}

export function duplicateUnit(message: InboundMessage, base: TransactionRecord, originalCorrelationId: string, now: string): UnitOfWork {
  return {
    transaction: { ...base, status: 'DUPLICATE' },
    audit: [
      {
        at: now,
        subject: subjectOf(message),
        action: 'duplicate.prevented',
        actor: message.actor,
        correlationId: message.correlationId,
        detail: { businessKey: message.businessKey, originalCorrelationId },
      },
    ],
    outbox: [],
    exceptions: [],
  };
}

export function quarantineUnit(message: InboundMessage, base: TransactionRecord, ctx: DecisionContext, decision: Extract<Decision, { kind: 'quarantine' }>): UnitOfWork {
  const exception: ExceptionRecord = {
    id: `${message.correlationId}:${decision.rule}`,
    type: decision.type,
    reason: decision.reason,
    status: 'OPEN',
    plant: base.plant,
    orderNumber: base.orderNumber,
    correlationId: message.correlationId,
    messageType: message.command.messageType,
    payload: message.command.payload,
    rule: decision.rule,
    ruleSetVersion: ctx.rules.version,
    createdAt: ctx.now,
  };
  return {
    transaction: { ...base, status: 'QUARANTINED', exceptionId: exception.id },
    audit: [
      {
        at: ctx.now,
        subject: subjectOf(message),
        action: 'message.quarantined',
        actor: message.actor,
        correlationId: message.correlationId,
        detail: { type: decision.type, rule: decision.rule, reason: decision.reason, ruleSetVersion: ctx.rules.version },
      },
    ],
    outbox: [],
    exceptions: [exception],
  };
}

export function holdUnit(message: InboundMessage, base: TransactionRecord, ctx: DecisionContext, decision: Extract<Decision, { kind: 'hold' }>): UnitOfWork {
  const held: HeldMessage = {
    correlationId: message.correlationId,
    plant: base.plant,
    orderNumber: base.orderNumber,
    message,
    rule: decision.rule,
    reason: decision.reason,
    heldAt: ctx.now,
    heldUntil: new Date(Date.parse(ctx.now) + ctx.rules.holdWindowMs).toISOString(),
  };
  return {
    transaction: { ...base, status: 'HELD', lastError: decision.reason },
    hold: held,
    audit: [
      {
        at: ctx.now,
        subject: subjectOf(message),
        action: 'message.held',
        actor: message.actor,
        correlationId: message.correlationId,
        detail: { rule: decision.rule, reason: decision.reason, heldUntil: held.heldUntil, ruleSetVersion: ctx.rules.version },
      },
    ],
    outbox: [],
    exceptions: [],
  };
}
