import { sliceOf, type Command } from '../messages/message.registry';
import { enrichErpPostings } from '../postings/enrichment';
import { toPlantCodes } from '../mappings/code-mapping';
import type { Decision, DecisionContext, DecisionInputs } from './decision';

/**
 * Routes a command to the rules of its slice, enriches the ERP postings its decision asks for from reference data,
 * and puts what it sends the plant's MES and QMS in the plant's codes.
 * Pure: same command, inputs and context, same decision.
 */
export function decide(command: Command, inputs: DecisionInputs, ctx: DecisionContext): Decision {
  const slice = sliceOf(command.messageType);
  const decided = enrichErpPostings(slice.decide(command.payload, inputs, ctx), inputs, ctx);
  return toPlantCodes(decided, ctx.rules.mappings, slice.scope(command.payload).plant, ctx.rules.version);
}
