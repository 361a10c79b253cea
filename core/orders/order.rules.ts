import type { AcknowledgeProductionOrder, ReleaseProductionOrder } from '../commands/command.types';
import { quarantine, type Decision, type DecisionContext } from '../workflow/decision';
import { canTransition } from './order.lifecycle';
import type { OrderRecord, OrderState } from './order.types';

/** Moves an order to `to` if the lifecycle table allows it, recording the transition on its timeline. */
export function transition(order: OrderRecord, to: OrderState, ctx: DecisionContext, cause: string): OrderRecord | null {
  if (!canTransition(order.state, to)) return null;
  const changed = order.state !== to;
  return {
    ...order,
    state: to,
    stateSince: changed ? ctx.now : order.stateSince,
    updatedAt: ctx.now,
    timeline: [...order.timeline, { at: ctx.now, state: to, correlationId: ctx.correlationId, cause }],
  };
}

export function decideRelease(input: ReleaseProductionOrder, existing: OrderRecord | null, ctx: DecisionContext): Decision {
  if (existing) {
    return quarantine(
      'DUPLICATE_CONFLICT',
      'order.release.unique',
      `Order ${input.orderNumber} in plant ${input.plant} was already released (state ${existing.state}); a second release is not applied.`,
    );
  }
  const order: OrderRecord = {
    plant: input.plant,
    orderNumber: input.orderNumber,
    state: 'RELEASED',
    stateSince: ctx.now,
    version: 1,
    item: input.item,
    itemRevision: input.itemRevision,
    routingRevision: input.routingRevision,
    specRevision: input.specRevision,
    quantity: input.quantity,
    uom: input.uom,
    dueAt: input.dueAt,
    producedQuantity: 0,
    scrapQuantity: 0,
    operations: input.operations
      .map((op) => ({ ...op, state: 'PENDING' as const, yieldQuantity: 0, scrapQuantity: 0 }))
      .sort((a, b) => a.sequence - b.sequence),
    components: input.components,
    timeline: [{ at: ctx.now, state: 'RELEASED', correlationId: ctx.correlationId, cause: 'released by ERP' }],
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  return {
    kind: 'apply',
    order,
    action: 'order.released',
    // MES must learn of the order before it can execute it.
    outbox: [{ destination: 'mes', messageType: 'OrderReleased', idempotencyKey: `mes|release|${input.plant}|${input.orderNumber}`, payload: input }],
  };
}

export function decideAcknowledge(input: AcknowledgeProductionOrder, order: OrderRecord | null, ctx: DecisionContext): Decision {
  if (!order) {
    return quarantine('SEQUENCE', 'order.acknowledge.released', `Order ${input.orderNumber} in plant ${input.plant} has not been released.`);
  }
  const mismatches = (['routingRevision', 'specRevision'] as const)
    .filter((field) => input[field] !== order[field])
    .map((field) => `${field} ${input[field]} (released: ${order[field]})`);
  if (mismatches.length > 0) {
    return quarantine(
      'REVISION_MISMATCH',
      'order.acknowledge.revision',
      `MES acknowledged order ${input.orderNumber} with ${mismatches.join(' and ')}; the order is not acknowledged.`,
    );
  }
  const next = transition(order, 'ACKNOWLEDGED', ctx, 'acknowledged by MES');
  if (!next) {
    return quarantine('SEQUENCE', 'order.acknowledge.state', `Order ${input.orderNumber} is ${order.state} and cannot be acknowledged.`);
  }
  return { kind: 'apply', order: next, action: 'order.acknowledged', outbox: [] };
}
