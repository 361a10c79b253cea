import { Connection } from 'rabbitmq-client';
import type { Config } from '../app/config';
import { createTopology, deleteTopology as deleteAll } from '../messaging/topology';

/** Removes a benchmark installation's queues and exchanges. */
export async function deleteTopology(config: Config): Promise<void> {
  const topology = createTopology({ prefix: config.TOPOLOGY_PREFIX, partitions: config.PARTITIONS, retryDelaysMs: config.RETRY_DELAYS_MS, outboundRetryDelaysMs: config.OUTBOUND_RETRY_DELAYS_MS, queueType: config.QUEUE_TYPE });
  const connection = new Connection({ url: config.AMQP_URL, noDelay: true });
  try {
    await connection.onConnect(10_000);
    await deleteAll(connection, topology);
  } finally {
    await connection.close();
  }
}
