/** The workbench talks only to the public GraphQL API, with the signed-in user's own key or token. */
export interface Principal {
  id: string;
  name: string;
  kind: string;
  roles: string[];
  plants: string[];
}

const TOKEN_KEY = 'plantgate.token';

export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  signIn: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  signOut: () => sessionStorage.removeItem(TOKEN_KEY),
};

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** One GraphQL call as the signed-in user; the API's refusal comes back as an ApiError with its code. */
export async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const token = session.token();
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    data?: T;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  const error = body.errors?.[0];
  if (error || !body.data) throw new ApiError(error?.message ?? `HTTP ${response.status}`, error?.extensions?.code);
  return body.data;
}
