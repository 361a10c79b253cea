import type http from 'node:http';
import { createApiKeyService } from '../../core/auth/api-key.service';
import type { Logger } from '../../core/ports/logger.port';
import type { Store } from '../../core/ports/store.port';
import type { PlantgateMetrics } from '../../monitoring/metrics';
import type { IdentityDeps } from '../../resolvers/auth/auth.resolvers';
import { signaturesMatch } from '../../core/auth/webhook-signature';
import type { Config } from '../config';
import { createAuthenticator, type IdentityProviderSettings } from './authenticator';
import { parseConfiguredKeys } from './configured-keys';
import { createRequestAuth } from './request-auth';
import { createWebhookVerifier } from './webhook-verifier';
import type { WebhookSecrets } from './webhook-secrets';

/** Listening beyond loopback with nobody able to sign in: the process stops at once (exit 2). */
export class StartRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartRefusedError';
  }
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Everything a gateway needs to know who a request is: the identity provider's settings, the keys given by
 * configuration and those in the store, webhook secrets, the rate limit. Refuses to start a gateway that listens
 * beyond loopback when nobody could sign in (the open local mode exists only on loopback).
 */
export async function createGatewayIdentity(deps: {
  config: Config;
  store: Store;
  metrics: PlantgateMetrics;
  logger: Logger;
  webhookSecrets: WebhookSecrets;
  /** An edge gateway never runs in the open local mode; its keys may come from the central gateway. */
  edge?: { keysFromCentral: boolean };
}) {
  const { config, store } = deps;
  const configuredKeys = parseConfiguredKeys(config.API_KEYS);
  const identityProvider = identityProviderOf(config);
  // The open local mode is for a newcomer's all-in-one; an edge stands in a plant's network for a central plane.
  const loopbackOnly = !deps.edge && isLoopback(config.HOST);
  const noIdentity = !identityProvider && configuredKeys.length === 0 && (await store.countApiKeys()) === 0;
  if (deps.edge && !deps.edge.keysFromCentral && noIdentity) {
    throw new StartRefusedError(
      "An edge gateway needs identities: set CENTRAL_URL and CENTRAL_API_KEY to copy its plant's API keys from the central gateway, or API_KEYS, or JWT_JWKS_URL / JWT_PUBLIC_KEY.",
    );
  }
  if (!deps.edge && !loopbackOnly && noIdentity) {
    throw new StartRefusedError(
      `Refusing to listen on HOST ${config.HOST} with no identities: set JWT_JWKS_URL or JWT_PUBLIC_KEY (with JWT_ISSUER and JWT_AUDIENCE) for people, API_KEYS for machines, or create a key with npm run keys -- create; or listen on loopback only (HOST=127.0.0.1).`,
    );
  }
  const authenticator = createAuthenticator({
    store,
    configuredKeys,
    identityProvider,
    loopbackOnly,
    cacheMs: config.AUTH_CACHE_MS,
  });
  const requestAuth = createRequestAuth({
    authenticator,
    webhooks: createWebhookVerifier({ secrets: deps.webhookSecrets, windowSeconds: config.WEBHOOK_REPLAY_WINDOW_S }),
    ratePerSecond: config.RATE_LIMIT_PER_S,
    onRefused: deps.metrics.authRefused,
    logger: deps.logger,
  });
  const identity: IdentityDeps = {
    keys: createApiKeyService(store),
    keyCreated: authenticator.keyCreated,
    openMode: authenticator.openMode,
  };
  return { authenticator, requestAuth, identity, configuredKeys };
}

function identityProviderOf(config: Config): IdentityProviderSettings | null {
  if (!config.JWT_JWKS_URL && !config.JWT_PUBLIC_KEY) return null;
  return {
    jwksUrl: config.JWT_JWKS_URL,
    publicKeyPem: config.JWT_PUBLIC_KEY?.replace(/\\n/g, '\n'),
    issuer: config.JWT_ISSUER!,
    audience: config.JWT_AUDIENCE!,
    algorithms: config.JWT_ALGORITHMS,
    rolesClaim: config.JWT_ROLES_CLAIM,
    plantsClaim: config.JWT_PLANTS_CLAIM,
    nameClaim: config.JWT_NAME_CLAIM,
  };
}

/** /metrics is public unless METRICS_TOKEN is set; then a scrape must bring it as a bearer token. */
export function metricsGuard(
  config: Pick<Config, 'METRICS_TOKEN'>,
  metrics: Pick<PlantgateMetrics, 'authRefused'>,
  logger: Logger,
) {
  const token = config.METRICS_TOKEN;
  if (!token) return undefined;
  return (req: http.IncomingMessage): boolean => {
    const presented = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (signaturesMatch(token, presented)) return true;
    metrics.authRefused('metrics_token');
    logger.info({ reason: 'metrics_token' }, 'request refused');
    return false;
  };
}
