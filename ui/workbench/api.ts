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

/** A partial answer: the data, and the paths of the fields that failed (a system that did not answer). */
export interface Partial<T> {
  data: T;
  failed: { path: string; message: string }[];
}

/** One GraphQL call whose fields may fail one by one (live views of ERP, MES and QMS). */
export async function graphqlPartial<T>(query: string, variables: Record<string, unknown> = {}): Promise<Partial<T>> {
  const body = await call<T>(query, variables);
  if (!body.data) throw new ApiError(body.errors?.[0]?.message ?? 'no answer', body.errors?.[0]?.extensions?.code);
  return {
    data: body.data,
    failed: (body.errors ?? []).map((e) => ({ path: (e.path ?? []).join('.'), message: e.message })),
  };
}

async function call<T>(query: string, variables: Record<string, unknown>) {
  const token = session.token();
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as {
    data?: T | null;
    errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
  };
}

/** One GraphQL call as the signed-in user; the API's refusal comes back as an ApiError with its code. */
export async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const body = await call<T>(query, variables);
  const error = body.errors?.[0];
  if (error || !body.data) throw new ApiError(error?.message ?? 'no answer', error?.extensions?.code);
  return body.data;
}
