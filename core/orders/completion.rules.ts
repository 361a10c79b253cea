import { overridden } from '../exceptions/exception.policy';
import type { ReportProductionCompletion } from './report-production-completion.command';
import { type LotRecord, lotKey } from '../reference/reference.types';
import { toBaseUom } from '../reference/uom';
import {
  hold,
  invalid,
  quarantine,
  type Decision,
  type DecisionContext,
  type DecisionInputs,
} from '../workflow/decision';
import { transition, waitForChangeAcknowledgement } from './order.rules';
import { finalInspectionId } from '../quality/inspection-request';

/**
 * Production completion: the last operation must be complete and the quantity within the plant's over-delivery
 * tolerance. The produced lot is created BLOCKED (not available until quality releases it), the order moves to
 * COMPLETED and on to QUALITY_PENDING, and QMS is asked for a final inspection.
 */
export function decideCompletion(
  input: ReportProductionCompletion,
  inputs: DecisionInputs,
  ctx: DecisionContext,
): Decision {
  const order = inputs.order;
  const label = `Completion of ${input.quantity} ${input.uom} lot ${input.lot} on order ${input.orderNumber}`;
  if (!order) return hold('completion.order-released', `${label} arrived before the order was released.`);
  if (
    ['COMPLETED', 'QUALITY_PENDING', 'QUALITY_HOLD', 'RECEIVED', 'FINANCIALLY_POSTED', 'CANCELLED'].includes(
      order.state,
    )
  ) {
    return quarantine('SEQUENCE', 'completion.order-state', `${label} refused: the order is already ${order.state}.`);
  }
  const changing = waitForChangeAcknowledgement(order, label);
  if (changing) return changing;
  const last = order.operations.at(-1);
  if (last && last.state !== 'COMPLETED' && !overridden(ctx, 'completion.last-operation')) {
    return hold(
      'completion.last-operation',
      `${label} waits for the last operation ${last.sequence} to complete (it is ${last.state}).`,
    );
  }
  const item = inputs.items.get(order.item)?.find((r) => r.revision === order.itemRevision);
  if (!item)
    return invalid(
      'reference.item-revision',
      `${label} refused: item ${order.item} revision ${order.itemRevision} is no longer in the item master.`,
    );
  const quantity = toBaseUom(input.quantity, input.uom, item);
  if (quantity === null)
    return invalid(
      'reference.uom-conversion',
      `${label} refused: ${input.uom} has no conversion to ${item.number}'s base unit ${item.baseUom}.`,
    );
  const limit = order.quantity * (1 + ctx.rules.overDeliveryTolerancePct / 100);
  if (order.producedQuantity + quantity > limit && !overridden(ctx, 'completion.over-delivery')) {
    return invalid(
      'completion.over-delivery',
      `${label} refused: ${order.producedQuantity + quantity} ${item.baseUom} exceeds the order quantity ${order.quantity} beyond the plant's over-delivery tolerance of ${ctx.rules.overDeliveryTolerancePct}%.`,
    );
  }
  const existingLot = inputs.lots.get(lotKey(input.plant, input.lot));
  if (existingLot && (existingLot.producedBy || existingLot.item !== order.item)) {
    return invalid(
      'completion.lot-unique',
      `${label} refused: lot ${input.lot} already exists for ${existingLot.item}${existingLot.producedBy ? ` from order ${existingLot.producedBy.orderNumber}` : ''}.`,
    );
  }
  const lot: LotRecord = {
    plant: input.plant,
    lotNumber: input.lot,
    item: order.item,
    status: 'BLOCKED',
    expiresAt: existingLot?.expiresAt ?? null,
    quantity,
    uom: item.baseUom,
    version: existingLot?.version ?? 0,
    producedBy: { orderNumber: order.orderNumber, quantity, uom: item.baseUom, at: input.occurredAt },
    consumedBy: existingLot?.consumedBy ?? [],
    inspections: existingLot?.inspections ?? [],
    nonconformances: existingLot?.nonconformances ?? [],
    updatedAt: ctx.now,
  };
  const inspectionId = finalInspectionId(input.lot);
  const completed = transition(
    {
      ...order,
      producedQuantity: order.producedQuantity + quantity,
      completions: [
        ...order.completions,
        { lot: input.lot, quantity, uom: item.baseUom, occurredAt: input.occurredAt, correlationId: ctx.correlationId },
      ],
      inspectionRequests: [
        ...order.inspectionRequests,
        {
          inspectionId,
          inspectionType: 'FINAL',
          lot: input.lot,
          status: 'REQUESTED',
          requestedAt: ctx.now,
          decidedAt: null,
        },
      ],
    },
    'COMPLETED',
    ctx,
    `production completed: lot ${input.lot}`,
  );
  const pending = completed && transition(completed, 'QUALITY_PENDING', ctx, 'awaiting final inspection');
  if (!pending)
    return quarantine('SEQUENCE', 'completion.order-state', `${label} refused: the order is ${order.state}.`);
  return {
    kind: 'apply',
    action: 'order.completed',
    order: pending,
    lots: [lot],
    outbox: [
      {
        destination: 'qms',
        messageType: 'InspectionRequested',
        idempotencyKey: `qms|final-inspection|${input.plant}|${input.orderNumber}|${input.lot}`,
        payload: {
          inspectionId,
          plant: input.plant,
          orderNumber: input.orderNumber,
          item: order.item,
          itemRevision: order.itemRevision,
          specRevision: order.specRevision,
          lot: input.lot,
          quantity,
          uom: item.baseUom,
          inspectionType: 'FINAL',
        },
      },
    ],
  };
}
