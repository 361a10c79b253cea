import { systemPrincipal } from '../auth/principal';
import { openException } from '../exceptions/exception.factory';
import { observeAction, type ExceptionObserver } from '../exceptions/exception.observer';
import { changeException, closeByDecision } from '../exceptions/exception.transitions';
import { holdsLot, QUALITY_HOLD_RULE } from '../quality/quality.gate';
import { DomainError } from '../errors';
import { FINAL_TRANSACTION_STATUSES, type ExceptionRecord, type TransactionStatus } from '../ports/records';
import type { Store, UnitOfWork } from '../ports/store.port';
import { ruleSetFor, type RuleBook } from '../rules/rule-set';
import { decide } from './decide';
import type { DecisionContext } from './decision';
import { toCanonical, unmappedRefusal } from '../mappings/code-mapping';
import { createExceptionWaits } from './exception-waits';
import { loadDecisionInputs } from './decision-inputs.loader';
import type { HeldMessage } from './held-message';
import type { InboundMessage } from './inbound-message';
import { applyUnit, duplicateUnit, holdUnit, quarantineUnit, transactionOf } from './unit-of-work.builders';

export interface ProcessOutcome {
  status: TransactionStatus;
  exceptionId: string | null;
  /** The exception type and rule, when the message was refused. */
  refusal?: { type: string; rule: string };
  /** The rule that held the message, when it was held. */
  heldBy?: string;
  /** True when the message had already been processed (a redelivery) and nothing was changed. */
  alreadyProcessed: boolean;
  /** Parked messages of the same order that this message let through, with their outcomes. */
  released: { correlationId: string; status: TransactionStatus; refusal?: { type: string; rule: string } }[];
}

/** Why a message is given up on: the rule of its PROCESSING exception and a reason a person can act on. */
export interface ProcessingFailure {
  rule: 'processing.retry-budget' | 'processing.poison';
  reason: string;
}

export interface CommandProcessorDeps {
  store: Store;
  now: () => Date;
  rules: RuleBook;
  observer?: ExceptionObserver;
}

export interface CommandProcessor {
  /** Applies the workflow controls to one message and commits the result. Safe to call again for the same message. */
  process(message: InboundMessage): Promise<ProcessOutcome>;
  /**
   * Records that a message could not be processed, so that it stops being retried: transaction FAILED, PROCESSING
   * exception opened under the failure's rule (its retry budget spent, or it kept killing the worker).
   */
  fail(message: InboundMessage, failure: ProcessingFailure): Promise<ProcessOutcome>;
  /**
   * Turns a parked message whose hold window ended into a SEQUENCE exception; false if it was no longer parked, or if
   * it depends on an open exception of its order (then it waits behind that exception, without expiry).
   */
  expire(held: HeldMessage): Promise<boolean>;
  /** Gives an order's parked messages another try, in arrival order (after an exception they waited behind closed). */
  drain(plant: string, orderNumber: string): Promise<ProcessOutcome['released']>;
  /** Opens a VALIDATION exception for a delivered message no worker can read, so that it is not only in a queue. */
  unreadable(message: {
    messageId: string;
    correlationId: string;
    messageType: string;
    body: unknown;
    reason: string;
  }): Promise<void>;
}

/**
 * Optimistic concurrency: two writers racing on one order or lot (a component lot many orders draw from) re-read
 * and decide again, after a short randomised pause. Generous on purpose: giving up sends the message through the
 * broker's retry queue, where later messages of its order could overtake it.
 */
const MAX_CONFLICT_ROUNDS = 25;
const conflictPause = (round: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** round)));

/** Plantgate's worker acting on its own account (unreadable messages, expiries). */
export const WORKER_PRINCIPAL = systemPrincipal('system:worker', 'Plantgate worker');

type Attempt = Omit<ProcessOutcome, 'released'> | 'conflict' | 'still-held';

export function createCommandProcessor(deps: CommandProcessorDeps): CommandProcessor {
  const { store } = deps;
  const contextFor = ({ envelope }: InboundMessage): DecisionContext => ({
    now: deps.now().toISOString(),
    correlationId: envelope.correlationId,
    // The version in force when the event was received, not when it is decided: a change that took effect while it
    // waited (in a backlog, a hold, a retry) does not judge it.
    rules: ruleSetFor(deps.rules, envelope.scope.plant, envelope.receivedAt),
    overrideRule: envelope.workbench?.action === 'OVERRIDE' ? envelope.workbench.overrideRule : null,
  });

  const { blockerOf, waitBehind, rehold } = createExceptionWaits<Omit<ProcessOutcome, 'released'>>({
    store,
    commit: (unit) => commit(unit),
    contextFor,
  });

  async function attempt(message: InboundMessage, parked: HeldMessage | null): Promise<Attempt> {
    const { envelope } = message;
    const existing = await store.getTransaction(envelope.correlationId);
    if (existing && FINAL_TRANSACTION_STATUSES.includes(existing.status)) {
      return { status: existing.status, exceptionId: existing.exceptionId, alreadyProcessed: true };
    }
    // A redelivery of a message already parked: it stays parked; the drain below decides it.
    if (existing?.status === 'HELD' && !parked) return { status: 'HELD', exceptionId: null, alreadyProcessed: true };
    const ctx = contextFor(message);
    const base = transactionOf(message, existing, ctx.now);
    const release = parked ? { releaseHeld: parked.correlationId } : {};

    const key = await store.getIdempotencyKey(envelope.businessKey);
    if (key && key.correlationId !== envelope.correlationId) {
      const unit =
        key.fingerprint === envelope.fingerprint
          ? duplicateUnit(message, base, key.correlationId, ctx.now)
          : quarantineUnit(message, base, ctx, {
              kind: 'quarantine',
              type: 'DUPLICATE_CONFLICT',
              rule: 'idempotency.business-key',
              reason: `Business event ${envelope.businessKey} was already applied by ${key.correlationId} with different content; this message is not applied.`,
            });
      return commit({ ...unit, ...release });
    }

    const blocker = await blockerOf(message);
    if (blocker) return waitBehind(message, base, ctx, blocker, parked);
    // The plant's MES and QMS may speak the plant's own codes: the rules see canonical ones.
    const canonical = toCanonical(envelope.command, ctx.rules.mappings);
    if ('unmapped' in canonical) {
      const refusal = unmappedRefusal(canonical.unmapped, envelope.scope.plant, ctx.rules.version, 'inbound');
      return commit({ ...quarantineUnit(message, base, ctx, refusal), ...release });
    }
    const inputs = await loadDecisionInputs(store, canonical.command);
    const decision = decide(canonical.command, inputs, ctx);
    if (decision.kind === 'hold') {
      if (!parked) return commit(holdUnit(message, base, ctx, decision));
      // It waited behind an exception that was worked, and now waits for an ordinary predecessor: its window starts.
      if (parked.blockedBy) return rehold(message, base, parked, holdUnit(message, base, ctx, decision).hold!);
      return 'still-held';
    }
    if (decision.kind === 'quarantine') return commit({ ...quarantineUnit(message, base, ctx, decision), ...release });
    const unit = applyUnit(message, base, decision, ctx, inputs.order?.version ?? 0);
    const lifted = decision.liftsQualityHoldOf
      ? await withHoldsResolved(unit, message, ctx, decision.liftsQualityHoldOf)
      : unit;
    return commit({ ...lifted, ...release });
  }

  /** A lot's quality hold was lifted: its hold's exceptions resolve in the same commit, by whoever lifted it. */
  async function withHoldsResolved(unit: UnitOfWork, message: InboundMessage, ctx: DecisionContext, lot: string) {
    const { envelope } = message;
    const holds = (await store.listActiveExceptions(envelope.scope.plant, envelope.scope.orderNumber)).filter(
      (e) => e.rule === QUALITY_HOLD_RULE && e.id !== envelope.workbench?.exceptionId && holdsLot(e, lot),
    );
    const note = `Hold lifted by ${envelope.command.messageType} ${envelope.correlationId}`;
    const changes = holds.map((e) =>
      changeException(
        e,
        { action: 'RESOLVED', actor: envelope.principal.id, at: ctx.now, note, correlationId: envelope.correlationId },
        { status: 'RESOLVED', pendingOverride: null },
      ),
    );
    return {
      ...unit,
      exceptionUpdates: [...(unit.exceptionUpdates ?? []), ...changes.map((c) => c.update)],
      audit: [...unit.audit, ...changes.map((c) => c.audit)],
    };
  }

  async function commit(unit: UnitOfWork): Promise<Omit<ProcessOutcome, 'released'> | 'conflict'> {
    const closing = await closingOfAnsweredException(unit);
    if (closing) {
      unit = {
        ...unit,
        exceptionUpdates: [...(unit.exceptionUpdates ?? []), closing.update],
        audit: [...unit.audit, closing.audit],
      };
    }
    const result = await store.commit(unit);
    if (!result.ok) return 'conflict';
    for (const { record } of unit.exceptionUpdates ?? []) reportClosed(record);
    // An exception a refusal opened; an applied change may open one too (a quality hold), which is no refusal.
    const exception = unit.transaction.status === 'APPLIED' ? undefined : unit.exceptions[0];
    return {
      status: unit.transaction.status,
      exceptionId: unit.transaction.exceptionId,
      alreadyProcessed: false,
      ...(exception ? { refusal: { type: exception.type, rule: exception.rule } } : {}),
      ...(unit.hold ? { heldBy: unit.hold.rule } : {}),
    };
  }

  /** A replay, override or correction closes the exception it answers in the same commit as its own decision. */
  async function closingOfAnsweredException(unit: UnitOfWork) {
    const { envelope } = unit.transaction;
    if (!envelope.workbench) return null;
    const answered = await store.getException(envelope.workbench.exceptionId);
    if (!answered) return null;
    return closeByDecision(answered, envelope.workbench, {
      status: unit.transaction.status,
      exceptionId: unit.transaction.exceptionId,
      correlationId: envelope.correlationId,
      actor: envelope.principal.id,
      at: unit.transaction.updatedAt,
    });
  }

  function reportClosed(exception: ExceptionRecord) {
    if (exception.closedAt) observeAction(deps.observer, exception, exception.status);
  }

  async function settle(message: InboundMessage, parked: HeldMessage | null): Promise<Exclude<Attempt, 'conflict'>> {
    for (let round = 0; round < MAX_CONFLICT_ROUNDS; round++) {
      const outcome = await attempt(message, parked);
      if (outcome !== 'conflict') return outcome;
      // Someone else released this parked message in the meantime: nothing left to do here.
      if (parked && (await store.getTransaction(parked.correlationId))?.status !== 'HELD') return 'still-held';
      await conflictPause(round);
    }
    throw new DomainError('CONCURRENT_MODIFICATION', `Order or lot changed concurrently ${MAX_CONFLICT_ROUNDS} times`, {
      retryable: true,
    });
  }

  /** Gives every parked message of the order another try, in arrival order, until none moves. */
  async function drain(plant: string, orderNumber: string): Promise<ProcessOutcome['released']> {
    const released: ProcessOutcome['released'] = [];
    for (let progress = true; progress;) {
      progress = false;
      for (const parked of await store.listHeld(plant, orderNumber)) {
        const outcome = await settle(parked.message, parked);
        if (outcome === 'still-held') continue;
        released.push({ correlationId: parked.correlationId, status: outcome.status, refusal: outcome.refusal });
        progress = true;
      }
    }
    return released;
  }

  return {
    async process(message) {
      const outcome = await settle(message, null);
      if (outcome === 'still-held') throw new DomainError('INTERNAL', 'A new message cannot be still held');
      const { plant, orderNumber } = message.envelope.scope;
      // Also after a redelivery: a crash may have come between this message's commit and the drain.
      const released = outcome.status === 'APPLIED' && orderNumber ? await drain(plant, orderNumber) : [];
      return { ...outcome, released };
    },

    drain,

    async fail(message, failure) {
      const existing = await store.getTransaction(message.envelope.correlationId);
      if (existing && FINAL_TRANSACTION_STATUSES.includes(existing.status)) {
        return { status: existing.status, exceptionId: existing.exceptionId, alreadyProcessed: true, released: [] };
      }
      const ctx = contextFor(message);
      const unit = quarantineUnit(message, transactionOf(message, existing, ctx.now), ctx, {
        kind: 'quarantine',
        type: 'PROCESSING',
        ...failure,
      });
      unit.transaction.status = 'FAILED';
      if (existing?.status === 'HELD') unit.releaseHeld = message.envelope.correlationId;
      await commit(unit);
      return { status: 'FAILED', exceptionId: unit.transaction.exceptionId, alreadyProcessed: false, released: [] };
    },

    async expire(held) {
      const ctx = contextFor(held.message);
      const existing = await store.getTransaction(held.correlationId);
      if (existing?.status !== 'HELD') return false;
      // Held behind an open exception it depends on: it waits for the exception to be worked instead of expiring.
      const blocker = await blockerOf(held.message);
      if (blocker) {
        await waitBehind(held.message, transactionOf(held.message, existing, ctx.now), ctx, blocker, held);
        return false;
      }
      const waited = Math.round((Date.parse(ctx.now) - Date.parse(held.heldAt)) / 1000);
      const unit = quarantineUnit(held.message, transactionOf(held.message, existing, ctx.now), ctx, {
        kind: 'quarantine',
        type: 'SEQUENCE',
        rule: held.rule,
        reason: `Waited ${waited} s (hold window ${Math.round(ctx.rules.holdWindowMs / 1000)} s) and its predecessor never came: ${held.reason}`,
      });
      return (await commit({ ...unit, releaseHeld: held.correlationId })) !== 'conflict';
    },

    async unreadable(message) {
      const now = deps.now().toISOString();
      const payload =
        (message.body && typeof message.body === 'object'
          ? (message.body as { payload?: Record<string, unknown> }).payload
          : undefined) ?? {};
      const plant = typeof payload.plant === 'string' ? payload.plant : '*';
      const orderNumber = typeof payload.orderNumber === 'string' ? payload.orderNumber : '';
      await store.openException(
        openException(
          {
            id: `${message.correlationId || message.messageId || now}:unreadable`,
            type: 'VALIDATION',
            reason: `A worker could not read this message (${message.reason}); it is kept in the dead-letter queue.`,
            plant,
            orderNumber,
            correlationId: message.correlationId,
            messageType: message.messageType,
            payload: message.body,
            rule: 'message.readable',
            createdAt: now,
          },
          ruleSetFor(deps.rules, plant),
        ),
        [
          {
            at: now,
            subject: orderNumber ? `order:${plant}:${orderNumber}` : 'unreadable-messages',
            action: 'message.unreadable',
            actor: WORKER_PRINCIPAL.id,
            correlationId: message.correlationId,
            detail: { reason: message.reason, messageId: message.messageId },
          },
        ],
      );
    },
  };
}
