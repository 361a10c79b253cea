import type { TransactionRecord } from '../../core/ports/transaction.record';
import type { Store } from '../../core/ports/store.port';
import { transactionWithinScope } from '../auth/plant-scope';
import type { GatewayContext } from '../context';

/** A transaction's identity is its envelope; the GraphQL type shows it flat. */
export function transactionsResolvers({ store }: { store: Pick<Store, 'getTransaction' | 'getException'> }) {
  return {
    Query: {
      transaction: async (_: unknown, args: { correlationId: string }, ctx: GatewayContext) =>
        transactionWithinScope(ctx.principal, await store.getTransaction(args.correlationId)),
    },
    Transaction: {
      correlationId: (t: TransactionRecord) => t.envelope.correlationId,
      messageId: (t: TransactionRecord) => t.envelope.messageId,
      messageType: (t: TransactionRecord) => t.envelope.command.messageType,
      businessKey: (t: TransactionRecord) => t.envelope.businessKey,
      plant: (t: TransactionRecord) => t.envelope.scope.plant,
      orderNumber: (t: TransactionRecord) => t.envelope.scope.orderNumber,
      receivedAt: (t: TransactionRecord) => t.envelope.receivedAt,
      traceparent: (t: TransactionRecord) => t.envelope.traceparent,
      submittedBy: (t: TransactionRecord) => t.envelope.principal,
      replayOf: (t: TransactionRecord) => t.envelope.replayOf,
      supersededBy: (t: TransactionRecord) => t.supersededBy ?? null,
      payload: (t: TransactionRecord) => t.envelope.command.payload,
      exception: (t: TransactionRecord) => (t.exceptionId ? store.getException(t.exceptionId) : null),
    },
  };
}
