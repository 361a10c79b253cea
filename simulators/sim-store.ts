import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * Where a reference system keeps its state: one SQLite file of its own, so that a restart (or a crash) keeps the
 * journal, idempotency keys and stock it had. Not resynchronised from Plantgate: a drift between the systems must
 * stay visible. Without a file the state lives in memory only.
 */
export function openSimStore(file: string | null) {
  if (file) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file ?? ':memory:');
  db.pragma('journal_mode = WAL');
  // A reference system answers after its write: FULL, so that what it answered survives even a power cut.
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE IF NOT EXISTS docs (collection TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (collection, key));
    CREATE INDEX IF NOT EXISTS docs_by_seq ON docs (seq);`);
  const upsert = db.prepare(
    `INSERT INTO docs (collection, key, seq, doc) VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM docs), ?)
     ON CONFLICT (collection, key) DO UPDATE SET doc = excluded.doc`,
  );
  const remove = db.prepare('DELETE FROM docs WHERE collection = ? AND key = ?');
  const load = db.prepare<[string], { key: string; doc: string }>(
    'SELECT key, doc FROM docs WHERE collection = ? ORDER BY seq',
  );

  return {
    /**
     * A Map whose writes go to the file at once; it starts with what the file holds, in insertion order. An entry
     * changed in place must be set again to be kept.
     */
    map<T>(collection: string): Map<string, T> {
      return new PersistedMap<T>(
        load.all(collection).map((row) => [row.key, JSON.parse(row.doc) as T]),
        (key, value) => void upsert.run(collection, key, JSON.stringify(value)),
        (key) => void remove.run(collection, key),
      );
    },
    /** Runs `work` as one write: what it changes is kept entirely or not at all. */
    transaction<T>(work: () => T): T {
      return db.transaction(work)();
    },
    close() {
      if (db.open) db.close();
    },
  };
}

export type SimStore = ReturnType<typeof openSimStore>;

class PersistedMap<T> extends Map<string, T> {
  private readonly loaded: boolean;

  constructor(
    entries: [string, T][],
    private readonly write: (key: string, value: T) => void,
    private readonly erase: (key: string) => void,
  ) {
    super(entries);
    this.loaded = true;
  }

  override set(key: string, value: T): this {
    // The base constructor calls set for the loaded entries, before the fields above exist.
    if (this.loaded) this.write(key, value);
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    this.erase(key);
    return super.delete(key);
  }

  override clear(): void {
    for (const key of this.keys()) this.erase(key);
    super.clear();
  }
}
