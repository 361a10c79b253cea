import type { DeliveryReceipt, OutboundMessage } from '../ports/downstream.port';
import type { ExceptionRecord } from '../ports/records';
import { changeException, isActive, type ExceptionChange } from './exception.transitions';

/**
 * A posting a system refused, or that outlasted its delivery retries, is a DOWNSTREAM exception: one per outbox
 * entry, so that a retry that fails again stays on the same exception instead of scattering the story over several.
 */
const SUFFIX = ':downstream';

export function downstreamExceptionId(outboxId: string): string {
  return `${outboxId}${SUFFIX}`;
}

/** The outbox entry a DOWNSTREAM exception stands for; null for any other exception. */
export function outboxIdOf(exception: Pick<ExceptionRecord, 'id' | 'type'>): string | null {
  return exception.type === 'DOWNSTREAM' && exception.id.endsWith(SUFFIX)
    ? exception.id.slice(0, -SUFFIX.length)
    : null;
}

/**
 * A refusal (4xx: the system says no, and will say no again) and an unavailable system (an outage or an open circuit
 * that outlasted the retries) are different rules: only the second clears by itself, when the circuit closes.
 */
export function downstreamRule(system: string, retryable: boolean): string {
  return `downstream.${system}.${retryable ? 'unavailable' : 'rejected'}`;
}

/** The rule of the DOWNSTREAM exceptions a system's recovery may clear. */
export function unavailableRule(system: string): string {
  return downstreamRule(system, true);
}

/** A retry was sent and the system has not yet taken or refused it: acting again would race it. */
export function deliveryRetryPending(exception: Pick<ExceptionRecord, 'type' | 'actions'>): boolean {
  if (exception.type !== 'DOWNSTREAM') return false;
  const last = exception.actions.findLast((a) => a.action === 'REPLAY_SUBMITTED' || a.action === 'REFUSED_AGAIN');
  return last?.action === 'REPLAY_SUBMITTED';
}

/** The posting goes to its system again; the exception stays OPEN until the system takes it. */
export function deliveryRetried(exception: ExceptionRecord, actor: string, at: string, note: string): ExceptionChange {
  return changeException(exception, { action: 'REPLAY_SUBMITTED', actor, at, note }, {});
}

/** The system took the posting: the exception closes REPLAYED. Null when nobody is waiting for it any more. */
export function deliveredOnRetry(
  exception: ExceptionRecord,
  message: Pick<OutboundMessage, 'system' | 'correlationId'>,
  receipt: DeliveryReceipt,
  at: string,
): ExceptionChange | null {
  if (!isActive(exception)) return null;
  const system = message.system.toUpperCase();
  const document = receipt.documentNumber ? ` as document ${receipt.documentNumber}` : '';
  return changeException(
    exception,
    { action: 'REPLAYED', actor: `connector:${message.system}`, at, note: `${system} took the posting${document}` },
    { status: 'REPLAYED', pendingOverride: null },
  );
}

/** The retry failed too: the same exception stays OPEN with the new reason (and rule, if a refusal replaced an outage). */
export function deliveryFailedAgain(
  exception: ExceptionRecord,
  failure: Pick<ExceptionRecord, 'reason' | 'rule'>,
  actor: string,
  at: string,
): ExceptionChange {
  return changeException(
    exception,
    { action: 'REFUSED_AGAIN', actor, at, note: failure.reason },
    { status: 'OPEN', reason: failure.reason, rule: failure.rule },
  );
}
