import type { Connection } from 'rabbitmq-client';
import type { Topology } from './topology';

/** Depth and consumer count of every Plantgate queue, read from the broker with passive declares. */
export function createQueueStats(connection: Connection, topology: Topology) {
  return async (): Promise<{ queue: string; messages: number; consumers: number }[]> => {
    const stats = [];
    for (const queue of topology.allQueues()) {
      try {
        const ok = await connection.queueDeclare({ queue, passive: true });
        // The label drops the installation prefix: it is the same on every scrape and would only add noise.
        stats.push({
          queue: queue.slice(topology.names.commands.length - 'commands'.length),
          messages: ok.messageCount,
          consumers: ok.consumerCount,
        });
      } catch {
        // A queue missing right now (deleted by hand) is reported by its absence.
      }
    }
    return stats;
  };
}
