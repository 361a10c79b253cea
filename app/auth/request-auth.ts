import type http from 'node:http';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { systemPrincipal, type Principal } from '../../core/auth/principal';
import type { Logger } from '../../core/ports/logger.port';
import type { Authenticator, RefusalReason } from './authenticator';
import type { WebhookRefusal, WebhookVerifier } from './webhook-verifier';

export type AuthRefusalReason = RefusalReason | WebhookRefusal | 'forbidden' | 'rate_limited' | 'metrics_token';

export interface RequestAuthOptions {
  authenticator: Authenticator;
  webhooks: WebhookVerifier;
  /** Requests per second and principal. */
  ratePerSecond: number;
  /** Counts a refusal (plantgate_auth_refusals_total). */
  onRefused: (reason: AuthRefusalReason) => void;
  logger: Logger;
}

export type Admission =
  | { ok: true; principal: Principal }
  | {
      ok: false;
      status: 401 | 429;
      code: 'UNAUTHENTICATED' | 'RATE_LIMITED';
      message: string;
      headers: Record<string, string>;
      reason: string;
    };

/**
 * Who a request is and whether it may come in now: the bearer token (or, in the open local mode, none), a webhook's
 * signature, and the principal's rate. Every refusal is counted and logged with what is known of the principal,
 * never with a secret.
 */
export function createRequestAuth(options: RequestAuthOptions) {
  const limiter = new RateLimiterMemory({ points: options.ratePerSecond, duration: 1 });

  function refuse(reason: AuthRefusalReason, message: string, fields: Record<string, unknown> = {}): Admission {
    options.onRefused(reason);
    options.logger.info({ reason, ...fields }, 'request refused');
    if (reason === 'rate_limited')
      return {
        ok: false,
        status: 429,
        code: 'RATE_LIMITED',
        message,
        headers: { 'retry-after': String(fields.retryAfterSeconds ?? 1) },
        reason,
      };
    // RFC 6750: no error attribute when no credentials were sent, invalid_token when they were wrong.
    const challenge =
      reason === 'missing_credentials'
        ? 'Bearer realm="plantgate"'
        : `Bearer realm="plantgate", error="invalid_token", error_description="${message.replace(/["\\]/g, "'")}"`;
    return {
      ok: false,
      status: 401,
      code: 'UNAUTHENTICATED',
      message,
      headers: { 'www-authenticate': challenge },
      reason,
    };
  }

  /** Each principal gets `ratePerSecond` requests a second in this process; past it, 429 with Retry-After. */
  async function withinRate(principal: Principal): Promise<Admission> {
    try {
      await limiter.consume(principal.id);
      return { ok: true, principal };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      return refuse(
        'rate_limited',
        `${principal.name} sent more than ${options.ratePerSecond} requests in a second; nothing was done. Retry after ${retryAfterSeconds} s.`,
        { principal: principal.id, retryAfterSeconds },
      );
    }
  }

  return {
    async admit(req: http.IncomingMessage): Promise<Admission> {
      const authentication = await options.authenticator.authenticate(req.headers.authorization);
      if (!authentication.ok)
        return refuse(
          authentication.reason,
          authentication.message,
          authentication.keyId ? { keyId: authentication.keyId } : {},
        );
      return withinRate(authentication.principal);
    },

    /** A webhook: its signature names the system; unsigned requests pass only in the open local mode. */
    async admitWebhook(system: string, req: http.IncomingMessage, rawBody: string): Promise<Admission> {
      const principal = systemPrincipal(`webhook:${system}`, `${system.toUpperCase()} webhook`);
      const signed = req.headers['x-plantgate-signature'] !== undefined;
      if (!signed && (await options.authenticator.openMode())) return withinRate(principal);
      const verdict = options.webhooks.verify(system, req.headers, rawBody);
      if (!verdict.ok) return refuse(verdict.reason, webhookMessage(system, verdict.reason), { webhook: system });
      return withinRate(principal);
    },

    /** A refusal found later, inside GraphQL (a role or plant the principal lacks): counted the same way. */
    forbidden: () => options.onRefused('forbidden'),
  };
}

export type RequestAuth = ReturnType<typeof createRequestAuth>;

function webhookMessage(system: string, reason: WebhookRefusal): string {
  switch (reason) {
    case 'no_secret':
      return `No webhook secret is configured for ${system}: set ${system.toUpperCase()}_WEBHOOK_SECRET (or WEBHOOK_SECRET) here and in the sending system.`;
    case 'missing_signature':
      return 'The webhook is not signed: send x-plantgate-timestamp and x-plantgate-signature (HMAC-SHA256 over "<timestamp>.<body>").';
    case 'bad_signature':
      return 'The webhook signature does not match its timestamp and body for this system.';
    case 'stale_signature':
      return 'The webhook timestamp is outside the replay window: sign each request when sending it.';
    case 'replayed_signature':
      return 'This signed webhook was received before: a request is accepted once.';
  }
}
