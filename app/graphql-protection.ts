import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { getNullableType, GraphQLError, isListType, type GraphQLSchema, type ValidationRule } from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import type { GatewayContext } from '../resolvers/context';
import { introspectionNesting, isIntrospectionField } from './introspection-limit';

export interface GraphqlLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  maxCost: number;
  fieldSuggestions: boolean;
}

/** What a list without `first` is assumed to hold, for its cost. */
const ASSUMED_LIST_SIZE = 10;

/**
 * Fields that call ERP, MES or QMS live: worth more than a stored field, so that a query cannot fan one request out
 * into thousands of calls to the plant's systems.
 */
const REMOTE_FIELD_COST: Record<string, number> = {
  'ProductionOrder.erp': 5,
  'ProductionOrder.mes': 5,
  'ProductionOrder.quality': 5,
  'Lot.erpStock': 5,
};

/**
 * Each field costs 1 (a live view of another system more), times how many times it is resolved: a field with a
 * `first` argument resolves its selection `first` times, any other list ASSUMED_LIST_SIZE times; `edges` and
 * `nodes` of a connection are already counted by the connection's `first`.
 */
export const costEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  const own = REMOTE_FIELD_COST[`${type.name}.${field.name}`] ?? 1;
  const insideConnection = type.name.endsWith('Connection');
  // Introspection lists are the in-memory schema, not data: counted once; their nesting has its own limit.
  const listSize = isIntrospectionField(type.name, field.name) ? 1 : ASSUMED_LIST_SIZE;
  const times =
    typeof args.first === 'number'
      ? args.first
      : isListType(getNullableType(field.type)) && !insideConnection
        ? listSize
        : 1;
  return own + times * childComplexity;
};

/**
 * The gateway's protection from hostile or careless queries: graphql-armor's limits on depth, aliases and directives
 * (and its masking of "Did you mean" suggestions), graphql-js's limit on tokens, and a cost limit computed with graphql-query-complexity
 * by `costEstimator`. A refused operation runs nothing and is answered 400 GRAPHQL_VALIDATION_FAILED naming the limit.
 */
export function graphqlProtection(limits: GraphqlLimits): {
  plugins: ApolloServerPlugin<GatewayContext>[];
  validationRules: ValidationRule[];
  parseOptions: { maxTokens: number };
} {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth },
    maxAliases: { n: limits.maxAliases },
    // graphql-armor's token limit throws where Apollo answers 500; graphql-js's own parser limit (parseOptions) is
    // refused as the parse failure it is, with 400.
    maxTokens: { enabled: false },
    maxDirectives: { n: limits.maxDirectives },
    // The cost model of graphql-armor knows nothing of `first`; graphql-query-complexity's does (below).
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: !limits.fieldSuggestions },
  }).protect();
  return {
    plugins: [...(armor.plugins as ApolloServerPlugin<GatewayContext>[]), costLimit(limits.maxCost)],
    validationRules: [...armor.validationRules, introspectionNesting()],
    parseOptions: { maxTokens: limits.maxTokens },
  };
}

function costLimit(maxCost: number): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema }) {
          const cost = operationCost(schema, document, request.variables ?? {}, request.operationName ?? undefined);
          if (cost !== null && cost > maxCost) {
            throw new GraphQLError(
              `Query cost limit of ${maxCost} exceeded, found ${cost}: ask for fewer items (first) or fewer nested lists.`,
              {
                extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', maxCost, cost, http: { status: 400 } },
              },
            );
          }
        },
      };
    },
  };
}

/**
 * The cost of an operation, or null when its variables do not fit it: such an operation runs nothing (graphql-js
 * refuses it with BAD_USER_INPUT naming the variable), so there is nothing to weigh.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: Parameters<typeof getComplexity>[0]['query'],
  variables: Record<string, unknown>,
  operationName?: string,
): number | null {
  try {
    return getComplexity({ schema, query: document, variables, operationName, estimators: [costEstimator] });
  } catch (error) {
    if (error instanceof GraphQLError) return null;
    throw error;
  }
}
