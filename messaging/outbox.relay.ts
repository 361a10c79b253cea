import { randomUUID } from 'node:crypto';
import type { Connection } from 'rabbitmq-client';
import type { Logger } from '../core/ports/logger.port';
import type { OutboxEntry } from '../core/ports/records';
import type { Store } from '../core/ports/store.port';
import { createBoundedPublisher } from './bounded';
import { HEADERS } from './command.envelope';
import type { Topology } from './topology';

export interface OutboxRelayOptions {
  connection: Connection;
  topology: Topology;
  store: Pick<Store, 'claimOutbox' | 'markOutboxPublished'>;
  logger: Logger;
  /** How often to look for entries nobody announced (written by another process, or left by a crash). */
  pollIntervalMs: number;
  batchSize?: number;
  /** How long a claimed batch stays ours; after that another relay may take it over. */
  leaseMs?: number;
  onPublished?: (entries: OutboxEntry[]) => void;
}

export interface OutboxRelay {
  /** Asks for a pass now, because a commit just wrote entries. */
  kick(): void;
  close(): Promise<void>;
}

/**
 * Moves committed outbox entries to the outbound exchange with publisher confirms, then marks them published.
 * At-least-once: a crash between confirm and mark sends an entry again, which is why every entry carries an
 * idempotency key that the receiving connector and system honour.
 */
export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const owner = `relay-${randomUUID()}`;
  // A stuck publish would stop the relay for good: each waits at most the broker timeout; the pass then fails and the
  // next one starts over from the oldest entry this relay still holds, so entries keep their order.
  const publisher = createBoundedPublisher(
    options.connection,
    options.topology.publisherDeclarations,
    'relaying an outbox entry',
  );
  const log = options.logger.child({ component: 'outbox-relay' });
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;

  async function pass(): Promise<void> {
    for (;;) {
      const batch = await options.store.claimOutbox(owner, options.batchSize ?? 100, options.leaseMs ?? 30_000);
      if (batch.length === 0) return;
      for (const entry of batch) {
        await publisher.send(
          {
            exchange: options.topology.names.outbound,
            routingKey: options.topology.outboundRoutingKey(entry.destination, entry.scope, entry.messageType),
            durable: true,
            contentType: 'application/json',
            messageId: entry.id,
            correlationId: entry.correlationId,
            type: entry.messageType,
            headers: {
              [HEADERS.idempotencyKey]: entry.idempotencyKey,
              [HEADERS.createdAt]: entry.createdAt,
              [HEADERS.traceparent]: entry.traceparent,
              [HEADERS.principal]: JSON.stringify(entry.principal),
            },
          },
          entry.payload,
        );
      }
      await options.store.markOutboxPublished(batch.map((e) => e.id));
      options.onPublished?.(batch);
    }
  }

  function kick() {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = pass()
      .catch((error: unknown) =>
        log.warn({ err: (error as Error).message }, 'outbox pass failed; entries stay for the next pass'),
      )
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          kick();
        }
      });
  }

  const timer = setInterval(kick, options.pollIntervalMs);
  timer.unref();
  kick();

  return {
    kick,
    async close() {
      closed = true;
      clearInterval(timer);
      await running;
      await publisher.close();
    },
  };
}
