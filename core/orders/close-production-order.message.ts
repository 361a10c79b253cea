import { defineMessage } from '../messages/message-slice';
import {
  hold,
  invalid,
  quarantine,
  type Decision,
  type DecisionContext,
  type DecisionInputs,
} from '../workflow/decision';
import { closeProductionOrderCommand, type CloseProductionOrder } from './close-production-order.command';
import { completeOrder, PRODUCING } from './completion-lots';

/**
 * ERP closes an order short: the lots reported so far are its output. The order is COMPLETED and follows its lots'
 * quality and receipts from there; MES is told to stop it. An order with no lot is cancelled, not closed.
 */
export function decideClose(input: CloseProductionOrder, inputs: DecisionInputs, ctx: DecisionContext): Decision {
  const order = inputs.order;
  const label = `Closing order ${input.orderNumber}`;
  if (!order) return hold('order.close-released', `${label} arrived before the order was released.`);
  if (
    !(PRODUCING as readonly string[]).includes(order.state) &&
    order.state !== 'RELEASED' &&
    order.state !== 'CREATED'
  ) {
    return quarantine('SEQUENCE', 'order.close-state', `${label} refused: the order is already ${order.state}.`);
  }
  if (order.completions.length === 0) {
    return invalid(
      'order.close-empty',
      `${label} refused: no lot was reported on it, so there is nothing to close it with; cancel it instead (cancelProductionOrder).`,
    );
  }
  const closed = completeOrder(
    order,
    ctx,
    `closed short by ERP: ${input.reason} (${order.producedQuantity} of ${order.quantity} ${order.uom} produced)`,
  );
  if (!closed) return quarantine('SEQUENCE', 'order.close-state', `${label} refused: the order is ${order.state}.`);
  return {
    kind: 'apply',
    action: 'order.closed',
    order: closed.order,
    outbox: [
      {
        destination: 'mes',
        messageType: 'OrderClosed',
        idempotencyKey: `mes|close|${input.plant}|${input.orderNumber}`,
        payload: { plant: input.plant, orderNumber: input.orderNumber, reason: input.reason, closedAt: input.closedAt },
      },
      ...closed.outbox,
    ],
  };
}

export const closeProductionOrder = defineMessage({ ...closeProductionOrderCommand, decide: decideClose });
