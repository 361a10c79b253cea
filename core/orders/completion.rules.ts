import { overridden } from '../exceptions/exception.policy';
import type { ReportProductionCompletion } from './report-production-completion.command';
import { type LotRecord, lotKey } from '../reference/reference.types';
import { round, toBaseUom } from '../reference/uom';
import {
  hold,
  invalid,
  quarantine,
  type Decision,
  type DecisionContext,
  type DecisionInputs,
} from '../workflow/decision';
import { completeOrder, productionComplete } from './completion-lots';
import { noteOnTimeline, waitForChangeAcknowledgement } from './order.rules';
import type { OrderRecord } from './order.types';
import { finalInspectionId } from '../quality/inspection-request';

/**
 * A completion lot: reported while production goes on, up to the last operation's confirmed yield, within the plant's
 * over-delivery tolerance. The produced lot is created BLOCKED (not available until quality releases it) and QMS is
 * asked for its final inspection. When the completed quantity reaches the order quantity (within the under-delivery
 * tolerance), or the last operation is complete and all its yield is in lots, the order is COMPLETED and follows its
 * lots' quality from there (core/orders/completion-lots).
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
  const produced = round(order.producedQuantity + quantity);
  const limit = order.quantity * (1 + ctx.rules.overDeliveryTolerancePct / 100);
  if (produced > limit && !overridden(ctx, 'completion.over-delivery')) {
    return invalid(
      'completion.over-delivery',
      `${label} refused: ${produced} ${item.baseUom} exceeds the order quantity ${order.quantity} beyond the plant's over-delivery tolerance of ${ctx.rules.overDeliveryTolerancePct}%.`,
    );
  }
  const beyondYield = beyondConfirmedYield(order, produced, label);
  if (beyondYield && !overridden(ctx, LAST_OPERATION_RULE)) return beyondYield;
  const serials = checkSerials(input, order, quantity, item.serialized === true, label, inputs.usedSerials);
  if ('refused' in serials) return serials.refused;
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
    serialNumbers: serials.serialNumbers,
    updatedAt: ctx.now,
  };
  const inspectionId = finalInspectionId(input.lot);
  const withLot: OrderRecord = {
    ...order,
    producedQuantity: produced,
    completions: [
      ...order.completions,
      {
        lot: input.lot,
        quantity,
        uom: item.baseUom,
        occurredAt: input.occurredAt,
        correlationId: ctx.correlationId,
        serialNumbers: serials.serialNumbers,
        qualityStatus: 'PENDING',
      },
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
    updatedAt: ctx.now,
  };
  const outcome = productionComplete(withLot, ctx)
    ? completeOrder(withLot, ctx, `production completed: lot ${input.lot}`)
    : {
        order: noteOnTimeline(
          withLot,
          ctx,
          `completion lot ${input.lot}: ${produced} of ${order.quantity} ${order.uom}`,
        ),
        outbox: [],
      };
  if (!outcome)
    return quarantine('SEQUENCE', 'completion.order-state', `${label} refused: the order is ${order.state}.`);
  return {
    kind: 'apply',
    action: 'order.completed',
    order: outcome.order,
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
      ...outcome.outbox,
    ],
  };
}

/** The rule a completion beyond the last operation's confirmed yield waits under; OPERATIONS may override it. */
const LAST_OPERATION_RULE = 'completion.last-operation';

/**
 * Lots may hold only what the last operation confirmed as good: more waits for the floor's confirmation while the
 * operation runs, and is refused once it is complete.
 */
function beyondConfirmedYield(order: OrderRecord, produced: number, label: string): Decision | null {
  const last = order.operations.at(-1);
  if (!last || produced <= last.yieldQuantity) return null;
  if (last.state === 'COMPLETED') {
    return invalid(
      'completion.yield',
      `${label} refused: lots would hold ${produced} ${order.uom}, more than the ${last.yieldQuantity} the last operation ${last.sequence} confirmed as good.`,
    );
  }
  return hold(
    LAST_OPERATION_RULE,
    `${label} waits for the last operation ${last.sequence} (${last.state}) to confirm the yield: lots would hold ${produced} ${order.uom}, it confirmed ${last.yieldQuantity}.`,
  );
}

/** Serialised items name one serial number per piece, each used once on the order; other items may name none. */
function checkSerials(
  input: ReportProductionCompletion,
  order: OrderRecord,
  quantity: number,
  serialized: boolean,
  label: string,
  usedInPlant: ReadonlySet<string> = new Set(),
): { serialNumbers: string[] } | { refused: Decision } {
  const serialNumbers = input.serialNumbers ?? [];
  if (!serialized && serialNumbers.length === 0) return { serialNumbers };
  if (!serialized) {
    return {
      refused: invalid(
        'completion.serials',
        `${label} refused: item ${order.item} is not serialised, yet serial numbers came with it.`,
      ),
    };
  }
  if (serialNumbers.length !== quantity) {
    return {
      refused: invalid(
        'completion.serials',
        `${label} refused: item ${order.item} is serialised; ${quantity} ${order.uom} need ${quantity} serial numbers, ${serialNumbers.length} came.`,
      ),
    };
  }
  const used = new Set([...usedInPlant, ...order.completions.flatMap((c) => c.serialNumbers ?? [])]);
  const repeated = serialNumbers.filter((serial, i) => used.has(serial) || serialNumbers.indexOf(serial) !== i);
  if (repeated.length > 0) {
    return {
      refused: invalid(
        'completion.serials',
        `${label} refused: serial numbers ${repeated.join(', ')} are already used.`,
      ),
    };
  }
  return { serialNumbers };
}
