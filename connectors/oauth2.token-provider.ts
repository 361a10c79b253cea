import type { DownstreamSystem } from '../core/errors';
import { requestJson } from './http.client';

export interface ClientCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
}

/**
 * OAuth2 client-credentials tokens, fetched once, shared by concurrent calls and renewed before they expire
 * (at 80 % of their lifetime), or at once when the system says the token is no longer valid.
 */
export function createTokenProvider(
  system: DownstreamSystem,
  credentials: ClientCredentials,
  now: () => number = Date.now,
) {
  let current: { token: string; renewAt: number } | null = null;
  let pending: Promise<string> | null = null;
  let fetched = 0;

  async function fetchToken(): Promise<string> {
    const form: Record<string, string> = {
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    };
    if (credentials.scope) form.scope = credentials.scope;
    const { body } = await requestJson<{ access_token: string; expires_in?: number }>(system, {
      method: 'POST',
      url: credentials.tokenUrl,
      form,
    });
    const lifetimeMs = (body.expires_in ?? 300) * 1000;
    current = { token: body.access_token, renewAt: now() + lifetimeMs * 0.8 };
    fetched += 1;
    return body.access_token;
  }

  return {
    async token(): Promise<string> {
      if (current && now() < current.renewAt) return current.token;
      pending ??= fetchToken().finally(() => (pending = null));
      return pending;
    },
    /** Forgets a token the system refused, so that the next call fetches a new one. */
    invalidate(token: string) {
      if (current?.token === token) current = null;
    },
    get fetched() {
      return fetched;
    },
  };
}

export type TokenProvider = ReturnType<typeof createTokenProvider>;
