import { NO_EXPIRY } from '../exceptions/exception.dependency';
import { concernsOf } from './audit-concerns';
import { openException } from '../exceptions/exception.factory';
import { childTraceparent } from '../intake/trace-context';
import type { ExceptionRecord } from '../ports/records';
import type { TransactionRecord } from '../ports/transaction.record';
import type { UnitOfWork } from '../ports/store.port';
import type { ApplyDecision, Decision, DecisionContext } from './decision';
import type { HeldMessage } from './held-message';
import type { InboundMessage } from './inbound-message';

/** Turns a decision into the unit of work that records it. Pure. */

export function transactionOf(
  message: InboundMessage,
  existing: TransactionRecord | null,
  now: string,
): TransactionRecord {
  return {
    envelope: message.envelope,
    status: 'RECEIVED',
    attempts: Math.max(message.attempt, existing?.attempts ?? 0),
    exceptionId: null,
    appliedVersion: null,
    lastError: existing?.lastError ?? null,
    updatedAt: now,
    supersededBy: existing?.supersededBy ?? null,
  };
}

export function subjectOf(message: InboundMessage): string {
  const { plant, orderNumber } = message.envelope.scope;
  return orderNumber ? `order:${plant}:${orderNumber}` : 'reference-data';
}

export function applyUnit(
  message: InboundMessage,
  base: TransactionRecord,
  decision: ApplyDecision,
  ctx: DecisionContext,
  expectedOrderVersion: number,
): UnitOfWork {
  const { envelope } = message;
  const order = decision.order ? { ...decision.order, version: expectedOrderVersion + 1 } : undefined;
  return {
    transaction: { ...base, status: 'APPLIED', appliedVersion: order?.version ?? null, lastError: null },
    order: order ? { record: order, expectedVersion: expectedOrderVersion } : undefined,
    lots: decision.lots?.map((lot) => ({ record: { ...lot, version: lot.version + 1 }, expectedVersion: lot.version })),
    reference: decision.reference,
    idempotencyKey: {
      businessKey: envelope.businessKey,
      fingerprint: envelope.fingerprint,
      correlationId: envelope.correlationId,
      createdAt: ctx.now,
    },
    audit: [
      {
        at: ctx.now,
        subject: subjectOf(message),
        action: decision.action,
        actor: message.envelope.principal.id,
        correlationId: message.envelope.correlationId,
        detail: {
          messageType: message.envelope.command.messageType,
          state: order?.state ?? null,
          version: order?.version ?? null,
          ruleSetVersion: ctx.rules.version,
          concerns: concernsOf(envelope.command.payload),
          ...(ctx.overrideRule ? { overriddenRule: ctx.overrideRule } : {}),
          ...(decision.raise ? { raised: decision.raise.map((r) => r.rule) } : {}),
        },
      },
    ],
    outbox: decision.outbox.map((draft, index) => ({
      ...draft,
      id: `${envelope.correlationId}:${index}`,
      correlationId: envelope.correlationId,
      scope: envelope.scope,
      createdAt: ctx.now,
      traceparent: childTraceparent(envelope.traceparent),
      principal: envelope.principal,
    })),
    // A hold's exception: the event was applied (its transaction is not refused), and a person now owes a decision.
    exceptions: (decision.raise ?? []).map((raised) =>
      openException(
        {
          id: `${envelope.correlationId}:${raised.rule}`,
          type: raised.type,
          reason: raised.reason,
          plant: envelope.scope.plant,
          orderNumber: envelope.scope.orderNumber,
          correlationId: envelope.correlationId,
          messageType: envelope.command.messageType,
          payload: envelope.command.payload,
          rule: raised.rule,
          createdAt: ctx.now,
        },
        ctx.rules,
      ),
    ),
    relatedTransactions: decision.postedCorrelationIds?.map((correlationId) => ({
      correlationId,
      status: 'POSTED' as const,
    })),
  };
}

export function duplicateUnit(
  message: InboundMessage,
  base: TransactionRecord,
  originalCorrelationId: string,
  now: string,
): UnitOfWork {
  return {
    transaction: { ...base, status: 'DUPLICATE' },
    audit: [
      {
        at: now,
        subject: subjectOf(message),
        action: 'duplicate.prevented',
        actor: message.envelope.principal.id,
        correlationId: message.envelope.correlationId,
        detail: {
          businessKey: message.envelope.businessKey,
          originalCorrelationId,
          concerns: concernsOf(message.envelope.command.payload),
        },
      },
    ],
    outbox: [],
    exceptions: [],
  };
}

export function quarantineUnit(
  message: InboundMessage,
  base: TransactionRecord,
  ctx: DecisionContext,
  decision: Extract<Decision, { kind: 'quarantine' }>,
): UnitOfWork {
  const exception: ExceptionRecord = openException(
    {
      id: `${message.envelope.correlationId}:${decision.rule}`,
      type: decision.type,
      reason: decision.reason,
      plant: message.envelope.scope.plant,
      orderNumber: message.envelope.scope.orderNumber,
      correlationId: message.envelope.correlationId,
      messageType: message.envelope.command.messageType,
      payload: message.envelope.command.payload,
      rule: decision.rule,
      createdAt: ctx.now,
      replayOf: message.envelope.replayOf,
    },
    ctx.rules,
  );
  return {
    transaction: { ...base, status: 'QUARANTINED', exceptionId: exception.id },
    audit: [
      {
        at: ctx.now,
        subject: subjectOf(message),
        action: 'message.quarantined',
        actor: message.envelope.principal.id,
        correlationId: message.envelope.correlationId,
        detail: {
          type: decision.type,
          rule: decision.rule,
          reason: decision.reason,
          ruleSetVersion: ctx.rules.version,
          concerns: concernsOf(message.envelope.command.payload),
        },
      },
    ],
    outbox: [],
    exceptions: [exception],
  };
}

export function holdUnit(
  message: InboundMessage,
  base: TransactionRecord,
  ctx: DecisionContext,
  decision: Extract<Decision, { kind: 'hold' }>,
): UnitOfWork {
  const held: HeldMessage = {
    correlationId: message.envelope.correlationId,
    plant: message.envelope.scope.plant,
    orderNumber: message.envelope.scope.orderNumber,
    message,
    rule: decision.rule,
    reason: decision.reason,
    heldAt: ctx.now,
    heldUntil: decision.untilDecided ? NO_EXPIRY : new Date(Date.parse(ctx.now) + ctx.rules.holdWindowMs).toISOString(),
  };
  return {
    transaction: { ...base, status: 'HELD', lastError: decision.reason },
    hold: held,
    audit: [
      {
        at: ctx.now,
        subject: subjectOf(message),
        action: 'message.held',
        actor: message.envelope.principal.id,
        correlationId: message.envelope.correlationId,
        detail: {
          rule: decision.rule,
          reason: decision.reason,
          heldUntil: held.heldUntil,
          ruleSetVersion: ctx.rules.version,
        },
      },
    ],
    outbox: [],
    exceptions: [],
  };
}
