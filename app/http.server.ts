import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { Principal } from '../core/auth/principal';
import type { Origin } from '../core/intake/envelope';
import { childTraceparent } from '../core/intake/trace-context';
import type { Logger } from '../core/ports/logger.port';
import type { MetricsExposition } from '../monitoring/metrics';
import type { GatewayContext } from '../resolvers/context';
import type { OrderViewLoaders } from '../resolvers/orders/order-views.loaders';
import type { WebhookOutcome } from '../resolvers/webhooks/webhook.handler';
import type { Admission, RequestAuth } from './auth/request-auth';
import { createLoadShedder } from './load-shedder';
import { createBrowserPages } from './browser-pages';

export interface HttpServerDeps {
  /** Absent in a worker process, which serves only health, readiness and metrics. */
  apollo?: ApolloServer<GatewayContext>;
  registry: MetricsExposition;
  logger: Logger;
  /** Resolves when the process can do its work; rejects with the reason when it cannot. */
  readiness: () => Promise<void>;
  /** Per request: batched live views of ERP, MES and QMS. */
  createViews?: () => OrderViewLoaders;
  /** Inbound webhooks of ERP, MES and QMS: /webhooks/<source>. */
  webhook?: (source: string, body: unknown, origin: Origin & { logger: Logger }) => Promise<WebhookOutcome>;
  /** Who a request is: bearer tokens, webhook signatures, per-principal rate; absent in a worker. */
  auth?: RequestAuth;
  /** Whether a scrape may read /metrics (METRICS_TOKEN); every scrape when absent. */
  metricsAllowed?: (req: http.IncomingMessage) => boolean;
  /** Requests (GraphQL and webhooks) worked on at once; past it, 503 with Retry-After. */
  maxInFlight?: number;
  /** Largest request body accepted; past it, 413. */
  maxBodyBytes?: number;
  /** More for /healthz to say (an edge reports its link). */
  health?: () => Record<string, unknown>;
  /** Authenticated GET routes by path (the central gateway's /edge/keys), answering JSON. */
  routes?: Record<string, (principal: Principal, query: URLSearchParams) => Promise<{ status: number; body: unknown }>>;
}

/** Seconds a shed client is asked to wait before it comes back. */
const SHED_RETRY_AFTER_SECONDS = 1;

/** /graphql, /healthz, /readyz and /metrics on one plain Node HTTP server. */
export function createHttpServer(deps: HttpServerDeps) {
  const shedder = createLoadShedder(deps.maxInFlight ?? 256);
  const maxBodyBytes = deps.maxBodyBytes ?? 1024 * 1024;
  const server = http.createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      deps.logger.error({ err: (error as Error).message, url: req.url }, 'http handler failed');
      if (!res.headersSent) send(res, 500, 'application/json', JSON.stringify({ error: 'internal error' }));
      else res.end();
    });
  });
  server.keepAliveTimeout = 65_000;

  const pages = createBrowserPages();

  async function route(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    switch (url.pathname) {
      case '/healthz':
        return send(res, 200, 'application/json', JSON.stringify({ status: 'ok', ...deps.health?.() }));
      case '/readyz':
        try {
          await deps.readiness();
          return send(res, 200, 'application/json', JSON.stringify({ status: 'ready' }));
        } catch (error) {
          return send(
            res,
            503,
            'application/json',
            JSON.stringify({ status: 'not ready', reason: (error as Error).message }),
          );
        }
      case '/metrics':
        if (deps.metricsAllowed && !deps.metricsAllowed(req)) {
          res.setHeader('www-authenticate', 'Bearer realm="plantgate-metrics"');
          return send(
            res,
            401,
            'application/json',
            JSON.stringify({ error: 'metrics need the METRICS_TOKEN bearer token', code: 'UNAUTHENTICATED' }),
          );
        }
        return send(res, 200, deps.registry.contentType, await deps.registry.metrics());
      case '/graphql':
        // A worker has no GraphQL endpoint; a browser asking for the page gets the IDE, served from our own bundle.
        if (!deps.apollo) return notFound(res);
        if (isPageRequest(req, url)) return pages.page('graphiql', res);
        return bounded(res, 'graphql', () => graphql(deps.apollo!, req, res, url));
      case '/workbench':
        return deps.apollo && req.method === 'GET' ? pages.page('workbench', res) : notFound(res);
      default:
        if (deps.apollo && req.method === 'GET' && pages.asset(url.pathname, res)) return;
        if (deps.routes?.[url.pathname] && req.method === 'GET') {
          return bounded(res, 'webhook', () => authenticatedGet(deps.routes![url.pathname]!, req, res, url));
        }
        if (url.pathname.startsWith('/webhooks/') && deps.webhook && req.method === 'POST') {
          return bounded(res, 'webhook', () => webhook(deps.webhook!, url.pathname.slice(10), req, res));
        }
        return notFound(res);
    }
  }

  /** Runs a request in one of the bounded slots, or sheds it with 503 and Retry-After. */
  async function bounded(res: http.ServerResponse, kind: 'graphql' | 'webhook', work: () => Promise<void>) {
    if (!shedder.tryEnter()) {
      res.setHeader('retry-after', String(SHED_RETRY_AFTER_SECONDS));
      const message = `Plantgate is at capacity (${shedder.stats().maxInFlight} requests in flight); nothing was accepted. Retry after ${SHED_RETRY_AFTER_SECONDS} s.`;
      return send(
        res,
        503,
        'application/json',
        refusalBody(kind, message, 'SERVICE_UNAVAILABLE', { retryAfterSeconds: SHED_RETRY_AFTER_SECONDS }),
      );
    }
    try {
      await work();
    } finally {
      shedder.leave();
    }
  }

  function tooLarge(res: http.ServerResponse, kind: 'graphql' | 'webhook') {
    return send(
      res,
      413,
      'application/json',
      refusalBody(kind, `Request body over ${maxBodyBytes} bytes; nothing was accepted.`, 'PAYLOAD_TOO_LARGE', {
        maxBytes: maxBodyBytes,
      }),
    );
  }

  /** A refused request: 401 (with its WWW-Authenticate challenge) or 429 (with Retry-After), nothing done. */
  function refused(res: http.ServerResponse, kind: 'graphql' | 'webhook', refusal: Extract<Admission, { ok: false }>) {
    for (const [name, value] of Object.entries(refusal.headers)) res.setHeader(name, value);
    const extensions =
      refusal.code === 'RATE_LIMITED'
        ? { retryAfterSeconds: Number(refusal.headers['retry-after']) }
        : { reason: refusal.reason };
    return send(res, refusal.status, 'application/json', refusalBody(kind, refusal.message, refusal.code, extensions));
  }

  async function webhook(
    handle: NonNullable<HttpServerDeps['webhook']>,
    source: string,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ) {
    const raw = await readBody(req, maxBodyBytes);
    if (raw === null) return tooLarge(res, 'webhook');
    const admission = await deps.auth!.admitWebhook(source, req, raw);
    if (!admission.ok) return refused(res, 'webhook', admission);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return send(res, 400, 'application/json', JSON.stringify({ error: 'body is not valid JSON' }));
    }
    const requestId = (req.headers['x-request-id'] as string | undefined) ?? randomUUID();
    const outcome = await handle(source, body, {
      principal: admission.principal,
      traceparent: childTraceparent(req.headers.traceparent as string | undefined),
      logger: deps.logger.child({ requestId, webhook: source }),
    });
    for (const [name, value] of Object.entries(outcome.headers ?? {})) res.setHeader(name, value);
    res.setHeader('x-request-id', requestId);
    return send(res, outcome.status, 'application/json', JSON.stringify(outcome.body));
  }

  async function authenticatedGet(
    handle: NonNullable<HttpServerDeps['routes']>[string],
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
  ) {
    const admission = await deps.auth!.admit(req);
    if (!admission.ok) return refused(res, 'webhook', admission);
    const outcome = await handle(admission.principal, url.searchParams);
    return send(res, outcome.status, 'application/json', JSON.stringify(outcome.body));
  }

  function notFound(res: http.ServerResponse) {
    const endpoints = [
      ...(deps.apollo ? ['/graphql', '/webhooks/{erp,mes,qms}'] : []),
      '/healthz',
      '/readyz',
      '/metrics',
    ];
    send(res, 404, 'application/json', JSON.stringify({ error: 'not found', endpoints }));
  }

  async function graphql(
    apollo: ApolloServer<GatewayContext>,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
  ) {
    // Before the body is read: a stranger costs a header check, not a megabyte upload.
    const admission = await deps.auth!.admit(req);
    if (!admission.ok) return refused(res, 'graphql', admission);
    const principal = admission.principal;
    const raw = await readBody(req, maxBodyBytes);
    if (raw === null) return tooLarge(res, 'graphql');
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown = raw;
    if (raw.length > 0 && (headers.get('content-type') ?? '').includes('application/json')) {
      try {
        body = JSON.parse(raw);
      } catch {
        return send(
          res,
          400,
          'application/json',
          JSON.stringify({
            errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }],
          }),
        );
      }
    }
    const requestId = headers.get('x-request-id') ?? randomUUID();
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: async () => ({
        principal,
        traceparent: childTraceparent(headers.get('traceparent')),
        requestId,
        logger: deps.logger.child({ requestId }),
        views: deps.createViews?.(),
        authorization: req.headers.authorization,
      }),
    });
    for (const [name, value] of response.headers) res.setHeader(name, value);
    res.setHeader('x-request-id', requestId);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') return void res.end(response.body.string);
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  return {
    server,
    /** Listens and returns the port bound (a free one when `port` is 0). */
    async listen(port: number, host: string): Promise<number> {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      });
      return (server.address() as AddressInfo).port;
    },
    /** Stops accepting connections and closes idle keep-alive ones; in-flight requests finish. */
    async close(): Promise<void> {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
    },
  };
}

/** A browser asking for the GraphQL IDE's page (GET, HTML, no operation): public, like every page's assets. */
function isPageRequest(req: http.IncomingMessage, url: URL): boolean {
  return req.method === 'GET' && !url.searchParams.has('query') && (req.headers.accept ?? '').includes('text/html');
}

function send(res: http.ServerResponse, status: number, contentType: string, body: string) {
  res.statusCode = status;
  res.setHeader('content-type', contentType);
  res.end(body);
}

/** A refusal in the format of the endpoint: GraphQL's errors list, or a webhook's { error, code }. */
function refusalBody(
  kind: 'graphql' | 'webhook',
  message: string,
  code: string,
  extensions: Record<string, unknown>,
): string {
  return JSON.stringify(
    kind === 'graphql'
      ? { errors: [{ message, extensions: { code, ...extensions } }] }
      : { error: message, code, ...extensions },
  );
}

async function readBody(req: http.IncomingMessage, maxBytes: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The base URL of a server listening on `host` and `port`. */
export function baseUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
