import Bottleneck from 'bottleneck';
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  wrap,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
} from 'cockatiel';
import { DownstreamError, isRetryable, type DownstreamSystem } from '../core/errors';

export interface ResilienceOptions {
  system: DownstreamSystem;
  /** Per attempt. */
  timeoutMs: number;
  /** Attempts within one call, the first included; retryable failures only. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Consecutive failures that open the circuit. */
  breakerThreshold: number;
  /** How long the circuit stays open before one trial call. */
  halfOpenAfterMs: number;
  /** Calls per second to this system, at most. */
  ratePerSecond: number;
  onCircuitChange?: (state: CircuitStateName) => void;
  onCall?: (outcome: { seconds: number; status: string; httpStatus: number | null }) => void;
}

export type CircuitStateName = 'closed' | 'open' | 'half-open';

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};

/** Exponential backoff with full jitter, except that a Retry-After from the system wins. */
class RetryAfterBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(
    private readonly base: number,
    private readonly max: number,
  ) {}
  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const error = 'error' in context.result ? context.result.error : undefined;
    const hinted = error instanceof DownstreamError ? error.retryAfterMs : null;
    const ceiling = Math.min(this.max, this.base * 2 ** (context.attempt - 1));
    return {
      duration: hinted ?? Math.round(ceiling / 2 + (Math.random() * ceiling) / 2),
      next: (ctx) => this.next(ctx),
    };
  }
}

/**
 * The one resilience policy every outbound call goes through: a rate limit and a circuit breaker per system,
 * retries with backoff for retryable failures only (honouring Retry-After), and a timeout per attempt.
 * cockatiel provides retry, breaker and timeout; bottleneck the rate limit.
 */
export function createResiliencePolicy(options: ResilienceOptions) {
  const retryable = handleWhen(
    (error) => !(error instanceof BrokenCircuitError) && (error instanceof TaskCancelledError || isRetryable(error)),
  );
  const breaker = circuitBreaker(
    handleWhen((error) => error instanceof TaskCancelledError || (error instanceof DownstreamError && error.retryable)),
    { halfOpenAfter: options.halfOpenAfterMs, breaker: new ConsecutiveBreaker(options.breakerThreshold) },
  );
  breaker.onStateChange((state) => options.onCircuitChange?.(STATE_NAMES[state]));
  const retries = retry(retryable, {
    maxAttempts: Math.max(0, options.maxAttempts - 1),
    backoff: new RetryAfterBackoff(options.baseDelayMs, options.maxDelayMs),
  });
  const perAttempt = timeout(options.timeoutMs, TimeoutStrategy.Aggressive);
  const limiter = new Bottleneck({
    reservoir: options.ratePerSecond,
    reservoirRefreshAmount: options.ratePerSecond,
    reservoirRefreshInterval: 1000,
  });
  const policy = wrap(retries, breaker, perAttempt);

  return {
    system: options.system,
    async execute<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T> {
      try {
        // A signal of the call's own: cockatiel's default is one shared signal, on which many concurrent calls
        // would pile up abort listeners (Node warns past ten).
        return await policy.execute(
          ({ signal }) =>
            limiter.schedule(async () => {
              const started = process.hrtime.bigint();
              try {
                const result = await call(signal);
                options.onCall?.({
                  seconds: Number(process.hrtime.bigint() - started) / 1e9,
                  status: '2xx',
                  httpStatus: null,
                });
                return result;
              } catch (error) {
                const status =
                  error instanceof DownstreamError && error.status ? `${Math.floor(error.status / 100)}xx` : 'network';
                options.onCall?.({
                  seconds: Number(process.hrtime.bigint() - started) / 1e9,
                  status,
                  httpStatus: error instanceof DownstreamError ? error.status : null,
                });
                throw error;
              }
            }),
          new AbortController().signal,
        );
      } catch (error) {
        if (error instanceof BrokenCircuitError) {
          throw new DownstreamError(
            options.system,
            `${options.system.toUpperCase()} circuit is open after repeated failures; not calling it for now`,
            { retryable: true, cause: error },
          );
        }
        if (error instanceof TaskCancelledError) {
          throw new DownstreamError(
            options.system,
            `${options.system.toUpperCase()} did not answer within ${options.timeoutMs} ms`,
            { retryable: true, cause: error },
          );
        }
        throw error;
      }
    },
    circuitState: (): CircuitStateName => STATE_NAMES[breaker.state],
  };
}

export type ResiliencePolicy = ReturnType<typeof createResiliencePolicy>;
