import type { ExceptionFilter, Store } from '../../core/ports/store.port';
import { pageRequest, toConnection } from '../connection';
import { withoutNulls } from '../orders/orders.resolvers';

export function exceptionsResolvers({ store }: { store: Pick<Store, 'listExceptions'> }) {
  return {
    Query: {
      exceptions: async (_: unknown, args: { filter?: ExceptionFilter | null; first?: number | null; after?: string | null }) =>
        toConnection(await store.listExceptions(withoutNulls(args.filter ?? {}), pageRequest(args.first, args.after))),
    },
  };
}
