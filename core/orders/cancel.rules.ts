import { overridden } from '../exceptions/exception.policy';
import {
  hold,
  invalid,
  quarantine,
  type Decision,
  type DecisionContext,
  type DecisionInputs,
} from '../workflow/decision';
import type { CancelProductionOrder } from './cancel-production-order.command';
import { reservationViews } from '../materials/reservations';
import { transition } from './order.rules';

/** The rule a cancellation of an order already on the floor is refused under; OPERATIONS may override it. */
export const CANCEL_STARTED_RULE = 'order.cancel-started';

const NOT_STARTED = ['CREATED', 'RELEASED', 'ACKNOWLEDGED'];
const ON_THE_FLOOR = ['IN_PROCESS', 'PARTIALLY_CONFIRMED', 'QUALITY_HOLD'];

/**
 * ERP cancels an order. Before execution starts it becomes CANCELLED and MES is told; once work started on the floor
 * it is refused as a DEPENDENCY exception, unless OPERATIONS overrides it (then MES is told to stop); once the
 * order's output exists (completed, received, posted) a cancellation is refused with the reason. Events that arrive
 * for a cancelled order afterwards are refused by their own rules (the order is not executable).
 */
export function decideCancel(input: CancelProductionOrder, inputs: DecisionInputs, ctx: DecisionContext): Decision {
  const order = inputs.order;
  if (!order) {
    return hold(
      'order.cancel-released',
      `Order ${input.orderNumber} in plant ${input.plant} has not been released yet.`,
    );
  }
  const label = `Cancellation of order ${input.orderNumber}`;
  if (!NOT_STARTED.includes(order.state) && !ON_THE_FLOOR.includes(order.state)) {
    return invalid(
      'order.cancel-output',
      `${label} refused: the order is ${order.state}; its output exists (completed, received or posted). Reverse it in ERP and close the order instead.`,
    );
  }
  // Lots received while production went on are output too: ERP must reverse them, not forget them.
  const received = order.goodsReceipts.map((r) => r.lot);
  if (received.length > 0) {
    return invalid(
      'order.cancel-output',
      `${label} refused: lot ${received.join(', ')} of it was already received; its output exists. Reverse the receipt in ERP and close the order instead.`,
    );
  }
  const started = ON_THE_FLOOR.includes(order.state);
  if (started && !overridden(ctx, CANCEL_STARTED_RULE)) {
    return quarantine(
      'DEPENDENCY',
      CANCEL_STARTED_RULE,
      `${label} refused: the order is ${order.state}, work has started on the floor. OPERATIONS may override it (MES is then told to stop).`,
    );
  }
  const cancelled = transition(order, 'CANCELLED', ctx, `cancelled by ERP: ${input.reason}`);
  if (!cancelled) return quarantine('SEQUENCE', 'order.cancel-state', `${label} refused: the order is ${order.state}.`);
  return {
    kind: 'apply',
    action: 'order.cancelled',
    order: cancelled,
    // MES must stop (or never start) the order; an order only announced (CREATED) never reached MES.
    outbox:
      order.state === 'CREATED'
        ? []
        : [
            {
              destination: 'mes',
              messageType: 'OrderCancelled',
              idempotencyKey: `mes|cancel|${input.plant}|${input.orderNumber}`,
              payload: {
                plant: input.plant,
                orderNumber: input.orderNumber,
                reason: input.reason,
                cancelledAt: input.cancelledAt,
                stopWorkInProgress: started,
                // Staged material goes back: what remained reserved is released with the order.
                releasedReservations: reservationViews(cancelled, cancelled.reservations ?? [])
                  .filter((r) => r.releasedQuantity > 0)
                  .map((r) => ({
                    item: r.item,
                    operationSequence: r.operationSequence,
                    quantity: r.releasedQuantity,
                    uom: r.uom,
                  })),
              },
            },
          ],
  };
}
