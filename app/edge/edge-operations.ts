import { GraphQLError, Kind, type SelectionSetNode, type ValidationRule } from 'graphql';
import { MESSAGE_SLICES, mutationOf } from '../../core/messages/message.registry';

/** What an edge gateway answers: the submit mutations, a transaction's state, who you are, and introspection. */
const EDGE_FIELDS = new Set([
  ...MESSAGE_SLICES.map(({ messageType }) => mutationOf(messageType)),
  'transaction',
  'whoami',
  'serviceInfo',
  '__schema',
  '__type',
  '__typename',
]);

/**
 * Refuses, before anything runs, an operation asking an edge for what only the central plane knows (orders, lots,
 * exceptions, keys): the edge's store holds its own submissions only, and an empty answer would mislead.
 */
export function edgeOperationsOnly(plant: string, centralUrl: string | undefined): ValidationRule {
  return (context) => {
    const refuse = (field: string) =>
      context.reportError(
        new GraphQLError(
          `This is the edge gateway of plant ${plant}: it takes submissions and answers transaction, whoami and serviceInfo. Ask the central gateway${centralUrl ? ` (${centralUrl})` : ''} for ${field}.`,
          // Apollo answers every validation error as GRAPHQL_VALIDATION_FAILED; the reason tells this one apart.
          { extensions: { reason: 'EDGE_UNSERVED_FIELD', field } },
        ),
      );
    const visit = (selectionSet: SelectionSetNode, seen: Set<string>) => {
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          if (!EDGE_FIELDS.has(selection.name.value)) refuse(selection.name.value);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          visit(selection.selectionSet, seen);
        } else if (!seen.has(selection.name.value)) {
          seen.add(selection.name.value);
          const fragment = context.getFragment(selection.name.value);
          if (fragment) visit(fragment.selectionSet, seen);
        }
      }
    };
    return { OperationDefinition: (operation) => visit(operation.selectionSet, new Set()) };
  };
}
