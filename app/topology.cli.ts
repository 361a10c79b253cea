import { Connection } from 'rabbitmq-client';
import { deleteTopology } from '../messaging/topology';
import { redact } from '../messaging/broker.connection';
import { createBrokerApi, credentialsOf, vhostOf } from '../messaging/broker-api';
import { createEdgeTopology } from '../messaging/edge.topology';
import { ConfigError, loadConfig, type Config } from './config';
import { deleteEdgeShovels } from './edge/edge-shovels';
import { topologyOf } from './runtime';

/** An edge's queues on its plant broker, and how to remove its shovels (EDGE_PLANT set), or null. */
function edgeOf(config: Config) {
  if (!config.EDGE_PLANT) return null;
  const topology = createEdgeTopology({
    prefix: config.TOPOLOGY_PREFIX,
    centralPrefix: config.CENTRAL_TOPOLOGY_PREFIX ?? config.TOPOLOGY_PREFIX,
    plant: config.EDGE_PLANT,
    partitions: config.PARTITIONS,
    backlogLimit: config.EDGE_BACKLOG_LIMIT,
  });
  const api = createBrokerApi({ url: config.BROKER_API_URL, credentials: credentialsOf(config.AMQP_URL) });
  return {
    topology,
    // Its forward shovel is the forward queue's one expected consumer.
    expectedConsumers: (queue: string) => (queue === topology.names.forward ? 1 : 0),
    deleteShovels: () => deleteEdgeShovels(api, vhostOf(config.AMQP_URL), topology),
  };
}

/**
 * `npm run topology -- delete [--force]`: deletes the exchanges and queues of the installation the environment
 * configures (TOPOLOGY_PREFIX, PARTITIONS, ...; with EDGE_PLANT, the edge's queues on its plant broker and its
 * shovels). Refuses while a queue has consumers (a running installation) or holds messages, unless --force: deleting
 * a queue deletes what is in it.
 */
async function main() {
  const [command, ...flags] = process.argv.slice(2);
  if (command !== 'delete') {
    console.error('Usage: npm run topology -- delete [--force]');
    process.exit(2);
  }
  const config = loadConfig();
  const edge = edgeOf(config);
  const topology = edge?.topology ?? topologyOf(config);
  const connection = new Connection({ url: config.AMQP_URL, noDelay: true, connectionTimeout: 10_000 });
  try {
    await connection.onConnect(10_000);
    const busy: string[] = [];
    let existing = 0;
    for (const queue of topology.allQueues()) {
      const state = await connection.queueDeclare({ queue, passive: true }).catch(() => null);
      if (state) existing += 1;
      if (state && (state.consumerCount > (edge?.expectedConsumers(queue) ?? 0) || state.messageCount > 0))
        busy.push(`${queue} (${state.consumerCount} consumers, ${state.messageCount} messages)`);
    }
    if (busy.length && !flags.includes('--force')) {
      console.error(
        `Not deleted: ${busy.length} queues of ${config.TOPOLOGY_PREFIX} are in use or hold messages: ${busy.join(', ')}. Stop the installation, or add --force to delete them with their messages.`,
      );
      process.exit(1);
    }
    await edge?.deleteShovels();
    await deleteTopology(connection, topology);
    console.log(
      `Deleted ${existing} queues (and the exchanges${edge ? ' and shovels' : ''}) of ${config.TOPOLOGY_PREFIX} on ${redact(config.AMQP_URL)}${existing ? '' : ': there were none'}`,
    );
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : `topology: ${(error as Error).message}`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
