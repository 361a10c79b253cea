import { randomUUID } from 'node:crypto';
import { Connection } from 'rabbitmq-client';

export const TEST_AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** A topology prefix of the test's own, so that concurrent tests never share a queue. */
export function uniquePrefix(label: string): string {
  return `test.${label}.${randomUUID().slice(0, 8)}`;
}

/** Number of ready messages in a queue, read from the broker. */
export async function queueDepth(queue: string): Promise<number> {
  const connection = new Connection({ url: TEST_AMQP_URL, noDelay: true });
  try {
    await connection.onConnect(10_000);
    const ok = await connection.queueDeclare({ queue, passive: true });
    return ok.messageCount;
  } finally {
    await connection.close();
  }
}

/** Takes every message off a queue (acknowledged), for tests that inspect what was sent. */
export async function drainQueue(queue: string): Promise<{ body: unknown; headers: Record<string, unknown>; correlationId?: string; type?: string }[]> {
  const connection = new Connection({ url: TEST_AMQP_URL, noDelay: true });
  const messages = [];
  try {
    await connection.onConnect(10_000);
    for (;;) {
      const msg = await connection.basicGet({ queue, noAck: true });
      if (!msg) break;
      messages.push({ body: msg.body, headers: msg.headers ?? {}, correlationId: msg.correlationId, type: msg.type });
    }
  } finally {
    await connection.close();
  }
  return messages;
}
