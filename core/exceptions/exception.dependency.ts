import type { Command } from '../messages/message.registry';
import type { ExceptionRecord } from '../ports/records';
import { STALE_ACKNOWLEDGEMENT_RULE } from '../orders/order.rules';

/** The rule a message is held under while it waits behind an open exception of its order. */
export const WAITS_FOR_EXCEPTION_RULE = 'exception.open-predecessor';

/** Far enough that a message waiting behind an exception never expires while the exception is open. */
export const NO_EXPIRY = '9999-12-31T23:59:59.999Z';

/**
 * Whether `command` depends on the event an exception of its order refused, so that applying it first would reorder
 * the order's events: the order's own release and acknowledgement come before everything; an operation's later
 * events depend on its earlier ones; a completion on the order's consumptions and operation events; an inspection
 * or nonconformance on the completion of its lot. Exceptions whose event's change was applied (a posting that did not
 * leave, a conflicting resend of an applied event) hold nothing back, nor does MES acknowledging a version ERP has
 * since replaced: the order's state already keeps the floor waiting for the current version's acknowledgement.
 */
export function dependsOn(command: Command, exception: ExceptionRecord): boolean {
  if (['DOWNSTREAM', 'DUPLICATE_CONFLICT', 'RECONCILIATION'].includes(exception.type)) return false;
  if (exception.rule === STALE_ACKNOWLEDGEMENT_RULE) return false;
  const refused = (exception.payload ?? {}) as Record<string, unknown>;
  switch (exception.messageType) {
    case 'ReleaseProductionOrder':
      return command.messageType !== 'ReleaseProductionOrder';
    case 'AcknowledgeProductionOrder':
      return !['ReleaseProductionOrder', 'AcknowledgeProductionOrder'].includes(command.messageType);
    case 'ReportOperationEvent':
      return (
        (command.messageType === 'ReportOperationEvent' &&
          command.payload.operationSequence === refused.operationSequence) ||
        command.messageType === 'ReportProductionCompletion'
      );
    case 'ReportMaterialConsumption':
      return command.messageType === 'ReportProductionCompletion';
    case 'ReportProductionCompletion':
      return (
        (command.messageType === 'RecordInspectionResult' || command.messageType === 'ReportNonconformance') &&
        command.payload.lot === refused.lot
      );
    default:
      return false;
  }
}

/** The first open exception of the order that `command` waits behind, other than the one it answers. */
export function blockingException(
  command: Command,
  active: readonly ExceptionRecord[],
  answers: string | undefined,
): ExceptionRecord | undefined {
  return active.find((exception) => exception.id !== answers && dependsOn(command, exception));
}
