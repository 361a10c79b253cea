import { randomUUID } from 'node:crypto';
import type { SimRequest, SimResponse } from './http-kit';

/** OAuth2 client-credentials for a reference system: issues tokens with a short, configurable lifetime. */
export function createTokenIssuer(options: { clientId: string; clientSecret: string; ttlSeconds: number }) {
  const tokens = new Map<string, number>();
  let issued = 0;
  return {
    get issued() {
      return issued;
    },
    ttlSeconds: options.ttlSeconds,
    issue(req: SimRequest): SimResponse {
      const body = (req.body ?? {}) as Record<string, string>;
      if (
        body.grant_type !== 'client_credentials' ||
        body.client_id !== options.clientId ||
        body.client_secret !== options.clientSecret
      ) {
        return { status: 401, body: { error: 'invalid_client' } };
      }
      const token = randomUUID();
      tokens.set(token, Date.now() + this.ttlSeconds * 1000);
      issued += 1;
      return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: this.ttlSeconds } };
    },
    /** Ends every token issued so far, as a key rotation or a server restart does. */
    expireAll() {
      for (const token of tokens.keys()) tokens.set(token, 0);
    },
    /** Null when the request carries a live token, otherwise the 401 to answer. */
    check(req: SimRequest): SimResponse | null {
      const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
      const expires = tokens.get(token);
      if (expires && expires > Date.now()) return null;
      return {
        status: 401,
        body: { error: expires ? 'token expired' : 'no valid token' },
        headers: { 'www-authenticate': 'Bearer' },
      };
    },
  };
}
