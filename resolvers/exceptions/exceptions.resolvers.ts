import type { ExceptionFilter, Store } from '../../core/ports/store.port';
import { pageRequest, toConnection } from '../connection';
import { listScope } from '../auth/plant-scope';
import type { GatewayContext } from '../context';
import { withoutNulls } from '../orders/orders.resolvers';

export function exceptionsResolvers({ store }: { store: Pick<Store, 'listExceptions'> }) {
  return {
    Query: {
      exceptions: async (
        _: unknown,
        args: { filter?: ExceptionFilter | null; first?: number | null; after?: string | null },
        ctx: GatewayContext,
      ) => {
        const filter = withoutNulls(args.filter ?? {});
        return toConnection(
          await store.listExceptions(
            { ...filter, ...listScope(ctx.principal, filter.plant) },
            pageRequest(args.first, args.after),
          ),
        );
      },
    },
  };
}
