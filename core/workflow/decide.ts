import { sliceOf, type Command } from '../messages/message.registry';
import { enrichErpPostings } from '../postings/enrichment';
import type { Decision, DecisionContext, DecisionInputs } from './decision';

/**
 * Routes a command to the rules of its slice, and enriches the ERP postings its decision asks for from reference data.
 * Pure: same command, inputs and context, same decision.
 */
export function decide(command: Command, inputs: DecisionInputs, ctx: DecisionContext): Decision {
  return enrichErpPostings(sliceOf(command.messageType).decide(command.payload, inputs, ctx), inputs, ctx);
}
