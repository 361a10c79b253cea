import { submitMutationDocument } from '../../resolvers/submit-mutation';
import { bearer } from './auth.fixture';
import { gql, TRANSACTION } from './graphql-client';

export type EdgeAnswer = {
  status: number;
  result: { correlationId: string; status: 'ACCEPTED' | 'DUPLICATE' } | null;
  error?: { message: string; extensions?: Record<string, unknown> };
};

/** A submit mutation with an API key, returning the HTTP status and the answer or the first error as they came. */
export async function submitWithKey(url: string, key: string, mutation: string, input: object): Promise<EdgeAnswer> {
  const answer = await gql<Record<string, EdgeAnswer['result']>>(
    url,
    submitMutationDocument(mutation),
    { input },
    bearer(key),
  );
  return { status: answer.status, result: answer.data?.[mutation] ?? null, error: answer.errors?.[0] };
}

/** `transaction(correlationId)` with an API key: its status, or null. */
export async function transactionStatus(url: string, key: string, correlationId: string): Promise<string | null> {
  const answer = await gql<{ transaction: { status: string } | null }>(
    url,
    TRANSACTION,
    { correlationId },
    bearer(key),
  );
  if (answer.errors?.length) throw new Error(`transaction failed: ${JSON.stringify(answer.errors)}`);
  return answer.data?.transaction?.status ?? null;
}

/** The edge's /healthz: its link report. */
export async function edgeHealth(url: string): Promise<{
  status: string;
  edge: {
    state: string;
    backlog: { messages: number; limit: number; oldestAgeSeconds: number | null };
    mesWaiting: number;
  };
}> {
  return (await fetch(`${url}/healthz`)).json() as never;
}
