import { DownstreamError, type DownstreamSystem } from '../core/errors';

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  form?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * One HTTP call with the built-in fetch, classified for the resilience policy: network failures, 5xx and 429
 * are retryable (with Retry-After when given), 401 is reported as such so that a token can be renewed, and any
 * other 4xx is a refusal.
 */
export async function requestJson<T>(system: DownstreamSystem, req: HttpRequest): Promise<{ status: number; body: T }> {
  let response: Response;
  try {
    response = await fetch(req.url, {
      method: req.method,
      headers: {
        accept: 'application/json',
        ...(req.form
          ? { 'content-type': 'application/x-www-form-urlencoded' }
          : req.body !== undefined
            ? { 'content-type': 'application/json' }
            : {}),
        ...req.headers,
      },
      body: req.form
        ? new URLSearchParams(req.form).toString()
        : req.body !== undefined
          ? JSON.stringify(req.body)
          : undefined,
      signal: req.signal,
    });
  } catch (error) {
    const reason =
      (error as Error).name === 'AbortError'
        ? 'timed out'
        : ((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message);
    throw new DownstreamError(system, `${system.toUpperCase()} unreachable at ${new URL(req.url).origin}: ${reason}`, {
      retryable: true,
      cause: error,
    });
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  if (response.ok) return { status: response.status, body: body as T };
  const detail =
    typeof body === 'object' && body && 'error' in body
      ? String((body as { error: unknown }).error)
      : text.slice(0, 200);
  const message = `${system.toUpperCase()} answered ${response.status} to ${req.method} ${new URL(req.url).pathname}: ${detail}`;
  if (response.status === 429 || response.status >= 500) {
    throw new DownstreamError(system, message, {
      status: response.status,
      retryable: true,
      retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
    });
  }
  throw new DownstreamError(system, message, { status: response.status, retryable: false });
}

/** Retry-After in seconds or as an HTTP date, in milliseconds from now. */
export function retryAfterMs(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}
