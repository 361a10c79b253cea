import type { Decision, DecisionContext, DecisionInputs } from '../workflow/decision';
import type { CommandShape } from './command-shape';

/**
 * A message type as one slice (design convention 14): its command shape and the rules that decide it. The rules'
 * decisions carry its outbound effects (outbox requests). Everything about a message type is found from here.
 */
export interface MessageSlice<T extends string, P extends object> extends CommandShape<T, P> {
  decide(payload: P, inputs: DecisionInputs, ctx: DecisionContext): Decision;
}

/** Declares a slice; the identity function exists so that TypeScript infers the payload type from the input shape. */
export function defineMessage<T extends string, P extends object>(slice: MessageSlice<T, P>): MessageSlice<T, P> {
  return slice;
}
