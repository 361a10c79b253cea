import { overridden } from '../exceptions/exception.policy';
import type { OperationEventType } from '../commands/vocabulary';
import type { ReportOperationEvent } from './report-operation-event.command';
import { round } from '../reference/uom';
import {
  hold,
  invalid,
  quarantine,
  type Decision,
  type DecisionContext,
  type DecisionInputs,
  type OutboxRequest,
} from '../workflow/decision';
import { completeOrder, productionComplete } from './completion-lots';
import { firstArticleGate, requestFirstArticle } from './first-article.rules';
import { noteOnTimeline, requestErpPosting, transition, waitForChangeAcknowledgement } from './order.rules';
import type { OperationRecord, OperationState, OrderRecord, OrderState } from './order.types';

/**
 * Operation states as data: for each event, the states it applies in and the state it leads to, and the states
 * in which it waits because the event before it may still arrive (a CONFIRM before the START). In any other
 * state the event is refused: the operation is already past it.
 */
export const OPERATION_TRANSITIONS: Readonly<
  Record<
    OperationEventType,
    { from: readonly OperationState[]; to: OperationState; waitsIn: readonly OperationState[] }
  >
> = {
  START: { from: ['PENDING'], to: 'STARTED', waitsIn: [] },
  PAUSE: { from: ['STARTED', 'CONFIRMED'], to: 'PAUSED', waitsIn: ['PENDING'] },
  RESUME: { from: ['PAUSED'], to: 'STARTED', waitsIn: ['PENDING', 'STARTED', 'CONFIRMED'] },
  CONFIRM: { from: ['STARTED', 'CONFIRMED', 'PAUSED'], to: 'CONFIRMED', waitsIn: ['PENDING'] },
  COMPLETE: { from: ['STARTED', 'CONFIRMED', 'PAUSED'], to: 'COMPLETED', waitsIn: ['PENDING'] },
};

/** Order states in which the floor may report on operations. */
const EXECUTABLE: readonly OrderState[] = ['ACKNOWLEDGED', 'IN_PROCESS', 'PARTIALLY_CONFIRMED'];

export function decideOperationEvent(
  input: ReportOperationEvent,
  inputs: DecisionInputs,
  ctx: DecisionContext,
): Decision {
  const order = inputs.order;
  const label = `${input.eventType} of operation ${input.operationSequence} on order ${input.orderNumber}`;
  if (!order) return hold('operation.order-released', `${label} arrived before the order was released.`);
  if (order.state === 'RELEASED')
    return hold('operation.order-acknowledged', `${label} arrived before MES acknowledged the order's revisions.`);
  if (!EXECUTABLE.includes(order.state)) {
    // A PAUSE or RESUME that happened before its operation completed, arriving once the order moved on (its lots
    // completed it): the operation had passed it, nothing needs a person. Not for a cancelled order.
    const target = order.operations.find((op) => op.sequence === input.operationSequence);
    if (order.state !== 'CANCELLED' && target && isLateStateOnlyEvent(input, target))
      return absorbLate(order, input, target, ctx);
    return quarantine('SEQUENCE', 'operation.order-state', `${label} refused: the order is ${order.state}.`);
  }
  const changing = waitForChangeAcknowledgement(order, label);
  if (changing) return changing;
  if (input.workCenter && !inputs.workCenters.has(input.workCenter)) {
    return invalid(
      'reference.work-center',
      `${label} names work center ${input.workCenter}, which plant ${input.plant} does not have.`,
    );
  }
  const index = order.operations.findIndex((op) => op.sequence === input.operationSequence);
  const operation = order.operations[index];
  if (!operation)
    return invalid('operation.exists', `Order ${input.orderNumber} has no operation ${input.operationSequence}.`);

  const rule = OPERATION_TRANSITIONS[input.eventType];
  // A CONFIRM that happened before the operation completed, arriving after: its quantities still count while the
  // order can take them (it is still executable); the operation stays COMPLETED.
  const lateQuantities = isLateConfirmation(input, operation);
  if (!rule.from.includes(operation.state) && !lateQuantities) {
    if (rule.waitsIn.includes(operation.state)) {
      return hold(
        'operation.sequence',
        `${label} arrived while the operation is ${operation.state}; it waits for the event before it.`,
      );
    }
    if (isLateStateOnlyEvent(input, operation)) return absorbLate(order, input, operation, ctx);
    return quarantine(
      'SEQUENCE',
      'operation.sequence',
      `${label} refused: the operation is already ${operation.state}.`,
    );
  }

  const predecessor = index > 0 ? order.operations[index - 1] : undefined;
  if (
    input.eventType === 'COMPLETE' &&
    predecessor &&
    predecessor.state !== 'COMPLETED' &&
    !ctx.rules.allowOperationOverlap &&
    !overridden(ctx, 'operation.predecessor-completed')
  ) {
    return hold(
      'operation.predecessor-completed',
      `${label} waits for operation ${predecessor.sequence} to complete (plant rules do not allow overlap).`,
    );
  }
  const reportsQuantity = input.eventType === 'CONFIRM' || input.eventType === 'COMPLETE';
  const yieldTotal = round(operation.yieldQuantity + (reportsQuantity ? input.yieldQuantity : 0));
  if (reportsQuantity && predecessor) {
    const limit = round(predecessor.yieldQuantity * (1 + ctx.rules.yieldTolerancePct / 100));
    if (yieldTotal > limit && !overridden(ctx, 'operation.yield-predecessor')) {
      return invalid(
        'operation.yield-predecessor',
        `Operation ${input.operationSequence} would have confirmed yield ${yieldTotal}, more than operation ${predecessor.sequence}'s ${predecessor.yieldQuantity} allows (tolerance ${ctx.rules.yieldTolerancePct}%).`,
      );
    }
  }

  const firstArticle = reportsQuantity ? firstArticleGate(operation, yieldTotal, label, ctx) : null;
  if (firstArticle) return firstArticle;

  const updated: OperationRecord = {
    ...operation,
    lastEventAt: latest(operation.lastEventAt, input.occurredAt),
    state: lateQuantities ? operation.state : rule.to,
    yieldQuantity: yieldTotal,
    scrapQuantity: round(operation.scrapQuantity + (reportsQuantity ? input.scrapQuantity : 0)),
  };
  let next: OrderRecord = {
    ...order,
    operations: order.operations.map((op, i) => (i === index ? updated : op)),
    updatedAt: ctx.now,
  };
  next = { ...next, scrapQuantity: round(next.operations.reduce((sum, op) => sum + op.scrapQuantity, 0)) };
  const target = orderStateAfter(next.state, input.eventType);
  if (target !== next.state) {
    next = transition(next, target, ctx, `${input.eventType} of operation ${input.operationSequence}`) ?? next;
  }

  const outbox: OutboxRequest[] = [];
  if (input.eventType === 'START') {
    const requested = requestFirstArticle(next, updated, ctx);
    next = requested.order;
    outbox.push(...requested.outbox);
  }
  if (reportsQuantity) {
    const key = `erp|confirmation|${input.plant}|${input.orderNumber}|${input.operationSequence}|${ctx.correlationId}`;
    const [withPosting, request] = requestErpPosting(
      next,
      'OperationConfirmation',
      key,
      {
        plant: input.plant,
        orderNumber: input.orderNumber,
        operationSequence: input.operationSequence,
        yieldQuantity: input.yieldQuantity,
        scrapQuantity: input.scrapQuantity,
        scrapReason: input.scrapReason,
        uom: order.uom,
        finalConfirmation: input.eventType === 'COMPLETE',
        workCenter: input.workCenter,
        occurredAt: input.occurredAt,
      },
      ctx,
    );
    next = withPosting;
    outbox.push(request);
  }
  if (lateQuantities) {
    const cause = `late CONFIRM of operation ${operation.sequence} (occurred ${input.occurredAt}, before its completion): ${input.yieldQuantity} good, ${input.scrapQuantity} scrap applied`;
    return { kind: 'apply', order: noteOnTimeline(next, ctx, cause), action: 'operation.late-confirm-applied', outbox };
  }
  // Lots reported while the last operation ran: its completion may be what completes the order.
  if (input.eventType === 'COMPLETE' && index === order.operations.length - 1 && productionComplete(next, ctx)) {
    const completed = completeOrder(
      next,
      ctx,
      `production completed: operation ${operation.sequence} complete, its yield in lots`,
    );
    if (completed) {
      next = completed.order;
      outbox.push(...completed.outbox);
    }
  }
  return { kind: 'apply', order: next, action: `operation.${input.eventType.toLowerCase()}`, outbox };
}

/** An event that arrives after its operation completed but happened before the operation's last event. */
function happenedBeforeCompletion(input: ReportOperationEvent, operation: OperationRecord): boolean {
  return (
    operation.state === 'COMPLETED' &&
    operation.lastEventAt !== undefined &&
    Date.parse(input.occurredAt) <= Date.parse(operation.lastEventAt)
  );
}

/** A late CONFIRM: its quantities still count. */
function isLateConfirmation(input: ReportOperationEvent, operation: OperationRecord): boolean {
  return input.eventType === 'CONFIRM' && happenedBeforeCompletion(input, operation);
}

/** A late PAUSE or RESUME: its only effect would be a state the operation already passed. Nothing needs a person. */
function isLateStateOnlyEvent(input: ReportOperationEvent, operation: OperationRecord): boolean {
  return (input.eventType === 'PAUSE' || input.eventType === 'RESUME') && happenedBeforeCompletion(input, operation);
}

/** Records a late state-only event on the order's timeline and changes nothing else. */
function absorbLate(
  order: OrderRecord,
  input: ReportOperationEvent,
  operation: OperationRecord,
  ctx: DecisionContext,
): Decision {
  const cause = `late ${input.eventType} of operation ${operation.sequence} (occurred ${input.occurredAt}, before its last event at ${operation.lastEventAt}): absorbed, the operation had already passed it`;
  return {
    kind: 'apply',
    action: 'operation.late-event-absorbed',
    order: noteOnTimeline(order, ctx, cause),
    outbox: [],
  };
}

function latest(a: string | undefined, b: string): string {
  return a === undefined || Date.parse(b) > Date.parse(a) ? b : a;
}

/** The first start puts the order in process; the first quantity reported makes it partially confirmed. */
function orderStateAfter(state: OrderState, event: OperationEventType): OrderState {
  if (state === 'ACKNOWLEDGED') return 'IN_PROCESS';
  if (state === 'IN_PROCESS' && (event === 'CONFIRM' || event === 'COMPLETE')) return 'PARTIALLY_CONFIRMED';
  return state;
}
