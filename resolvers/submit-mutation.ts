import type { z } from 'zod';
import type { MessageType, PayloadByType } from '../core/commands/command.types';
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
