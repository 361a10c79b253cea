import type { Origin } from '../../core/intake/envelope';
import type { SubmissionService, SubmitOutcome } from '../../core/intake/submission.service';
import { DomainError, errorCodeOf, type DownstreamSystem } from '../../core/errors';
import { MESSAGE_SLICES, type MessageType } from '../../core/messages/message.registry';
import type { Logger } from '../../core/ports/logger.port';

/** What each source system may send by webhook: the slices that name it. */
const ALLOWED: Record<DownstreamSystem, MessageType[]> = {
  erp: MESSAGE_SLICES.filter((s) => s.webhookSources.includes('erp')).map((s) => s.messageType),
  mes: MESSAGE_SLICES.filter((s) => s.webhookSources.includes('mes')).map((s) => s.messageType),
  qms: MESSAGE_SLICES.filter((s) => s.webhookSources.includes('qms')).map((s) => s.messageType),
};

export interface WebhookOutcome {
  status: number;
  headers?: Record<string, string>;
  body: SubmitOutcome | { error: string; code: string; field?: string; [detail: string]: unknown };
}

/**
 * Inbound webhooks enter exactly where GraphQL mutations do: the same submission service, so the same shape checks,
 * business keys and confirmed publish. `{ messageType, payload }` in, `{ correlationId, status }` out.
 */
export async function handleWebhook(
  source: string,
  body: unknown,
  intake: SubmissionService,
  origin: Origin & { logger: Logger },
): Promise<WebhookOutcome> {
  const allowed = ALLOWED[source as DownstreamSystem] as MessageType[] | undefined;
  if (!allowed)
    return {
      status: 404,
      body: { error: `no webhook for source ${source}; known: ${Object.keys(ALLOWED).join(', ')}`, code: 'NOT_FOUND' },
    };
  const { messageType, payload } = (body ?? {}) as { messageType?: string; payload?: unknown };
  if (!allowed.includes(messageType as MessageType)) {
    return {
      status: 400,
      body: {
        error: `messageType must be one of ${allowed.join(', ')} for ${source}`,
        code: 'BAD_USER_INPUT',
        field: 'messageType',
      },
    };
  }
  try {
    return { status: 202, body: await intake.submit(messageType as MessageType, payload, origin) };
  } catch (error) {
    return webhookRefusal(error, origin.logger);
  }
}

/** The one mapping of domain errors to HTTP for webhooks, by code. */
export function webhookRefusal(error: unknown, logger: Logger): WebhookOutcome {
  const code = errorCodeOf(error);
  const details = error instanceof DomainError ? error.details : {};
  switch (code) {
    case 'INVALID_INPUT': {
      const field = (error as DomainError).field;
      return {
        status: 400,
        body: {
          error: `Invalid payload: ${(error as DomainError).message}`,
          code: 'BAD_USER_INPUT',
          field: field ? `payload.${field}` : 'payload',
        },
      };
    }
    case 'DUPLICATE_CONFLICT':
      return { status: 409, body: { error: (error as DomainError).message, code, ...details } };
    case 'FORBIDDEN':
      return { status: 403, body: { error: (error as DomainError).message, code, ...details } };
    case 'BROKER_UNAVAILABLE':
    case 'STORE_UNAVAILABLE':
      return {
        status: 503,
        headers: { 'retry-after': '1' },
        body: { error: (error as DomainError).message, code: 'SERVICE_UNAVAILABLE', ...details },
      };
    case 'BACKLOG_FULL':
      return {
        status: 503,
        headers: { 'retry-after': String(details.retryAfterSeconds ?? 5) },
        body: { error: (error as DomainError).message, code, ...details },
      };
    default:
      logger.error({ err: (error as Error).message, stack: (error as Error).stack }, 'webhook failed');
      return { status: 500, body: { error: 'Internal server error', code: 'INTERNAL_SERVER_ERROR' } };
  }
}
