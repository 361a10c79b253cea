import type { AsyncMessage, Connection } from 'rabbitmq-client';
import { errorCodeOf, isRetryable } from '../core/errors';
import type { Logger } from '../core/ports/logger.port';
import type { Store } from '../core/ports/store.port';
import type { CommandProcessor, ProcessOutcome } from '../core/workflow/command.processor';
import type { InboundMessage } from '../core/workflow/inbound-message';
import { createBoundedPublisher } from './bounded';
import { decodeCommand, HEADERS, NewerSchemaError } from './command.envelope';
import { batchHandler } from './command.batches';
import { startOrderedBatchConsumer, type OrderedConsumer } from './ordered.consumer';
import type { Topology } from './topology';

/** What the consumer reports; monitoring implements it. */
export interface ConsumerObserver {
  processed(
    plant: string,
    messageType: string,
    outcome: ProcessOutcome['status'] | 'redelivered',
    seconds: number,
    receivedAt: string,
  ): void;
  retried(messageType: string, reason: string): void;
  deadLettered(messageType: string, reason: string): void;
  refused(plant: string, type: string, rule: string): void;
  held(plant: string, rule: string): void;
  /** A run of messages was applied in one store transaction. */
  batched(messages: number): void;
}

export interface CommandConsumerOptions {
  connection: Connection;
  topology: Topology;
  store: Store;
  /** The processor working on a store: the store itself, or a batch's view of it. */
  processorFor: (store: Store) => CommandProcessor;
  /** Most messages of one partition applied in one store transaction (a batch); 1 applies each on its own. */
  batchSize: number;
  /** Message types applied on their own, never in a batch (their follow-ups must see their commit). */
  unbatched?: (messageType: string) => boolean;
  logger: Logger;
  observer: ConsumerObserver;
  /** Attempts a message gets, the first delivery included, before it is dead-lettered. */
  retryBudget: number;
  prefetch: number;
  /** Quick retries in hand before a transient failure goes to the broker's retry queue, which can reorder. */
  inProcessRetries?: number;
  /** Starts of a redelivered message after which it is isolated as poison instead of processed again. */
  poisonLimit: number;
  /** The newest message schema this worker reads (SCHEMA_VERSION; a test build may read ahead). */
  readsSchema?: number;
  /**
   * A partition's next message is of a newer schema than this worker reads: the worker steps aside from the
   * partition (the membership hands it to a worker that reads it); the message went back to its queue.
   */
  onNewerSchema?: (partition: number, schemaVersion: number) => void;
}

export interface CommandConsumers {
  /**
   * Consumes exactly these partition queues from now on: new ones are subscribed to, the others handed over
   * (the message in hand finished, everything prefetched returned in order).
   */
  hold(partitions: number[]): void;
  /** The partition queues this worker holds (consumes, or is about to once a hand-over to it finished). */
  held(): number[];
  /** Stops taking messages and waits for the ones in hand to finish. */
  close(): Promise<void>;
}

/**
 * One consumer per partition queue this worker holds, applying its messages strictly in delivery order (in batches
 * that share one store transaction, command.batches.ts), so an order's messages are applied in order. A message is
 * acknowledged only after its outcome is committed. Failures go back through the broker: to a retry tier while
 * budget remains, then to the dead-letter queue with an exception record.
 */
export function startCommandConsumers(options: CommandConsumerOptions): CommandConsumers {
  const { connection, topology, logger, observer } = options;
  const sender = createBoundedPublisher(
    connection,
    topology.publisherDeclarations,
    'moving a command to a retry or dead-letter queue',
  );

  async function retryLater(
    msg: AsyncMessage,
    inbound: InboundMessage,
    reason: string,
    reasonCode: string,
    store: Store,
  ) {
    await store.recordAttempt(inbound.envelope.correlationId, inbound.attempt, reason).catch(() => undefined);
    const queue = topology.retryQueueFor(inbound.attempt);
    await sender.send(
      {
        ...forwardedProperties(msg),
        routingKey: queue,
        headers: { ...msg.headers, [HEADERS.attempt]: inbound.attempt + 1, [HEADERS.lastError]: reason },
      },
      msg.body,
    );
    observer.retried(inbound.envelope.command.messageType, reasonCode);
  }

  async function deadLetter(msg: AsyncMessage, reason: string, messageType: string, reasonCode: string) {
    await sender.send(
      {
        ...forwardedProperties(msg),
        routingKey: topology.names.deadLetter,
        headers: { ...msg.headers, [HEADERS.lastError]: reason },
      },
      msg.body,
    );
    observer.deadLettered(messageType, reasonCode);
  }

  async function handle(msg: AsyncMessage, on: Store, partition: number): Promise<void> {
    const processor = options.processorFor(on);
    const started = process.hrtime.bigint();
    let inbound: InboundMessage;
    try {
      inbound = decodeCommand(msg, options.readsSchema);
    } catch (error) {
      if (error instanceof NewerSchemaError) {
        // Not dead-lettered: it goes back (with everything after it, in order) for a worker that reads it.
        logger.warn({ partition, schemaVersion: error.schemaVersion, reads: error.reads }, error.message);
        options.onNewerSchema?.(partition, error.schemaVersion);
        throw error;
      }
      // Nothing to apply and nothing to retry: keep it where a person can see it.
      const reason = (error as Error).message;
      logger.error(
        { messageId: msg.messageId, correlationId: msg.correlationId, err: reason },
        'unreadable message dead-lettered',
      );
      await processor.unreadable({
        messageId: String(msg.messageId ?? ''),
        correlationId: String(msg.correlationId ?? ''),
        messageType: String(msg.type ?? 'unknown'),
        body: msg.body,
        reason,
      });
      await deadLetter(msg, reason, String(msg.type ?? 'unknown'), reasonClass(error));
      return;
    }
    const { envelope } = inbound;
    const log = logger.child({ correlationId: envelope.correlationId, messageType: envelope.command.messageType });
    if (msg.redelivered && (await isPoison(inbound, log, on, processor))) {
      await deadLetter(msg, 'isolated as poison', envelope.command.messageType, 'poison');
      return;
    }
    try {
      const outcome = await processWithQuickRetries(inbound, processor);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const { plant } = envelope.scope;
      observer.processed(
        plant,
        envelope.command.messageType,
        outcome.alreadyProcessed ? 'redelivered' : outcome.status,
        seconds,
        envelope.receivedAt,
      );
      if (outcome.refusal && !outcome.alreadyProcessed)
        observer.refused(plant, outcome.refusal.type, outcome.refusal.rule);
      if (outcome.heldBy) observer.held(plant, outcome.heldBy);
      for (const released of outcome.released)
        if (released.refusal) observer.refused(plant, released.refusal.type, released.refusal.rule);
      log.debug({ status: outcome.status, attempt: inbound.attempt }, 'message processed');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (isRetryable(error) && inbound.attempt < options.retryBudget) {
        log.warn({ attempt: inbound.attempt, err: reason }, 'processing failed, retrying later');
        await retryLater(msg, inbound, reason, reasonClass(error), on);
        return;
      }
      log.error({ attempt: inbound.attempt, err: reason }, 'processing failed for good, dead-lettering');
      await processor.fail(inbound, {
        rule: 'processing.retry-budget',
        reason: `Processing failed ${inbound.attempt} times; last error: ${reason}`,
      });
      await deadLetter(msg, reason, envelope.command.messageType, reasonClass(error));
    }
  }

  /**
   * A redelivered message may be one whose processing killed the worker (a crash is not an error this code could
   * catch): each start of it is counted before processing, and past the limit it is given up on with a PROCESSING
   * exception instead of killing the next worker too. The count is written only for redeliveries, so the normal
   * path pays nothing; prefetched messages a stopping worker handed back count once and go on.
   */
  async function isPoison(
    inbound: InboundMessage,
    log: Logger,
    store: Store,
    processor: CommandProcessor,
  ): Promise<boolean> {
    const starts = await store.countRedeliveredStart(inbound.envelope.correlationId);
    if (starts <= options.poisonLimit) return false;
    const reason = `Delivered ${starts + 1} times and never finished: the worker died or was stopped while processing it each time. Isolated so that it cannot stop its partition; the original payload is kept.`;
    log.error({ starts }, 'poison message isolated');
    await processor.fail(inbound, { rule: 'processing.poison', reason });
    return true;
  }

  /**
   * A transient failure (a locked store, a write conflict) usually passes within milliseconds: retrying while the
   * message is in hand keeps its order's later messages behind it. Only a failure that outlasts these goes back
   * through the broker with backoff.
   */
  async function processWithQuickRetries(inbound: InboundMessage, processor: CommandProcessor) {
    const tries = options.inProcessRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        return await processor.process(inbound);
      } catch (error) {
        if (!isRetryable(error) || attempt >= tries) throw error;
        await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      }
    }
  }

  const handleBatchOf = (partition: number) =>
    batchHandler({
      store: options.store,
      logger,
      handle: (msg, on) => handle(msg, on, partition),
      onBatch: (messages) => observer.batched(messages),
      // A redelivered message is applied on its own: its start must be counted durably before it runs (poison
      // detection), and after a crash the messages it was batched with are applied one by one until it is found.
      alone: (msg) => msg.redelivered || (options.unbatched?.(String(msg.type ?? '')) ?? false),
    });

  const consumers = new Map<number, OrderedConsumer>();
  /** Partitions being handed over: one taken back waits until its hand-over finished. */
  const releasing = new Map<number, Promise<void>>();
  let wanted = new Set<number>();
  let closed = false;

  function release(partition: number) {
    const consumer = consumers.get(partition)!;
    consumers.delete(partition);
    const done = consumer.close().finally(() => releasing.delete(partition));
    releasing.set(partition, done);
  }

  async function take(partition: number) {
    await releasing.get(partition);
    if (closed || !wanted.has(partition) || consumers.has(partition)) return;
    consumers.set(
      partition,
      startOrderedBatchConsumer(
        {
          connection,
          declarations: topology.partitionConsumerDeclarations(partition),
          prefetch: options.prefetch,
          batchSize: options.batchSize,
          logger,
        },
        handleBatchOf(partition),
      ),
    );
  }

  return {
    hold(partitions) {
      if (closed) return;
      wanted = new Set(partitions);
      for (const partition of [...consumers.keys()]) if (!wanted.has(partition)) release(partition);
      for (const partition of wanted) if (!consumers.has(partition)) void take(partition);
    },
    held: () => [...wanted].sort((a, b) => a - b),
    async close() {
      closed = true;
      await Promise.all([...consumers.values()].map((c) => c.close()));
      await Promise.all(releasing.values());
      consumers.clear();
      await sender.close();
    },
  };
}

function forwardedProperties(msg: AsyncMessage) {
  return {
    exchange: '',
    durable: true,
    contentType: msg.contentType,
    messageId: msg.messageId,
    correlationId: msg.correlationId,
    type: msg.type,
    timestamp: msg.timestamp,
  };
}

/** A low-cardinality label for a failure: its error code (store_unavailable, concurrent_modification, …). */
function reasonClass(error: unknown): string {
  return errorCodeOf(error).toLowerCase();
}
