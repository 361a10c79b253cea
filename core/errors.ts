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
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  /** The input field or business object the error is about, when there is one. */
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, options: { retryable?: boolean; field?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.field = options.field;
  }
}

/** Errors nobody classified are treated as transient: retrying is safe because every apply is idempotent. */
export function isRetryable(error: unknown): boolean {
  return error instanceof DomainError ? error.retryable : true;
}
