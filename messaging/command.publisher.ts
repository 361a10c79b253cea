import type { Connection, Publisher } from 'rabbitmq-client';
import { scopeOf } from '../core/commands/command.types';
import { DomainError } from '../core/errors';
import { encodeCommand, type OutgoingCommand } from './command.envelope';
import { partitionOf } from './partition';
import type { Topology } from './topology';

/** Publishes commands to their order's partition and resolves only once the broker confirmed them. */
export interface CommandPublisher {
  publish(command: Omit<OutgoingCommand, 'partition'>): Promise<void>;
  close(): Promise<void>;
}

export function createCommandPublisher(connection: Connection, topology: Topology): CommandPublisher {
  const publisher: Publisher = connection.createPublisher({
    confirm: true,
    maxAttempts: 3,
    ...topology.publisherDeclarations,
  });
  return {
    async publish(out) {
      const { plant, orderNumber } = scopeOf(out.command);
      const partition = partitionOf(plant, orderNumber, topology.partitions);
      const { envelope, body } = encodeCommand(topology.names.commands, { ...out, partition });
      try {
        await publisher.send(envelope, body);
      } catch (error) {
        throw new DomainError('BROKER_UNAVAILABLE', `The broker did not confirm the message: ${(error as Error).message}`, { retryable: true, cause: error });
      }
    },
    close: () => publisher.close(),
  };
}
