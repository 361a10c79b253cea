import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: SimRequest, params: Record<string, string>) => Promise<SimResponse> | SimResponse;

/** A route table: "METHOD /path/:param". Small on purpose: the reference systems need nothing more. */
export function createRouter(routes: Record<string, Handler>) {
  const compiled = Object.entries(routes).map(([spec, handler]) => {
    const [method, pattern] = spec.split(' ') as [string, string];
    const names: string[] = [];
    const regex = new RegExp(
      `^${pattern.replace(/:([a-zA-Z]+)/g, (_, name: string) => (names.push(name), '([^/]+)'))}$`,
    );
    return { method, regex, names, handler };
  });
  return async (req: SimRequest): Promise<SimResponse> => {
    for (const route of compiled) {
      const match = route.method === req.method ? route.regex.exec(req.path) : null;
      if (match)
        return route.handler(
          req,
          Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(match[i + 1]!)])),
        );
    }
    return { status: 404, body: { error: `no route ${req.method} ${req.path}` } };
  };
}

/** Serves a handler over real HTTP with JSON bodies. */
export async function serve(handle: (req: SimRequest) => Promise<SimResponse>, port = 0, host = '127.0.0.1') {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      const type = req.headers['content-type'] ?? '';
      try {
        if (raw && type.includes('json')) body = JSON.parse(raw);
        else if (raw && type.includes('x-www-form-urlencoded')) body = Object.fromEntries(new URLSearchParams(raw));
      } catch {
        return respond(res, { status: 400, body: { error: 'body is not valid JSON' } });
      }
      handle({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body })
        .then((out) => respond(res, out))
        .catch((error: unknown) => respond(res, { status: 500, body: { error: (error as Error).message } }));
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function respond(res: http.ServerResponse, out: SimResponse) {
  res.statusCode = out.status;
  for (const [name, value] of Object.entries(out.headers ?? {})) res.setHeader(name, value);
  if (out.body === undefined) return void res.end();
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(out.body));
}

/** POSTs JSON (already serialized, when it was signed) to a URL; used by the reference systems for their webhooks. */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const serialized = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: serialized,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}
