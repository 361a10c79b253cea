import type { AsyncMessage, Channel, Connection, ConsumerProps } from 'rabbitmq-client';
import type { Logger } from '../core/ports/logger.port';
import { bounded } from './bounded';

const SUBSCRIBE_TIMEOUT_MS = 30_000;

/**
 * What the handler decided: acknowledge; give the message back to the queue for a later delivery; or leave it (and
 * every message after it) for another consumer: this one stops, and its channel's close returns them in order.
 */
export type Settlement = 'ack' | 'requeue' | 'leave';

export interface OrderedConsumerOptions {
  connection: Connection;
  /** The queue and what must exist before subscribing (declared again after every reconnect). */
  declarations: Pick<ConsumerProps, 'queue' | 'queueOptions' | 'exchanges' | 'queueBindings'>;
  prefetch: number;
  logger: Logger;
  /** Resubscribe delays after the channel was lost, shortest first; the last repeats. */
  retryDelaysMs?: number[];
  /** Most messages handed to the handler at once (those already delivered and waiting, in order); 1 unless set. */
  batchSize?: number;
}

export interface OrderedConsumer {
  /** Finishes the message in hand, then hands the queue over with everything prefetched still in order. */
  close(): Promise<void>;
}

/**
 * Consumes one queue strictly one message at a time, in delivery order, and hands it over without reordering.
 *
 * rabbitmq-client's Consumer closes by cancelling first and closing its channel after the message in hand is done:
 * between the two, single active consumer already delivers the queue's later messages to the next consumer while
 * the prefetched earlier ones are still held here, so an order's later message could overtake an earlier one on
 * every graceful hand-over. Here closing the channel is the hand-over: the broker cancels the subscription and
 * returns every unacknowledged message in one step, ahead of the rest, before any other consumer becomes active.
 */
export function startOrderedConsumer(
  options: OrderedConsumerOptions,
  handle: (msg: AsyncMessage) => Promise<Settlement>,
): OrderedConsumer {
  return startOrderedBatchConsumer({ ...options, batchSize: 1 }, async ([msg]) => [await handle(msg!)]);
}

/**
 * The same, handing the handler up to `batchSize` messages at a time: the ones delivered and not yet handled, in
 * delivery order. The handler answers a settlement per message, in the same order; they are settled after it
 * returned, so a batch is acknowledged only once the handler is done with all of it (one multiple ack when every
 * message is acknowledged). A quiet queue gives batches of one: batching never waits for messages.
 */
export function startOrderedBatchConsumer(
  options: OrderedConsumerOptions,
  handleBatch: (msgs: AsyncMessage[]) => Promise<Settlement[]>,
): OrderedConsumer {
  const { connection, declarations, logger } = options;
  const delays = options.retryDelaysMs ?? [250, 1000, 2000];
  let channel: Channel | null = null;
  let buffer: AsyncMessage[] = [];
  let inHand: Promise<void> | null = null;
  let closing = false;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | null = null;
  let subscribing: Promise<void> | null = null;

  const batchSize = options.batchSize ?? 1;

  function pump(ch: Channel) {
    if (inHand || closing || ch !== channel) return;
    const batch = buffer.splice(0, batchSize);
    if (!batch.length) return;
    inHand = settle(ch, batch).finally(() => {
      inHand = null;
      // The channel may have been replaced while this message was in hand: the new one's deliveries (this message
      // again among them, redelivered) waited for it, and go on now.
      if (channel) pump(channel);
    });
  }

  async function settle(ch: Channel, batch: AsyncMessage[]) {
    const outcomes: Settlement[] = await handleBatch(batch).catch((error: unknown) => {
      logger.error(
        { queue: declarations.queue, err: (error as Error).message },
        'handler failed; messages returned to their queue',
      );
      return batch.map((): Settlement => 'requeue');
    });
    // An ack must go on the channel the message came on; if that channel is gone the broker has redelivered it.
    if (!ch.active) return;
    const left = outcomes.indexOf('leave');
    if (left >= 0) return leave(ch, batch, left);
    try {
      if (outcomes.every((outcome) => outcome === 'ack')) {
        ch.basicAck({ deliveryTag: batch.at(-1)!.deliveryTag, multiple: batch.length > 1 });
        return;
      }
      batch.forEach((msg, i) => {
        if (outcomes[i] === 'ack') ch.basicAck({ deliveryTag: msg.deliveryTag });
        else ch.basicNack({ deliveryTag: msg.deliveryTag, requeue: true });
      });
    } catch (error) {
      logger.warn(
        { queue: declarations.queue, err: (error as Error).message },
        'could not settle a message; the broker redelivers it',
      );
    }
  }

  /**
   * Acknowledges what came before the message left, then stops consuming: closing the channel returns that message
   * and everything prefetched after it in one step, ahead of the rest (a nack could put it behind them).
   */
  async function leave(ch: Channel, batch: AsyncMessage[], left: number) {
    closing = true;
    if (left > 0) ch.basicAck({ deliveryTag: batch[left - 1]!.deliveryTag, multiple: true });
    if (channel === ch) channel = null;
    buffer = [];
    await ch.close().catch(() => undefined);
  }

  async function subscribe() {
    const ch = await connection.acquire();
    channel = ch;
    buffer = [];
    ch.once('close', () => {
      if (channel !== ch) return;
      channel = null;
      buffer = [];
      if (!closing) scheduleSubscribe();
    });
    try {
      // Bounded like every wait on the broker: a set-up that hangs while the broker restarts is abandoned and retried.
      await bounded(
        (async () => {
          if (declarations.queueOptions) await ch.queueDeclare(declarations.queueOptions);
          for (const exchange of declarations.exchanges ?? []) await ch.exchangeDeclare(exchange);
          for (const binding of declarations.queueBindings ?? []) await ch.queueBind(binding);
          await ch.basicQos({ prefetchCount: options.prefetch });
        })(),
        SUBSCRIBE_TIMEOUT_MS,
        `subscribing to ${declarations.queue}`,
      );
      if (closing) return void (await ch.close());
      await bounded(
        ch.basicConsume({ queue: declarations.queue! }, (msg) => {
          buffer.push(msg);
          pump(ch);
        }),
        SUBSCRIBE_TIMEOUT_MS,
        `subscribing to ${declarations.queue}`,
      );
      failures = 0;
    } catch (error) {
      if (ch.active) await ch.close().catch(() => undefined);
      throw error;
    }
  }

  function startSubscribing() {
    subscribing = subscribe().then(
      () => void (subscribing = null),
      (error: unknown) => {
        subscribing = null;
        logger.warn({ queue: declarations.queue, err: (error as Error).message }, 'could not subscribe; trying again');
        scheduleSubscribe();
      },
    );
  }

  /** After a lost channel or a failed subscription: again after a pause that grows with each failure in a row. */
  function scheduleSubscribe() {
    if (closing || retryTimer || subscribing) return;
    const delay = delays[Math.min(failures++, delays.length - 1)]!;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      startSubscribing();
    }, delay);
  }

  startSubscribing();

  return {
    async close() {
      closing = true;
      if (retryTimer) clearTimeout(retryTimer);
      await subscribing;
      await inHand;
      const ch = channel;
      channel = null;
      buffer = [];
      if (ch?.active) await ch.close().catch(() => undefined);
    },
  };
}
