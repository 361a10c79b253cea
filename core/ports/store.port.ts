import type { ReconciliationStore } from './reconciliation.port';
import type { CommitResult, ExceptionUpdate, PageRequest } from './commit';
export type { CommitConflict, CommitResult, ExceptionUpdate, PageRequest } from './commit';
import type { ApiKeyRecord } from '../auth/api-key';
import type { RuleChange } from '../rules/rule-change';
import type { Role } from '../auth/principal';
import type { UpsertReferenceData } from '../reference/upsert-reference-data.command';
import type { OrderRecord, OrderState } from '../orders/order.types';
import type { ItemRecord, LotRecord, PlantRecord, WorkCenterRecord } from '../reference/reference.types';
import type { HeldMessage } from '../workflow/held-message';
import type {
  AuditDraft,
  AuditEntry,
  ExceptionRecord,
  ExceptionStatus,
  ExceptionType,
  IdempotencyRecord,
  OutboxDraft,
  OutboxEntry,
  Page,
} from './records';
import type { TransactionRecord } from './transaction.record';

/**
 * Everything one processed message changes. A store commits a unit of work entirely or not at all.
 */
export interface UnitOfWork {
  /** Inserted or replaced by correlationId. */
  transaction: TransactionRecord;
  /** Written only if the stored order still has `expectedVersion` (0: the order must not exist yet). */
  order?: { record: OrderRecord; expectedVersion: number };
  /** Inserted; a key that already exists makes the commit fail with conflict 'idempotency-key'. */
  idempotencyKey?: IdempotencyRecord;
  audit: AuditDraft[];
  outbox: OutboxDraft[];
  /** Inserted; an exception whose id already exists is left as it is (redelivery of the same refusal). */
  exceptions: ExceptionRecord[];
  /** Each written only if the stored lot still has `expectedVersion` (0: the lot must not exist yet). */
  lots?: { record: LotRecord; expectedVersion: number }[];
  /** Upserted master data. */
  reference?: Pick<UpsertReferenceData, 'plants' | 'workCenters' | 'items'>;
  /** A message parked until its predecessor arrives. */
  hold?: HeldMessage;
  /** A parked message this unit decides; it must still be parked, else the commit fails with conflict 'held'. */
  releaseHeld?: string;
  /** A parked message kept parked for another reason, in its place among its order's parked messages (else 'held'). */
  updateHeld?: HeldMessage;
  /** Status changes of other transactions, such as POSTED when a downstream system confirms their posting. */
  relatedTransactions?: { correlationId: string; status: TransactionRecord['status'] }[];
  /** Exceptions this unit closes or changes (a replay applied closes the exception it replays). */
  exceptionUpdates?: ExceptionUpdate[];
}

/** What the intake learns when it records a submission under its business key. */
export type SubmissionOutcome =
  | { outcome: 'accepted' }
  /** The same business event was recorded before; `published` says whether the broker ever confirmed it. */
  | { outcome: 'duplicate'; correlationId: string; published: boolean }
  /** The key exists with other content: nothing was recorded. */
  | { outcome: 'conflict'; originalCorrelationId: string };

/** `plants`: only these plants (a principal's scope); an empty list matches nothing. Absent: every plant. */
export interface OrderFilter {
  plant?: string;
  plants?: readonly string[];
  state?: OrderState;
  item?: string;
}

export interface ExceptionFilter {
  plant?: string;
  plants?: readonly string[];
  status?: ExceptionStatus;
  type?: ExceptionType;
  orderNumber?: string;
  owner?: Role;
  assignee?: string;
  rule?: string;
}

/** Where an audit trail is asked for: one order's chain, or every entry about a lot in a plant. */
export type AuditTrailRequest = { plant: string; orderNumber: string } | { plant: string; lot: string };

/** One row of the interface monitor: a message type from one sender, its transactions and open exceptions. */
export interface InterfaceMonitorRow {
  plant: string;
  messageType: string;
  /** The principal that sent them (an API key's or webhook system's id). */
  system: string;
  byStatus: { status: TransactionRecord['status']; count: number }[];
  openExceptions: { type: ExceptionType; count: number; oldestCreatedAt: string }[];
}

/**
 * The store port. Adapters (SQLite, MongoDB) are interchangeable and pass one contract suite.
 * Every method is safe to call from several processes at once.
 */
export interface Store extends ReconciliationStore {
  /**
   * Records a submitted message as a RECEIVED transaction under its envelope's business key, atomically: of two
   * submissions of the same business event exactly one is recorded. A conflicting one records nothing.
   * `supersedes`: a replay or correction of that transaction; if it holds the key, the key passes to this one
   * (recorded unpublished, whatever its content) and the original is marked superseded by it.
   */
  recordSubmission(transaction: TransactionRecord, options?: { supersedes?: string }): Promise<SubmissionOutcome>;
  /** Marks a submission's message as confirmed by the broker. */
  markSubmissionPublished(correlationId: string): Promise<void>;
  /**
   * Leases for `leaseMs` (so that concurrent sweepers do not all take it) up to `limit` submissions recorded before `receivedBefore` that the broker
   * never confirmed and whose transaction is still RECEIVED (their process died between record and confirm), oldest
   * first. Unconfirmed submissions a worker already took in are marked published instead: they need nothing.
   */
  claimStrandedSubmissions(receivedBefore: string, limit: number, leaseMs: number): Promise<TransactionRecord[]>;

  commit(unit: UnitOfWork): Promise<CommitResult>;
  /**
   * Runs `work` against a view of the store whose writes share one transaction, committed once `work` is done: a
   * worker applies the messages it holds for a partition this way, paying one commit for all of them. Reads through
   * the view see the batch's own earlier writes; each write on it succeeds or fails alone; if the batch fails as a
   * whole (or the process dies), none of it is kept. Stores without a cheaper way run `work` on themselves, each
   * write committed on its own.
   */
  inBatch?<T>(work: (view: Store) => Promise<T>): Promise<T>;
  /** Opens an exception that belongs to no transaction (a message no worker could read); kept once per id. */
  openException(exception: ExceptionRecord, audit: AuditDraft[]): Promise<void>;
  /**
   * A workbench action: the exceptions change (each only at its expected version) and the entries are appended; the
   * outbox entries in `republish` (a posting retried) are marked unpublished, so the relay sends them again.
   */
  updateExceptions(
    updates: ExceptionUpdate[],
    audit: AuditDraft[],
    republish?: readonly string[],
  ): Promise<CommitResult>;
  /** Notes a failed attempt without changing anything else. */
  recordAttempt(correlationId: string, attempts: number, lastError: string): Promise<void>;
  /**
   * Counts, durably and before it is processed, one more start of a message the broker redelivered, and returns how
   * many there were: a message that kills its worker every time shows up as a count that keeps growing.
   */
  countRedeliveredStart(correlationId: string): Promise<number>;

  getTransaction(correlationId: string): Promise<TransactionRecord | null>;
  getIdempotencyKey(businessKey: string): Promise<IdempotencyRecord | null>;
  getOrder(plant: string, orderNumber: string): Promise<OrderRecord | null>;
  listOrders(filter: OrderFilter, page: PageRequest): Promise<Page<OrderRecord>>;
  getException(id: string): Promise<ExceptionRecord | null>;
  listExceptions(filter: ExceptionFilter, page: PageRequest): Promise<Page<ExceptionRecord>>;
  listAudit(subject: string): Promise<AuditEntry[]>;
  /** An order's chain, or every entry concerning a lot (detail.concerns.lot) in the plant's orders, in seq order. */
  auditTrail(request: AuditTrailRequest): Promise<AuditEntry[]>;
  /**
   * Audit entries whose subject starts with `subjectPrefix`, chain by chain (by subject, then seq), at most `limit`
   * after the opaque cursor `after`: the chain verifier and the export page through them.
   */
  scanAudit(
    subjectPrefix: string,
    after: string | null,
    limit: number,
  ): Promise<{ entries: AuditEntry[]; next: string | null }>;
  /** Recomputes the hash chains of every subject starting with `subjectPrefix`; names the first broken entry. */
  verifyAuditChain(subjectPrefix: string): Promise<{
    ok: boolean;
    entriesChecked: number;
    firstBrokenEntry: { seq: number; subject: string; at: string } | null;
  }>;
  /** Transactions by message type and sender with their open exceptions; in `plants` only, unless undefined. */
  interfaceMonitor(plants: readonly string[] | undefined): Promise<InterfaceMonitorRow[]>;
  listTransactionsByOrder(plant: string, orderNumber: string): Promise<TransactionRecord[]>;

  getPlant(code: string): Promise<PlantRecord | null>;
  /** Every plant the reference data names. */
  listPlants(): Promise<PlantRecord[]>;
  listWorkCenters(plant: string): Promise<WorkCenterRecord[]>;
  /** Every revision of an item number, in the order they were first upserted. */
  listItemRevisions(number: string): Promise<ItemRecord[]>;
  getLot(plant: string, lotNumber: string): Promise<LotRecord | null>;
  /** The lots a serial number was produced into in a plant, one per serialised item that uses the number. */
  findSerials(plant: string, serialNumber: string): Promise<{ item: string; lotNumber: string }[]>;
  /** Which of these serial numbers of an item a plant already produced. */
  usedSerials(plant: string, item: string, serialNumbers: readonly string[]): Promise<string[]>;

  /** Parked messages of one order, oldest first. */
  listHeld(plant: string, orderNumber: string): Promise<HeldMessage[]>;
  /** Parked messages whose hold window ended before `now`, oldest first. */
  listExpiredHeld(now: string, limit: number): Promise<HeldMessage[]>;
  /** Orders with parked messages waiting behind an exception that no longer needs a person (it was worked). */
  listOrdersUnblocked(limit: number): Promise<{ plant: string; orderNumber: string }[]>;
  /** Exceptions of an order still needing a person (OPEN, AWAITING_APPROVAL), oldest first: one indexed read. */
  listActiveExceptions(plant: string, orderNumber: string): Promise<ExceptionRecord[]>;

  /** Monitoring reads, cheap enough for every scrape. */
  countOrdersByState(): Promise<{ plant: string; state: OrderState; count: number }[]>;
  /** Exceptions still needing a person (OPEN, AWAITING_APPROVAL), with how many are past their triage deadline. */
  countOpenExceptions(
    now: string,
  ): Promise<
    { plant: string; type: ExceptionType; owner: Role; count: number; pastDue: number; oldestCreatedAt: string }[]
  >;
  countHeld(): Promise<{ plant: string; count: number }[]>;
  outboxBacklog(): Promise<{ count: number; oldestCreatedAt: string | null }>;
  /** Orders that entered `state` before `before`, oldest first; in `plants` only, unless undefined. */
  listOrdersInStateSince(
    state: OrderState,
    before: string,
    plants: readonly string[] | undefined,
    limit: number,
  ): Promise<{ plant: string; orderNumber: string; state: OrderState; stateSince: string }[]>;
  /** Transactions in `status` not updated since `before`, oldest first; in `plants` only, unless undefined. */
  listTransactionsInStatusSince(
    status: TransactionRecord['status'],
    before: string,
    plants: readonly string[] | undefined,
    limit: number,
  ): Promise<TransactionRecord[]>;

  /**
   * Leases up to `limit` unpublished outbox entries to `owner` for `leaseMs`, oldest first; none while another owner
   * holds an unexpired lease, so that one relay at a time publishes, in commit order.
   */
  claimOutbox(owner: string, limit: number, leaseMs: number): Promise<OutboxEntry[]>;
  markOutboxPublished(ids: string[]): Promise<void>;
  listOutbox(filter: { correlationId?: string; unpublishedOnly?: boolean }): Promise<OutboxEntry[]>;

  /** API keys, kept only as hashes of their secrets. */
  insertApiKey(key: ApiKeyRecord): Promise<void>;
  getApiKey(id: string): Promise<ApiKeyRecord | null>;
  /** Every key, revoked and expired ones included, oldest first. */
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** Marks a key revoked; a key already revoked keeps its first revocation. */
  revokeApiKey(id: string, at: string, by: string): Promise<void>;
  /** Keys ever created, revoked ones included: one is enough to end the open local mode for good. */
  countApiKeys(): Promise<number>;

  /**
   * Writes a rule change at the revision it was read at (0: a new one) with its audit entries, in one transaction;
   * CONCURRENT_MODIFICATION when another write came first (two approvers, two activations).
   */
  saveRuleChange(change: RuleChange, expectedRev: number, audit: AuditDraft[]): Promise<void>;
  /** Every rule change of a plant (every plant's when absent), oldest proposal first. */
  listRuleChanges(plant?: string): Promise<RuleChange[]>;

  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
