import { DomainError } from '../core/errors';

/** Cursors are opaque to clients; adapters put their own ordering key inside. */
export function encodeCursor(position: string | number): string {
  return Buffer.from(String(position), 'utf8').toString('base64url');
}

/**
 * The position inside a cursor, or null for the first page. A cursor this adapter did not hand out is refused
 * (INVALID_INPUT naming `after`), never read as an empty page or as the first page.
 */
export function decodeCursor(cursor: string | null | undefined, position: RegExp): string | null {
  if (cursor === null || cursor === undefined) return null;
  const decoded = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!position.test(decoded)) {
    throw new DomainError(
      'INVALID_INPUT',
      `after is not a cursor this list handed out: ${JSON.stringify(cursor.slice(0, 40))}`,
      { field: 'after', details: { argument: 'after' } },
    );
  }
  return decoded;
}
