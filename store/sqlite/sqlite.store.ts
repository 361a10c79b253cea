import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { ApiKeyRecord } from '../../core/auth/api-key';
import { DomainError } from '../../core/errors';
import type { OrderRecord } from '../../core/orders/order.types';
import type { AuditDraft, ExceptionRecord, IdempotencyRecord, OutboxEntry, Page } from '../../core/ports/records';
import type { TransactionRecord } from '../../core/ports/transaction.record';
import type { ReconciliationUnit } from '../../core/ports/reconciliation.port';
import type { DriftRecord } from '../../core/reconciliation/drift.types';
import type {
  CommitConflict,
  CommitResult,
  ExceptionFilter,
  OrderFilter,
  PageRequest,
  Store,
  SubmissionOutcome,
  UnitOfWork,
} from '../../core/ports/store.port';
import { chainHash, GENESIS_HASH, verifyChains } from '../audit-chain';
import { decodeCursor, encodeCursor } from '../paging';
import { createGroupCommit, createWriteLane } from './sqlite.group-commit';
import { sqliteMonitoringReads } from './sqlite.monitoring';
import { sqliteReferenceStatements } from './sqlite.reference';
import { sqliteWorkbenchStatements } from './sqlite.workbench';
import { sqliteReconciliationStatements } from './sqlite.reconciliation';
import { sqliteRuleStatements } from './sqlite.rules';
import { MIGRATIONS } from './sqlite.schema';
import {
  auditFromRow,
  exceptionFromRow,
  exceptionToRow,
  orderFromRow,
  outboxFromRow,
  transactionFromRow,
  transactionToRow,
  type AuditRow,
  type ExceptionRow,
  type OrderRow,
  type OutboxRow,
  type TransactionRow,
} from './sqlite.rows';

export interface SqliteStoreOptions {
  /** Path of the database file; its folder is created when missing. */
  file: string;
  /** How long a writer waits for another process's lock before the store reports itself unavailable. */
  busyTimeoutMs?: number;
  /**
   * FULL (default) survives a power cut: a message acknowledged after its commit is never lost. NORMAL, in WAL
   * mode, survives a crash of the process but may lose the last commits on a power cut.
   */
  synchronous?: 'full' | 'normal';
}

type Write = <T>(work: () => T) => Promise<T>;

class Conflict extends Error {
  constructor(readonly conflict: CommitConflict) {
    super(conflict);
  }
}

/**
 * Processes opening a new file together all try to switch it to WAL. SQLite answers SQLITE_BUSY at once, without
 * waiting on the busy timeout, to all but one of them (the switch needs the file to itself), so wait and retry.
 */
function switchToWal(db: Database.Database, timeoutMs: number): void {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > giveUpAt) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/**
 * The embedded default store: one SQLite file in WAL mode, shared safely by several processes on one machine.
 * synchronous=FULL because a message is acknowledged to the broker right after its commit: a commit lost to
 * a power cut would be a lost message.
 */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  fs.mkdirSync(path.dirname(path.resolve(options.file)), { recursive: true });
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const db = new Database(options.file, { timeout: busyTimeoutMs });
  switchToWal(db, busyTimeoutMs);
  db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  // 64 MB of page cache: indexes of a store with millions of orders stay in memory instead of being re-read.
  db.pragma('cache_size = -65536');
  db.pragma('foreign_keys = ON');
  migrate(db);
  const reference = sqliteReferenceStatements(db);
  const monitoring = sqliteMonitoringReads(db);
  const workbench = sqliteWorkbenchStatements(db, () => {
    throw new Conflict('exception-version');
  });
  const reconciliation = sqliteReconciliationStatements(db, () => {
    throw new Conflict('drift-version');
  });
  const rules = sqliteRuleStatements(db);

  const stmt = {
    getTransaction: db.prepare<[string], TransactionRow>('SELECT * FROM transactions WHERE correlation_id = ?'),
    upsertTransaction: db.prepare(
      `INSERT INTO transactions (correlation_id, message_type, business_key, plant, order_number, status, attempts, exception_id,
         applied_version, last_error, received_at, updated_at, envelope)
       VALUES (@correlation_id, @message_type, @business_key, @plant, @order_number, @status, @attempts, @exception_id,
         @applied_version, @last_error, @received_at, @updated_at, @envelope)
       ON CONFLICT (correlation_id) DO UPDATE SET status = excluded.status, attempts = excluded.attempts,
         exception_id = excluded.exception_id, applied_version = excluded.applied_version, last_error = excluded.last_error,
         updated_at = excluded.updated_at`,
    ),
    getSubmission: db.prepare<
      [string],
      { fingerprint: string; correlation_id: string; published: number; received_at: string }
    >('SELECT * FROM submissions WHERE business_key = ?'),
    insertSubmission: db.prepare(
      'INSERT INTO submissions (business_key, fingerprint, correlation_id, published, received_at) VALUES (?, ?, ?, 0, ?)',
    ),
    markPublished: db.prepare('UPDATE submissions SET published = 1, lease_until = NULL WHERE correlation_id = ?'),
    strandedSubmissions: db.prepare<[string, number, number], { correlation_id: string; status: string }>(
      `SELECT s.correlation_id, t.status FROM submissions s JOIN transactions t ON t.correlation_id = s.correlation_id
       WHERE s.published = 0 AND s.received_at < ? AND (s.lease_until IS NULL OR s.lease_until < ?) ORDER BY s.received_at LIMIT ?`,
    ),
    leaseSubmission: db.prepare('UPDATE submissions SET lease_until = ? WHERE correlation_id = ?'),
    countRedeliveredStart: db.prepare<[string], { starts: number }>(
      'INSERT INTO redelivered_starts VALUES (?, 1) ON CONFLICT (correlation_id) DO UPDATE SET starts = starts + 1 RETURNING starts',
    ),
    getIdempotencyKey: db.prepare<
      [string],
      { business_key: string; fingerprint: string; correlation_id: string; created_at: string }
    >('SELECT * FROM idempotency_keys WHERE business_key = ?'),
    insertIdempotencyKey: db.prepare('INSERT INTO idempotency_keys VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    getOrder: db.prepare<[string, string], OrderRow>('SELECT * FROM orders WHERE plant = ? AND order_number = ?'),
    insertOrder: db.prepare(
      'INSERT INTO orders (plant, order_number, state, state_since, item, version, updated_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    updateOrder: db.prepare(
      'UPDATE orders SET state = ?, state_since = ?, item = ?, version = ?, updated_at = ?, doc = ? WHERE plant = ? AND order_number = ? AND version = ?',
    ),
    lastAuditHash: db.prepare<[string], { hash: string }>(
      'SELECT hash FROM audit WHERE subject = ? ORDER BY seq DESC LIMIT 1',
    ),
    insertAudit: db.prepare(
      'INSERT INTO audit (at, subject, action, actor, correlation_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    insertOutbox: db.prepare(
      `INSERT INTO outbox (id, destination, message_type, correlation_id, plant, order_number, idempotency_key, payload, created_at, traceparent, principal)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    insertException: db.prepare(
      `INSERT INTO exceptions (id, type, reason, status, plant, order_number, correlation_id, message_type, payload, rule,
         rule_set_version, created_at, owner, due_at, assignee, closed_at, version, workbench)
       VALUES (@id, @type, @reason, @status, @plant, @order_number, @correlation_id, @message_type, @payload, @rule,
         @rule_set_version, @created_at, @owner, @due_at, @assignee, @closed_at, @version, @workbench)
       ON CONFLICT DO NOTHING`,
    ),
    activeExceptions: db.prepare<[string, string], ExceptionRow>(
      "SELECT * FROM exceptions WHERE plant = ? AND order_number = ? AND status IN ('OPEN', 'AWAITING_APPROVAL') ORDER BY seq",
    ),
    supersedeSubmission: db.prepare(
      `UPDATE submissions SET fingerprint = ?, correlation_id = ?, published = 0, lease_until = NULL, received_at = ?
       WHERE business_key = ? AND correlation_id = ?`,
    ),
    outboxLeasedByOther: db.prepare<[number, string], { 1: number }>(
      'SELECT 1 FROM outbox WHERE published_at IS NULL AND lease_until >= ? AND lease_owner != ? LIMIT 1',
    ),
    claimableOutbox: db.prepare<[number, string, number], OutboxRow>(
      'SELECT * FROM outbox WHERE published_at IS NULL AND (lease_until IS NULL OR lease_until < ? OR lease_owner = ?) ORDER BY seq LIMIT ?',
    ),
    leaseOutbox: db.prepare('UPDATE outbox SET lease_owner = ?, lease_until = ? WHERE id = ?'),
    markOutboxPublished: db.prepare(
      'UPDATE outbox SET published_at = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?',
    ),
    recordAttempt: db.prepare(
      'UPDATE transactions SET attempts = ?, last_error = ?, updated_at = ? WHERE correlation_id = ?',
    ),
    markSuperseded: db.prepare('UPDATE transactions SET superseded_by = ? WHERE correlation_id = ?'),
  };

  /** Lock contention, I/O failures and a closed file are transient for the caller: it retries later. */
  function guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw guardError(error);
    }
  }

  function guardError(error: unknown): unknown {
    if (error instanceof Conflict || error instanceof DomainError) return error;
    const code = (error as { code?: string }).code ?? '';
    if (/^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN)/.test(code) || !(error instanceof Error) || !db.open) {
      return new DomainError('STORE_UNAVAILABLE', `SQLite store unavailable: ${(error as Error).message}`, {
        retryable: true,
        cause: error,
      });
    }
    return error;
  }

  // The connection has one transaction at a time: a worker's batch and the group commit take turns on the lane.
  const lane = createWriteLane(db, busyTimeoutMs);
  const groupWrite: Write = createGroupCommit(db, guardError, lane);
  let batchOpen = false;
  /** Inside a batch the write runs at once, in a savepoint of the batch's transaction, seeing what came before. */
  const batchWrite: Write = async (work) => (batchOpen ? db.transaction(work)() : groupWrite(work));

  /** A write that a version or key check may refuse: the refusal is the caller's outcome, not an error. */
  function conflictAware(write: Write) {
    return async (work: () => void): Promise<CommitResult> => {
      try {
        await write(work);
        return { ok: true };
      } catch (error) {
        if (error instanceof Conflict) return { ok: false, conflict: error.conflict };
        throw guardError(error);
      }
    };
  }

  /**
   * A worker's batch: one write transaction around everything `work` does through the batch's view of the store
   * (reads see the batch's own earlier writes; each write is a savepoint, so one that fails undoes itself alone).
   * Nothing is durable, and the caller acknowledges nothing, before the one commit at the end; if the batch fails
   * as a whole, all of it is rolled back and its messages are delivered again.
   */
  async function inBatch<T>(work: (view: Store) => Promise<T>): Promise<T> {
    try {
      return await lane.transaction(async () => {
        batchOpen = true;
        try {
          // A view of its own per batch: what a batch did can be told apart from what the next one does.
          const view: Store = { ...store, ...writesWith(batchWrite), inBatch: (nested) => nested(view) };
          return await work(view);
        } finally {
          batchOpen = false;
        }
      });
    } catch (error) {
      throw guardError(error);
    }
  }

  const recordSubmission = (transaction: TransactionRecord, supersedes?: string): SubmissionOutcome => {
    const { businessKey, fingerprint, correlationId, receivedAt } = transaction.envelope;
    const existing = stmt.getSubmission.get(businessKey);
    if (existing && supersedes !== undefined && existing.correlation_id === supersedes) {
      stmt.supersedeSubmission.run(fingerprint, correlationId, receivedAt, businessKey, supersedes);
      stmt.upsertTransaction.run(transactionToRow(transaction));
      stmt.markSuperseded.run(correlationId, supersedes);
      return { outcome: 'accepted' };
    }
    if (existing && existing.fingerprint === fingerprint) {
      return { outcome: 'duplicate', correlationId: existing.correlation_id, published: existing.published === 1 };
    }
    if (existing) return { outcome: 'conflict', originalCorrelationId: existing.correlation_id };
    stmt.insertSubmission.run(businessKey, fingerprint, correlationId, receivedAt);
    stmt.upsertTransaction.run(transactionToRow(transaction));
    // A correction under a key of its own still takes over from the transaction it corrects.
    if (supersedes !== undefined) stmt.markSuperseded.run(correlationId, supersedes);
    return { outcome: 'accepted' };
  };

  const claimStrandedSubmissions = (receivedBefore: string, limit: number, leaseMs: number): TransactionRecord[] => {
    const now = Date.now();
    const claimed: TransactionRecord[] = [];
    for (const row of stmt.strandedSubmissions.all(receivedBefore, now, limit)) {
      if (row.status !== 'RECEIVED') {
        stmt.markPublished.run(row.correlation_id);
        continue;
      }
      stmt.leaseSubmission.run(now + leaseMs, row.correlation_id);
      claimed.push(transactionFromRow(stmt.getTransaction.get(row.correlation_id)!));
    }
    return claimed;
  };

  const appendAudit = (entry: AuditDraft) => {
    const prevHash = stmt.lastAuditHash.get(entry.subject)?.hash ?? GENESIS_HASH;
    const hash = chainHash(prevHash, entry);
    stmt.insertAudit.run(
      entry.at,
      entry.subject,
      entry.action,
      entry.actor,
      entry.correlationId,
      JSON.stringify(entry.detail),
      prevHash,
      hash,
    );
  };

  const commitUnit = (unit: UnitOfWork) => {
    if (unit.idempotencyKey) {
      const k = unit.idempotencyKey;
      if (stmt.insertIdempotencyKey.run(k.businessKey, k.fingerprint, k.correlationId, k.createdAt).changes === 0) {
        throw new Conflict('idempotency-key');
      }
    }
    if (unit.order) writeOrder(unit.order.record, unit.order.expectedVersion);
    stmt.upsertTransaction.run(transactionToRow(unit.transaction));
    commitEffects(unit);
    reference.write(unit, (kind) => {
      throw new Conflict(kind);
    });
  };

  /** What a decision and a reconciliation step both write: audit, outbox, exceptions opened and changed. */
  const commitEffects = (unit: Pick<UnitOfWork, 'audit' | 'outbox' | 'exceptions' | 'exceptionUpdates'>) => {
    unit.audit.forEach(appendAudit);
    for (const o of unit.outbox) {
      stmt.insertOutbox.run(
        o.id,
        o.destination,
        o.messageType,
        o.correlationId,
        o.scope.plant,
        o.scope.orderNumber,
        o.idempotencyKey,
        JSON.stringify(o.payload),
        o.createdAt,
        o.traceparent,
        JSON.stringify(o.principal),
      );
    }
    unit.exceptions.forEach(insertException);
    workbench.updateExceptions(unit.exceptionUpdates ?? []);
  };

  const commitReconciliation = (unit: ReconciliationUnit) => {
    if (unit.order) writeOrder(unit.order.record, unit.order.expectedVersion);
    reconciliation.writeDrifts(unit.drifts);
    if (unit.run) reconciliation.saveRun(unit.run);
    commitEffects(unit);
    reference.write({ lots: unit.lots }, (kind) => {
      throw new Conflict(kind);
    });
  };

  function writeOrder(record: OrderRecord, expectedVersion: number) {
    const doc = JSON.stringify(record);
    const changes =
      expectedVersion === 0
        ? stmt.insertOrder.run(
            record.plant,
            record.orderNumber,
            record.state,
            record.stateSince,
            record.item,
            record.version,
            record.updatedAt,
            doc,
          ).changes
        : stmt.updateOrder.run(
            record.state,
            record.stateSince,
            record.item,
            record.version,
            record.updatedAt,
            doc,
            record.plant,
            record.orderNumber,
            expectedVersion,
          ).changes;
    if (changes === 0) throw new Conflict('order-version');
  }

  function insertException(e: ExceptionRecord) {
    stmt.insertException.run(exceptionToRow(e));
  }

  function page<Row extends { seq: number }, T>(
    table: string,
    where: [string, unknown][],
    request: PageRequest,
    map: (row: Row) => T,
  ): Page<T> {
    // A list value is a set to match (a principal's plants): `IN (…)`, and an empty set matches nothing.
    const clauses = where.map(([column, value]) =>
      Array.isArray(value) ? `${column} IN (${value.map(() => '?').join(', ') || 'NULL'})` : `${column} = ?`,
    );
    const values = where.flatMap(([, value]) => (Array.isArray(value) ? value : [value]));
    const filter = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    const totalCount = (db.prepare(`SELECT COUNT(*) AS n FROM ${table} ${filter}`).get(...values) as { n: number }).n;
    const after = decodeCursor(request.after, /^[1-9][0-9]{0,15}$/);
    const pageClauses = after === null ? clauses : [...clauses, 'seq > ?'];
    const pageValues = after === null ? values : [...values, Number(after)];
    const rows = db
      .prepare(
        `SELECT * FROM ${table} ${pageClauses.length ? `WHERE ${pageClauses.join(' AND ')}` : ''} ORDER BY seq LIMIT ?`,
      )
      .all(...pageValues, request.first + 1) as Row[];
    const items = rows.slice(0, request.first);
    const last = items.at(-1);
    return {
      items: items.map(map),
      cursors: items.map((row) => encodeCursor(row.seq)),
      totalCount,
      endCursor: last ? encodeCursor(last.seq) : null,
      hasNextPage: rows.length > request.first,
    };
  }

  /** Every write of the store, run by `write`: the group commit, or at once inside a worker's batch. */
  function writesWith(write: Write) {
    const writeOrConflict = conflictAware(write);
    return {
      recordSubmission: (transaction, options) => write(() => recordSubmission(transaction, options?.supersedes)),
      markSubmissionPublished: (correlationId) => write(() => void stmt.markPublished.run(correlationId)),
      claimStrandedSubmissions: (receivedBefore, limit, leaseMs) =>
        write(() => claimStrandedSubmissions(receivedBefore, limit, leaseMs)),
      commit: (unit) => writeOrConflict(() => commitUnit(unit)),
      commitReconciliation: (unit) => writeOrConflict(() => commitReconciliation(unit)),
      saveRun: (run) => write(() => reconciliation.saveRun(run)),
      openException: (exception, audit) =>
        write(() => {
          insertException(exception);
          audit.forEach(appendAudit);
        }),
      updateExceptions: (updates, audit, republish = []) =>
        writeOrConflict(() => {
          workbench.updateExceptions(updates);
          workbench.republishOutbox(republish);
          audit.forEach(appendAudit);
        }),
      countRedeliveredStart: (correlationId) => write(() => stmt.countRedeliveredStart.get(correlationId)!.starts),
      recordAttempt: (correlationId, attempts, lastError) =>
        write(() => void stmt.recordAttempt.run(attempts, lastError, new Date().toISOString(), correlationId)),
      claimOutbox: (owner, limit, leaseMs) =>
        write((): OutboxEntry[] => {
          const now = Date.now();
          // One relay at a time: entries are published in the order they were committed, so that an order's
          // outbound messages reach their partition queue in decision order.
          if (stmt.outboxLeasedByOther.get(now, owner)) return [];
          const rows = stmt.claimableOutbox.all(now, owner, limit);
          rows.forEach((row) => stmt.leaseOutbox.run(owner, now + leaseMs, row.id));
          return rows.map(outboxFromRow);
        }),
      markOutboxPublished: (ids) =>
        write(() => {
          const at = new Date().toISOString();
          ids.forEach((id) => stmt.markOutboxPublished.run(at, id));
        }),
      saveRuleChange: (change, expectedRev, audit) =>
        write(() => {
          rules.save(change, expectedRev);
          audit.forEach(appendAudit);
        }),
      insertApiKey: (key) =>
        write(
          () =>
            void db
              .prepare('INSERT INTO api_keys (id, created_at, doc) VALUES (?, ?, ?)')
              .run(key.id, key.createdAt, JSON.stringify(key)),
        ),
      revokeApiKey: (id, at, by) =>
        write(
          () =>
            void db
              .prepare(
                "UPDATE api_keys SET doc = json_set(doc, '$.revokedAt', ?, '$.revokedBy', ?) WHERE id = ? AND json_extract(doc, '$.revokedAt') IS NULL",
              )
              .run(at, by, id),
        ),
    } satisfies Partial<Store>;
  }

  const store: Store = {
    ...writesWith(groupWrite),
    getRun: async (id) => guard(() => reconciliation.getRun(id)),
    listRuns: async (plant, request) => guard(() => reconciliation.listRuns(plant, request)),
    getDrift: async (id) => guard(() => reconciliation.getDrift(id)),
    reconciliationSummary: async () => guard(() => reconciliation.summary()),
    listDrifts: async (filter, request) =>
      guard(() =>
        page<{ seq: number; doc: string }, DriftRecord>(
          'drifts',
          definedPairs(reconciliation.driftFilter(filter)),
          request,
          (row) => JSON.parse(row.doc) as DriftRecord,
        ),
      ),
    driftsOf: async (plant, subjects) => guard(() => reconciliation.driftsOf(plant, subjects)),
    scanOrders: async (plant, after, limit, changedSince) =>
      guard(() => reconciliation.scanOrders(plant, after, limit, changedSince)),
    scanLots: async (plant, after, limit) => guard(() => reconciliation.scanLots(plant, after, limit)),
    getTransaction: async (correlationId) =>
      guard(() => mapOrNull(stmt.getTransaction.get(correlationId), transactionFromRow)),
    getIdempotencyKey: async (businessKey) =>
      guard(() =>
        mapOrNull(stmt.getIdempotencyKey.get(businessKey), (r): IdempotencyRecord => ({
          businessKey: r.business_key,
          fingerprint: r.fingerprint,
          correlationId: r.correlation_id,
          createdAt: r.created_at,
        })),
      ),
    getOrder: async (plant, orderNumber) => guard(() => mapOrNull(stmt.getOrder.get(plant, orderNumber), orderFromRow)),
    listOrders: async (filter: OrderFilter, request) =>
      guard(() =>
        page<OrderRow & { seq: number }, OrderRecord>(
          '(SELECT *, id AS seq FROM orders)',
          definedPairs([
            ['plant', filter.plant],
            ['plant', filter.plants],
            ['state', filter.state],
            ['item', filter.item],
          ]),
          request,
          orderFromRow,
        ),
      ),
    listExceptions: async (filter: ExceptionFilter, request) =>
      guard(() =>
        page<ExceptionRow, ExceptionRecord>(
          'exceptions',
          definedPairs([
            ['plant', filter.plant],
            ['plant', filter.plants],
            ['status', filter.status],
            ['type', filter.type],
            ['order_number', filter.orderNumber],
            ['owner', filter.owner],
            ['assignee', filter.assignee],
            ['rule', filter.rule],
          ]),
          request,
          exceptionFromRow,
        ),
      ),
    listActiveExceptions: async (plant, orderNumber) =>
      guard(() => stmt.activeExceptions.all(plant, orderNumber).map(exceptionFromRow)),
    getException: async (id) =>
      guard(() =>
        mapOrNull(
          db.prepare('SELECT * FROM exceptions WHERE id = ?').get(id) as ExceptionRow | undefined,
          exceptionFromRow,
        ),
      ),
    listAudit: async (subject) =>
      guard(() =>
        (db.prepare('SELECT * FROM audit WHERE subject = ? ORDER BY seq').all(subject) as AuditRow[]).map(auditFromRow),
      ),
    auditTrail: async (request) => guard(() => workbench.auditTrail(request)),
    scanAudit: async (prefix, after, limit) => guard(() => workbench.scanAudit(prefix, after, limit)),
    verifyAuditChain: (prefix) => verifyChains(async (after) => guard(() => workbench.scanAudit(prefix, after, 1000))),
    interfaceMonitor: async (plants) => guard(() => workbench.interfaceMonitor(plants)),
    listTransactionsByOrder: async (plant, orderNumber) =>
      guard(() =>
        (
          db
            .prepare('SELECT * FROM transactions WHERE plant = ? AND order_number = ? ORDER BY received_at, rowid')
            .all(plant, orderNumber) as TransactionRow[]
        ).map(transactionFromRow),
      ),

    getPlant: async (code) => guard(() => reference.getPlant(code)),
    listWorkCenters: async (plant) => guard(() => reference.listWorkCenters(plant)),
    listItemRevisions: async (number) => guard(() => reference.listItemRevisions(number)),
    getLot: async (plant, lotNumber) => guard(() => reference.getLot(plant, lotNumber)),
    findSerials: async (plant, serialNumber) => guard(() => reference.findSerials(plant, serialNumber)),
    usedSerials: async (plant, item, serialNumbers) => guard(() => reference.usedSerials(plant, item, serialNumbers)),
    listPlants: async () =>
      guard(() => db.prepare<[], { code: string; name: string }>('SELECT * FROM plants ORDER BY code').all()),
    listHeld: async (plant, orderNumber) => guard(() => reference.listHeld(plant, orderNumber)),
    listOrdersUnblocked: async (limit) => guard(() => reference.listOrdersUnblocked(limit)),
    listExpiredHeld: async (now, limit) => guard(() => reference.listExpiredHeld(now, limit)),

    countOrdersByState: async () => guard(monitoring.countOrdersByState),
    countOpenExceptions: async (now) => guard(() => monitoring.countOpenExceptions(now)),
    countHeld: async () => guard(monitoring.countHeld),
    outboxBacklog: async () => guard(monitoring.outboxBacklog),
    listOrdersInStateSince: async (state, before, plant, limit) =>
      guard(() => monitoring.listOrdersInStateSince(state, before, plant, limit)),
    listTransactionsInStatusSince: async (status, before, plant, limit) =>
      guard(() => monitoring.listTransactionsInStatusSince(status, before, plant, limit)),

    listOutbox: async (filter) =>
      guard(() => {
        const where = definedPairs([['correlation_id', filter.correlationId]]).map(([c]) => `${c} = ?`);
        if (filter.unpublishedOnly) where.push('published_at IS NULL');
        const values = filter.correlationId === undefined ? [] : [filter.correlationId];
        const sql = `SELECT * FROM outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq`;
        return (db.prepare(sql).all(...values) as OutboxRow[]).map(outboxFromRow);
      }),

    getApiKey: async (id) =>
      guard(() =>
        mapOrNull(
          db.prepare<[string], { doc: string }>('SELECT doc FROM api_keys WHERE id = ?').get(id),
          (r) => JSON.parse(r.doc) as ApiKeyRecord,
        ),
      ),
    listRuleChanges: async (plant) => guard(() => rules.list(plant)),
    listApiKeys: async () =>
      guard(() =>
        db
          .prepare<[], { doc: string }>('SELECT doc FROM api_keys ORDER BY created_at, id')
          .all()
          .map((r) => JSON.parse(r.doc) as ApiKeyRecord),
      ),
    countApiKeys: async () => guard(() => db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM api_keys').get()!.n),

    ping: async () => guard(() => void db.prepare('SELECT 1').get()),
    close: async () => {
      if (db.open) db.close();
    },
    inBatch,
  };
  return store;
}

/**
 * Applies the migrations the file has not had, one per write transaction. The version is read under the write lock:
 * several processes opening a new file at once (a gateway and workers starting together) take turns instead of
 * each running the first migration.
 */
function migrate(db: Database.Database): void {
  for (;;) {
    const upToDate = db
      .transaction((): boolean => {
        const current = db.pragma('user_version', { simple: true }) as number;
        if (current >= MIGRATIONS.length) return true;
        db.exec(MIGRATIONS[current]!);
        db.pragma(`user_version = ${current + 1}`);
        return false;
      })
      .immediate();
    if (upToDate) return;
  }
}

function definedPairs(pairs: [string, unknown][]): [string, unknown][] {
  return pairs.filter(([, value]) => value !== undefined && value !== null);
}

function mapOrNull<R, T>(row: R | undefined, map: (row: R) => T): T | null {
  return row === undefined ? null : map(row);
}
