import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLError, type GraphQLFormattedError, type ValidationRule } from 'graphql';
import { DomainError } from '../core/errors';
import type { PlantgateMetrics } from '../monitoring/metrics';
import type { GatewayContext } from '../resolvers/context';
import { createResolvers, type ResolverDeps } from '../resolvers';
import { domainErrorToGraphQL } from '../resolvers/graphql-errors';
import { enforcePermissions } from '../resolvers/auth/permission.guard';
import { graphqlProtection, type GraphqlLimits } from './graphql-protection';
import { loadTypeDefs } from './schema.loader';

/** Error codes a client may see as they are; anything else is masked. */
const CLIENT_CODES = new Set([
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'SERVICE_UNAVAILABLE',
  'OPERATION_RESOLUTION_FAILURE',
  'DOWNSTREAM_UNAVAILABLE',
  'DUPLICATE_CONFLICT',
  'FORBIDDEN',
  'NOT_FOUND',
  'ILLEGAL_TRANSITION',
  'CONCURRENT_MODIFICATION',
  'UNAUTHENTICATED',
  'RATE_LIMITED',
  'BACKLOG_FULL',
]);

const BACKLOG_RETRY_AFTER_SECONDS = 5;

export interface ApolloDeps extends ResolverDeps {
  metrics: PlantgateMetrics;
  limits: GraphqlLimits;
  /** More checks every operation must pass (an edge refuses what only the central plane answers). */
  extraValidationRules?: ValidationRule[];
  /** Counts a FORBIDDEN (plantgate_auth_refusals_total{reason="forbidden"}). */
  onForbidden: () => void;
}

export function createApolloServer(deps: ApolloDeps): ApolloServer<GatewayContext> {
  // The permission table is enforced on the whole schema, around every root field, before anything runs.
  const schema = enforcePermissions(
    makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers: createResolvers(deps) }),
  );
  const protection = graphqlProtection(deps.limits);
  return new ApolloServer<GatewayContext>({
    schema,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    // The process owns shutdown order (stop HTTP, then consumers, then store); Apollo must not race it.
    stopOnTerminationSignals: false,
    formatError: maskError,
    validationRules: [...protection.validationRules, ...(deps.extraValidationRules ?? [])],
    parseOptions: protection.parseOptions,
    plugins: [...protection.plugins, observe(deps.metrics, deps.onForbidden)],
  });
}

/** Internal errors reach clients as a generic message; the details are logged with the request's ID. */
export function maskError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const mapped = original instanceof DomainError ? domainErrorToGraphQL(original, formatted.path) : null;
  if (mapped) return mapped;
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && CLIENT_CODES.has(code)) return formatted;
  if (isRequestError(original, formatted))
    return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } };
  return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/**
 * graphql-js's own refusal of a request before anything ran (for example "too many errors processing variables"),
 * which it raises without a code: no path (no field was resolved) and no underlying error (nothing of ours threw).
 */
function isRequestError(original: unknown, formatted: GraphQLFormattedError): boolean {
  return original instanceof GraphQLError && original.originalError === undefined && formatted.path === undefined;
}

function observe(metrics: PlantgateMetrics, onForbidden: () => void): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      let failed = false;
      let backlogFull = false;
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          failed = true;
          for (const error of errors) {
            const original = unwrapResolverError(error);
            // The code the client sees, so that metrics and log levels agree with the answer.
            const code = maskError({ message: error.message, path: error.path, extensions: error.extensions }, error)
              .extensions?.code;
            metrics.graphqlError(
              operationName ?? 'anonymous',
              typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR',
            );
            if (code === 'FORBIDDEN') onForbidden();
            if (code === 'BACKLOG_FULL') backlogFull = true;
            const fields = {
              requestId: contextValue.requestId,
              principal: contextValue.principal?.id,
              operation: operationName,
              code,
              err: (original as Error)?.message,
            };
            if (typeof code === 'string' && CLIENT_CODES.has(code)) contextValue.logger.info(fields, 'request refused');
            else contextValue.logger.error({ ...fields, stack: (original as Error)?.stack }, 'request failed');
          }
        },
        async willSendResponse({ operationName, response }) {
          // An edge that cannot take more answers like an overloaded service: 503, and when to try again.
          if (backlogFull) {
            response.http.status = 503;
            response.http.headers.set('retry-after', String(BACKLOG_RETRY_AFTER_SECONDS));
          }
          metrics.graphqlOperation(
            operationName ?? 'anonymous',
            failed ? 'error' : 'ok',
            Number(process.hrtime.bigint() - started) / 1e9,
          );
        },
      };
    },
  };
}
