import { overridden } from '../exceptions/exception.policy';
import { lotKey } from '../reference/reference.types';
import type { ReportMaterialConsumption } from './report-material-consumption.command';
import { currentRevision, requestErpPosting, waitForChangeAcknowledgement } from '../orders/order.rules';
import type { OrderRecord, OrderState } from '../orders/order.types';
import { consumedAgainst, reservationFor, reservationsOf } from './reservations';
import { round, toBaseUom } from '../reference/uom';
import {
  hold,
  invalid,
  quarantine,
  type Decision,
  type DecisionContext,
  type DecisionInputs,
} from '../workflow/decision';

const CONSUMING: readonly OrderState[] = ['ACKNOWLEDGED', 'IN_PROCESS', 'PARTIALLY_CONFIRMED'];

/**
 * A goods issue of a component lot to an order: the lot must exist, be usable and not expired when it was used,
 * the item must be reserved on the order, and the quantity must convert to the base unit and be on hand.
 */
export function decideConsumption(
  input: ReportMaterialConsumption,
  inputs: DecisionInputs,
  ctx: DecisionContext,
): Decision {
  const order = inputs.order;
  const label = `Consumption of ${input.quantity} ${input.uom} ${input.item} lot ${input.lot} on order ${input.orderNumber}`;
  if (!order) return hold('consumption.order-released', `${label} arrived before the order was released.`);
  if (order.state === 'RELEASED')
    return hold('consumption.order-acknowledged', `${label} arrived before MES acknowledged the order.`);
  if (!CONSUMING.includes(order.state))
    return quarantine('SEQUENCE', 'consumption.order-state', `${label} refused: the order is ${order.state}.`);
  const changing = waitForChangeAcknowledgement(order, label);
  if (changing) return changing;
  if (!order.operations.some((op) => op.sequence === input.operationSequence)) {
    return invalid(
      'consumption.operation',
      `${label} names operation ${input.operationSequence}, which the order does not have.`,
    );
  }
  const reservation = order.components.find((c) => c.item === input.item);
  if (!reservation && !overridden(ctx, 'consumption.reserved-component')) {
    return invalid(
      'consumption.reserved-component',
      `${label} refused: ${input.item} is not a component reserved on the order (reserved: ${order.components.map((c) => c.item).join(', ') || 'none'}).`,
    );
  }
  const item = currentRevision(inputs, input.item);
  if (!item) return invalid('reference.item', `${label} refused: ${input.item} is not in the item master.`);
  const lot = inputs.lots.get(lotKey(input.plant, input.lot));
  if (!lot)
    return invalid('consumption.lot-known', `${label} refused: lot ${input.lot} is not known in plant ${input.plant}.`);
  if (lot.item !== input.item)
    return invalid('consumption.lot-item', `${label} refused: lot ${input.lot} holds ${lot.item}, not ${input.item}.`);
  if (lot.status === 'BLOCKED' && !overridden(ctx, 'consumption.lot-status'))
    return invalid('consumption.lot-status', `${label} refused: lot ${input.lot} is BLOCKED.`);
  const expired = lot.expiresAt && Date.parse(lot.expiresAt) <= Date.parse(input.occurredAt);
  if (expired && !overridden(ctx, 'consumption.lot-expiry')) {
    return invalid(
      'consumption.lot-expiry',
      `${label} refused: lot ${input.lot} expired at ${lot.expiresAt}, before it was used at ${input.occurredAt}.`,
    );
  }
  const quantity = toBaseUom(input.quantity, input.uom, item);
  if (quantity === null) {
    return invalid(
      'reference.uom-conversion',
      `${label} refused: ${input.uom} has no conversion to ${item.number}'s base unit ${item.baseUom}.`,
    );
  }
  const restricted = restrictedLotRefusal(order, lot.status, input, label, ctx);
  if (restricted) return restricted;
  const onHand = toBaseUom(lot.quantity, lot.uom, item);
  if (onHand === null || quantity > onHand) {
    return invalid(
      'consumption.lot-quantity',
      `${label} refused: it would take lot ${input.lot} negative (on hand ${lot.quantity} ${lot.uom}).`,
    );
  }
  const overReserved = beyondReservation(order, inputs, input, quantity, item.baseUom, label, ctx);
  if (overReserved) return overReserved;

  const lotAfter = {
    ...lot,
    quantity:
      lot.uom === item.baseUom
        ? round(lot.quantity - quantity)
        : round(lot.quantity - (lot.quantity * quantity) / onHand),
    consumedBy: [
      ...lot.consumedBy,
      {
        orderNumber: input.orderNumber,
        operationSequence: input.operationSequence,
        quantity,
        uom: item.baseUom,
        at: input.occurredAt,
      },
    ],
    updatedAt: ctx.now,
  };
  const withConsumption = {
    ...order,
    materialConsumptions: [
      ...order.materialConsumptions,
      {
        item: input.item,
        lot: input.lot,
        quantity,
        uom: item.baseUom,
        operationSequence: input.operationSequence,
        occurredAt: input.occurredAt,
        correlationId: ctx.correlationId,
      },
    ],
    updatedAt: ctx.now,
  };
  const [next, posting] = requestErpPosting(
    withConsumption,
    'GoodsIssue',
    `erp|goods-issue|${input.plant}|${input.orderNumber}|${ctx.correlationId}`,
    {
      plant: input.plant,
      orderNumber: input.orderNumber,
      operationSequence: input.operationSequence,
      item: input.item,
      lot: input.lot,
      quantity,
      uom: item.baseUom,
      occurredAt: input.occurredAt,
    },
    ctx,
  );
  return { kind: 'apply', action: 'material.consumed', order: next, lots: [lotAfter], outbox: [posting] };
}

/**
 * A RESTRICTED lot (released under conditions) is used only at the work centres the plant's rules name
 * (`restrictedLotWorkCenters`, '*' for all); QUALITY may override a refusal.
 */
function restrictedLotRefusal(
  order: OrderRecord,
  status: string,
  input: ReportMaterialConsumption,
  label: string,
  ctx: DecisionContext,
): Decision | null {
  if (status !== 'RESTRICTED' || overridden(ctx, RESTRICTED_LOT_RULE)) return null;
  const allowed = ctx.rules.restrictedLotWorkCenters;
  const workCenter = order.operations.find((op) => op.sequence === input.operationSequence)?.workCenter ?? '';
  if (allowed.includes('*') || allowed.includes(workCenter)) return null;
  return invalid(
    RESTRICTED_LOT_RULE,
    `${label} refused: lot ${input.lot} is RESTRICTED, and plant ${input.plant}'s rules allow RESTRICTED lots ${allowed.length ? `only at ${allowed.join(', ')}` : 'at no work centre'}; operation ${input.operationSequence} runs at ${workCenter}.`,
  );
}

const RESTRICTED_LOT_RULE = 'consumption.lot-restricted';
const RESERVED_QUANTITY_RULE = 'consumption.reserved-quantity';

/**
 * Consumption is matched to the component's reservation for its operation by quantity: more than reserved plus the
 * plant's `reservationTolerancePct` is refused; SUPPLY_CHAIN may override it (extra material used).
 */
function beyondReservation(
  order: OrderRecord,
  inputs: DecisionInputs,
  input: ReportMaterialConsumption,
  quantity: number,
  uom: string,
  label: string,
  ctx: DecisionContext,
): Decision | null {
  const reservations = order.reservations ?? reservationsOf(order.components, (n) => currentRevision(inputs, n));
  const reservation = reservationFor(reservations, input.item, input.operationSequence);
  if (!reservation || overridden(ctx, RESERVED_QUANTITY_RULE)) return null;
  const consumed = consumedAgainst(reservation, reservations, order.materialConsumptions);
  const limit = round(reservation.quantity * (1 + ctx.rules.reservationTolerancePct / 100));
  if (round(consumed + quantity) <= limit) return null;
  return invalid(
    RESERVED_QUANTITY_RULE,
    `${label} refused: ${round(consumed + quantity)} ${uom} of ${input.item} would be consumed against its reservation of ${reservation.quantity} ${reservation.uom} for operation ${reservation.operationSequence} (${consumed} consumed so far, tolerance ${ctx.rules.reservationTolerancePct}%).`,
  );
}
