import { Connection, type ConsumerProps, type PublisherProps } from 'rabbitmq-client';
import { HEADERS } from './command.envelope';
import { partitionOf } from './partition';

export interface TopologyOptions {
  /** Prefix of every exchange and queue name: lets several installations, or tests, share one broker. */
  prefix: string;
  partitions: number;
  /** Backoff delays of the retry tiers, shortest first. */
  retryDelaysMs: number[];
  /** Partition queues per external system: one order's outbound messages share one, and go out in order. */
  outboundPartitions?: number;
  queueType: 'quorum' | 'classic';
  /**
   * Plants with an edge gateway: their MES-bound messages go to a queue per plant (`<prefix>.edge.<plant>.mes`),
   * from which the edge's shovel takes them to the plant broker, instead of to the central MES connector.
   */
  edgePlants?: readonly string[];
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
 * - outbound (topic exchange): what the outbox relay sends to ERP, MES and QMS, routed by `<system>.p<N>.<type>`
 *   to a partition queue per system and order hash (single active consumer: one order's postings go out one at a
 *   time, in the order they were decided; retries happen in hand, never through a queue that could reorder them),
 *   and a dead-letter queue for deliveries that ran out of budget or were refused;
 * - workers (fanout exchange): every worker's presence beats, each received on the worker's own exclusive queue,
 *   from which the workers share the partition queues out evenly (worker-membership.ts).
 */
export function createTopology(options: TopologyOptions) {
  const { prefix } = options;
  const names = {
    commands: `${prefix}.commands`,
    outbound: `${prefix}.outbound`,
    deadLetter: `${prefix}.dead-letter`,
    partition: (index: number) => `${prefix}.commands.p${index}`,
    retry: (delayMs: number) => `${prefix}.retry.${delayMs}ms`,
    outboundQueue: (system: OutboundSystem, partition: number) => `${prefix}.outbound.${system}.p${partition}`,
    outboundDeadLetter: `${prefix}.outbound.dead-letter`,
    workers: `${prefix}.workers`,
    presence: (workerId: string) => `${prefix}.workers.${workerId}`,
    edgeMes: (plant: string) => `${prefix}.edge.${plant}.mes`,
  };
  const edgePlants = options.edgePlants ?? [];
  const outboundPartitions = Array.from({ length: options.outboundPartitions ?? 4 }, (_, i) => i);
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
    { exchange: names.workers, type: 'fanout', durable: true },
  ];
  const outboundQueue = (system: OutboundSystem, partition: number): QueueDeclaration => ({
    queue: names.outboundQueue(system, partition),
    durable: true,
    arguments: { ...typeArgs, 'x-single-active-consumer': true },
  });
  const outboundBinding = (system: OutboundSystem, partition: number): QueueBinding => ({
    exchange: names.outbound,
    queue: names.outboundQueue(system, partition),
    routingKey: `${system}.p${partition}.#`,
  });
  const everyOutboundPartition = <T>(make: (system: OutboundSystem, partition: number) => T) =>
    OUTBOUND_SYSTEMS.flatMap((system) => outboundPartitions.map((p) => make(system, p)));
  const queues: QueueDeclaration[] = [
    ...partitionIndexes.map(partitionQueue),
    ...options.retryDelaysMs.map((delayMs) => ({
      queue: names.retry(delayMs),
      durable: true,
      arguments: { ...typeArgs, 'x-message-ttl': delayMs, 'x-dead-letter-exchange': names.commands },
    })),
    { queue: names.deadLetter, durable: true, arguments: typeArgs },
    ...everyOutboundPartition(outboundQueue),
    { queue: names.outboundDeadLetter, durable: true, arguments: typeArgs },
    // Classic and without arguments: the edge's shovel declares its source queue the same way, and must agree.
    ...edgePlants.map((plant) => ({ queue: names.edgeMes(plant), durable: true })),
  ];
  const partitionBinding = (index: number): QueueBinding => ({
    exchange: names.commands,
    queue: names.partition(index),
    arguments: { 'x-match': 'all', [HEADERS.partition]: String(index) },
  });
  const queueBindings: QueueBinding[] = [
    ...partitionIndexes.map(partitionBinding),
    ...everyOutboundPartition(outboundBinding),
    ...edgePlants.map((plant) => ({
      exchange: names.outbound,
      queue: names.edgeMes(plant),
      routingKey: `edge.${plant}.mes.#`,
    })),
  ];

  return {
    names,
    partitions: options.partitions,
    /** Everything, for the confirming publisher. */
    publisherDeclarations: { exchanges, queues, queueBindings } satisfies Pick<
      PublisherProps,
      'exchanges' | 'queues' | 'queueBindings'
    >,
    outboundPartitions: outboundPartitions.length,
    /**
     * Where an outbound message of an order goes: its system's partition for the order; for the MES of a plant with
     * an edge, that plant's edge queue (the central MES connector never sees it: MES gets it once, by one path).
     */
    outboundRoutingKey(
      system: OutboundSystem,
      scope: { plant: string; orderNumber: string },
      messageType: string,
    ): string {
      if (system === 'mes' && edgePlants.includes(scope.plant)) return `edge.${scope.plant}.mes.${messageType}`;
      return `${system}.p${partitionOf(scope.plant, scope.orderNumber, outboundPartitions.length)}.${messageType}`;
    },
    /** The outbound partition queues of one system. */
    outboundQueues(system: OutboundSystem): string[] {
      return outboundPartitions.map((p) => names.outboundQueue(system, p));
    },
    /** What one outbound partition consumer needs to exist before it subscribes. */
    outboundConsumerDeclarations(
      system: OutboundSystem,
      partition: number,
    ): Pick<ConsumerProps, 'queue' | 'queueOptions' | 'exchanges' | 'queueBindings'> {
      const { queue, ...queueOptions } = outboundQueue(system, partition);
      return {
        queue: queue!,
        queueOptions: { queue, ...queueOptions },
        exchanges: [exchanges[1]!],
        queueBindings: [outboundBinding(system, partition)],
      };
    },
    /** What one partition consumer needs to exist before it subscribes. */
    partitionConsumerDeclarations(
      index: number,
    ): Pick<ConsumerProps, 'queue' | 'queueOptions' | 'exchanges' | 'queueBindings'> {
      const { queue, ...queueOptions } = partitionQueue(index);
      return {
        queue: queue!,
        queueOptions: { queue, ...queueOptions },
        exchanges: [exchanges[0]!],
        queueBindings: [partitionBinding(index)],
      };
    },
    /** The retry tier for the given attempt number (1 = first retry), the longest tier once they run out. */
    retryQueueFor(retryNumber: number): string {
      const delays = options.retryDelaysMs;
      return names.retry(delays[Math.min(retryNumber, delays.length) - 1]!);
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
export async function declareTopology(
  connection: Connection,
  topology: { publisherDeclarations: Pick<PublisherProps, 'exchanges' | 'queues' | 'queueBindings'> },
): Promise<void> {
  const { exchanges = [], queues = [], queueBindings = [] } = topology.publisherDeclarations;
  for (const exchange of exchanges) await connection.exchangeDeclare(exchange);
  for (const queue of queues) await connection.queueDeclare(queue);
  for (const binding of queueBindings) await connection.queueBind(binding);
}

/** Deletes every queue and exchange of a topology: for tests, benchmarks and the demo, which own theirs. */
export async function deleteTopology(
  connection: Connection,
  topology: Pick<Topology, 'allQueues' | 'allExchanges'>,
): Promise<void> {
  for (const queue of topology.allQueues()) await connection.queueDelete({ queue });
  for (const exchange of topology.allExchanges()) await connection.exchangeDelete({ exchange });
}

/** The same, on a connection of its own to `url`, opened and closed around the deletion. */
export async function deleteTopologyAt(
  url: string,
  topology: Pick<Topology, 'allQueues' | 'allExchanges'>,
): Promise<void> {
  const connection = new Connection({ url, noDelay: true });
  try {
    await connection.onConnect(10_000);
    await deleteTopology(connection, topology);
  } finally {
    await connection.close();
  }
}
