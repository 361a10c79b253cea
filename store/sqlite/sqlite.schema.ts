/**
 * Schema migrations, applied in order; PRAGMA user_version records how many have run, so a file from an
 * older release is upgraded at start.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plant TEXT NOT NULL,
    order_number TEXT NOT NULL,
    state TEXT NOT NULL,
    state_since TEXT NOT NULL,
    item TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    doc TEXT NOT NULL,
    UNIQUE (plant, order_number)
  );
  CREATE INDEX orders_by_state ON orders (plant, state);
  CREATE TABLE transactions (
    correlation_id TEXT PRIMARY KEY,
    message_id TEXT NOT NULL,
    message_type TEXT NOT NULL,
    business_key TEXT NOT NULL,
    plant TEXT NOT NULL,
    order_number TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    exception_id TEXT,
    applied_version INTEGER,
    last_error TEXT,
    payload TEXT NOT NULL,
    received_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX transactions_by_order ON transactions (plant, order_number);
  CREATE INDEX transactions_by_status ON transactions (status, updated_at);
  CREATE TABLE submissions (
    business_key TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    correlation_id TEXT NOT NULL,
    published INTEGER NOT NULL DEFAULT 0,
    received_at TEXT NOT NULL
  );
  CREATE TABLE idempotency_keys (
    business_key TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    correlation_id TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    subject TEXT NOT NULL,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    correlation_id TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  );
  CREATE INDEX audit_by_subject ON audit (subject, seq);
  CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    destination TEXT NOT NULL,
    message_type TEXT NOT NULL,
    correlation_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    published_at TEXT,
    lease_owner TEXT,
    lease_until INTEGER
  );
  CREATE INDEX outbox_pending ON outbox (published_at, seq);
  CREATE TABLE exceptions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    plant TEXT NOT NULL,
    order_number TEXT NOT NULL,
    correlation_id TEXT NOT NULL,
    message_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    rule TEXT NOT NULL,
    rule_set_version INTEGER NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX exceptions_by_plant ON exceptions (plant, status, type);
  CREATE INDEX exceptions_by_order ON exceptions (plant, order_number);
  `,
  `
  CREATE TABLE plants (code TEXT PRIMARY KEY, name TEXT NOT NULL);
  CREATE TABLE work_centers (plant TEXT NOT NULL, code TEXT NOT NULL, PRIMARY KEY (plant, code));
  CREATE TABLE items (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    number TEXT NOT NULL,
    revision TEXT NOT NULL,
    doc TEXT NOT NULL,
    UNIQUE (number, revision)
  );
  CREATE TABLE lots (
    plant TEXT NOT NULL,
    lot_number TEXT NOT NULL,
    item TEXT NOT NULL,
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (plant, lot_number)
  );
  CREATE TABLE held_messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    correlation_id TEXT NOT NULL UNIQUE,
    plant TEXT NOT NULL,
    order_number TEXT NOT NULL,
    held_until TEXT NOT NULL,
    doc TEXT NOT NULL
  );
  CREATE INDEX held_by_order ON held_messages (plant, order_number, seq);
  CREATE INDEX held_by_expiry ON held_messages (held_until);
  `,
  // A submission is marked published and withdrawn by its correlation ID: without this index every submit scanned
  // the whole table (found by profiling the gateway).
  `CREATE UNIQUE INDEX submissions_by_correlation ON submissions (correlation_id);`,
];
