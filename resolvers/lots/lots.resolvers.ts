import type { Store } from '../../core/ports/store.port';
import { GraphQLError } from 'graphql';
import type { LotRecord } from '../../core/reference/reference.types';
import { withinScope } from '../auth/plant-scope';
import type { GatewayContext } from '../context';
import { viewKey } from '../orders/order-views.loaders';
import { finishedLots, madeFrom, whereUsed, type GenealogyLimits } from '../../core/genealogy/genealogy';

/** How deep and how wide one genealogy answer may go: a recall on a plant's whole history must not sink the gateway. */
const MAX_DEPTH = 20;
const MAX_LINKS = 1000;

function limits(maxDepth: number): GenealogyLimits {
  if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > MAX_DEPTH) {
    throw new GraphQLError(`maxDepth must be between 1 and ${MAX_DEPTH}.`, {
      extensions: { code: 'BAD_USER_INPUT', field: 'maxDepth' },
    });
  }
  return { maxDepth, maxLinks: MAX_LINKS };
}

/** Genealogy reads: one query walks from a finished lot to its producing order, its component lots and inspections. */
export function lotsResolvers({ store }: { store: Pick<Store, 'getLot' | 'getOrder' | 'findSerials'> }) {
  return {
    Query: {
      lot: async (_: unknown, args: { lotNumber: string; plant: string }, ctx: GatewayContext) =>
        withinScope(ctx.principal, await store.getLot(args.plant, args.lotNumber)),
      serial: async (
        _: unknown,
        args: { serialNumber: string; plant: string; item?: string | null },
        ctx: GatewayContext,
      ) => {
        if (!withinScope(ctx.principal, { plant: args.plant })) return null;
        const found = (await store.findSerials(args.plant, args.serialNumber)).filter(
          (s) => !args.item || s.item === args.item,
        );
        if (found.length > 1) {
          throw new GraphQLError(
            `Serial number ${args.serialNumber} is used by items ${found.map((s) => s.item).join(', ')}; name the item.`,
            { extensions: { code: 'BAD_USER_INPUT', field: 'item' } },
          );
        }
        const [piece] = found;
        const lot = piece && (await store.getLot(args.plant, piece.lotNumber));
        return lot ? { serialNumber: args.serialNumber, plant: args.plant, item: piece.item, lot } : null;
      },
      recall: async (_: unknown, args: { lotNumber: string; plant: string; maxDepth: number }, ctx: GatewayContext) => {
        const lot = withinScope(ctx.principal, await store.getLot(args.plant, args.lotNumber));
        if (!lot) return null;
        const used = await whereUsed(store, lot, limits(args.maxDepth));
        return { lot, affected: used.links, finishedLots: finishedLots(used), truncated: used.truncated };
      },
    },
    Lot: {
      serialNumbers: (lot: LotRecord) => lot.serialNumbers ?? [],
      whereUsed: (lot: LotRecord, args: { maxDepth: number }) => whereUsed(store, lot, limits(args.maxDepth)),
      whereFrom: (lot: LotRecord, args: { maxDepth: number }) => madeFrom(store, lot, limits(args.maxDepth)),
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
