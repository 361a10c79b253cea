/** A stored document without MongoDB's own `_id`: the record the port speaks of. */
export type WithoutId<T> = Omit<T, '_id'>;

export function strip<T extends object>(doc: T): WithoutId<T>;
export function strip<T extends object>(doc: T | null): WithoutId<T> | null;
export function strip<T extends object>(doc: T | null): WithoutId<T> | null {
  if (!doc) return null;
  const { _id: _ignored, ...rest } = doc as T & { _id?: unknown };
  return rest as WithoutId<T>;
}
