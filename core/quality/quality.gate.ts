import type { LotStatus } from '../commands/vocabulary';
import { requestErpPosting, transition } from '../orders/order.rules';
import type { OrderRecord } from '../orders/order.types';
import { hasOpenNonconformance, type LotRecord } from '../reference/reference.types';
import type { DecisionContext, OutboxRequest } from '../workflow/decision';

export interface GateOutcome {
  order: OrderRecord;
  lot: LotRecord;
  outbox: OutboxRequest[];
}

/**
 * The quality release dependency: goods are received only after a passing FINAL disposition and while no
 * nonconformance on the lot is open. ACCEPT releases the lot as UNRESTRICTED stock, CONDITIONAL_RELEASE as
 * RESTRICTED; a failing disposition or an open nonconformance puts the order in QUALITY_HOLD and posts nothing.
 */
export function applyQualityGate(order: OrderRecord, lot: LotRecord, ctx: DecisionContext): GateOutcome {
  if (!['QUALITY_PENDING', 'QUALITY_HOLD'].includes(order.state)) return { order, lot, outbox: [] };
  const finals = order.inspections.filter((i) => i.inspectionType === 'FINAL' && i.lot === lot.lotNumber);
  const latest = finals.at(-1);
  const openNc = hasOpenNonconformance(lot);
  const passing =
    latest?.result === 'PASS' && (latest.disposition === 'ACCEPT' || latest.disposition === 'CONDITIONAL_RELEASE');
  const receiptRequested = order.goodsReceipts.some((r) => r.lot === lot.lotNumber);

  if (openNc) {
    return {
      order: hold(order, ctx, `nonconformance ${openNc.nonconformanceId} is ${openNc.status} on lot ${lot.lotNumber}`),
      lot,
      outbox: [],
    };
  }
  if (latest && !passing) {
    return {
      order: hold(order, ctx, `final inspection ${latest.inspectionId} ${latest.result}/${latest.disposition}`),
      lot,
      outbox: [],
    };
  }
  if (!latest) {
    const waiting =
      order.state === 'QUALITY_HOLD'
        ? transition(order, 'QUALITY_PENDING', ctx, 'hold lifted; awaiting final inspection')
        : null;
    return { order: waiting ?? order, lot, outbox: [] };
  }
  if (receiptRequested) return { order, lot, outbox: [] };

  const stockStatus: LotStatus = latest.disposition === 'ACCEPT' ? 'UNRESTRICTED' : 'RESTRICTED';
  const released =
    order.state === 'QUALITY_HOLD'
      ? (transition(order, 'QUALITY_PENDING', ctx, `quality released: ${latest.disposition}`) ?? order)
      : order;
  const postingKey = `erp|goods-receipt|${order.plant}|${order.orderNumber}|${lot.lotNumber}`;
  const quantity = lot.producedBy?.quantity ?? lot.quantity;
  const [withPosting, request] = requestErpPosting(
    released,
    'GoodsReceipt',
    postingKey,
    {
      plant: order.plant,
      orderNumber: order.orderNumber,
      item: order.item,
      lot: lot.lotNumber,
      quantity,
      uom: order.uom,
      stockStatus,
      inspectionId: latest.inspectionId,
    },
    ctx,
  );
  const receipt = {
    lot: lot.lotNumber,
    quantity,
    uom: order.uom,
    stockStatus,
    status: 'REQUESTED' as const,
    postingKey,
    requestedAt: ctx.now,
    postedAt: null,
  };
  return {
    order: { ...withPosting, goodsReceipts: [...withPosting.goodsReceipts, receipt] },
    lot: { ...lot, status: stockStatus, updatedAt: ctx.now },
    outbox: [request],
  };
}

function hold(order: OrderRecord, ctx: DecisionContext, cause: string): OrderRecord {
  if (order.state === 'QUALITY_HOLD') return order;
  return transition(order, 'QUALITY_HOLD', ctx, `quality hold: ${cause}`) ?? order;
}
