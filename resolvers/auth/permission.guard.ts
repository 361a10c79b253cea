import { defaultFieldResolver, GraphQLError, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { hasAnyRole, rolesFor } from '../../core/auth/permissions';
import type { GatewayContext } from '../context';

/** Called on every refusal, to count it (plantgate_auth_refusals_total) and log it with the principal. */
export type RefusalObserver = (reason: 'forbidden_role', ctx: GatewayContext, field: string) => void;

/**
 * The one mechanism that enforces the permission table (core/auth/permissions.ts) for the whole schema: every root
 * field's resolver is wrapped so that a principal without one of the field's roles gets FORBIDDEN, naming the roles
 * needed, before anything runs. A root field with no entry in the table is refused to everyone.
 */
export function enforcePermissions(schema: GraphQLSchema, onRefused?: RefusalObserver): GraphQLSchema {
  for (const operation of ['Query', 'Mutation'] as const) {
    const type = operation === 'Query' ? schema.getQueryType() : schema.getMutationType();
    for (const field of Object.values(type?.getFields() ?? {})) {
      const resolve: GraphQLFieldResolver<unknown, GatewayContext> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, ctx, info) => {
        const roles = rolesFor(operation, field.name) ?? [];
        if (!hasAnyRole(ctx.principal, roles)) {
          onRefused?.('forbidden_role', ctx, `${operation}.${field.name}`);
          const needed = roles.length ? `one of the roles ${roles.join(', ')}` : 'a role nobody has';
          throw new GraphQLError(
            `${operation === 'Query' ? 'Reading' : 'Calling'} ${field.name} needs ${needed}; ${ctx.principal.name} has ${ctx.principal.roles.join(', ') || 'none'}.`,
            {
              extensions: { code: 'FORBIDDEN', requiredRoles: roles },
            },
          );
        }
        return resolve(source, args, ctx, info);
      };
    }
  }
  return schema;
}
