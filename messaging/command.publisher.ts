import type { Connection } from 'rabbitmq-client';
import type { Envelope } from '../core/intake/envelope';
import { DomainError } from '../core/errors';
import type { CommandPublishPort } from '../core/ports/publish.port';
import { createBoundedPublisher, DEFAULT_BROKER_TIMEOUT_MS } from './bounded';
import { encodeCommand } from './command.envelope';
import { partitionOf } from './partition';
import type { Topology } from './topology';

/** What the publisher needs of a topology: the central one, or an edge's (whose commands all go to its backlog). */
export type CommandTopology = Pick<Topology, 'partitions' | 'publisherDeclarations'> & { names: { commands: string } };

/** Publishes commands to their order's partition and resolves only once the broker confirmed them. */
export interface CommandPublisher extends CommandPublishPort {
  close(): Promise<void>;
}

export function createCommandPublisher(
  connection: Connection,
  topology: CommandTopology,
  confirmTimeoutMs = DEFAULT_BROKER_TIMEOUT_MS,
): CommandPublisher {
  const publisher = createBoundedPublisher(
    connection,
    topology.publisherDeclarations,
    'publishing a command',
    confirmTimeoutMs,
  );
  return {
    async publish(envelope: Envelope) {
      const partition = partitionOf(envelope.scope.plant, envelope.scope.orderNumber, topology.partitions);
      const { properties, body } = encodeCommand(topology.names.commands, envelope, partition);
      try {
        await publisher.send(properties, body);
      } catch (error) {
        throw new DomainError(
          'BROKER_UNAVAILABLE',
          `The broker did not confirm the message: ${(error as Error).message}`,
          { retryable: true, cause: error },
        );
      }
    },
    close: () => publisher.close(),
  };
}
