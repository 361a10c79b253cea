import { Connection } from 'rabbitmq-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startOrderedConsumer, type OrderedConsumer } from '../../messaging/ordered.consumer';
import { TEST_AMQP_URL, queueDepth, uniquePrefix } from '../support/broker';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { waitFor } from '../support/wait';

const silent = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silent;
  },
} as never;

describe('ordered consumer', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    cleanups.length = 0;
  });

  it('goes on with the queue when the broker link is cut while a message is in hand', async () => {
    const queue = `${uniquePrefix('ordered')}.q`;
    const proxy: TcpProxy = await startTcpProxy({
      host: '127.0.0.1',
      port: Number(new URL(TEST_AMQP_URL).port || 5672),
    });
    const direct = new Connection({ url: TEST_AMQP_URL, noDelay: true });
    const viaProxy = new Connection({
      url: TEST_AMQP_URL.replace(/:\d+$/, `:${proxy.port}`),
      noDelay: true,
      retryLow: 100,
      retryHigh: 500,
    });
    viaProxy.on('error', () => undefined); // the cut is expected; the connection reconnects by itself
    cleanups.push(
      () => proxy.close(),
      () => direct.close(),
      () => direct.queueDelete({ queue }),
    );
    await direct.queueDeclare({
      queue,
      durable: true,
      arguments: { 'x-queue-type': 'quorum', 'x-single-active-consumer': true },
    });
    const publisher = direct.createPublisher({ confirm: true });
    for (let n = 1; n <= 5; n++) await publisher.send({ routingKey: queue, durable: true }, { n });
    await publisher.close();

    let release!: () => void;
    const firstHeld = new Promise<void>((resolve) => (release = resolve));
    const handled: number[] = [];
    const consumer: OrderedConsumer = startOrderedConsumer(
      { connection: viaProxy, declarations: { queue }, prefetch: 10, logger: silent, retryDelaysMs: [100] },
      async (msg) => {
        const { n } = msg.body as { n: number };
        handled.push(n);
        if (handled.length === 1) await firstHeld;
        return 'ack';
      },
    );
    cleanups.unshift(() => viaProxy.close());
    cleanups.unshift(() => consumer.close());

    await waitFor(() => handled.length === 1, { what: 'the first message in hand' });
    // The link drops while message 1 is still being handled: the broker redelivers all five on a new channel.
    proxy.cut(300);
    await waitFor(() => !viaProxy.ready, { what: 'the link to drop' });
    await waitFor(() => viaProxy.ready, { what: 'the consumer to reconnect' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    release();

    await waitFor(() => handled.length >= 6, {
      what: `all five handled after the cut (handled: ${handled.join(',')})`,
    });
    // Message 1 again (its ack was lost with the channel), then the rest in order, none overtaking it.
    expect(handled).toEqual([1, 1, 2, 3, 4, 5]);
    // Closing gives back anything unacknowledged: an empty queue afterwards means every message was acknowledged.
    await consumer.close();
    expect(await queueDepth(queue)).toBe(0);
  });
});
