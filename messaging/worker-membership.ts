import type { AsyncMessage, Connection } from 'rabbitmq-client';
import type { Logger } from '../core/ports/logger.port';
import { bounded } from './bounded';
import type { Member } from './partition-assignment';

/** Beats a worker misses before the others count it gone and take over its partitions. */
const MISSED_BEATS = 3;

export interface MembershipOptions {
  connection: Connection;
  /** The installation's fanout exchange every worker's presence goes through. */
  exchange: string;
  /** This worker's id; its presence queue is named after it. */
  workerId: string;
  /** Presence queue name, unique to this worker. */
  queue: string;
  heartbeatMs: number;
  logger: Logger;
  /** Called with every live worker (this one included), sorted by id, whenever that set or their asides change. */
  onChange(members: Member[]): void;
}

export interface Membership {
  members(): string[];
  /**
   * This worker gives up a partition for good (its next message is of a schema newer than it reads): the others
   * hear it with the next beat, sent at once, and deal the partition among themselves.
   */
  stepAside(partition: number): void;
  /** Tells the others this worker leaves, so that they take its partitions at once instead of after a timeout. */
  leave(): Promise<void>;
}

type Presence = { worker: string; kind: 'alive' | 'hello' | 'leaving'; aside?: number[] };

/**
 * Presence over the broker: each worker publishes a beat to a fanout exchange every `heartbeatMs` and receives
 * everyone's beats on a queue of its own (exclusive, so it disappears with the worker's connection). A worker not
 * heard from for three beats is gone; one that says it leaves is gone at once; a newcomer says hello and every
 * member answers at once, so that it learns the membership within a round trip. Membership only balances the
 * load: ordering never depends on it, because the partition queues are single-active-consumer and a hand-over
 * returns the messages in hand ahead of the rest (see ordered.consumer.ts).
 */
export async function joinMembership(options: MembershipOptions): Promise<Membership> {
  const { connection, exchange, workerId, heartbeatMs, logger } = options;
  const lastSeen = new Map<string, number>([[workerId, Date.now()]]);
  const asides = new Map<string, number[]>([[workerId, []]]);
  let reported = '';
  const publisher = connection.createPublisher({
    confirm: false,
    exchanges: [{ exchange, type: 'fanout', durable: true }],
  });
  const say = (kind: Presence['kind']) =>
    publisher
      .send({ exchange, routingKey: '', durable: false, expiration: String(heartbeatMs * MISSED_BEATS) }, {
        worker: workerId,
        kind,
        aside: asides.get(workerId),
      } satisfies Presence)
      .catch((error: unknown) => logger.warn({ err: (error as Error).message }, 'presence beat not sent'));

  function report() {
    const now = Date.now();
    lastSeen.set(workerId, now);
    for (const [worker, at] of lastSeen) if (now - at > heartbeatMs * MISSED_BEATS) lastSeen.delete(worker);
    const members = [...lastSeen.keys()].sort().map((id) => ({ id, aside: asides.get(id) ?? [] }));
    const summary = JSON.stringify(members);
    if (summary === reported) return;
    reported = summary;
    logger.info({ workers: members.length }, 'worker membership changed');
    options.onChange(members);
  }

  function heard(msg: AsyncMessage) {
    const presence = msg.body as Partial<Presence>;
    if (typeof presence?.worker !== 'string' || presence.worker === workerId) return;
    if (presence.kind === 'leaving') lastSeen.delete(presence.worker);
    else {
      // An older worker's beat names no asides: it has stepped aside from nothing.
      asides.set(presence.worker, Array.isArray(presence.aside) ? presence.aside.filter(Number.isInteger) : []);
      if (!lastSeen.has(presence.worker) && presence.kind === 'hello') void say('alive');
      lastSeen.set(presence.worker, Date.now());
    }
    report();
  }

  const consumer = connection.createConsumer(
    {
      queue: options.queue,
      noAck: true,
      queueOptions: { queue: options.queue, exclusive: true, autoDelete: true, durable: false },
      exchanges: [{ exchange, type: 'fanout', durable: true }],
      queueBindings: [{ exchange, queue: options.queue, routingKey: '' }],
    },
    heard,
  );
  consumer.on('error', (error: unknown) =>
    logger.warn({ err: (error as Error).message }, 'presence queue lost; subscribing again'),
  );
  await bounded(
    new Promise<void>((resolve) => consumer.once('ready', () => resolve())),
    30_000,
    'joining the worker membership',
  ).catch(async (error: unknown) => {
    await consumer.close();
    await publisher.close();
    throw error;
  });
  await say('hello');
  // The members answer a hello at once: wait a moment for them before taking a share.
  await new Promise((resolve) => setTimeout(resolve, Math.min(300, heartbeatMs)));
  report();
  const beat = setInterval(() => {
    void say('alive');
    report();
  }, heartbeatMs);
  beat.unref();

  return {
    members: () => [...lastSeen.keys()].sort(),
    stepAside(partition) {
      const mine = asides.get(workerId)!;
      if (mine.includes(partition)) return;
      asides.set(
        workerId,
        [...mine, partition].sort((a, b) => a - b),
      );
      void say('alive');
      report();
    },
    async leave() {
      clearInterval(beat);
      await say('leaving');
      await consumer.close();
      await publisher.close();
    },
  };
}
