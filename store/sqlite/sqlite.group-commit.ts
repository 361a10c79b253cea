import type Database from 'better-sqlite3';

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: writes requested in the same turn of the event loop (by concurrent partition consumers or
 * concurrent HTTP requests) run in one SQLite transaction, each inside its own savepoint, so that one fsync
 * makes them all durable. A write that throws rolls back only its savepoint and fails only its caller; every
 * caller is answered after the whole transaction committed, so nothing is acknowledged before it is durable.
 */
export function createGroupCommit(db: Database.Database, translate: (error: unknown) => unknown) {
  let pending: Pending[] = [];
  let scheduled = false;

  function flush() {
    const batch = pending;
    pending = [];
    scheduled = false;
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      db.transaction(() => {
        for (const item of batch) {
          try {
            // A nested better-sqlite3 transaction is a savepoint: a throw undoes this write alone.
            outcomes.push({ ok: true, value: db.transaction(item.work)() });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      }).immediate();
    } catch (error) {
      const failure = translate(error);
      batch.forEach((item) => item.reject(failure));
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }

  return function write<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
  };
}
