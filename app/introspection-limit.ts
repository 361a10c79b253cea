import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isListType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  type GraphQLField,
  type GraphQLNamedType,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/**
 * How deep introspection may nest lists. The IDE's own introspection nests three (`types` → `fields` → `args`); a
 * query that goes on (`fields { type { fields { type { fields … } } } }`) multiplies the schema by itself and is
 * refused. Introspection is otherwise cheap (the schema is in memory), so the cost limit counts its lists once.
 */
export const MAX_INTROSPECTION_LIST_NESTING = 3;

export function isIntrospectionField(typeName: string, fieldName: string): boolean {
  return typeName.startsWith('__') || fieldName.startsWith('__');
}

/** The validation rule that refuses introspection nesting more lists than `max`, naming the limit. */
export function introspectionNesting(max: number = MAX_INTROSPECTION_LIST_NESTING): ValidationRule {
  return (context: ValidationContext) => ({
    OperationDefinition(operation) {
      const root = context.getSchema().getRootType(operation.operation);
      if (!root) return;
      const deepest = nesting(context, operation.selectionSet, root, 0, new Set());
      if (deepest > max) {
        context.reportError(
          new GraphQLError(
            `Introspection nests ${deepest} lists, at most ${max} are allowed (types → fields → args).`,
            { nodes: [operation], extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'introspection' } },
          ),
        );
      }
    },
  });
}

/** The deepest nesting of introspection lists below a selection set; fragments are followed once each. */
function nesting(
  context: ValidationContext,
  selectionSet: SelectionSetNode,
  parent: GraphQLNamedType,
  depth: number,
  followed: Set<string>,
): number {
  let deepest = depth;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const field = fieldOf(parent, selection.name.value);
      if (!field || !selection.selectionSet) continue;
      const counts = isIntrospectionField(parent.name, field.name) && isListType(getNullableType(field.type));
      const below = nesting(
        context,
        selection.selectionSet,
        getNamedType(field.type),
        depth + (counts ? 1 : 0),
        followed,
      );
      deepest = Math.max(deepest, below);
      continue;
    }
    const fragment =
      selection.kind === Kind.FRAGMENT_SPREAD
        ? followed.has(selection.name.value)
          ? undefined
          : (followed.add(selection.name.value), context.getFragment(selection.name.value))
        : selection;
    if (!fragment) continue;
    const condition = fragment.typeCondition ? context.getSchema().getType(fragment.typeCondition.name.value) : parent;
    deepest = Math.max(deepest, nesting(context, fragment.selectionSet, condition ?? parent, depth, new Set(followed)));
  }
  return deepest;
}

function fieldOf(parent: GraphQLNamedType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (name === '__schema') return SchemaMetaFieldDef;
  if (name === '__type') return TypeMetaFieldDef;
  return isObjectType(parent) ? parent.getFields()[name] : undefined;
}
