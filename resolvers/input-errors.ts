import { GraphQLError } from 'graphql';
import type { z } from 'zod';

/**
 * Checks an input against its schema and returns the parsed value, or throws BAD_USER_INPUT naming the first
 * offending field (`input.operations[1].sequence`) so that an integrator can fix the message.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ field: fieldName(issue.path), message: issue.message }));
  const first = issues[0]!;
  throw new GraphQLError(`Invalid input: ${first.field} ${first.message}`, {
    extensions: { code: 'BAD_USER_INPUT', field: first.field, issues },
  });
}

function fieldName(path: PropertyKey[]): string {
  return path.reduce<string>((name, part) => (typeof part === 'number' ? `${name}[${part}]` : `${name}.${String(part)}`), 'input');
}
