import type { Store } from '../../core/ports/store.port';
import { GraphQLError } from 'graphql';
import type { LotRecord } from '../../core/reference/reference.types';
import { withinScope } from '../auth/plant-scope';
import type { GatewayContext } from '../context';
import { viewKey } from '../orders/order-views.loaders';

/** Genealogy reads: one query walks from a finished lot to its producing order, its component lots and inspections. */
export function lotsResolvers({ store }: { store: Pick<Store, 'getLot' | 'getOrder'> }) {
  return {
    Query: {
      lot: async (_: unknown, args: { lotNumber: string; plant: string }, ctx: GatewayContext) =>
        withinScope(ctx.principal, await store.getLot(args.plant, args.lotNumber)),
    },
    Lot: {
      producedBy: (lot: LotRecord) => (lot.producedBy ? { orderNumber: lot.producedBy.orderNumber } : null),
      consumedBy: (lot: LotRecord) =>
        [...new Set(lot.consumedBy.map((c) => c.orderNumber))].map((orderNumber) => ({ orderNumber })),
      consumptions: (lot: LotRecord) => lot.consumedBy,
      erpStock: (lot: LotRecord, _: unknown, ctx: GatewayContext) => {
        if (!ctx.views)
          throw new GraphQLError('No ERP is connected to this gateway', {
            extensions: { code: 'DOWNSTREAM_UNAVAILABLE', source: 'erp' },
          });
        return ctx.views.erpLotStock.load(viewKey(lot.plant, lot.lotNumber));
      },
      components: async (lot: LotRecord) => {
        if (!lot.producedBy) return [];
        const order = await store.getOrder(lot.plant, lot.producedBy.orderNumber);
        return (order?.materialConsumptions ?? []).map((c) => ({
          lotNumber: c.lot,
          item: c.item,
          quantity: c.quantity,
          uom: c.uom,
        }));
      },
      inspections: async (lot: LotRecord) => {
        // Inspector names live on the order's record of the inspection; the lot keeps the decision.
        const order = lot.producedBy ? await store.getOrder(lot.plant, lot.producedBy.orderNumber) : null;
        return lot.inspections.map((i) => ({
          ...i,
          lot: lot.lotNumber,
          inspector: order?.inspections.find((o) => o.inspectionId === i.inspectionId)?.inspector ?? null,
        }));
      },
    },
  };
}
