/**
 * Domain errors: a code from a fixed list and whether trying again can help.
 * Edges translate them (resolvers to GraphQL extensions, workers to ack/retry/dead-letter);
 * nothing here knows about HTTP, GraphQL or AMQP.
 */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'NOT_FOUND',
  'ILLEGAL_TRANSITION',
  'CONCURRENT_MODIFICATION',
  'STORE_UNAVAILABLE',
  'BROKER_UNAVAILABLE',
  'DOWNSTREAM_UNAVAILABLE',
  'DOWNSTREAM_REJECTED',
  'UNSUPPORTED_MESSAGE',
  /** The same business key was accepted with other content; `details.originalCorrelationId` names it. */
  'DUPLICATE_CONFLICT',
  /** A known principal without the role or plant the action needs; `details.requiredRoles` when a role is missing. */
  'FORBIDDEN',
  /** An edge gateway's backlog toward the central plane is full: nothing was recorded; `details.backlog` says how full. */
  'BACKLOG_FULL',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  /** The input field the error is about, as a path from the input's root (`components[0].quantity`), when there is one. */
  readonly field: string | undefined;
  /** Facts an edge may pass on to the caller (IDs, every offending field); never internals. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { retryable?: boolean; field?: string; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.field = options.field;
    this.details = options.details ?? {};
  }
}

/** Errors nobody classified are treated as transient: retrying is safe because every apply is idempotent. */
export function isRetryable(error: unknown): boolean {
  return error instanceof DomainError ? error.retryable : true;
}

/** The code of an error, for metrics labels and mapping at the edges: INTERNAL for anything unclassified. */
export function errorCodeOf(error: unknown): ErrorCode {
  return error instanceof DomainError ? error.code : 'INTERNAL';
}

export type DownstreamSystem = 'erp' | 'mes' | 'qms';

/**
 * A failed call to ERP, MES or QMS. Network errors, timeouts, 5xx and 429 are retryable (429 and 503 may say
 * when, in `retryAfterMs`); other 4xx are refusals that retrying cannot change.
 */
export class DownstreamError extends DomainError {
  readonly system: DownstreamSystem;
  readonly status: number | null;
  readonly retryAfterMs: number | null;

  constructor(
    system: DownstreamSystem,
    message: string,
    options: { status?: number | null; retryable: boolean; retryAfterMs?: number | null; cause?: unknown },
  ) {
    super(options.retryable ? 'DOWNSTREAM_UNAVAILABLE' : 'DOWNSTREAM_REJECTED', message, {
      retryable: options.retryable,
      cause: options.cause,
    });
    this.name = 'DownstreamError';
    this.system = system;
    this.status = options.status ?? null;
    this.retryAfterMs = options.retryAfterMs ?? null;
  }
}
