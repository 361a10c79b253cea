import type { Connection, Publisher } from 'rabbitmq-client';
import type { Envelope } from '../core/intake/envelope';
import { DomainError } from '../core/errors';
import type { CommandPublishPort } from '../core/ports/publish.port';
import { encodeCommand } from './command.envelope';
import { partitionOf } from './partition';
import type { Topology } from './topology';

/** Publishes commands to their order's partition and resolves only once the broker confirmed them. */
export interface CommandPublisher extends CommandPublishPort {
  close(): Promise<void>;
}

export function createCommandPublisher(connection: Connection, topology: Topology): CommandPublisher {
  const publisher: Publisher = connection.createPublisher({
    confirm: true,
    maxAttempts: 3,
    ...topology.publisherDeclarations,
  });
  return {
    async publish(envelope: Envelope) {
      const partition = partitionOf(envelope.scope.plant, envelope.scope.orderNumber, topology.partitions);
      const { properties, body } = encodeCommand(topology.names.commands, envelope, partition);
      try {
        await publisher.send(properties, body);
      } catch (error) {
        throw new DomainError('BROKER_UNAVAILABLE', `The broker did not confirm the message: ${(error as Error).message}`, { retryable: true, cause: error });
      }
    },
    close: () => publisher.close(),
  };
}
