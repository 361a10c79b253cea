import type { z } from 'zod';
import { isMessageType, type MessageType, type PayloadByType } from '../core/commands/command.types';
import type { CommandSubmitter } from './command.submitter';
import type { GatewayContext } from './context';
import { parseInput } from './input-errors';

/**
 * A submit mutation: check the input's shape, then hand the command to the submitter. The sender's messageId
 * travels as the transport ID; it stays in the payload only where the contract lists it.
 */
export function submitMutation<T extends MessageType>(messageType: T, schema: z.ZodType<PayloadByType[T] & { messageId?: string | null }>, submit: CommandSubmitter) {
  return (_: unknown, args: { input: unknown }, ctx: GatewayContext) => {
    const payload = parseInput(schema, args.input);
    return submit({ messageType, payload } as never, payload.messageId, ctx);
  };
}

/** A message type's submit mutation is its name in camelCase, and the mutation's input type its name plus Input. */
export function messageTypeOfMutation(mutation: string): MessageType {
  const messageType = `${mutation.charAt(0).toUpperCase()}${mutation.slice(1)}`;
  if (!isMessageType(messageType)) throw new Error(`${mutation} is not a submit mutation`);
  return messageType;
}

/** The GraphQL document a client sends to call one submit mutation with `$input`. */
export function submitMutationDocument(mutation: string): string {
  return `mutation Submit($input: ${messageTypeOfMutation(mutation)}Input!) { ${mutation}(input: $input) { correlationId status } }`;
}
