import type { OrderRecord } from './order.types';

/**
 * What an order waits for next, in words: a state alone does not say it (QUALITY_PENDING is both "QMS has to decide"
 * and "quality released the lot, ERP has to receive it"). Null when the order is finished.
 */
export function waitingFor(order: OrderRecord): string | null {
  const openRequests = order.inspectionRequests.filter((r) => r.status === 'REQUESTED');
  const pendingReceipts = order.goodsReceipts.filter((r) => r.status === 'REQUESTED');
  switch (order.state) {
    case 'RELEASED':
      return "MES's acknowledgement of the released order";
    case 'ACKNOWLEDGED':
      return 'MES starting the first operation';
    case 'IN_PROCESS':
    case 'PARTIALLY_CONFIRMED': {
      const next = order.operations.find((op) => op.state !== 'COMPLETED');
      return next ? `MES completing operation ${next.sequence} (${next.state})` : "MES's production completion";
    }
    case 'COMPLETED':
    case 'QUALITY_PENDING':
      if (pendingReceipts.length)
        return `ERP's goods receipt of ${pendingReceipts.map((r) => `lot ${r.lot} as ${r.stockStatus}`).join(', ')}: quality released it`;
      if (openRequests.length)
        return `QMS's decision on inspection ${openRequests.map((r) => r.inspectionId).join(', ')}`;
      return "QMS's final inspection";
    case 'QUALITY_HOLD':
      return 'quality: a passing disposition and every nonconformance on the lot closed';
    case 'RECEIVED':
      return "ERP's settlement of the order";
    default:
      return null;
  }
}
