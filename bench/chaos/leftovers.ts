import { execFileSync } from 'node:child_process';
import { Connection } from 'rabbitmq-client';

/** Prefixes of throw-away installations: tests, benchmarks, the demo, the scorecard and chaos runs. */
const THROWAWAY = /^(test|bench|chaos|demo|scorecard)\./;

/**
 * Deletes queues that throw-away installations left behind and nobody consumes, so that a broker restart does not
 * have to recover hundreds of quorum queues (RabbitMQ 3.10 can take minutes, or stall).
 */
export async function pruneLeftoverTopologies(amqpUrl: string, log: (line: string) => void): Promise<void> {
  const list = (what: string, ...columns: string[]) =>
    JSON.parse(
      execFileSync('rabbitmqctl', [what, '-q', '--formatter', 'json', ...columns], { encoding: 'utf8' }),
    ) as Record<string, unknown>[];
  const queues = list('list_queues', 'name', 'consumers') as { name: string; consumers: number }[];
  const leftovers = queues.filter((q) => THROWAWAY.test(q.name) && q.consumers === 0);
  // An installation is its first two name segments (test.<label>.<id> keeps three); its exchanges go with its last queue.
  const installationOf = (name: string) =>
    name
      .split('.')
      .slice(0, name.startsWith('test.') ? 3 : 2)
      .join('.');
  const live = new Set(queues.filter((q) => !leftovers.includes(q)).map((q) => installationOf(q.name)));
  const exchanges = (list('list_exchanges', 'name') as { name: string }[]).filter(
    (e) => THROWAWAY.test(e.name) && !live.has(installationOf(e.name)),
  );
  if (leftovers.length + exchanges.length === 0) return;
  const connection = new Connection({ url: amqpUrl, noDelay: true });
  try {
    await connection.onConnect(10_000);
    for (const { name } of leftovers) await connection.queueDelete({ queue: name });
    for (const { name } of exchanges) await connection.exchangeDelete({ exchange: name });
  } finally {
    await connection.close();
  }
  log(`deleted ${leftovers.length} leftover queues and ${exchanges.length} exchanges of throw-away installations`);
}
