import { createRemoteJWKSet, importSPKI, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type KeyLike } from 'jose';
import { keyRefusal, parseApiKey, secretMatches, type ApiKeyRecord } from '../../core/auth/api-key';
import { ROLES, type Principal, type Role } from '../../core/auth/principal';
import type { Store } from '../../core/ports/store.port';

/** Why a request was refused before it reached GraphQL; the label of plantgate_auth_refusals_total. */
export type RefusalReason =
  | 'missing_credentials'
  | 'malformed_token'
  | 'unknown_key'
  | 'revoked_key'
  | 'expired_key'
  | 'invalid_jwt'
  | 'no_identity_provider';

/** A refusal names the key it was about (its id, never its secret), so that the log can say whose it was. */
export type Authentication =
  { ok: true; principal: Principal } | { ok: false; reason: RefusalReason; message: string; keyId?: string };

export interface IdentityProviderSettings {
  /** Where the identity provider publishes its signing keys; or a PEM public key (SPKI) instead. */
  jwksUrl?: string;
  publicKeyPem?: string;
  issuer: string;
  audience: string;
  /** Accepted signing algorithms; never `none`. */
  algorithms: string[];
  rolesClaim: string;
  plantsClaim: string;
  nameClaim: string;
}

export interface AuthenticatorOptions {
  store: Pick<Store, 'getApiKey' | 'countApiKeys'>;
  /** Keys given by configuration (API_KEYS), kept only as hashes like stored ones. */
  configuredKeys: ApiKeyRecord[];
  identityProvider: IdentityProviderSettings | null;
  /** Whether the gateway listens only on loopback: the first condition of the open local mode. */
  loopbackOnly: boolean;
  /** How long a key's lookup (and the open mode's check) is reused; a revoked key stops working within it. */
  cacheMs: number;
  now?: () => Date;
}

/** The principal of the open local mode: loopback only, nothing configured, no key anywhere. */
export const LOCAL_DEVELOPER: Principal = {
  id: 'local-developer',
  name: 'Local developer (open local mode)',
  kind: 'LOCAL',
  roles: ROLES,
  plants: '*',
};

/**
 * Turns an Authorization header into a principal. Machines present API keys, people bearer JWTs from the plant's
 * identity provider; both as `Bearer …`. Without a header, only the open local mode lets a request in.
 */
export function createAuthenticator(options: AuthenticatorOptions) {
  const now = options.now ?? (() => new Date());
  const cache = new Map<string, { record: ApiKeyRecord | null; until: number }>();
  // Once a key exists the open mode is over for good (keys are never deleted, only revoked): only that is kept.
  let openModeOver = false;
  const verifyKey = keySource(options.identityProvider);

  async function keyRecord(id: string): Promise<ApiKeyRecord | null> {
    const configured = options.configuredKeys.find((k) => k.id === id);
    if (configured) return configured;
    const cached = cache.get(id);
    if (cached && cached.until > Date.now()) return cached.record;
    const record = await options.store.getApiKey(id);
    cache.set(id, { record, until: Date.now() + options.cacheMs });
    return record;
  }

  async function apiKey(token: string): Promise<Authentication> {
    const parsed = parseApiKey(token);
    if (!parsed) return refuse('malformed_token', 'The bearer token is neither a Plantgate API key nor a JWT.');
    const record = await keyRecord(parsed.id);
    if (!record || !secretMatches(record, parsed.secret))
      return refuse('unknown_key', 'The API key is not known.', parsed.id);
    const refusal = keyRefusal(record, now());
    if (refusal === 'revoked') return refuse('revoked_key', `API key ${record.id} was revoked.`, record.id);
    if (refusal === 'expired')
      return refuse('expired_key', `API key ${record.id} expired at ${record.expiresAt}.`, record.id);
    return {
      ok: true,
      principal: {
        id: `key:${record.id}`,
        name: record.name,
        kind: 'API_KEY',
        roles: record.roles,
        plants: record.plants,
      },
    };
  }

  async function jwt(token: string): Promise<Authentication> {
    const idp = options.identityProvider;
    if (!idp || !verifyKey)
      return refuse('no_identity_provider', 'Bearer JWTs are not accepted: no identity provider is configured.');
    try {
      const { payload } = await jwtVerify(token, verifyKey, {
        issuer: idp.issuer,
        audience: idp.audience,
        algorithms: idp.algorithms,
      });
      return { ok: true, principal: principalOfClaims(payload, idp) };
    } catch (error) {
      return refuse('invalid_jwt', `The JWT was refused: ${(error as Error).message}`);
    }
  }

  return {
    async authenticate(authorization: string | undefined): Promise<Authentication> {
      if (!authorization) {
        if (await this.openMode()) return { ok: true, principal: LOCAL_DEVELOPER };
        return refuse('missing_credentials', 'Authentication required: send Authorization: Bearer <API key or JWT>.');
      }
      const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
      if (!match) return refuse('malformed_token', 'Authorization must be "Bearer <API key or JWT>".');
      return match[1]!.startsWith('pgk_') ? apiKey(match[1]!) : jwt(match[1]!);
    },
    /**
     * Loopback only, no identity provider, no key given by configuration and none created in the store. Asked of the
     * store on every request without a token until a key exists, so that the first key (created anywhere: another
     * gateway, `npm run keys`) ends the open mode at once.
     */
    async openMode(): Promise<boolean> {
      if (openModeOver || !options.loopbackOnly || options.identityProvider || options.configuredKeys.length > 0)
        return false;
      openModeOver = (await options.store.countApiKeys()) > 0;
      return !openModeOver;
    },
    /** A key was created through this gateway. */
    keyCreated() {
      openModeOver = true;
    },
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;

function refuse(reason: RefusalReason, message: string, keyId?: string): Authentication {
  return keyId ? { ok: false, reason, message, keyId } : { ok: false, reason, message };
}

/** Where JWT signatures are checked against: the provider's JWKS (fetched and cached by jose) or a fixed PEM key. */
function keySource(idp: IdentityProviderSettings | null): JWTVerifyGetKey | null {
  if (!idp) return null;
  if (idp.jwksUrl) return createRemoteJWKSet(new URL(idp.jwksUrl));
  // The PEM is imported for the algorithm the token names (already checked against the allowed list by jose).
  const imported = new Map<string, Promise<KeyLike>>();
  return (header) => {
    if (!imported.has(header.alg)) imported.set(header.alg, importSPKI(idp.publicKeyPem!, header.alg));
    return imported.get(header.alg)!;
  };
}

/** A person: roles and plants from the configured claims; unknown role names are ignored, never guessed. */
export function principalOfClaims(
  payload: JWTPayload,
  idp: Pick<IdentityProviderSettings, 'rolesClaim' | 'plantsClaim' | 'nameClaim'>,
): Principal {
  const list = (value: unknown): string[] =>
    Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(/[,\s]+/).filter(Boolean) : [];
  const roles = list(payload[idp.rolesClaim])
    .map((r) => r.toUpperCase())
    .filter((r): r is Role => (ROLES as readonly string[]).includes(r));
  const plants = list(payload[idp.plantsClaim]);
  return {
    id: `user:${payload.sub ?? 'unknown'}`,
    name: String(payload[idp.nameClaim] ?? payload.sub ?? 'unknown'),
    kind: 'USER',
    roles,
    plants: plants.includes('*') ? '*' : plants,
  };
}
