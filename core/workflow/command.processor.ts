import { DomainError } from '../errors';
import { decideAcknowledge, decideRelease } from '../orders/order.rules';
import type { OrderRecord } from '../orders/order.types';
import { FINAL_TRANSACTION_STATUSES, type ExceptionRecord, type TransactionRecord, type TransactionStatus } from '../ports/records';
import type { Store, UnitOfWork } from '../ports/store.port';
import type { Decision, DecisionContext } from './decision';
import type { InboundMessage } from './inbound-message';

export interface ProcessOutcome {
  status: TransactionStatus;
  exceptionId: string | null;
  /** True when the message had already been processed (a redelivery) and nothing was changed. */
  alreadyProcessed: boolean;
}

export interface CommandProcessorDeps {
  store: Store;
  now: () => Date;
  ruleSetVersion: number;
}

export interface CommandProcessor {
  /** Applies the workflow controls to one message and commits the result. Safe to call again for the same message. */
  process(message: InboundMessage): Promise<ProcessOutcome>;
  /** Records that a message could not be processed within its retry budget: transaction FAILED, exception opened. */
  fail(message: InboundMessage, reason: string): Promise<ProcessOutcome>;
}

/** Optimistic concurrency: two writers racing on one order re-read and decide again, a few times at most. */
const MAX_CONFLICT_ROUNDS = 5;

export function createCommandProcessor(deps: CommandProcessorDeps): CommandProcessor {
  const { store } = deps;

  async function processOnce(message: InboundMessage): Promise<ProcessOutcome | 'conflict'> {
    const existing = await store.getTransaction(message.correlationId);
    if (existing && FINAL_TRANSACTION_STATUSES.includes(existing.status)) {
      return { status: existing.status, exceptionId: existing.exceptionId, alreadyProcessed: true };
    }
    const now = deps.now().toISOString();
    const ctx: DecisionContext = { now, correlationId: message.correlationId, ruleSetVersion: deps.ruleSetVersion };
    const base = transactionOf(message, existing, now);

    const key = await store.getIdempotencyKey(message.businessKey);
    if (key && key.correlationId !== message.correlationId) {
      const unit =
        key.fingerprint === message.fingerprint
          ? duplicateUnit(message, base, key.correlationId, now)
          : quarantineUnit(message, base, ctx, {
              kind: 'quarantine',
              type: 'DUPLICATE_CONFLICT',
              rule: 'idempotency.business-key',
              reason: `Business event ${message.businessKey} was already applied by ${key.correlationId} with different content; this message is not applied.`,
            });
      return commitOrConflict(unit);
    }

    const { plant, orderNumber } = message.command.payload;
    const order = await store.getOrder(plant, orderNumber);
    const decision = decide(message, order, ctx);
    const unit = decision.kind === 'apply' ? applyUnit(message, base, order, decision, now) : quarantineUnit(message, base, ctx, decision);
    return commitOrConflict(unit);
  }

  async function commitOrConflict(unit: UnitOfWork): Promise<ProcessOutcome | 'conflict'> {
    const result = await store.commit(unit);
    if (!result.ok) return 'conflict';
    return { status: unit.transaction.status, exceptionId: unit.transaction.exceptionId, alreadyProcessed: false };
  }

  return {
    async process(message) {
      for (let round = 0; round < MAX_CONFLICT_ROUNDS; round++) {
        const outcome = await processOnce(message);
        if (outcome !== 'conflict') return outcome;
      }
      throw new DomainError('CONCURRENT_MODIFICATION', `Order changed concurrently ${MAX_CONFLICT_ROUNDS} times`, { retryable: true });
    },

    async fail(message, reason) {
      const existing = await store.getTransaction(message.correlationId);
      if (existing && FINAL_TRANSACTION_STATUSES.includes(existing.status)) {
        return { status: existing.status, exceptionId: existing.exceptionId, alreadyProcessed: true };
      }
      const now = deps.now().toISOString();
      const ctx: DecisionContext = { now, correlationId: message.correlationId, ruleSetVersion: deps.ruleSetVersion };
      const unit = quarantineUnit(message, transactionOf(message, existing, now), ctx, {
        kind: 'quarantine',
        type: 'PROCESSING',
        rule: 'processing.retry-budget',
        reason: `Processing failed ${message.attempt} times; last error: ${reason}`,
      });
      unit.transaction.status = 'FAILED';
      await store.commit(unit);
      return { status: 'FAILED', exceptionId: unit.transaction.exceptionId, alreadyProcessed: false };
    },
  };
}

function decide(message: InboundMessage, order: OrderRecord | null, ctx: DecisionContext): Decision {
  const { command } = message;
  switch (command.messageType) {
    case 'ReleaseProductionOrder':
      return decideRelease(command.payload, order, ctx);
    case 'AcknowledgeProductionOrder':
      return decideAcknowledge(command.payload, order, ctx);
  }
}

function transactionOf(message: InboundMessage, existing: TransactionRecord | null, now: string): TransactionRecord {
  const { plant, orderNumber } = message.command.payload;
  return {
    correlationId: message.correlationId,
    messageId: message.messageId,
    messageType: message.command.messageType,
    businessKey: message.businessKey,
    plant,
    orderNumber,
    status: 'RECEIVED',
    attempts: message.attempt,
    exceptionId: null,
    appliedVersion: null,
    lastError: existing?.lastError ?? null,
    payload: message.command.payload,
    receivedAt: existing?.receivedAt ?? message.receivedAt,
    updatedAt: now,
  };
}

function subjectOf(message: InboundMessage): string {
  const { plant, orderNumber } = message.command.payload;
  return `order:${plant}:${orderNumber}`;
}

function applyUnit(
  message: InboundMessage,
  base: TransactionRecord,
  current: OrderRecord | null,
  decision: Extract<Decision, { kind: 'apply' }>,
  now: string,
): UnitOfWork {
  const expectedVersion = current?.version ?? 0;
  const record = { ...decision.order, version: expectedVersion + 1 };
  return {
    transaction: { ...base, status: 'APPLIED', appliedVersion: record.version },
    order: { record, expectedVersion },
    idempotencyKey: { businessKey: message.businessKey, fingerprint: message.fingerprint, correlationId: message.correlationId, createdAt: now },
    audit: [
      {
        at: now,
        subject: subjectOf(message),
        action: decision.action,
        actor: message.actor,
        correlationId: message.correlationId,
        detail: { messageType: message.command.messageType, state: record.state, version: record.version },
      },
    ],
    outbox: decision.outbox.map((draft, index) => ({
      ...draft,
      id: `${message.correlationId}:${index}`,
      correlationId: message.correlationId,
      createdAt: now,
    })),
    exceptions: [],
  };
}

function duplicateUnit(message: InboundMessage, base: TransactionRecord, originalCorrelationId: string, now: string): UnitOfWork {
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

function quarantineUnit(
  message: InboundMessage,
  base: TransactionRecord,
  ctx: DecisionContext,
  decision: Extract<Decision, { kind: 'quarantine' }>,
): UnitOfWork {
  const { plant, orderNumber } = message.command.payload;
  const exception: ExceptionRecord = {
    id: `${message.correlationId}:${decision.rule}`,
    type: decision.type,
    reason: decision.reason,
    status: 'OPEN',
    plant,
    orderNumber,
    correlationId: message.correlationId,
    messageType: message.command.messageType,
    payload: message.command.payload,
    rule: decision.rule,
    ruleSetVersion: ctx.ruleSetVersion,
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
        detail: { type: decision.type, rule: decision.rule, reason: decision.reason, ruleSetVersion: ctx.ruleSetVersion },
      },
    ],
    outbox: [],
    exceptions: [exception],
  };
}
