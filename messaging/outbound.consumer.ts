import type { AsyncMessage, Connection } from 'rabbitmq-client';
import type { PrincipalRef } from '../core/auth/principal';
import { DownstreamError, isRetryable } from '../core/errors';
import type { DeliveryFailure, DeliveryReceipt, DownstreamPort, OutboundMessage } from '../core/ports/downstream.port';
import type { Logger } from '../core/ports/logger.port';
import { createBoundedPublisher } from './bounded';
import { HEADERS } from './command.envelope';
import { startOrderedConsumer, type OrderedConsumer, type Settlement } from './ordered.consumer';
import type { Topology } from './topology';

export interface OutboundConsumerOptions {
  connection: Connection;
  topology: Topology;
  ports: DownstreamPort[];
  logger: Logger;
  /** Deliveries a message gets, the first included, before it is dead-lettered. */
  retryBudget: number;
  /** Pauses between deliveries, increasing; the last repeats. A Retry-After asking for more wins. */
  retryDelaysMs: number[];
  /** A delivery the system accepted, e.g. to report ERP's document number back into the workflow. */
  onDelivered: (message: OutboundMessage, receipt: DeliveryReceipt) => Promise<void>;
  /** A delivery refused (not retryable), or out of budget (retryable): open a DOWNSTREAM exception. */
  onFailed: (message: OutboundMessage, failure: DeliveryFailure) => Promise<void>;
  onRetry?: (system: string, reason: string) => void;
  /** Seconds from the outbox commit to the system's acceptance. */
  onLatency?: (system: string, messageType: string, seconds: number) => void;
  onDeadLettered?: (system: string) => void;
}

/**
 * Takes what the outbox relay published and hands it to the system's connector, one partition queue at a time and
 * one message at a time per partition: an order's postings reach the system in the order they were decided, through
 * retries and outages, while other partitions (other orders) go on in parallel. A retryable failure is retried in
 * hand, after a pause (at least what Retry-After asked), so nothing later of the order can overtake it; a refusal or
 * a spent budget goes to the outbound dead-letter queue with a DOWNSTREAM exception, and the partition moves on.
 */
export function startOutboundConsumers(options: OutboundConsumerOptions) {
  const { topology, logger } = options;
  const sender = createBoundedPublisher(
    options.connection,
    topology.publisherDeclarations,
    'dead-lettering an outbound message',
  );
  const stopping = new AbortController();

  async function deliverWithRetries(
    port: DownstreamPort,
    message: OutboundMessage,
    log: Logger,
  ): Promise<{ receipt: DeliveryReceipt } | { failed: DeliveryFailure }> {
    for (;;) {
      try {
        return { receipt: await port.deliver(message) };
      } catch (error) {
        const reason = (error as Error).message;
        const retryable = isRetryable(error);
        if (!retryable || message.attempt >= options.retryBudget) return { failed: { reason, retryable } };
        const pause = Math.max(
          delayFor(message.attempt),
          error instanceof DownstreamError ? (error.retryAfterMs ?? 0) : 0,
        );
        options.onRetry?.(
          port.system,
          error instanceof DownstreamError && error.status ? String(error.status) : 'unavailable',
        );
        log.warn({ attempt: message.attempt, pauseMs: pause, err: reason }, 'delivery failed; retrying in hand');
        await sleep(pause, stopping.signal);
        message.attempt += 1;
      }
    }
  }

  const delayFor = (attempt: number) => options.retryDelaysMs[Math.min(attempt, options.retryDelaysMs.length) - 1]!;

  async function handle(port: DownstreamPort, msg: AsyncMessage): Promise<Settlement> {
    const message = outboundMessageOf(port, msg);
    const log = logger.child({
      correlationId: message.correlationId,
      system: port.system,
      messageType: message.messageType,
    });
    const outcome = await deliverWithRetries(port, message, log).catch((error: unknown) => {
      // Stopping in the middle of a pause: the message goes back to its queue, still first of its order.
      if (stopping.signal.aborted) return null;
      throw error;
    });
    if (!outcome) return 'requeue';
    if ('receipt' in outcome) {
      if (message.createdAt)
        options.onLatency?.(port.system, message.messageType, (Date.now() - Date.parse(message.createdAt)) / 1000);
      await options.onDelivered(message, outcome.receipt);
      log.debug(
        {
          attempt: message.attempt,
          documentNumber: outcome.receipt.documentNumber,
          replayed: outcome.receipt.replayed,
        },
        'delivered',
      );
      return 'ack';
    }
    log.error({ attempt: message.attempt, err: outcome.failed.reason }, 'delivery failed for good');
    await options.onFailed(message, outcome.failed);
    options.onDeadLettered?.(port.system);
    await sender.send(
      {
        exchange: '',
        routingKey: topology.names.outboundDeadLetter,
        durable: true,
        contentType: msg.contentType,
        messageId: msg.messageId,
        correlationId: msg.correlationId,
        type: msg.type,
        headers: {
          ...msg.headers,
          [HEADERS.attempt]: message.attempt,
          [HEADERS.lastError]: outcome.failed.reason,
          'x-system': port.system,
        },
      },
      msg.body,
    );
    return 'ack';
  }

  const consumers: OrderedConsumer[] = options.ports.flatMap((port) =>
    Array.from({ length: topology.outboundPartitions }, (_, partition) =>
      startOrderedConsumer(
        {
          connection: options.connection,
          declarations: topology.outboundConsumerDeclarations(port.system, partition),
          prefetch: 10,
          logger,
        },
        async (msg) => {
          try {
            return await handle(port, msg);
          } catch (error) {
            logger.error(
              { system: port.system, err: (error as Error).message },
              'outbound message returned to its queue',
            );
            await sleep(1000, stopping.signal).catch(() => undefined);
            return 'requeue';
          }
        },
      ),
    ),
  );

  return {
    async close() {
      stopping.abort();
      await Promise.all(consumers.map((c) => c.close()));
      await sender.close();
    },
  };
}

function outboundMessageOf(port: DownstreamPort, msg: AsyncMessage): OutboundMessage {
  const headers = msg.headers ?? {};
  return {
    id: String(msg.messageId ?? ''),
    system: port.system,
    messageType: String(msg.type ?? ''),
    correlationId: String(msg.correlationId ?? ''),
    idempotencyKey: String(headers[HEADERS.idempotencyKey] ?? msg.messageId ?? ''),
    payload: (typeof msg.body === 'object' && msg.body !== null ? msg.body : {}) as Record<string, unknown>,
    attempt: 1,
    createdAt: typeof headers[HEADERS.createdAt] === 'string' ? headers[HEADERS.createdAt] : null,
    traceparent: typeof headers[HEADERS.traceparent] === 'string' ? headers[HEADERS.traceparent] : '',
    principal: principalOf(headers[HEADERS.principal]),
  };
}

/** The principal header an outbox entry was published with; null for a message from before envelopes. */
function principalOf(header: unknown): PrincipalRef | null {
  try {
    const value = typeof header === 'string' ? (JSON.parse(header) as Partial<PrincipalRef>) : null;
    return value && typeof value.id === 'string'
      ? { id: value.id, name: String(value.name ?? value.id), kind: value.kind ?? 'SYSTEM' }
      : null;
  } catch {
    return null;
  }
}

/** A pause that ends early, rejecting, when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('stopping'));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('stopping'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
