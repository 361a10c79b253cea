import { sliceOf, type Command } from '../messages/message.registry';
import type { Decision, DecisionContext, DecisionInputs } from './decision';

/** Routes a command to the rules of its slice. Pure: same command, inputs and context, same decision. */
export function decide(command: Command, inputs: DecisionInputs, ctx: DecisionContext): Decision {
  return sliceOf(command.messageType).decide(command.payload, inputs, ctx);
}
