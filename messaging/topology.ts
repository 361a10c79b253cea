import { Connection, type ConsumerProps, type PublisherProps } from 'rabbitmq-client';
import { HEADERS } from './command.envelope';

export interface TopologyOptions {
  /** Prefix of every exchange and queue name: lets several installations, or tests, share one broker. */
  prefix: string;
  partitions: number;
  /** Backoff delays of the retry tiers, shortest first. */
  retryDelaysMs: number[];
  /** Backoff delays of the outbound retry tiers (deliveries to ERP, MES, QMS), shortest first. */
  outboundRetryDelaysMs?: number[];
  queueType: 'quorum' | 'classic';
}

export const OUTBOUND_SYSTEMS = ['erp', 'mes', 'qms'] as const;
export type OutboundSystem = (typeof OUTBOUND_SYSTEMS)[number];

type QueueDeclaration = NonNullable<PublisherProps['queues']>[number];
type ExchangeDeclaration = NonNullable<PublisherProps['exchanges']>[number];
type QueueBinding = NonNullable<PublisherProps['queueBindings']>[number];

/**
 * All exchanges, queues and bindings, declared in this one place. Publishers and consumers pass these
 * declarations to rabbitmq-client, which re-declares them on every reconnect.
 *
 * - commands (headers exchange): routes on the partition header, so a message coming back from a retry
 *   queue finds its partition again whatever routing key it had;
 * - partition queues: single active consumer, so each order's messages are applied in order;
 * - retry tiers: a queue per backoff delay whose expired messages dead-letter back into commands;
 * - dead-letter queue: messages whose retry budget is spent, kept for inspection and replay;
 * - outbound (topic exchange): what the outbox relay sends to ERP, MES and QMS connectors, with retry tiers of
 *   their own (a fanout exchange per tier keeps the <system>.<type> routing key for the way back) and a
 *   dead-letter queue for deliveries that ran out of budget or were refused.
 */
export function createTopology(options: TopologyOptions) {
  const { prefix } = options;
  const names = {
    commands: `${prefix}.commands`,
    outbound: `${prefix}.outbound`,
    deadLetter: `${prefix}.dead-letter`,
    partition: (index: number) => `${prefix}.commands.p${index}`,
    retry: (delayMs: number) => `${prefix}.retry.${delayMs}ms`,
    outboundQueue: (system: OutboundSystem) => `${prefix}.outbound.${system}`,
    outboundRetry: (delayMs: number) => `${prefix}.outbound.retry.${delayMs}ms`,
    outboundDeadLetter: `${prefix}.outbound.dead-letter`,
  };
  const outboundDelays = options.outboundRetryDelaysMs ?? [1000, 5000, 30000];
  const typeArgs = { 'x-queue-type': options.queueType };
  const partitionIndexes = Array.from({ length: options.partitions }, (_, i) => i);

  const partitionQueue = (index: number): QueueDeclaration => ({
    queue: names.partition(index),
    durable: true,
    arguments: { ...typeArgs, 'x-single-active-consumer': true },
  });
  const exchanges: ExchangeDeclaration[] = [
    { exchange: names.commands, type: 'headers', durable: true },
    { exchange: names.outbound, type: 'topic', durable: true },
    ...outboundDelays.map((delayMs) => ({ exchange: names.outboundRetry(delayMs), type: 'fanout', durable: true })),
  ];
  const queues: QueueDeclaration[] = [
    ...partitionIndexes.map(partitionQueue),
    ...options.retryDelaysMs.map((delayMs) => ({
      queue: names.retry(delayMs),
      durable: true,
      arguments: { ...typeArgs, 'x-message-ttl': delayMs, 'x-dead-letter-exchange': names.commands },
    })),
    { queue: names.deadLetter, durable: true, arguments: typeArgs },
    ...OUTBOUND_SYSTEMS.map((system) => ({ queue: names.outboundQueue(system), durable: true, arguments: typeArgs })),
    ...outboundDelays.map((delayMs) => ({
      queue: names.outboundRetry(delayMs),
      durable: true,
      arguments: { ...typeArgs, 'x-message-ttl': delayMs, 'x-dead-letter-exchange': names.outbound },
    })),
    { queue: names.outboundDeadLetter, durable: true, arguments: typeArgs },
  ];
  const partitionBinding = (index: number): QueueBinding => ({
    exchange: names.commands,
    queue: names.partition(index),
    arguments: { 'x-match': 'all', [HEADERS.partition]: String(index) },
  });
  const queueBindings: QueueBinding[] = [
    ...partitionIndexes.map(partitionBinding),
    ...OUTBOUND_SYSTEMS.map((system) => ({ exchange: names.outbound, queue: names.outboundQueue(system), routingKey: `${system}.#` })),
    ...outboundDelays.map((delayMs) => ({ exchange: names.outboundRetry(delayMs), queue: names.outboundRetry(delayMs), routingKey: '' })),
  ];

  return {
    names,
    partitions: options.partitions,
    /** Everything, for the confirming publisher. */
    publisherDeclarations: { exchanges, queues, queueBindings } satisfies Pick<PublisherProps, 'exchanges' | 'queues' | 'queueBindings'>,
    /** What one outbound consumer needs to exist before it subscribes. */
    outboundConsumerDeclarations(system: OutboundSystem): Pick<ConsumerProps, 'queue' | 'queueOptions'> {
      const queue = names.outboundQueue(system);
      return { queue, queueOptions: { queue, durable: true, arguments: typeArgs } };
    },
    /** What one partition consumer needs to exist before it subscribes. */
    partitionConsumerDeclarations(index: number): Pick<ConsumerProps, 'queue' | 'queueOptions' | 'exchanges' | 'queueBindings'> {
      const { queue, ...queueOptions } = partitionQueue(index);
      return { queue: queue!, queueOptions: { queue, ...queueOptions }, exchanges: [exchanges[0]!], queueBindings: [partitionBinding(index)] };
    },
    /** The retry tier for the given attempt number (1 = first retry), the longest tier once they run out. */
    retryQueueFor(retryNumber: number): string {
      const delays = options.retryDelaysMs;
      return names.retry(delays[Math.min(retryNumber, delays.length) - 1]!);
    },
    /** The outbound retry tier for a retry number, or the shortest tier that waits at least `atLeastMs`. */
    outboundRetryFor(retryNumber: number, atLeastMs = 0): string {
      const byNumber = outboundDelays[Math.min(retryNumber, outboundDelays.length) - 1]!;
      const delay = outboundDelays.find((d) => d >= Math.max(byNumber, atLeastMs)) ?? outboundDelays.at(-1)!;
      return names.outboundRetry(delay);
    },
    /** Every queue name, for tests and tools that clean up. */
    allQueues(): string[] {
      return queues.map((q) => q.queue!);
    },
    allExchanges(): string[] {
      return exchanges.map((e) => e.exchange!);
    },
  };
}

export type Topology = ReturnType<typeof createTopology>;

/**
 * Declares the whole topology once at start, so that nothing published before the first consumer is ready
 * can be unroutable. Publishers and consumers declare their parts again after every reconnect.
 */
export async function declareTopology(connection: Connection, topology: Topology): Promise<void> {
  const { exchanges, queues, queueBindings } = topology.publisherDeclarations;
  for (const exchange of exchanges) await connection.exchangeDeclare(exchange);
  for (const queue of queues) await connection.queueDeclare(queue);
  for (const binding of queueBindings) await connection.queueBind(binding);
}

/** Deletes every queue and exchange of a topology: for tests, benchmarks and the demo, which own theirs. */
export async function deleteTopology(connection: Connection, topology: Topology): Promise<void> {
  for (const queue of topology.allQueues()) await connection.queueDelete({ queue });
  for (const exchange of topology.allExchanges()) await connection.exchangeDelete({ exchange });
}

/** The same, on a connection of its own to `url`, opened and closed around the deletion. */
export async function deleteTopologyAt(url: string, topology: Topology): Promise<void> {
  const connection = new Connection({ url, noDelay: true });
  try {
    await connection.onConnect(10_000);
    await deleteTopology(connection, topology);
  } finally {
    await connection.close();
  }
}
