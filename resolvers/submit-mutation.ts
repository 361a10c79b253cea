import type { SubmissionService } from '../core/intake/submission.service';
import { MESSAGE_SLICES, messageTypeOfMutation, mutationOf } from '../core/messages/message.registry';
import type { GatewayContext } from './context';

/**
 * Every submit mutation, one per message type in the registry: the input goes to the submission service as it came
 * (GraphQL checked its types; the service checks its shape), with who sent it and in which trace.
 */
export function submitMutations(intake: SubmissionService) {
  return Object.fromEntries(
    MESSAGE_SLICES.map(({ messageType }) => [
      mutationOf(messageType),
      (_: unknown, args: { input: unknown }, ctx: GatewayContext) =>
        intake.submit(messageType, args.input, {
          principal: ctx.principal,
          traceparent: ctx.traceparent,
          logger: ctx.logger,
        }),
    ]),
  );
}

/** The GraphQL document a client sends to call one submit mutation with `$input`. */
export function submitMutationDocument(mutation: string): string {
  const messageType = messageTypeOfMutation(mutation);
  if (!messageType) throw new Error(`${mutation} is not a submit mutation`);
  return `mutation Submit($input: ${messageType}Input!) { ${mutation}(input: $input) { correlationId status } }`;
}
