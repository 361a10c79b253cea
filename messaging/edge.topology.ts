import type { PublisherProps } from 'rabbitmq-client';
import type { ShovelDefinition } from './broker-api';

export interface EdgeTopologyOptions {
  /** This edge's prefix on the plant broker. */
  prefix: string;
  /** The central installation's prefix: the shovels name its exchange and its edge queue for this plant. */
  centralPrefix: string;
  plant: string;
  /** The central installation's partition count: every message carries the partition it belongs to there. */
  partitions: number;
  /** Messages the forward queue holds at most; the broker refuses publishes past it (the edge refuses first). */
  backlogLimit: number;
}

/**
 * What an edge gateway declares on its plant broker, and the two shovels that link it to the central broker:
 *
 * - commands (fanout) → forward queue: every accepted message, in the order accepted, on disk (lazy, persistent),
 *   bounded by the backlog limit (reject-publish: past it the broker nacks, it never drops the oldest);
 * - the forward shovel moves that queue to the central commands exchange, acknowledging each message only after
 *   the central broker confirmed it (on-confirm); each keeps the partition header its order hashes to, so it reaches
 *   the central partition queue it would have reached through the central gateway;
 * - the MES return shovel moves the central queue of this plant's MES-bound messages to the MES queue here, where
 *   the plant's MES adapter reads them whether or not the link is up.
 *
 * Both queues are classic: one edge broker has nothing to replicate to, and a classic queue returns the messages a
 * broken link had in flight to their place at its head, so the order survives a cut.
 */
export function createEdgeTopology(options: EdgeTopologyOptions) {
  const { prefix } = options;
  const names = {
    commands: `${prefix}.edge.commands`,
    forward: `${prefix}.edge.forward`,
    mes: `${prefix}.edge.mes`,
    forwardShovel: `${prefix}.edge.forward`,
    mesShovel: `${prefix}.edge.mes-return`,
    centralCommands: `${options.centralPrefix}.commands`,
    centralMes: `${options.centralPrefix}.edge.${options.plant}.mes`,
  };
  const publisherDeclarations = {
    exchanges: [{ exchange: names.commands, type: 'fanout', durable: true }],
    queues: [
      {
        queue: names.forward,
        durable: true,
        arguments: {
          'x-queue-type': 'classic',
          'x-queue-mode': 'lazy',
          'x-max-length': options.backlogLimit,
          'x-overflow': 'reject-publish',
        },
      },
      { queue: names.mes, durable: true },
    ],
    queueBindings: [{ exchange: names.commands, queue: names.forward }],
  } satisfies Pick<PublisherProps, 'exchanges' | 'queues' | 'queueBindings'>;

  // Declared with messaging/topology.ts's declareTopology, deleted with its deleteTopology.
  return {
    names,
    partitions: options.partitions,
    publisherDeclarations,
    /** The two shovels, as declared on the plant broker's virtual host `vhost`. */
    shovels(link: { vhost: string; centralUrl: string; reconnectDelayS: number }): Record<string, ShovelDefinition> {
      const local = link.vhost === '/' ? 'amqp://' : `amqp:///${encodeURIComponent(link.vhost)}`;
      const common = { 'ack-mode': 'on-confirm', 'reconnect-delay': link.reconnectDelayS, 'src-prefetch-count': 500 };
      return {
        [names.forwardShovel]: {
          ...common,
          'src-protocol': 'amqp091',
          'src-uri': local,
          'src-queue': names.forward,
          'dest-protocol': 'amqp091',
          'dest-uri': link.centralUrl,
          'dest-exchange': names.centralCommands,
        },
        [names.mesShovel]: {
          ...common,
          'src-protocol': 'amqp091',
          'src-uri': link.centralUrl,
          'src-queue': names.centralMes,
          'dest-protocol': 'amqp091',
          'dest-uri': local,
          'dest-queue': names.mes,
        },
      };
    },
    allQueues: () => [names.forward, names.mes],
    allExchanges: () => [names.commands],
  };
}

export type EdgeTopology = ReturnType<typeof createEdgeTopology>;
