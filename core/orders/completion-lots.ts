import { round } from '../reference/uom';
import type { DecisionContext, OutboxRequest } from '../workflow/decision';
import { requestErpPosting, transition } from './order.rules';
import type { CompletionRecord, LotQualityStatus, OrderRecord } from './order.types';

/** Order states in which output is still being made: lots may be reported, and the order is not complete yet. */
export const PRODUCING = ['ACKNOWLEDGED', 'IN_PROCESS', 'PARTIALLY_CONFIRMED'] as const;

/** States of an order whose production is complete and whose lots go through quality and receipt. */
export const COMPLETE_STATES = ['COMPLETED', 'QUALITY_PENDING', 'QUALITY_HOLD'] as const;

/**
 * A lot's quality state. Lots recorded before each lot had one belong to single-lot orders: a receipt says the lot
 * was released, an order on quality hold that it is held.
 */
export function qualityOf(order: OrderRecord, completion: CompletionRecord): LotQualityStatus {
  if (completion.qualityStatus) return completion.qualityStatus;
  if (order.goodsReceipts.some((r) => r.lot === completion.lot)) return 'RELEASED';
  return order.state === 'QUALITY_HOLD' ? 'HELD' : 'PENDING';
}

export function withLotQuality(order: OrderRecord, lot: string, status: LotQualityStatus): OrderRecord {
  return {
    ...order,
    completions: order.completions.map((c) => (c.lot === lot ? { ...c, qualityStatus: status } : c)),
  };
}

/**
 * Whether production is complete: the completed quantity reached the order quantity within the plant's
 * under-delivery tolerance, or the last operation is complete and every piece it yielded is in a lot.
 */
export function productionComplete(order: OrderRecord, ctx: DecisionContext): boolean {
  const target = round(order.quantity * (1 - ctx.rules.underDeliveryTolerancePct / 100));
  if (order.producedQuantity >= target) return true;
  const last = order.operations.at(-1);
  return last?.state === 'COMPLETED' && order.completions.length > 0 && order.producedQuantity >= last.yieldQuantity;
}

/**
 * Production is complete (or ERP closed the order short): the order moves to COMPLETED and on to the state its lots
 * are in. `cause` names what completed it, on the timeline.
 */
export function completeOrder(
  order: OrderRecord,
  ctx: DecisionContext,
  cause: string,
): { order: OrderRecord; outbox: OutboxRequest[] } | null {
  const completed = transition(order, 'COMPLETED', ctx, cause);
  const pending = completed && transition(completed, 'QUALITY_PENDING', ctx, "awaiting the lots' quality and receipt");
  if (!pending) return null;
  return followLots(pending, ctx);
}

/**
 * A complete order's state follows its lots: QUALITY_HOLD while any lot is held, QUALITY_PENDING while any waits for
 * quality or for ERP's receipt, RECEIVED (and ERP asked to settle the order) once every lot's receipt is posted.
 * An order still in production keeps its state: its lots go through quality one by one.
 */
export function followLots(order: OrderRecord, ctx: DecisionContext): { order: OrderRecord; outbox: OutboxRequest[] } {
  if (!(COMPLETE_STATES as readonly string[]).includes(order.state)) return { order, outbox: [] };
  const held = order.completions.filter((c) => qualityOf(order, c) === 'HELD').map((c) => c.lot);
  if (held.length > 0) {
    const onHold =
      order.state === 'QUALITY_HOLD'
        ? order
        : transition(order, 'QUALITY_HOLD', ctx, `quality hold: lot ${held.join(', ')} held`);
    return { order: onHold ?? order, outbox: [] };
  }
  const pending =
    order.state === 'QUALITY_HOLD'
      ? (transition(order, 'QUALITY_PENDING', ctx, 'no lot on hold any more') ?? order)
      : order;
  const received = order.completions.every((c) =>
    order.goodsReceipts.some((r) => r.lot === c.lot && r.status === 'POSTED'),
  );
  if (!received || pending.state !== 'QUALITY_PENDING') return { order: pending, outbox: [] };
  const done = transition(
    pending,
    'RECEIVED',
    ctx,
    `every lot received (${order.completions.map((c) => c.lot).join(', ')})`,
  );
  if (!done) return { order: pending, outbox: [] };
  // Every receipt of the order is booked: ERP can settle the order's costs.
  const [withSettlement, settlement] = requestErpPosting(
    done,
    'OrderSettlement',
    `erp|settlement|${order.plant}|${order.orderNumber}`,
    {
      plant: order.plant,
      orderNumber: order.orderNumber,
      item: order.item,
      producedQuantity: order.producedQuantity,
      scrapQuantity: order.scrapQuantity,
      uom: order.uom,
    },
    ctx,
  );
  return { order: withSettlement, outbox: [settlement] };
}

/** The order's completion lots as users see them: each with its quality state, final inspection and receipt. */
export function completionLotsOf(order: OrderRecord) {
  return order.completions.map((completion) => ({
    ...completion,
    serialNumbers: completion.serialNumbers ?? [],
    qualityStatus: qualityOf(order, completion),
    finalInspection:
      order.inspections.filter((i) => i.inspectionType === 'FINAL' && i.lot === completion.lot).at(-1) ?? null,
    goodsReceipt: order.goodsReceipts.find((r) => r.lot === completion.lot) ?? null,
  }));
}
