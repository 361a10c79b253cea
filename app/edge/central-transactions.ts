import type { Store } from '../../core/ports/store.port';
import { transactionWithinScope } from '../../resolvers/auth/plant-scope';
import type { GatewayContext } from '../../resolvers/context';
import type { TransactionLookup, TransactionView } from '../../resolvers/transactions/transactions.resolvers';

const CENTRAL_QUERY = `query EdgeTransaction($id: ID!) {
  transaction(correlationId: $id) {
    status attempts appliedVersion lastError updatedAt supersededBy
    exception { id type reason status plant orderNumber correlationId createdAt }
  }
}`;

type CentralTransaction = Pick<
  TransactionView,
  'attempts' | 'appliedVersion' | 'lastError' | 'updatedAt' | 'supersededBy'
> & { status: TransactionView['status']; exception: (Record<string, unknown> & { id: string }) | null };

/**
 * `transaction(correlationId)` at an edge: for a message this edge accepted, the central plane's answer when it can
 * give one (asked on the caller's behalf, with the caller's own credentials), otherwise QUEUED_AT_EDGE: the message
 * waits in the edge's backlog, or is on its way. Messages accepted elsewhere are the central gateway's to answer.
 */
export function edgeTransactionLookup(deps: {
  store: Pick<Store, 'getTransaction'>;
  centralUrl: string | undefined;
  timeoutMs: number;
}): TransactionLookup {
  async function askCentral(correlationId: string, ctx: GatewayContext): Promise<CentralTransaction | null> {
    if (!deps.centralUrl || !ctx.authorization) return null;
    try {
      const response = await fetch(`${deps.centralUrl}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: ctx.authorization,
          'x-request-id': ctx.requestId,
        },
        body: JSON.stringify({ query: CENTRAL_QUERY, variables: { id: correlationId } }),
        signal: AbortSignal.timeout(deps.timeoutMs),
      });
      const body = (await response.json()) as { data?: { transaction: CentralTransaction | null } };
      return body.data?.transaction ?? null;
    } catch (error) {
      ctx.logger.debug({ err: (error as Error).message }, 'central gateway not reachable for a transaction');
      return null;
    }
  }

  return async (correlationId, ctx) => {
    const local = transactionWithinScope(ctx.principal, await deps.store.getTransaction(correlationId));
    // Refused here (a conflicting resend): the edge's own answer is the final one.
    if (!local || local.status !== 'RECEIVED') return local;
    const central = await askCentral(correlationId, ctx);
    if (!central) return { ...local, status: 'QUEUED_AT_EDGE' };
    const { exception, ...state } = central;
    return { ...local, ...state, exceptionId: exception?.id ?? null, remoteException: exception };
  };
}
