import type { ComponentInput } from '../commands/vocabulary';
import type { MaterialConsumptionRecord, OrderRecord, OrderState, ReservationRecord } from '../orders/order.types';
import type { ItemRecord } from '../reference/reference.types';
import { round, toBaseUom } from '../reference/uom';

export type ReservationStatus = 'OPEN' | 'CONSUMED' | 'OVER_CONSUMED' | 'RELEASED';

/** What users see of a reservation: reserved, consumed, what remains, and what was released. */
export interface ReservationView extends ReservationRecord {
  reservedQuantity: number;
  consumedQuantity: number;
  remainingQuantity: number;
  releasedQuantity: number;
  status: ReservationStatus;
}

/** The order's component reservations in base units, from what ERP sent and the item master. */
export function reservationsOf(
  components: readonly ComponentInput[],
  itemOf: (number: string) => ItemRecord | undefined,
): ReservationRecord[] {
  return components.map((c) => {
    const item = itemOf(c.item);
    const quantity = item ? toBaseUom(c.quantity, c.uom, item) : null;
    return {
      item: c.item,
      operationSequence: c.operationSequence,
      quantity: quantity ?? c.quantity,
      uom: quantity === null ? c.uom : item!.baseUom,
    };
  });
}

/**
 * The reservation a consumption counts against: the component's reservation for the operation it was used at, or,
 * when the component is reserved only for other operations (backflushed elsewhere), its first reservation.
 */
export function reservationFor(
  reservations: readonly ReservationRecord[],
  item: string,
  operationSequence: number,
): ReservationRecord | undefined {
  return (
    reservations.find((r) => r.item === item && r.operationSequence === operationSequence) ??
    reservations.find((r) => r.item === item)
  );
}

export function consumedAgainst(
  reservation: ReservationRecord,
  reservations: readonly ReservationRecord[],
  consumptions: readonly MaterialConsumptionRecord[],
): number {
  return round(
    consumptions
      .filter((c) => reservationFor(reservations, c.item, c.operationSequence) === reservation)
      .reduce((sum, c) => sum + c.quantity, 0),
  );
}

/** States of an order that consumes nothing more: what remains reserved is released. */
const NOTHING_MORE_CONSUMED: readonly OrderState[] = [
  'CANCELLED',
  'COMPLETED',
  'QUALITY_PENDING',
  'QUALITY_HOLD',
  'RECEIVED',
  'FINANCIALLY_POSTED',
];

/**
 * Reserved, consumed and remaining per component and operation. Once the order cannot consume any more (cancelled,
 * or its production complete), what remains is released.
 */
export function reservationViews(order: OrderRecord, reservations: readonly ReservationRecord[]): ReservationView[] {
  const closed = NOTHING_MORE_CONSUMED.includes(order.state);
  return reservations.map((r) => {
    const consumed = consumedAgainst(r, reservations, order.materialConsumptions);
    const remaining = Math.max(0, round(r.quantity - consumed));
    const status: ReservationStatus =
      consumed > r.quantity ? 'OVER_CONSUMED' : remaining === 0 ? 'CONSUMED' : closed ? 'RELEASED' : 'OPEN';
    return {
      ...r,
      reservedQuantity: r.quantity,
      consumedQuantity: consumed,
      remainingQuantity: closed ? 0 : remaining,
      releasedQuantity: closed ? remaining : 0,
      status,
    };
  });
}
