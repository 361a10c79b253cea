import type { ReleaseProductionOrder } from '../../core/orders/release-production-order.command';
import type { Store } from '../../core/ports/store.port';
import type { ErpSimulator } from '../../simulators/erp.simulator';
import { graphql } from './graphql-call';

/** The demo's orders that run otherwise than the plain lifecycle: of every five, one changed, one in two lots, one cancelled. */
export interface FloorChanges {
  changed: ReleaseProductionOrder[];
  multiLot: ReleaseProductionOrder[];
  cancelled: ReleaseProductionOrder[];
}

export function floorChangesOf(orders: ReleaseProductionOrder[]): FloorChanges {
  const every = (remainder: number) => orders.filter((_, i) => i % 5 === remainder);
  return { changed: every(1), multiLot: every(3), cancelled: every(4) };
}

const CHANGE = `mutation($i: ChangeProductionOrderInput!) { changeProductionOrder(input: $i) { correlationId } }`;
const CANCEL = `mutation($i: CancelProductionOrderInput!) { cancelProductionOrder(input: $i) { correlationId } }`;

/**
 * ERP's second thoughts, once MES acknowledged the release (the floor holds these orders until they come): a new
 * routing revision and a later due date for the changed orders, a cancellation for the others.
 */
export async function sendChangesAndCancellations(
  url: string,
  store: Pick<Store, 'getOrder'>,
  changes: FloorChanges,
  timeoutMs: number,
): Promise<void> {
  const acknowledged = async (order: ReleaseProductionOrder) => {
    const deadline = Date.now() + timeoutMs;
    while ((await store.getOrder(order.plant, order.orderNumber))?.state !== 'ACKNOWLEDGED') {
      if (Date.now() > deadline) throw new Error(`${order.orderNumber} was not acknowledged within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  for (const order of changes.changed) {
    await acknowledged(order);
    const { messageId: _m, ...content } = order;
    const dueAt = new Date(Date.parse(order.dueAt) + 86_400_000).toISOString();
    await graphql(url, CHANGE, {
      i: { ...content, orderVersion: 2, routingRevision: 'R4', dueAt, reason: 'new routing, one day later' },
    });
  }
  for (const order of changes.cancelled) {
    await acknowledged(order);
    await graphql(url, CANCEL, {
      i: {
        plant: order.plant,
        orderNumber: order.orderNumber,
        reason: 'customer order withdrawn',
        cancelledAt: new Date().toISOString(),
      },
    });
  }
}

/**
 * What the demo checks of them: every changed order ran on version 2 with MES's acknowledgement of it, every
 * multi-lot order has two lots, and every cancelled order stayed CANCELLED with nothing booked in ERP.
 */
export async function floorChangeChecks(store: Pick<Store, 'getOrder'>, erp: ErpSimulator, changes: FloorChanges) {
  const get = (o: ReleaseProductionOrder) => store.getOrder(o.plant, o.orderNumber);
  const changed = await Promise.all(changes.changed.map(get));
  const multiLot = await Promise.all(changes.multiLot.map(get));
  const cancelled = await Promise.all(changes.cancelled.map(get));
  return {
    changedOrdersRanOnTheirNewVersion: changed.every(
      (o) => o?.orderVersion === 2 && o.versions.at(-1)?.acknowledgedAt && o.completions.length > 0,
    ),
    multiLotOrdersInTwoLots: multiLot.every((o) => o?.completions.length === 2),
    cancelledOrdersNotBooked: cancelled.every(
      (o) => o?.state === 'CANCELLED' && !erp.journal.some((j) => j.orderNumber === o.orderNumber),
    ),
    summary: `${changed.length} changed to version 2, ${multiLot.length} completed in two lots, ${cancelled.length} cancelled`,
  };
}
