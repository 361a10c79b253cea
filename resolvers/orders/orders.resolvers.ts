import { GraphQLError } from 'graphql';
import type { OrderRecord, OrderState } from '../../core/orders/order.types';
import { completionLotsOf } from '../../core/orders/completion-lots';
import { reservationsOf, reservationViews } from '../../core/materials/reservations';
import { waitingFor } from '../../core/orders/waiting-for';
import { viewKey, type OrderViewLoaders } from './order-views.loaders';
import type { Store } from '../../core/ports/store.port';
import { pageRequest, toConnection } from '../connection';
import { listScope, withinScope } from '../auth/plant-scope';
import type { GatewayContext } from '../context';

export interface OrdersResolverDeps {
  store: Pick<Store, 'getOrder' | 'listOrders' | 'listTransactionsByOrder' | 'listExceptions'>;
}

export function ordersResolvers({ store }: OrdersResolverDeps) {
  return {
    Query: {
      productionOrder: async (_: unknown, args: { orderNumber: string; plant: string }, ctx: GatewayContext) =>
        withinScope(ctx.principal, await store.getOrder(args.plant, args.orderNumber)),
      productionOrders: async (
        _: unknown,
        args: {
          filter?: { plant?: string; state?: OrderState; item?: string } | null;
          first?: number | null;
          after?: string | null;
        },
        ctx: GatewayContext,
      ) => {
        const filter = withoutNulls(args.filter ?? {});
        return toConnection(
          await store.listOrders(
            { ...filter, ...listScope(ctx.principal, filter.plant) },
            pageRequest(args.first, args.after),
          ),
        );
      },
    },
    ProductionOrder: {
      waitingFor: (order: OrderRecord) => waitingFor(order),
      // Orders stored before versions were kept have their release as their only version.
      orderVersion: (order: OrderRecord) => order.orderVersion ?? 1,
      versions: (order: OrderRecord) => order.versions ?? [],
      completionLots: (order: OrderRecord) => completionLotsOf(order),
      reservations: (order: OrderRecord) =>
        reservationViews(order, order.reservations ?? reservationsOf(order.components, () => undefined)),
      transactions: (order: OrderRecord) => store.listTransactionsByOrder(order.plant, order.orderNumber),
      exceptions: async (order: OrderRecord) =>
        (await store.listExceptions({ plant: order.plant, orderNumber: order.orderNumber }, { first: 200 })).items,
      erp: (order: OrderRecord, _: unknown, ctx: GatewayContext) => liveView(ctx, 'erp', order),
      mes: (order: OrderRecord, _: unknown, ctx: GatewayContext) => liveView(ctx, 'mes', order),
      quality: (order: OrderRecord, _: unknown, ctx: GatewayContext) => liveView(ctx, 'quality', order),
    },
  };
}

function liveView(ctx: GatewayContext, source: keyof OrderViewLoaders, order: OrderRecord) {
  if (!ctx.views)
    throw new GraphQLError('No external systems are connected to this gateway', {
      extensions: { code: 'DOWNSTREAM_UNAVAILABLE', source },
    });
  return ctx.views[source].load(viewKey(order.plant, order.orderNumber));
}

/** GraphQL passes absent filter fields as null; the store wants them left out. */
export function withoutNulls<T extends object>(value: T): { [K in keyof T]?: NonNullable<T[K]> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as {
    [K in keyof T]?: NonNullable<T[K]>;
  };
}
