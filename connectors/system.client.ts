import { DownstreamError, type DownstreamSystem } from '../core/errors';
import type { OutboundMessage } from '../core/ports/downstream.port';
import { requestJson, type HttpRequest } from './http.client';
import type { TokenProvider } from './oauth2.token-provider';
import type { ResiliencePolicy } from './resilience.policy';

export interface SystemClientOptions {
  system: DownstreamSystem;
  baseUrl: string;
  /** Absent when the system needs no token. */
  tokens?: TokenProvider;
  /** For writes: retries, breaker, rate limit, timeout. */
  policy: ResiliencePolicy;
  /** For live reads: one attempt with its own, shorter timeout. */
  readTimeoutMs: number;
}

/**
 * Calls one external system: bearer token attached (and renewed once if the system refuses it), every write
 * through the resilience policy, every read bounded by the read timeout.
 */
export function createSystemClient(options: SystemClientOptions) {
  async function call<T>(req: Omit<HttpRequest, 'url' | 'signal'> & { path: string }, signal: AbortSignal): Promise<T> {
    const send = async () => {
      const token = options.tokens ? await options.tokens.token() : null;
      try {
        return await requestJson<T>(options.system, {
          ...req,
          url: `${options.baseUrl}${req.path}`,
          headers: { ...req.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
          signal,
        });
      } catch (error) {
        if (token && error instanceof DownstreamError && error.status === 401) options.tokens!.invalidate(token);
        throw error;
      }
    };
    try {
      return (await send()).body;
    } catch (error) {
      // A token that expired between fetch and use: one more try with a fresh one.
      if (options.tokens && error instanceof DownstreamError && error.status === 401) return (await send()).body;
      throw error;
    }
  }

  return {
    write: <T>(req: Omit<HttpRequest, 'url' | 'signal'> & { path: string }) =>
      options.policy.execute((signal) => call<T>(req, signal)),
    read: <T>(path: string) => call<T>({ method: 'GET', path }, AbortSignal.timeout(options.readTimeoutMs)),
    circuitState: options.policy.circuitState,
  };
}

export type SystemClient = ReturnType<typeof createSystemClient>;

export const refsParam = (refs: { plant: string; orderNumber: string }[]) =>
  encodeURIComponent(refs.map((r) => `${r.plant}:${r.orderNumber}`).join(','));

/**
 * Headers every delivery carries besides its Idempotency-Key: the trace it continues and who caused it, so that
 * the receiving system's logs and an auditor can tie each posting to the integrator's request.
 */
export function originHeaders(message: OutboundMessage): Record<string, string> {
  return {
    'idempotency-key': message.idempotencyKey,
    'x-plantgate-correlation-id': message.correlationId,
    ...(message.traceparent ? { traceparent: message.traceparent } : {}),
    ...(message.principal
      ? { 'x-plantgate-principal': message.principal.id, 'x-plantgate-principal-kind': message.principal.kind }
      : {}),
  };
}
