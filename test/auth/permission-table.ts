import { PERMISSIONS } from '../../core/auth/permissions';
import { ROLES } from '../../core/auth/principal';

/** The README's permission table, one row per root field, as the permission table in core/ says. */
export function permissionTableRows(): string[] {
  return (['Query', 'Mutation'] as const).flatMap((op) =>
    Object.entries(PERMISSIONS[op])
      .filter(([field]) => field !== '_noop')
      .map(([field, roles]) => `| ${op === 'Query' ? 'query' : 'mutation'} \`${field}\` | ${describeRoles(roles)} |`),
  );
}

function describeRoles(roles: readonly string[]): string {
  if (roles.length === ROLES.length) return 'every role';
  if (roles.length === ROLES.length - 1 && !roles.includes('EDGE')) return 'every role but `EDGE`';
  return roles.map((r) => `\`${r}\``).join(', ');
}
