import type { Envelope } from 'rabbitmq-client';
import { isMessageType, SCHEMA_VERSION, type Command } from '../core/commands/command.types';
import { DomainError } from '../core/errors';
import type { InboundMessage } from '../core/workflow/inbound-message';

/** Header names every command carries besides the AMQP properties messageId, correlationId and type. */
export const HEADERS = {
  idempotencyKey: 'x-idempotency-key',
  fingerprint: 'x-fingerprint',
  schemaVersion: 'x-schema-version',
  traceparent: 'traceparent',
  attempt: 'x-attempt',
  // Not x-…: a headers exchange ignores binding arguments that start with x- when it matches.
  partition: 'plantgate-partition',
  receivedAt: 'x-received-at',
  actor: 'x-actor',
  lastError: 'x-last-error',
  /** When the outbox entry was committed: the start of applied-to-delivered latency. */
  createdAt: 'x-created-at',
} as const;

export interface OutgoingCommand {
  command: Command;
  messageId: string;
  correlationId: string;
  businessKey: string;
  fingerprint: string;
  traceparent: string;
  receivedAt: string;
  actor: string;
  partition: number;
}

/** The AMQP envelope and body of a command: persistent, JSON, with every identifier it must carry. */
export function encodeCommand(exchange: string, out: OutgoingCommand): { envelope: Envelope; body: object } {
  return {
    envelope: {
      exchange,
      routingKey: '',
      durable: true,
      contentType: 'application/json',
      messageId: out.messageId,
      correlationId: out.correlationId,
      type: out.command.messageType,
      timestamp: Math.floor(Date.parse(out.receivedAt) / 1000),
      headers: {
        [HEADERS.idempotencyKey]: out.businessKey,
        [HEADERS.fingerprint]: out.fingerprint,
        [HEADERS.schemaVersion]: SCHEMA_VERSION,
        [HEADERS.traceparent]: out.traceparent,
        [HEADERS.attempt]: 1,
        [HEADERS.partition]: String(out.partition),
        [HEADERS.receivedAt]: out.receivedAt,
        [HEADERS.actor]: out.actor,
      },
    },
    // rabbitmq-client serialises the body as JSON because of the content type.
    body: { messageType: out.command.messageType, payload: out.command.payload },
  };
}

interface ReceivedMessage {
  body: unknown;
  messageId?: string;
  correlationId?: string;
  headers?: Record<string, unknown>;
}

/** Reads a delivered command back. A message this worker cannot understand is a non-retryable error. */
export function decodeCommand(msg: ReceivedMessage): InboundMessage & { traceparent: string } {
  const headers = msg.headers ?? {};
  const version = Number(headers[HEADERS.schemaVersion]);
  if (version !== SCHEMA_VERSION) {
    throw new DomainError('UNSUPPORTED_MESSAGE', `Unsupported schema version ${String(headers[HEADERS.schemaVersion])} (this worker reads ${SCHEMA_VERSION})`);
  }
  const body = parseBody(msg.body);
  if (!isMessageType(body.messageType) || typeof body.payload !== 'object' || body.payload === null) {
    throw new DomainError('UNSUPPORTED_MESSAGE', `Unknown message type ${JSON.stringify(body.messageType)}`);
  }
  const required = { messageId: msg.messageId, correlationId: msg.correlationId, businessKey: headers[HEADERS.idempotencyKey] };
  for (const [name, value] of Object.entries(required)) {
    if (typeof value !== 'string' || value === '') throw new DomainError('UNSUPPORTED_MESSAGE', `Message has no ${name}`);
  }
  return {
    command: { messageType: body.messageType, payload: body.payload } as Command,
    messageId: msg.messageId!,
    correlationId: msg.correlationId!,
    businessKey: String(headers[HEADERS.idempotencyKey]),
    fingerprint: String(headers[HEADERS.fingerprint] ?? ''),
    attempt: Number(headers[HEADERS.attempt] ?? 1) || 1,
    receivedAt: String(headers[HEADERS.receivedAt] ?? new Date().toISOString()),
    actor: String(headers[HEADERS.actor] ?? 'unknown'),
    traceparent: String(headers[HEADERS.traceparent] ?? ''),
  };
}

function parseBody(body: unknown): { messageType?: unknown; payload?: unknown } {
  try {
    const value = Buffer.isBuffer(body) ? JSON.parse(body.toString('utf8')) : typeof body === 'string' ? JSON.parse(body) : body;
    if (value && typeof value === 'object') return value as { messageType?: unknown; payload?: unknown };
  } catch {
    // fall through: reported below as an unreadable body
  }
  throw new DomainError('UNSUPPORTED_MESSAGE', 'Message body is not a JSON command');
}
