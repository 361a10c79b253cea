import type { SimRequest, SimResponse } from './http-kit';

/** Faults a reference system can be told to inject, all off by default. */
export interface FaultSettings {
  /** Added to every API call. */
  latencyMs: number;
  /** Share of API calls answered 503, 0..1. */
  errorRate: number;
  /** The next N API calls are answered 429 with Retry-After. */
  burst429: { remaining: number; retryAfterSeconds: number };
  /** API calls are refused (503) until this time (epoch ms). */
  outageUntil: number;
  /** Share of webhook deliveries sent twice, 0..1. */
  duplicateRate: number;
  /** Share of webhook deliveries delayed so that they overtake nothing but arrive late, 0..1. */
  reorderRate: number;
}

export const NO_FAULTS: FaultSettings = {
  latencyMs: 0,
  errorRate: 0,
  burst429: { remaining: 0, retryAfterSeconds: 1 },
  outageUntil: 0,
  duplicateRate: 0,
  reorderRate: 0,
};

/** One entry per API call, for tests and the demo to count what reached the system. */
export interface CallRecord {
  at: number;
  method: string;
  path: string;
  status: number;
  idempotencyKey?: string;
}

/**
 * Wraps a reference system's API with fault injection and a call log. Admin routes (/admin/...) and the token
 * endpoint are never faulted, so a test can always change settings and read state.
 */
export function withFaults(handle: (req: SimRequest) => Promise<SimResponse>, random: () => number = Math.random) {
  let faults: FaultSettings = structuredClone(NO_FAULTS);
  const calls: CallRecord[] = [];

  async function faulted(req: SimRequest): Promise<SimResponse> {
    if (req.path.startsWith('/admin/')) return handle(req);
    const record = (status: number) => {
      calls.push({
        at: Date.now(),
        method: req.method,
        path: req.path,
        status,
        idempotencyKey: req.headers['idempotency-key'] as string | undefined,
      });
    };
    if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
    if (req.path !== '/oauth/token') {
      if (Date.now() < faults.outageUntil) return (record(503), { status: 503, body: { error: 'outage' } });
      if (faults.burst429.remaining > 0) {
        faults.burst429.remaining -= 1;
        record(429);
        return {
          status: 429,
          headers: { 'retry-after': String(faults.burst429.retryAfterSeconds) },
          body: { error: 'rate limited' },
        };
      }
      if (faults.errorRate > 0 && random() < faults.errorRate)
        return (record(503), { status: 503, body: { error: 'injected error' } });
    }
    const response = await handle(req);
    record(response.status);
    return response;
  }

  return {
    handle: faulted,
    calls,
    get faults() {
      return faults;
    },
    setFaults(patch: Partial<FaultSettings> & { outageMs?: number }) {
      const { outageMs, ...rest } = patch;
      faults = { ...faults, ...rest, burst429: { ...faults.burst429, ...(rest.burst429 ?? {}) } };
      if (outageMs !== undefined) faults.outageUntil = Date.now() + outageMs;
    },
  };
}
