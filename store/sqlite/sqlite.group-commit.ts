import type Database from 'better-sqlite3';

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * The connection's write transactions, one after another. A transaction waits for SQLite's write lock without
 * blocking the event loop: SQLite's own busy handler sleeps inside the call (the process does nothing else meanwhile,
 * and backs off up to 100 ms), so the lock is tried without it and tried again after a millisecond or few, until
 * `busyTimeoutMs` has passed. Another process's batch holds the lock for milliseconds.
 */
export function createWriteLane(db: Database.Database, busyTimeoutMs: number) {
  const control = {
    begin: db.prepare('BEGIN IMMEDIATE'),
    commit: db.prepare('COMMIT'),
    rollback: db.prepare('ROLLBACK'),
  };
  let tail: Promise<unknown> = Promise.resolve();

  function tryBegin(): boolean {
    db.pragma('busy_timeout = 0');
    try {
      control.begin.run();
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_BUSY') return false;
      throw error;
    } finally {
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    }
  }

  async function begin() {
    const giveUpAt = Date.now() + busyTimeoutMs;
    while (!tryBegin()) {
      // The last try waits in SQLite's busy handler, which reports SQLITE_BUSY if the lock is still held.
      if (Date.now() > giveUpAt) return void control.begin.run();
      await new Promise((resolve) => setTimeout(resolve, 1 + Math.random() * 3));
    }
  }

  /** Runs `work` in a write transaction of its own, after the connection's previous one; commits if it returns. */
  function transaction<T>(work: () => T | Promise<T>): Promise<T> {
    const run = tail.then(async () => {
      await begin();
      try {
        const result = await work();
        control.commit.run();
        return result;
      } catch (error) {
        if (db.inTransaction) control.rollback.run();
        throw error;
      }
    });
    tail = run.catch(() => undefined);
    return run;
  }

  return { transaction };
}

export type WriteLane = ReturnType<typeof createWriteLane>;

/**
 * Group commit: writes requested in the same turn of the event loop (by concurrent partition consumers or
 * concurrent HTTP requests) run in one SQLite transaction, each inside its own savepoint, so that one fsync
 * makes them all durable. A write that throws rolls back only its savepoint and fails only its caller; every
 * caller is answered after the whole transaction committed, so nothing is acknowledged before it is durable.
 * The transaction takes its turn on the write lane, after a worker's batch that holds it.
 */
export function createGroupCommit(db: Database.Database, translate: (error: unknown) => unknown, lane: WriteLane) {
  let pending: Pending[] = [];
  let scheduled = false;

  async function flush() {
    let batch: Pending[] = [];
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      await lane.transaction(() => {
        // What was asked for until the lock was ours goes in too.
        batch = pending;
        pending = [];
        scheduled = false;
        for (const item of batch) {
          try {
            // A nested better-sqlite3 transaction is a savepoint: a throw undoes this write alone.
            outcomes.push({ ok: true, value: db.transaction(item.work)() });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      // The lock was never ours: what waited for it fails now, as it would have in the transaction.
      if (scheduled) {
        batch = pending;
        pending = [];
        scheduled = false;
      }
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
        setImmediate(() => void flush());
      }
    });
  };
}
