import { PERMISSIONS } from '../../core/auth/permissions';
import { ROLES } from '../../core/auth/principal';

/** The README's permission table, one row per root field, as the permission table in core/ says. */
export function permissionTableRows(): string[] {
  return (['Query', 'Mutation'] as const).flatMap((op) =>
    Object.entries(PERMISSIONS[op])
      .filter(([field]) => field !== '_noop')
      .map(
        ([field, roles]) =>
          `| ${op === 'Query' ? 'query' : 'mutation'} \`${field}\` | ${roles.length === ROLES.length ? 'every role' : roles.map((r) => `\`${r}\``).join(', ')} |`,
      ),
  );
}
