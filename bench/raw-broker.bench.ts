import { randomUUID } from 'node:crypto';
import { Connection } from 'rabbitmq-client';
import { percentile, sleep } from './stats';

/** A body of the size of a Plantgate operation-event command as it travels (envelope JSON). */
export function commandSizedBody(): object {
  return {
    messageType: 'ReportOperationEvent',
    payload: {
      orderNumber: 'WO-000000-0001',
      plant: 'P1',
      operationSequence: 10,
      eventType: 'COMPLETE',
      yieldQuantity: 42,
      scrapQuantity: 1,
      scrapReason: 'damaged',
      workCenter: 'WC-ASSY',
      equipment: 'EQ-WC-ASSY',
      operator: 'op-17',
      occurredAt: new Date().toISOString(),
      messageId: randomUUID(),
    },
    pad: 'x'.repeat(200),
  };
}

async function withQueue<T>(url: string, work: (c: Connection, queue: string) => Promise<T>): Promise<T> {
  const connection = new Connection({ url, noDelay: true });
  await connection.onConnect(10_000);
  const queue = `bench.raw.${randomUUID().slice(0, 8)}`;
  await connection.queueDeclare({ queue, durable: true, arguments: { 'x-queue-type': 'quorum' } });
  try {
    return await work(connection, queue);
  } finally {
    await connection.queueDelete({ queue });
    await connection.close();
  }
}

/**
 * The limit: persistent messages of a command's size, published with confirms (many in flight, as concurrent
 * gateway requests are) and consumed with manual ack on the same broker and connection settings.
 */
export async function rawThroughput(url: string, messages: number): Promise<number> {
  return withQueue(url, async (connection, queue) => {
    const publisher = connection.createPublisher({ confirm: true });
    let consumed = 0;
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const consumer = connection.createConsumer(
      {
        queue,
        queueOptions: { queue, durable: true, arguments: { 'x-queue-type': 'quorum' } },
        qos: { prefetchCount: 20 },
        concurrency: 1,
      },
      async () => {
        if (++consumed === messages) done();
      },
    );
    const started = process.hrtime.bigint();
    let sent = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (sent < messages) {
          sent += 1;
          await publisher.send(
            { routingKey: queue, durable: true, contentType: 'application/json', messageId: randomUUID() },
            commandSizedBody(),
          );
        }
      }),
    );
    await finished;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await consumer.close();
    await publisher.close();
    return messages / seconds;
  });
}

/** Publish→consume latency at a fixed rate: p50 and p99 in milliseconds. */
export async function rawLatency(
  url: string,
  ratePerSecond: number,
  seconds: number,
): Promise<{ p50: number; p99: number }> {
  return withQueue(url, async (connection, queue) => {
    const publisher = connection.createPublisher({ confirm: true });
    const latencies: number[] = [];
    const consumer = connection.createConsumer(
      {
        queue,
        queueOptions: { queue, durable: true, arguments: { 'x-queue-type': 'quorum' } },
        qos: { prefetchCount: 20 },
        concurrency: 1,
      },
      async (msg) => {
        latencies.push(Number(process.hrtime.bigint() - BigInt(String(msg.headers?.['x-sent']))) / 1e6);
      },
    );
    const total = ratePerSecond * seconds;
    const tick = 10;
    const perTick = Math.max(1, Math.round((ratePerSecond * tick) / 1000));
    const pending: Promise<void>[] = [];
    const start = Date.now();
    for (let sent = 0; sent < total;) {
      for (let i = 0; i < perTick && sent < total; i++, sent++) {
        pending.push(
          publisher.send(
            {
              routingKey: queue,
              durable: true,
              contentType: 'application/json',
              headers: { 'x-sent': String(process.hrtime.bigint()) },
            },
            commandSizedBody(),
          ),
        );
      }
      const due = start + (sent / perTick) * tick;
      await sleep(Math.max(0, due - Date.now()));
    }
    await Promise.all(pending);
    while (latencies.length < total) await sleep(20);
    await consumer.close();
    await publisher.close();
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  });
}
