import type { TransactionRecord } from '../../core/ports/records';
import type { Store } from '../../core/ports/store.port';

export function transactionsResolvers({ store }: { store: Pick<Store, 'getTransaction' | 'getException'> }) {
  return {
    Query: {
      transaction: (_: unknown, args: { correlationId: string }) => store.getTransaction(args.correlationId),
    },
    Transaction: {
      exception: (t: TransactionRecord) => (t.exceptionId ? store.getException(t.exceptionId) : null),
    },
  };
}
