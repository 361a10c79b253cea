import { ConsumerStatus, type AsyncMessage, type Connection, type Consumer } from 'rabbitmq-client';
import type { PrincipalRef } from '../core/auth/principal';
import { DownstreamError, isRetryable } from '../core/errors';
import type { DeliveryReceipt, DownstreamPort, OutboundMessage } from '../core/ports/downstream.port';
import type { Logger } from '../core/ports/logger.port';
import { HEADERS } from './command.envelope';
import type { Topology } from './topology';

export interface OutboundConsumerOptions {
  connection: Connection;
  topology: Topology;
  ports: DownstreamPort[];
  logger: Logger;
  /** Deliveries a message gets, the first included, before it is dead-lettered. */
  retryBudget: number;
  /** Deliveries in flight per system. */
  concurrency: number;
  /** A delivery the system accepted, e.g. to report ERP's document number back into the workflow. */
  onDelivered: (message: OutboundMessage, receipt: DeliveryReceipt) => Promise<void>;
  /** A delivery refused, or out of budget: open a DOWNSTREAM exception. */
  onFailed: (message: OutboundMessage, reason: string) => Promise<void>;
  onRetry?: (system: string, reason: string) => void;
  /** Seconds from the outbox commit to the system's acceptance. */
  onLatency?: (system: string, messageType: string, seconds: number) => void;
  onDeadLettered?: (system: string) => void;
}

/**
 * Takes what the outbox relay published and hands it to the system's connector. Retryable failures go back
 * through a retry tier (at least as long as a Retry-After asked for); refusals and spent budgets go to the
 * outbound dead-letter queue with a DOWNSTREAM exception. Acknowledged only when one of these is done.
 */
export function startOutboundConsumers(options: OutboundConsumerOptions) {
  const { topology, logger } = options;
  const sender = options.connection.createPublisher({ confirm: true, maxAttempts: 3, ...topology.publisherDeclarations });

  async function handle(port: DownstreamPort, msg: AsyncMessage): Promise<ConsumerStatus> {
    const headers = msg.headers ?? {};
    const message: OutboundMessage = {
      id: String(msg.messageId ?? ''),
      system: port.system,
      messageType: String(msg.type ?? ''),
      correlationId: String(msg.correlationId ?? ''),
      idempotencyKey: String(headers[HEADERS.idempotencyKey] ?? msg.messageId ?? ''),
      payload: (typeof msg.body === 'object' && msg.body !== null ? msg.body : {}) as Record<string, unknown>,
      attempt: Number(headers[HEADERS.attempt] ?? 1) || 1,
      createdAt: typeof headers[HEADERS.createdAt] === 'string' ? headers[HEADERS.createdAt] : null,
      traceparent: typeof headers[HEADERS.traceparent] === 'string' ? headers[HEADERS.traceparent] : '',
      principal: principalOf(headers[HEADERS.principal]),
    };
    const log = logger.child({ correlationId: message.correlationId, system: port.system, messageType: message.messageType });
    try {
      const receipt = await port.deliver(message);
      if (message.createdAt) options.onLatency?.(port.system, message.messageType, (Date.now() - Date.parse(message.createdAt)) / 1000);
      await options.onDelivered(message, receipt);
      log.debug({ attempt: message.attempt, documentNumber: receipt.documentNumber, replayed: receipt.replayed }, 'delivered');
      return ConsumerStatus.ACK;
    } catch (error) {
      const reason = (error as Error).message;
      if (isRetryable(error) && message.attempt < options.retryBudget) {
        const wait = error instanceof DownstreamError ? (error.retryAfterMs ?? 0) : 0;
        await sender.send(
          { exchange: topology.outboundRetryFor(message.attempt, wait), routingKey: msg.routingKey, durable: true, contentType: msg.contentType, messageId: msg.messageId, correlationId: msg.correlationId, type: msg.type, headers: { ...headers, [HEADERS.attempt]: message.attempt + 1, [HEADERS.lastError]: reason } },
          msg.body,
        );
        options.onRetry?.(port.system, error instanceof DownstreamError && error.status ? String(error.status) : 'unavailable');
        log.warn({ attempt: message.attempt, err: reason }, 'delivery failed, retrying later');
        return ConsumerStatus.ACK;
      }
      log.error({ attempt: message.attempt, err: reason }, 'delivery failed for good');
      await options.onFailed(message, reason);
      options.onDeadLettered?.(port.system);
      await sender.send({ exchange: '', routingKey: topology.names.outboundDeadLetter, durable: true, contentType: msg.contentType, messageId: msg.messageId, correlationId: msg.correlationId, type: msg.type, headers: { ...headers, [HEADERS.lastError]: reason, 'x-system': port.system } }, msg.body);
      return ConsumerStatus.ACK;
    }
  }

  const consumers: Consumer[] = options.ports.map((port) => {
    const consumer = options.connection.createConsumer(
      { ...topology.outboundConsumerDeclarations(port.system), concurrency: options.concurrency, qos: { prefetchCount: options.concurrency * 2 }, requeue: true },
      async (msg) => {
        try {
          return await handle(port, msg);
        } catch (error) {
          logger.error({ system: port.system, err: (error as Error).message }, 'outbound message returned to its queue');
          await new Promise((resolve) => setTimeout(resolve, 1000));
          return ConsumerStatus.REQUEUE;
        }
      },
    );
    consumer.on('error', (error: unknown) => logger.warn({ system: port.system, err: String(error) }, 'outbound consumer error'));
    return consumer;
  });

  return {
    async close() {
      await Promise.all(consumers.map((c) => c.close()));
      await sender.close();
    },
  };
}

/** The principal header an outbox entry was published with; null for a message from before envelopes. */
function principalOf(header: unknown): PrincipalRef | null {
  try {
    const value = typeof header === 'string' ? (JSON.parse(header) as Partial<PrincipalRef>) : null;
    return value && typeof value.id === 'string' ? { id: value.id, name: String(value.name ?? value.id), kind: value.kind ?? 'SYSTEM' } : null;
  } catch {
    return null;
  }
}
