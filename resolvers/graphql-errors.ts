import type { GraphQLFormattedError } from 'graphql';
import type { DomainError } from '../core/errors';

/**
 * The one mapping of domain errors to GraphQL errors, by code. An INVALID_INPUT names its field from the
 * mutation's `input` argument unless the error names another argument (`details.argument`).
 */
export function domainErrorToGraphQL(
  error: DomainError,
  path: GraphQLFormattedError['path'],
): GraphQLFormattedError | null {
  switch (error.code) {
    case 'INVALID_INPUT': {
      const qualify = (field: string | undefined) =>
        error.details.argument !== undefined
          ? (field ?? String(error.details.argument))
          : field
            ? `input.${field}`
            : 'input';
      const issues = (error.details.issues as { field: string; message: string }[] | undefined)?.map((i) => ({
        ...i,
        field: qualify(i.field),
      }));
      const field = qualify(error.field);
      const message = issues?.[0]
        ? `Invalid input: ${issues[0].field} ${issues[0].message}`
        : `Invalid argument: ${error.message}`;
      return { message, path, extensions: { code: 'BAD_USER_INPUT', field, ...(issues ? { issues } : {}) } };
    }
    case 'DUPLICATE_CONFLICT':
    case 'FORBIDDEN':
    case 'NOT_FOUND':
    case 'ILLEGAL_TRANSITION':
    case 'CONCURRENT_MODIFICATION':
      return { message: error.message, path, extensions: { code: error.code, ...error.details } };
    case 'BACKLOG_FULL':
      // The gateway answers such a request with HTTP 503 and Retry-After (apollo.ts).
      return { message: error.message, path, extensions: { code: error.code, ...error.details } };
    case 'BROKER_UNAVAILABLE':
    case 'STORE_UNAVAILABLE':
    case 'DOWNSTREAM_UNAVAILABLE':
      return {
        message: error.message,
        path,
        extensions: {
          code: error.code === 'DOWNSTREAM_UNAVAILABLE' ? error.code : 'SERVICE_UNAVAILABLE',
          ...error.details,
        },
      };
    default:
      return null;
  }
}
