import { GraphQLError } from 'graphql';
import type { Page } from '../core/ports/records';

export const MAX_PAGE_SIZE = 200;

/** Relay-style connection of a store page. */
export function toConnection<T>(page: Page<T>) {
  return {
    edges: page.items.map((node, index) => ({ node, cursor: page.cursors[index]! })),
    nodes: page.items,
    totalCount: page.totalCount,
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
  };
}

export function pageRequest(first: number | null | undefined, after: string | null | undefined) {
  const size = first ?? 20;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new GraphQLError(`Invalid argument: first must be between 1 and ${MAX_PAGE_SIZE}`, {
      extensions: { code: 'BAD_USER_INPUT', field: 'first' },
    });
  }
  return { first: size, after: after ?? null };
}
