import { MongoClient, MongoServerError, ObjectId, type ClientSession, type Db, type Filter } from 'mongodb';
import type { ApiKeyRecord } from '../../core/auth/api-key';
import { DomainError } from '../../core/errors';
import type { OrderRecord } from '../../core/orders/order.types';
import type {
  AuditDraft,
  AuditEntry,
  ExceptionRecord,
  IdempotencyRecord,
  OutboxEntry,
  Page,
} from '../../core/ports/records';
import type { TransactionRecord } from '../../core/ports/transaction.record';
import type {
  CommitConflict,
  CommitResult,
  PageRequest,
  Store,
  SubmissionOutcome,
  UnitOfWork,
} from '../../core/ports/store.port';
import { chainHash, GENESIS_HASH, verifyChains } from '../audit-chain';
import { ruleChangeConflict, type RuleChange } from '../../core/rules/rule-change';
import { decodeCursor, encodeCursor } from '../paging';
import { ensureIndexes } from './mongodb.indexes';
import { mongoMonitoringReads } from './mongodb.monitoring';
import { mongoReference } from './mongodb.reference';
import { mongoWorkbench } from './mongodb.workbench';
import { strip } from './mongodb.docs';
import { mongoReconciliation } from './mongodb.reconciliation';
import type { DriftRecord } from '../../core/reconciliation/drift.types';
import { fromTransactionDoc, toTransactionDoc, type TransactionDoc } from './mongodb.transactions';

export interface MongoStoreOptions {
  url: string;
  database: string;
}

class Conflict extends Error {
  constructor(readonly conflict: CommitConflict) {
    super(conflict);
  }
}

interface SubmissionDoc {
  _id: string;
  fingerprint: string;
  correlationId: string;
  published: boolean;
  receivedAt: string;
  leaseUntil?: number | null;
}
type OrderDoc = OrderRecord & { _id?: ObjectId };
type IdempotencyDoc = IdempotencyRecord & { _id: string };
type ExceptionDoc = ExceptionRecord & { _id?: ObjectId };
type DriftDoc = DriftRecord & { _id?: ObjectId };
type OutboxDoc = OutboxEntry & { _id?: ObjectId; leaseOwner: string | null; leaseUntil: number | null };
type AuditDoc = AuditEntry & { _id?: ObjectId };

/**
 * The production store: MongoDB through the official driver, one multi-document transaction per unit of work
 * (so MongoDB must run as a replica set). Kept exactly parallel to the SQLite adapter; the store contract
 * suite runs against both.
 */
export async function createMongoStore(options: MongoStoreOptions): Promise<Store> {
  const client = new MongoClient(options.url, { serverSelectionTimeoutMS: 5000 });
  await client.connect();
  const db: Db = client.db(options.database);
  await ensureIndexes(db);
  const orders = db.collection<OrderDoc>('orders');
  const transactions = db.collection<TransactionDoc>('transactions');
  const submissions = db.collection<SubmissionDoc>('submissions');
  const keys = db.collection<IdempotencyDoc>('idempotency_keys');
  const audit = db.collection<AuditDoc>('audit');
  const ruleChanges = db.collection<RuleChange & { _id: string }>('rule_changes');
  const outbox = db.collection<OutboxDoc>('outbox');
  const exceptions = db.collection<ExceptionDoc>('exceptions');
  const apiKeys = db.collection<ApiKeyRecord & { _id: string }>('api_keys');
  const reference = mongoReference(db);
  const monitoring = mongoMonitoringReads(db);
  const reconciliation = mongoReconciliation(db, () => {
    throw new Conflict('drift-version');
  });
  const workbench = mongoWorkbench(db, () => {
    throw new Conflict('exception-version');
  });

  const inTransaction = <T>(work: (session: ClientSession) => Promise<T>) =>
    guard(() => client.withSession((s) => s.withTransaction(() => work(s))));

  /** A transaction that a version or key check may refuse: the refusal is the caller's outcome, not an error. */
  async function transactionOrConflict(work: (session: ClientSession) => Promise<void>): Promise<CommitResult> {
    try {
      await inTransaction(work);
      return { ok: true };
    } catch (error) {
      if (error instanceof Conflict) return { ok: false, conflict: error.conflict };
      throw error;
    }
  }

  async function appendAudit(entry: AuditDraft, session: ClientSession) {
    const last = await audit.find({ subject: entry.subject }, { session }).sort({ seq: -1 }).limit(1).next();
    const prevHash = last?.hash ?? GENESIS_HASH;
    // seq is unique per subject: two writers extending the same chain cannot both succeed.
    await audit.insertOne(
      { ...entry, seq: (last?.seq ?? 0) + 1, prevHash, hash: chainHash(prevHash, entry) },
      { session },
    );
  }

  async function writeOrder(record: OrderRecord, expectedVersion: number, session: ClientSession) {
    if (expectedVersion === 0) {
      await orders.insertOne({ ...record }, { session }).catch((e: unknown) => {
        throw isDuplicateKey(e) ? new Conflict('order-version') : e;
      });
      return;
    }
    const result = await orders.replaceOne(
      { plant: record.plant, orderNumber: record.orderNumber, version: expectedVersion },
      record,
      { session },
    );
    if (result.matchedCount === 0) throw new Conflict('order-version');
  }

  /** What a decision and a reconciliation step both write: audit, outbox, exceptions opened and changed. */
  async function writeEffects(
    unit: Pick<UnitOfWork, 'audit' | 'outbox' | 'exceptions' | 'exceptionUpdates'>,
    session: ClientSession,
  ) {
    for (const entry of unit.audit) await appendAudit(entry, session);
    for (const o of unit.outbox) {
      await outbox.updateOne(
        { id: o.id },
        { $setOnInsert: { ...o, publishedAt: null, leaseOwner: null, leaseUntil: null } },
        { upsert: true, session },
      );
    }
    for (const e of unit.exceptions)
      await exceptions.updateOne({ id: e.id }, { $setOnInsert: { ...e } }, { upsert: true, session });
    await workbench.updateExceptions(unit.exceptionUpdates ?? [], session);
  }

  async function page<D extends { _id?: ObjectId }, T>(
    collectionName: 'orders' | 'exceptions' | 'drifts',
    filter: Record<string, unknown>,
    request: PageRequest,
    map: (doc: D) => T,
  ): Promise<Page<T>> {
    const { plants, ...equal } = filter;
    const query: Record<string, unknown> = Object.fromEntries(
      Object.entries(equal).filter(([, v]) => v !== undefined && v !== null),
    );
    // A principal's plants: the asked plant must be among them, and with no plant asked any of them will do.
    if (Array.isArray(plants))
      query.plant = query.plant === undefined ? { $in: plants } : { $eq: query.plant, $in: plants };
    const collection = db.collection(collectionName);
    const totalCount = await collection.countDocuments(query);
    const after = decodeCursor(request.after, /^[0-9a-f]{24}$/);
    const pageQuery = after === null ? query : { ...query, _id: { $gt: new ObjectId(after) } };
    const docs = (await collection
      .find(pageQuery)
      .sort({ _id: 1 })
      .limit(request.first + 1)
      .toArray()) as unknown as D[];
    const items = docs.slice(0, request.first);
    const last = items.at(-1);
    return {
      items: items.map(map),
      cursors: items.map((d) => encodeCursor(d._id!.toHexString())),
      totalCount,
      endCursor: last?._id ? encodeCursor(last._id.toHexString()) : null,
      hasNextPage: docs.length > request.first,
    };
  }

  return {
    recordSubmission: (t, options) =>
      inTransaction(async (session): Promise<SubmissionOutcome> => {
        const { businessKey, fingerprint, correlationId, receivedAt } = t.envelope;
        const existing = await submissions.findOne({ _id: businessKey }, { session });
        const supersedes = options?.supersedes;
        const markSuperseded = () =>
          supersedes === undefined
            ? undefined
            : transactions.updateOne({ _id: supersedes }, { $set: { supersededBy: correlationId } }, { session });
        if (existing && supersedes !== undefined && existing.correlationId === supersedes) {
          await submissions.replaceOne(
            { _id: businessKey },
            { fingerprint, correlationId, published: false, receivedAt, leaseUntil: null },
            { session },
          );
          await transactions.replaceOne({ _id: correlationId }, toTransactionDoc(t), { upsert: true, session });
          await markSuperseded();
          return { outcome: 'accepted' };
        }
        if (existing && existing.fingerprint === fingerprint) {
          return { outcome: 'duplicate', correlationId: existing.correlationId, published: existing.published };
        }
        if (existing) return { outcome: 'conflict', originalCorrelationId: existing.correlationId };
        await submissions.insertOne(
          { _id: businessKey, fingerprint, correlationId, published: false, receivedAt, leaseUntil: null },
          { session },
        );
        await transactions.replaceOne({ _id: correlationId }, toTransactionDoc(t), { upsert: true, session });
        await markSuperseded();
        return { outcome: 'accepted' };
      }),
    markSubmissionPublished: (correlationId) =>
      guard(
        async () =>
          void (await submissions.updateOne({ correlationId }, { $set: { published: true, leaseUntil: null } })),
      ),
    claimStrandedSubmissions: (receivedBefore, limit, leaseMs) =>
      guard(async () => {
        const claimed: TransactionRecord[] = [];
        for (let i = 0; i < limit; i++) {
          const now = Date.now();
          // One lease at a time, atomically: two sweepers never take the same submission.
          const submission = await submissions.findOneAndUpdate(
            {
              published: false,
              receivedAt: { $lt: receivedBefore },
              $or: [{ leaseUntil: null }, { leaseUntil: { $lt: now } }],
            },
            { $set: { leaseUntil: now + leaseMs } },
            { sort: { receivedAt: 1 }, returnDocument: 'after' },
          );
          if (!submission) break;
          const transaction = fromTransactionDoc(await transactions.findOne({ _id: submission.correlationId }));
          if (transaction?.status === 'RECEIVED') claimed.push(transaction);
          else await submissions.updateOne({ _id: submission._id }, { $set: { published: true, leaseUntil: null } });
        }
        return claimed;
      }),

    commit: (unit: UnitOfWork) =>
      transactionOrConflict(async (session) => {
        if (unit.idempotencyKey) {
          await keys
            .insertOne({ _id: unit.idempotencyKey.businessKey, ...unit.idempotencyKey }, { session })
            .catch((e: unknown) => {
              throw isDuplicateKey(e) ? new Conflict('idempotency-key') : e;
            });
        }
        if (unit.order) await writeOrder(unit.order.record, unit.order.expectedVersion, session);
        await transactions.replaceOne(
          { _id: unit.transaction.envelope.correlationId },
          toTransactionDoc(unit.transaction),
          { upsert: true, session },
        );
        await writeEffects(unit, session);
        await reference.write(unit, session, (kind) => {
          throw new Conflict(kind);
        });
      }),
    commitReconciliation: (unit) =>
      transactionOrConflict(async (session) => {
        if (unit.order) await writeOrder(unit.order.record, unit.order.expectedVersion, session);
        await reconciliation.writeDrifts(unit.drifts, session);
        if (unit.run) await reconciliation.saveRun(unit.run, session);
        await writeEffects(unit, session);
        await reference.write({ lots: unit.lots }, session, (kind) => {
          throw new Conflict(kind);
        });
      }),
    saveRun: (run) => guard(() => reconciliation.saveRun(run)),
    getRun: (id) => guard(() => reconciliation.getRun(id)),
    listRuns: (plant, request) => guard(() => reconciliation.listRuns(plant, request)),
    getDrift: (id) => guard(() => reconciliation.getDrift(id)),
    reconciliationSummary: () => guard(() => reconciliation.summary()),
    listDrifts: (filter, request) =>
      guard(() => page<DriftDoc, DriftRecord>('drifts', { ...filter }, request, (d) => strip(d) as DriftRecord)),
    driftsOf: (plant, subjects) => guard(() => reconciliation.driftsOf(plant, subjects)),
    scanOrders: (plant, after, limit, changedSince) =>
      guard(() => reconciliation.scanOrders(plant, after, limit, changedSince)),
    scanLots: (plant, after, limit) => guard(() => reconciliation.scanLots(plant, after, limit)),
    openException: (exception, entries) =>
      inTransaction(async (session) => {
        await exceptions.updateOne({ id: exception.id }, { $setOnInsert: { ...exception } }, { upsert: true, session });
        for (const entry of entries) await appendAudit(entry, session);
      }),
    updateExceptions: (updates, entries, republish = []) =>
      transactionOrConflict(async (session) => {
        await workbench.updateExceptions(updates, session);
        await workbench.republishOutbox(republish, session);
        for (const entry of entries) await appendAudit(entry, session);
      }),
    countRedeliveredStart: (correlationId) =>
      guard(async () => {
        const doc = await db
          .collection<{ _id: string; starts: number }>('redelivered_starts')
          .findOneAndUpdate({ _id: correlationId }, { $inc: { starts: 1 } }, { upsert: true, returnDocument: 'after' });
        return doc!.starts;
      }),
    recordAttempt: (correlationId, attempts, lastError) =>
      guard(
        async () =>
          void (await transactions.updateOne(
            { _id: correlationId },
            { $set: { attempts, lastError, updatedAt: new Date().toISOString() } },
          )),
      ),

    getTransaction: (correlationId) =>
      guard(async () => fromTransactionDoc(await transactions.findOne({ _id: correlationId }))),
    getIdempotencyKey: (businessKey) => guard(async () => strip(await keys.findOne({ _id: businessKey }))),
    getOrder: (plant, orderNumber) => guard(async () => orderOf(await orders.findOne({ plant, orderNumber }))),
    listOrders: (filter, request) =>
      guard(() => page<OrderDoc, OrderRecord>('orders', { ...filter }, request, (d) => orderOf(d)!)),
    listExceptions: (filter, request) =>
      guard(() =>
        page<ExceptionDoc, ExceptionRecord>('exceptions', { ...filter }, request, (d) => strip(d) as ExceptionRecord),
      ),
    listActiveExceptions: (plant, orderNumber) =>
      guard(async () =>
        (
          await exceptions
            .find({ plant, orderNumber, status: { $in: ['OPEN', 'AWAITING_APPROVAL'] } })
            .sort({ _id: 1 })
            .toArray()
        ).map((d) => strip(d) as ExceptionRecord),
      ),
    getException: (id) => guard(async () => strip(await exceptions.findOne({ id })) as ExceptionRecord | null),
    listAudit: (subject) =>
      guard(async () => (await audit.find({ subject }).sort({ seq: 1 }).toArray()).map((d) => strip(d) as AuditEntry)),
    auditTrail: (request) => guard(() => workbench.auditTrail(request)),
    scanAudit: (prefix, after, limit) => guard(() => workbench.scanAudit(prefix, after, limit)),
    verifyAuditChain: (prefix) => verifyChains((after) => guard(async () => workbench.scanAudit(prefix, after, 1000))),
    interfaceMonitor: (plants) => guard(() => workbench.interfaceMonitor(plants)),
    listTransactionsByOrder: (plant, orderNumber) =>
      guard(async () =>
        (await transactions.find({ plant, orderNumber }).sort({ receivedAt: 1 }).toArray()).map((d) =>
          fromTransactionDoc(d)!,
        ),
      ),

    getPlant: (code) => guard(() => reference.getPlant(code)),
    listPlants: () =>
      guard(async () =>
        (await db.collection<{ code: string; name: string }>('plants').find().sort({ code: 1 }).toArray()).map(
          ({ code, name }) => ({ code, name }),
        ),
      ),
    listWorkCenters: (plant) => guard(() => reference.listWorkCenters(plant)),
    listItemRevisions: (number) => guard(() => reference.listItemRevisions(number)),
    getLot: (plant, lotNumber) => guard(() => reference.getLot(plant, lotNumber)),
    findSerials: (plant, serialNumber) => guard(() => reference.findSerials(plant, serialNumber)),
    usedSerials: (plant, item, serialNumbers) => guard(() => reference.usedSerials(plant, item, serialNumbers)),
    listHeld: (plant, orderNumber) => guard(() => reference.listHeld(plant, orderNumber)),
    listOrdersUnblocked: (limit) => guard(() => reference.listOrdersUnblocked(limit)),
    listExpiredHeld: (now, limit) => guard(() => reference.listExpiredHeld(now, limit)),

    countOrdersByState: () => guard(monitoring.countOrdersByState),
    countOpenExceptions: (now) => guard(() => monitoring.countOpenExceptions(now)),
    countHeld: () => guard(monitoring.countHeld),
    outboxBacklog: () => guard(monitoring.outboxBacklog),
    listOrdersInStateSince: (state, before, plant, limit) =>
      guard(() => monitoring.listOrdersInStateSince(state, before, plant, limit)),
    listTransactionsInStatusSince: (status, before, plant, limit) =>
      guard(() => monitoring.listTransactionsInStatusSince(status, before, plant, limit)),

    claimOutbox: (owner, limit, leaseMs) =>
      guard(async () => {
        const claimed: OutboxEntry[] = [];
        // One relay at a time, as in the SQLite store: entries are published in the order they were committed.
        const busy = await outbox.findOne({
          publishedAt: null,
          leaseUntil: { $gte: Date.now() },
          leaseOwner: { $ne: owner },
        });
        if (busy) return claimed;
        for (let i = 0; i < limit; i++) {
          const now = Date.now();
          const doc = await outbox.findOneAndUpdate(
            {
              publishedAt: null,
              $or: [
                { leaseUntil: null },
                { leaseUntil: { $lt: now } },
                { leaseOwner: owner, id: { $nin: claimed.map((c) => c.id) } },
              ],
            },
            { $set: { leaseOwner: owner, leaseUntil: now + leaseMs } },
            { sort: { _id: 1 }, returnDocument: 'after' },
          );
          if (!doc) break;
          const { leaseOwner: _owner, leaseUntil: _until, ...entry } = strip(doc) as OutboxDoc;
          claimed.push(entry);
        }
        return claimed;
      }),
    markOutboxPublished: (ids) =>
      guard(
        async () =>
          void (await outbox.updateMany(
            { id: { $in: ids } },
            { $set: { publishedAt: new Date().toISOString(), leaseOwner: null, leaseUntil: null } },
          )),
      ),
    listOutbox: (filter) =>
      guard(async () => {
        const query: Filter<OutboxDoc> = {};
        if (filter.correlationId !== undefined) query.correlationId = filter.correlationId;
        if (filter.unpublishedOnly) query.publishedAt = null;
        return (await outbox.find(query).sort({ _id: 1 }).toArray()).map((d) => {
          const { leaseOwner: _owner, leaseUntil: _until, ...entry } = strip(d) as OutboxDoc;
          return entry;
        });
      }),

    saveRuleChange: (change, expectedRev, entries) =>
      inTransaction(async (session) => {
        const doc = { _id: change.id, ...change };
        const written =
          expectedRev === 0
            ? (await ruleChanges.updateOne({ _id: change.id }, { $setOnInsert: doc }, { upsert: true, session }))
                .upsertedCount
            : (await ruleChanges.replaceOne({ _id: change.id, rev: expectedRev }, doc, { session })).modifiedCount;
        if (written === 0) {
          throw ruleChangeConflict(change.id);
        }
        for (const entry of entries) await appendAudit(entry, session);
      }),
    listRuleChanges: (plant) =>
      guard(async () =>
        (
          await ruleChanges
            .find(plant === undefined ? {} : { plant })
            .sort({ proposedAt: 1, _id: 1 })
            .toArray()
        ).map((d) => strip(d) as RuleChange),
      ),
    insertApiKey: (key) => guard(async () => void (await apiKeys.insertOne({ _id: key.id, ...key }))),
    getApiKey: (id) => guard(async () => strip(await apiKeys.findOne({ _id: id })) as ApiKeyRecord | null),
    listApiKeys: () =>
      guard(async () =>
        (await apiKeys.find().sort({ createdAt: 1, _id: 1 }).toArray()).map((d) => strip(d) as ApiKeyRecord),
      ),
    revokeApiKey: (id, at, by) =>
      guard(
        async () =>
          void (await apiKeys.updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: at, revokedBy: by } })),
      ),
    countApiKeys: () => guard(() => apiKeys.countDocuments()),

    ping: () => guard(async () => void (await db.command({ ping: 1 }))),
    close: () => client.close(),
  };
}

/** An order as stored; orders written before inspection requests were tracked have none. */
function orderOf(doc: OrderDoc | null): OrderRecord | null {
  const order = strip(doc) as OrderRecord | null;
  return order ? { ...order, inspectionRequests: order.inspectionRequests ?? [] } : null;
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}

/** Driver and network failures are transient for the caller: it retries later. */
async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Conflict || error instanceof DomainError || isDuplicateKey(error)) throw error;
    throw new DomainError('STORE_UNAVAILABLE', `MongoDB store unavailable: ${(error as Error).message}`, {
      retryable: true,
      cause: error,
    });
  }
}
