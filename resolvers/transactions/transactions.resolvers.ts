import type { TransactionRecord } from '../../core/ports/transaction.record';
import type { TransactionStatus } from '../../core/ports/records';
import type { Store } from '../../core/ports/store.port';
import { transactionWithinScope } from '../auth/plant-scope';
import type { GatewayContext } from '../context';

/**
 * What `transaction` shows: a stored record, or, at an edge gateway, one the central plane described (its exception
 * as central answered it) or one still queued at the edge (QUEUED_AT_EDGE, a status only an edge answers).
 */
export type TransactionView = Omit<TransactionRecord, 'status'> & {
  status: TransactionStatus | 'QUEUED_AT_EDGE';
  /** The exception as the central plane answered it, when it did; otherwise it is looked up by exceptionId. */
  remoteException?: Record<string, unknown> | null;
};

/** Where `transaction(correlationId)` is answered from: the store, unless the gateway is an edge. */
export type TransactionLookup = (correlationId: string, ctx: GatewayContext) => Promise<TransactionView | null>;

/** A transaction's identity is its envelope; the GraphQL type shows it flat. */
export function transactionsResolvers({
  store,
  transactionLookup,
}: {
  store: Pick<Store, 'getTransaction' | 'getException'>;
  transactionLookup?: TransactionLookup;
}) {
  const lookup: TransactionLookup =
    transactionLookup ??
    (async (correlationId, ctx) => transactionWithinScope(ctx.principal, await store.getTransaction(correlationId)));
  return {
    Query: {
      transaction: (_: unknown, args: { correlationId: string }, ctx: GatewayContext) =>
        lookup(args.correlationId, ctx),
    },
    Transaction: {
      correlationId: (t: TransactionView) => t.envelope.correlationId,
      messageId: (t: TransactionView) => t.envelope.messageId,
      messageType: (t: TransactionView) => t.envelope.command.messageType,
      businessKey: (t: TransactionView) => t.envelope.businessKey,
      plant: (t: TransactionView) => t.envelope.scope.plant,
      orderNumber: (t: TransactionView) => t.envelope.scope.orderNumber,
      receivedAt: (t: TransactionView) => t.envelope.receivedAt,
      traceparent: (t: TransactionView) => t.envelope.traceparent,
      submittedBy: (t: TransactionView) => t.envelope.principal,
      replayOf: (t: TransactionView) => t.envelope.replayOf,
      supersededBy: (t: TransactionView) => t.supersededBy ?? null,
      payload: (t: TransactionView) => t.envelope.command.payload,
      exception: (t: TransactionView) =>
        t.remoteException !== undefined ? t.remoteException : t.exceptionId ? store.getException(t.exceptionId) : null,
    },
  };
}
