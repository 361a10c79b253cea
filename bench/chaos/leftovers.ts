import { execFileSync } from 'node:child_process';
import { Connection } from 'rabbitmq-client';

/** Prefixes of throw-away installations: tests, benchmarks, the demo, the scorecard and chaos runs. */
const THROWAWAY = /^(test|bench|chaos|demo|scorecard)\./;

/**
 * Deletes queues that throw-away installations left behind and nobody consumes, so that a broker restart does not
 * have to recover hundreds of quorum queues (RabbitMQ 3.10 can take minutes, or stall).
 */
export async function pruneLeftoverTopologies(amqpUrl: string, log: (line: string) => void): Promise<void> {
  const listing = execFileSync('rabbitmqctl', ['list_queues', '-q', '--formatter', 'json', 'name', 'consumers'], { encoding: 'utf8' });
  const leftovers = (JSON.parse(listing) as { name: string; consumers: number }[]).filter((q) => THROWAWAY.test(q.name) && q.consumers === 0);
  if (leftovers.length === 0) return;
  const connection = new Connection({ url: amqpUrl, noDelay: true });
  try {
    await connection.onConnect(10_000);
    for (const { name } of leftovers) await connection.queueDelete({ queue: name });
  } finally {
    await connection.close();
  }
  log(`deleted ${leftovers.length} leftover queues of throw-away installations`);
}
