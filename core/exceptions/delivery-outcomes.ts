import { DomainError } from '../errors';
import { LOST_RACE, untilWritten } from '../write-races';
import type { DeliveryFailure, DeliveryReceipt, OutboundMessage } from '../ports/downstream.port';
import type { AuditDraft, ExceptionRecord } from '../ports/records';
import type { Store } from '../ports/store.port';
import { ruleSetFor, type RuleBook } from '../rules/rule-set';
import { deliveredOnRetry, deliveryFailedAgain, downstreamExceptionId, downstreamRule } from './downstream-retry';
import { openException } from './exception.factory';
import { observeAction, type ExceptionObserver } from './exception.observer';
import { isActive } from './exception.transitions';

export interface DeliveryOutcomeDeps {
  store: Pick<Store, 'getTransaction' | 'getException' | 'commit' | 'updateExceptions'>;
  rules: RuleBook;
  now: () => Date;
  observer?: ExceptionObserver;
}

/**
 * What a posting's fate means for the exception workbench. A posting that did not leave opens a DOWNSTREAM exception
 * on the transaction that produced it (the transaction keeps its status: its change was applied); a retry of it that
 * failed again puts the same exception back to OPEN with the new reason; a retry the system took closes it REPLAYED.
 */
export function createDeliveryOutcomes(deps: DeliveryOutcomeDeps) {
  const { store } = deps;

  async function failed(message: OutboundMessage, { reason, retryable }: DeliveryFailure): Promise<void> {
    await untilWritten(async () => {
      // Read each round: the transaction's status may have moved (another of its postings confirmed) meanwhile.
      const origin = await store.getTransaction(message.correlationId);
      if (!origin) {
        throw new DomainError(
          'NOT_FOUND',
          `No transaction ${message.correlationId} for a failed ${message.messageType}`,
          {
            retryable: false,
          },
        );
      }
      const { plant, orderNumber } = origin.envelope.scope;
      const now = deps.now().toISOString();
      const failure = openException(
        {
          id: downstreamExceptionId(message.id),
          type: 'DOWNSTREAM',
          reason: `${message.system.toUpperCase()} ${retryable ? 'did not take' : 'refused'} ${message.messageType} (${message.idempotencyKey}) after ${message.attempt} attempt(s): ${reason}`,
          plant,
          orderNumber,
          correlationId: message.correlationId,
          messageType: message.messageType,
          payload: message.payload,
          rule: downstreamRule(message.system, retryable),
          createdAt: now,
        },
        ruleSetFor(deps.rules, plant),
      );
      const earlier = await store.getException(failure.id);
      const again =
        earlier && isActive(earlier) ? deliveryFailedAgain(earlier, failure, `connector:${message.system}`, now) : null;
      const entry: AuditDraft = {
        at: now,
        subject: orderNumber ? `order:${plant}:${orderNumber}` : 'reference-data',
        action: 'downstream.failed',
        actor: `connector:${message.system}`,
        correlationId: message.correlationId,
        detail: { messageType: message.messageType, idempotencyKey: message.idempotencyKey, reason },
      };
      const result = await store.commit({
        transaction: { ...origin, exceptionId: failure.id, updatedAt: now },
        audit: again ? [entry, again.audit] : [entry],
        outbox: [],
        // An exception closed meanwhile (resolved by hand) stays closed: the dead-letter queue keeps the message.
        exceptions: earlier ? [] : [failure],
        exceptionUpdates: again ? [again.update] : [],
      });
      return result.ok ? undefined : LOST_RACE;
    }, `Exception for ${message.id} kept changing`);
  }

  /**
   * Closes the posting's DOWNSTREAM exception, if one was waiting for it, and returns it closed; one key lookup and
   * null otherwise.
   */
  async function delivered(message: OutboundMessage, receipt: DeliveryReceipt): Promise<ExceptionRecord | null> {
    return untilWritten(async () => {
      const exception = await store.getException(downstreamExceptionId(message.id));
      const change = exception && deliveredOnRetry(exception, message, receipt, deps.now().toISOString());
      if (!change) return null;
      if (!(await store.updateExceptions([change.update], [change.audit])).ok) return LOST_RACE;
      observeAction(deps.observer, change.update.record, change.action);
      return change.update.record;
    }, `Exception for ${message.id} kept changing`);
  }

  return { failed, delivered };
}
