import { blockingException, NO_EXPIRY, WAITS_FOR_EXCEPTION_RULE } from '../exceptions/exception.dependency';
import type { ExceptionRecord } from '../ports/records';
import type { Store, UnitOfWork } from '../ports/store.port';
import type { TransactionRecord } from '../ports/transaction.record';
import type { DecisionContext } from './decision';
import type { HeldMessage } from './held-message';
import type { InboundMessage } from './inbound-message';
import { holdUnit } from './unit-of-work.builders';

/** Messages no refused event of their order can hold back: they create the order or stand alone. */
const INDEPENDENT: readonly string[] = ['ReleaseProductionOrder', 'UpsertReferenceData', 'AcknowledgePosting'];

export interface ExceptionWaitsDeps<R> {
  store: Pick<Store, 'listActiveExceptions'>;
  /** The processor's commit: its outcome, or 'conflict' when the store refused the unit. */
  commit: (unit: UnitOfWork) => Promise<R | 'conflict'>;
  contextFor: (message: InboundMessage) => DecisionContext;
}

/**
 * Replay cannot reorder: a message that depends on a refused event of its order waits behind that event's open
 * exception, in its place among the order's parked messages and without expiry, until the exception is worked.
 */
export function createExceptionWaits<R>(deps: ExceptionWaitsDeps<R>) {
  /** The open exception of the message's order whose refused event this message depends on, if any. */
  async function blockerOf({ envelope }: InboundMessage): Promise<ExceptionRecord | undefined> {
    const { plant, orderNumber } = envelope.scope;
    if (!orderNumber || INDEPENDENT.includes(envelope.command.messageType)) return undefined;
    const active = await deps.store.listActiveExceptions(plant, orderNumber);
    return active.length ? blockingException(envelope.command, active, envelope.workbench?.exceptionId) : undefined;
  }

  /** Holds a message behind the exception it depends on (or moves a parked one behind it). */
  async function waitBehind(
    message: InboundMessage,
    base: TransactionRecord,
    ctx: DecisionContext,
    blocker: ExceptionRecord,
    parked: HeldMessage | null,
  ): Promise<R | 'conflict' | 'still-held'> {
    if (parked?.blockedBy === blocker.id) return 'still-held';
    const reason = `Waits behind exception ${blocker.id} (${blocker.type}, ${blocker.rule}) on the ${blocker.messageType} it depends on, until that exception is worked.`;
    const unit = holdUnit(message, base, ctx, { kind: 'hold', rule: WAITS_FOR_EXCEPTION_RULE, reason });
    const held = { ...unit.hold!, heldUntil: NO_EXPIRY, blockedBy: blocker.id };
    if (parked) return rehold(message, base, parked, held);
    return deps.commit({ ...unit, hold: held });
  }

  /** Keeps a parked message parked, in its place, under another reason (and hold window). */
  async function rehold(
    message: InboundMessage,
    base: TransactionRecord,
    parked: HeldMessage,
    held: HeldMessage,
  ): Promise<'conflict' | 'still-held'> {
    const update = { ...held, heldAt: parked.heldAt, blockedBy: held.blockedBy ?? null };
    const ctx = deps.contextFor(message);
    const unit = holdUnit(message, base, ctx, { kind: 'hold', rule: held.rule, reason: held.reason });
    const outcome = await deps.commit({ ...unit, hold: undefined, updateHeld: update });
    return outcome === 'conflict' ? 'conflict' : 'still-held';
  }

  return { blockerOf, waitBehind, rehold };
}
