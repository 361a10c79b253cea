import type { Envelope as AmqpEnvelope } from 'rabbitmq-client';
import { SCHEMA_VERSION, type Envelope } from '../core/intake/envelope';
import { DomainError } from '../core/errors';
import { isMessageType } from '../core/messages/message.registry';
import type { InboundMessage } from '../core/workflow/inbound-message';

/**
 * Header names. The body of a command is its envelope, whole and unchanged; headers only carry what the broker
 * routes on (the partition), delivery facts (attempt, last error) and copies for tools that read headers
 * (schema version, W3C traceparent).
 */
export const HEADERS = {
  idempotencyKey: 'x-idempotency-key',
  schemaVersion: 'x-schema-version',
  traceparent: 'traceparent',
  attempt: 'x-attempt',
  // Not x-…: a headers exchange ignores binding arguments that start with x- when it matches.
  partition: 'plantgate-partition',
  lastError: 'x-last-error',
  /** Of an outbound message: who caused it, as JSON { id, name, kind }. */
  principal: 'x-plantgate-principal',
  /** When the outbox entry was committed: the start of applied-to-delivered latency. */
  createdAt: 'x-created-at',
} as const;

/** The AMQP properties and body of a command: persistent, JSON, the envelope as the body. */
export function encodeCommand(
  exchange: string,
  envelope: Envelope,
  partition: number,
): { properties: AmqpEnvelope; body: Envelope } {
  return {
    properties: {
      exchange,
      routingKey: '',
      durable: true,
      contentType: 'application/json',
      messageId: envelope.messageId,
      correlationId: envelope.correlationId,
      type: envelope.command.messageType,
      timestamp: Math.floor(Date.parse(envelope.receivedAt) / 1000),
      headers: {
        [HEADERS.schemaVersion]: envelope.schemaVersion,
        [HEADERS.traceparent]: envelope.traceparent,
        [HEADERS.attempt]: 1,
        [HEADERS.partition]: String(partition),
      },
    },
    // rabbitmq-client serialises the body as JSON because of the content type.
    body: envelope,
  };
}

interface ReceivedMessage {
  body: unknown;
  headers?: Record<string, unknown>;
}

/**
 * A message of a schema newer than this worker reads: written by a newer Plantgate during a rolling upgrade. It is
 * not unreadable, only not for this worker: it goes back to its queue for a worker that reads it.
 */
export class NewerSchemaError extends Error {
  constructor(
    readonly schemaVersion: number,
    readonly reads: number,
  ) {
    super(`Schema version ${schemaVersion} is newer than this worker reads (${reads}): left for a newer worker`);
    this.name = 'NewerSchemaError';
  }
}

/**
 * Reads a delivered command back. A message this worker cannot understand is a non-retryable error; one of a newer
 * schema than `reads` is a NewerSchemaError. A test build may read ahead (`reads`): the envelope is the same.
 */
export function decodeCommand(msg: ReceivedMessage, reads: number = SCHEMA_VERSION): InboundMessage {
  const headers = msg.headers ?? {};
  const version = Number(headers[HEADERS.schemaVersion]);
  if (Number.isInteger(version) && version > reads) throw new NewerSchemaError(version, reads);
  if (!Number.isInteger(version) || version < SCHEMA_VERSION || version > reads) {
    throw new DomainError(
      'UNSUPPORTED_MESSAGE',
      `Unsupported schema version ${String(headers[HEADERS.schemaVersion])} (this worker reads ${SCHEMA_VERSION})`,
    );
  }
  const envelope = parseBody(msg.body);
  if (
    !isMessageType(envelope.command?.messageType) ||
    typeof envelope.command.payload !== 'object' ||
    envelope.command.payload === null
  ) {
    throw new DomainError(
      'UNSUPPORTED_MESSAGE',
      `Unknown message type ${JSON.stringify(envelope.command?.messageType)}`,
    );
  }
  const required = {
    messageId: envelope.messageId,
    correlationId: envelope.correlationId,
    businessKey: envelope.businessKey,
    receivedAt: envelope.receivedAt,
  };
  for (const [name, value] of Object.entries(required)) {
    if (typeof value !== 'string' || value === '')
      throw new DomainError('UNSUPPORTED_MESSAGE', `Message envelope has no ${name}`);
  }
  if (typeof envelope.scope?.plant !== 'string' || typeof envelope.principal?.id !== 'string') {
    throw new DomainError('UNSUPPORTED_MESSAGE', 'Message envelope has no scope or principal');
  }
  return { envelope, attempt: Number(headers[HEADERS.attempt] ?? 1) || 1 };
}

function parseBody(body: unknown): Envelope {
  try {
    const value = Buffer.isBuffer(body)
      ? JSON.parse(body.toString('utf8'))
      : typeof body === 'string'
        ? JSON.parse(body)
        : body;
    if (value && typeof value === 'object') return value as Envelope;
  } catch {
    // fall through: reported below as an unreadable body
  }
  throw new DomainError('UNSUPPORTED_MESSAGE', 'Message body is not a JSON envelope');
}
