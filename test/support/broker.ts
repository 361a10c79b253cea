import { randomUUID } from 'node:crypto';
import { Connection } from 'rabbitmq-client';

export const TEST_AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** A topology prefix of the test's own, so that concurrent tests never share a queue. */
export function uniquePrefix(label: string): string {
  return `test.${label}.${randomUUID().slice(0, 8)}`;
}

/** Number of ready messages in a queue, read from the broker. */
export async function queueDepth(queue: string, url = TEST_AMQP_URL): Promise<number> {
  const connection = new Connection({ url, noDelay: true });
  try {
    await connection.onConnect(10_000);
    const ok = await connection.queueDeclare({ queue, passive: true });
    return ok.messageCount;
  } finally {
    await connection.close();
  }
}

/**
 * Takes every message ready in a queue off it, for tests that inspect what was sent. A consumer rather than
 * basic.get, which quorum queues with single active consumer refuse.
 */
export async function drainQueue(
  queue: string,
  url = TEST_AMQP_URL,
): Promise<{ body: unknown; headers: Record<string, unknown>; correlationId?: string; type?: string }[]> {
  const connection = new Connection({ url, noDelay: true });
  const messages: { body: unknown; headers: Record<string, unknown>; correlationId?: string; type?: string }[] = [];
  try {
    await connection.onConnect(10_000);
    const { messageCount } = await connection.queueDeclare({ queue, passive: true });
    if (messageCount === 0) return messages;
    const channel = await connection.acquire();
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`only ${messages.length} of ${messageCount} messages arrived from ${queue}`)),
          10_000,
        );
        channel
          .basicConsume({ queue, noAck: true }, (msg) => {
            messages.push({
              body: msg.body,
              headers: msg.headers ?? {},
              correlationId: msg.correlationId,
              type: msg.type,
            });
            if (messages.length >= messageCount) {
              clearTimeout(timer);
              resolve();
            }
          })
          .catch(reject);
      });
    } finally {
      await channel.close();
    }
  } finally {
    await connection.close();
  }
  return messages;
}

/** Takes every message off several queues (an outbound system's partitions, say), in queue order. */
export async function drainQueues(
  queues: string[],
  url = TEST_AMQP_URL,
): Promise<Awaited<ReturnType<typeof drainQueue>>> {
  const messages: Awaited<ReturnType<typeof drainQueue>> = [];
  for (const queue of queues) messages.push(...(await drainQueue(queue, url)));
  return messages;
}

/** Messages ready in several queues together. */
export async function queuesDepth(queues: string[], url = TEST_AMQP_URL): Promise<number> {
  let total = 0;
  for (const queue of queues) total += await queueDepth(queue, url);
  return total;
}
