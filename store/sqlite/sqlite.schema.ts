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
  // Transactions keep the envelope they were accepted with (design convention 13); the columns are what is
  // filtered and sorted on. Submissions get a lease, so that several sweepers publish a stranded one once.
  `
  CREATE TABLE transactions_next (
    correlation_id TEXT PRIMARY KEY,
    message_type TEXT NOT NULL,
    business_key TEXT NOT NULL,
    plant TEXT NOT NULL,
    order_number TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    exception_id TEXT,
    applied_version INTEGER,
    last_error TEXT,
    received_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    envelope TEXT NOT NULL
  );
  INSERT INTO transactions_next
  SELECT correlation_id, message_type, business_key, plant, order_number, status, attempts, exception_id, applied_version,
    last_error, received_at, updated_at,
    json_object('schemaVersion', 1, 'command', json_object('messageType', message_type, 'payload', json(payload)),
      'messageId', message_id, 'correlationId', correlation_id, 'businessKey', business_key, 'fingerprint', '',
      'scope', json_object('plant', plant, 'orderNumber', order_number), 'traceparent', '',
      'principal', json_object('id', 'unknown', 'name', 'recorded before envelopes', 'kind', 'SYSTEM'),
      'receivedAt', received_at, 'replayOf', NULL)
  FROM transactions;
  DROP TABLE transactions;
  ALTER TABLE transactions_next RENAME TO transactions;
  CREATE INDEX transactions_by_order ON transactions (plant, order_number);
  CREATE INDEX transactions_by_status ON transactions (status, updated_at);
  UPDATE held_messages SET doc = json_set(doc, '$.message', json_object(
    'attempt', json_extract(doc, '$.message.attempt'),
    'envelope', json_object('schemaVersion', 1, 'command', json_extract(doc, '$.message.command'),
      'messageId', json_extract(doc, '$.message.messageId'), 'correlationId', json_extract(doc, '$.message.correlationId'),
      'businessKey', json_extract(doc, '$.message.businessKey'), 'fingerprint', json_extract(doc, '$.message.fingerprint'),
      'scope', json_object('plant', plant, 'orderNumber', order_number), 'traceparent', '',
      'principal', json_object('id', json_extract(doc, '$.message.actor'), 'name', json_extract(doc, '$.message.actor'), 'kind', 'SYSTEM'),
      'receivedAt', json_extract(doc, '$.message.receivedAt'), 'replayOf', NULL)))
  WHERE json_extract(doc, '$.message.envelope') IS NULL;
  ALTER TABLE submissions ADD COLUMN lease_until INTEGER;
  CREATE INDEX submissions_unpublished ON submissions (received_at) WHERE published = 0;
  ALTER TABLE outbox ADD COLUMN traceparent TEXT NOT NULL DEFAULT '';
  ALTER TABLE outbox ADD COLUMN principal TEXT NOT NULL DEFAULT '{"id":"unknown","name":"recorded before envelopes","kind":"SYSTEM"}';
  `,
  // Outbox entries know their order, so that the relay routes an order's messages to one outbound partition.
  `
  ALTER TABLE outbox ADD COLUMN plant TEXT NOT NULL DEFAULT '*';
  ALTER TABLE outbox ADD COLUMN order_number TEXT NOT NULL DEFAULT '';
  UPDATE outbox SET plant = COALESCE(json_extract(payload, '$.plant'), '*'), order_number = COALESCE(json_extract(payload, '$.orderNumber'), '');
  `,
  // Starts of redelivered messages: isolates a message that kills its worker every time it is processed.
  `CREATE TABLE redelivered_starts (correlation_id TEXT PRIMARY KEY, starts INTEGER NOT NULL);`,
  // API keys: the record as a document, the secret only as its hash.
  `CREATE TABLE api_keys (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, doc TEXT NOT NULL);`,
  // The exception workbench: owner, triage deadline, assignee and version as columns (filtered, counted, raced on),
  // the history and links as a document. A transaction a replay or correction took over names its successor.
  // Audit entries become append-only in the file itself, and can be found by the lot they concern.
  `
  ALTER TABLE exceptions ADD COLUMN owner TEXT NOT NULL DEFAULT 'ADMIN';
  UPDATE exceptions SET owner = CASE type WHEN 'VALIDATION' THEN 'OPERATIONS' WHEN 'SEQUENCE' THEN 'OPERATIONS'
    WHEN 'DEPENDENCY' THEN 'QUALITY' WHEN 'REVISION_MISMATCH' THEN 'OPERATIONS' WHEN 'DUPLICATE_CONFLICT' THEN 'INTEGRATOR'
    WHEN 'RECONCILIATION' THEN 'SUPPLY_CHAIN' ELSE 'ADMIN' END;
  ALTER TABLE exceptions ADD COLUMN due_at TEXT NOT NULL DEFAULT '';
  UPDATE exceptions SET due_at = created_at;
  ALTER TABLE exceptions ADD COLUMN assignee TEXT;
  ALTER TABLE exceptions ADD COLUMN closed_at TEXT;
  ALTER TABLE exceptions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE exceptions ADD COLUMN workbench TEXT NOT NULL
    DEFAULT '{"actions":[],"replayOf":null,"replayedAs":null,"pendingOverride":null}';
  CREATE INDEX exceptions_by_due ON exceptions (status, due_at);
  ALTER TABLE transactions ADD COLUMN superseded_by TEXT;
  CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
  CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
  CREATE INDEX audit_by_lot ON audit (json_extract(detail, '$.concerns.lot'), seq);
  `,
  // Reconciliation: its runs, the drifts they find, and a plant's orders read page by page, or changed since.
  `
  CREATE TABLE reconciliation_runs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    plant TEXT NOT NULL,
    doc TEXT NOT NULL
  );
  CREATE INDEX reconciliation_runs_by_plant ON reconciliation_runs (plant, seq);
  CREATE TABLE drifts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    plant TEXT NOT NULL,
    system TEXT NOT NULL,
    status TEXT NOT NULL,
    field TEXT NOT NULL,
    order_number TEXT,
    lot TEXT,
    run_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    doc TEXT NOT NULL
  );
  CREATE INDEX drifts_by_run ON drifts (run_id);
  CREATE INDEX drifts_by_order ON drifts (plant, order_number);
  CREATE INDEX drifts_by_lot ON drifts (plant, lot);
  CREATE INDEX drifts_by_status ON drifts (plant, status);
  CREATE INDEX orders_by_plant_id ON orders (plant, id);
  CREATE INDEX orders_by_plant_updated ON orders (plant, updated_at);
  `,
  // Enrichment of ERP postings: a plant's ERP code and settlement receiver, a work centre's cost centre and activity type.
  `
  ALTER TABLE plants ADD COLUMN enrichment TEXT NOT NULL DEFAULT '{}';
  ALTER TABLE work_centers ADD COLUMN enrichment TEXT NOT NULL DEFAULT '{}';
  `,
  // Serial numbers of serialised items, to find the lot a piece was produced into.
  `
  CREATE TABLE serials (
    plant TEXT NOT NULL,
    serial_number TEXT NOT NULL,
    item TEXT NOT NULL,
    lot_number TEXT NOT NULL,
    PRIMARY KEY (plant, serial_number, item)
  );
  `,
  // Governed rule parameters: proposed, approved and rejected changes, each plant's versions after RULES_FILE's.
  `
  CREATE TABLE rule_changes (
    id TEXT PRIMARY KEY,
    plant TEXT NOT NULL,
    rev INTEGER NOT NULL,
    proposed_at TEXT NOT NULL,
    doc TEXT NOT NULL
  );
  CREATE INDEX rule_changes_by_plant ON rule_changes (plant, proposed_at);
  `,
];
