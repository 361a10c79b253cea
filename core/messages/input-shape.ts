import type { z } from 'zod';
import { DomainError } from '../errors';

/**
 * Checks an input against its shape and returns the parsed value, or throws INVALID_INPUT naming the first
 * offending field (`operations[1].sequence`, a path from the input's root) so that an integrator can fix the message.
 * Every offending field is in `details.issues`.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ field: fieldPath(issue.path), message: issue.message }));
  const first = issues[0]!;
  throw new DomainError('INVALID_INPUT', `${first.field || 'the input'} ${first.message}`, {
    field: first.field,
    details: { issues },
  });
}

function fieldPath(path: PropertyKey[]): string {
  return path.reduce<string>(
    (name, part) => (typeof part === 'number' ? `${name}[${part}]` : name ? `${name}.${String(part)}` : String(part)),
    '',
  );
}
