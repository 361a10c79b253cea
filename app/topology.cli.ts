import { Connection } from 'rabbitmq-client';
import { deleteTopology } from '../messaging/topology';
import { redact } from '../messaging/broker.connection';
import { ConfigError, loadConfig } from './config';
import { topologyOf } from './runtime';

/**
 * `npm run topology -- delete [--force]`: deletes the exchanges and queues of the installation the environment
 * configures (TOPOLOGY_PREFIX, PARTITIONS, ...). Refuses while a queue has consumers (a running installation) or
 * holds messages, unless --force: deleting a queue deletes what is in it.
 */
async function main() {
  const [command, ...flags] = process.argv.slice(2);
  if (command !== 'delete') {
    console.error('Usage: npm run topology -- delete [--force]');
    process.exit(2);
  }
  const config = loadConfig();
  const topology = topologyOf(config);
  const connection = new Connection({ url: config.AMQP_URL, noDelay: true, connectionTimeout: 10_000 });
  try {
    await connection.onConnect(10_000);
    const busy: string[] = [];
    let existing = 0;
    for (const queue of topology.allQueues()) {
      const state = await connection.queueDeclare({ queue, passive: true }).catch(() => null);
      if (state) existing += 1;
      if (state && (state.consumerCount > 0 || state.messageCount > 0))
        busy.push(`${queue} (${state.consumerCount} consumers, ${state.messageCount} messages)`);
    }
    if (busy.length && !flags.includes('--force')) {
      console.error(
        `Not deleted: ${busy.length} queues of ${config.TOPOLOGY_PREFIX} are in use or hold messages: ${busy.join(', ')}. Stop the installation, or add --force to delete them with their messages.`,
      );
      process.exit(1);
    }
    await deleteTopology(connection, topology);
    console.log(
      `Deleted ${existing} queues (and the exchanges) of ${config.TOPOLOGY_PREFIX} on ${redact(config.AMQP_URL)}${existing ? '' : ': there were none'}`,
    );
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : `topology: ${(error as Error).message}`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
