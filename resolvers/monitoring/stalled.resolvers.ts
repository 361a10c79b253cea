import { GraphQLError } from 'graphql';
import type { Store } from '../../core/ports/store.port';
import type { RuleBook } from '../../core/rules/rule-set';
import { findStalled } from '../../core/stalled/stalled.detector';
import { listScope } from '../auth/plant-scope';
import type { GatewayContext } from '../context';

export function stalledResolvers({
  store,
  rules,
}: {
  store: Pick<Store, 'listOrdersInStateSince' | 'listTransactionsInStatusSince'>;
  rules: RuleBook;
}) {
  return {
    Query: {
      stalledTransactions: async (
        _: unknown,
        args: { plant?: string | null; olderThanSeconds?: number | null },
        ctx: GatewayContext,
      ) => {
        if (args.olderThanSeconds !== null && args.olderThanSeconds !== undefined && args.olderThanSeconds < 0) {
          throw new GraphQLError('Invalid argument: olderThanSeconds must not be negative', {
            extensions: { code: 'BAD_USER_INPUT', field: 'olderThanSeconds' },
          });
        }
        const items = await findStalled(store, rules, new Date(), {
          ...listScope(ctx.principal, args.plant),
          olderThanSeconds: args.olderThanSeconds ?? undefined,
        });
        const shown = items.map((i) => ({ ...i, kind: i.kind === 'order' ? 'ORDER' : 'TRANSACTION' }));
        return {
          totalCount: items.length,
          orders: shown.filter((i) => i.kind === 'ORDER'),
          transactions: shown.filter((i) => i.kind === 'TRANSACTION'),
        };
      },
    },
  };
}
