import type { OrderRecord, OrderState } from '../orders/order.types';
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
  TransactionRecord,
} from './records';

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
}

export type CommitResult = { ok: true } | { ok: false; conflict: 'order-version' | 'idempotency-key' };

/** What the gateway learns when it records a submission under its business key. */
export type SubmissionOutcome =
  | { outcome: 'accepted' }
  | { outcome: 'duplicate'; correlationId: string; published: boolean; receivedAt: string }
  /** The key exists with other content: accepted as a new transaction, which the worker will refuse. */
  | { outcome: 'conflict'; originalCorrelationId: string };

export interface SubmissionClaim {
  transaction: TransactionRecord;
  fingerprint: string;
}

export interface OrderFilter {
  plant?: string;
  state?: OrderState;
  item?: string;
}

export interface ExceptionFilter {
  plant?: string;
  status?: ExceptionStatus;
  type?: ExceptionType;
  orderNumber?: string;
}

export interface PageRequest {
  first: number;
  after?: string | null;
}

/**
 * The store port. Adapters (SQLite, MongoDB) are interchangeable and pass one contract suite.
 * Every method is safe to call from several processes at once.
 */
export interface Store {
  /**
   * Records a submitted message as a RECEIVED transaction under its business key, atomically: of two
   * submissions of the same business event exactly one is accepted.
   */
  recordSubmission(claim: SubmissionClaim): Promise<SubmissionOutcome>;
  /** Marks a submission's message as confirmed by the broker. */
  markSubmissionPublished(correlationId: string): Promise<void>;
  /** Withdraws a submission whose publish failed, so that the integrator's retry is accepted. */
  withdrawSubmission(correlationId: string): Promise<void>;

  commit(unit: UnitOfWork): Promise<CommitResult>;
  /** Notes a failed attempt without changing anything else. */
  recordAttempt(correlationId: string, attempts: number, lastError: string): Promise<void>;

  getTransaction(correlationId: string): Promise<TransactionRecord | null>;
  getIdempotencyKey(businessKey: string): Promise<IdempotencyRecord | null>;
  getOrder(plant: string, orderNumber: string): Promise<OrderRecord | null>;
  listOrders(filter: OrderFilter, page: PageRequest): Promise<Page<OrderRecord>>;
  getException(id: string): Promise<ExceptionRecord | null>;
  listExceptions(filter: ExceptionFilter, page: PageRequest): Promise<Page<ExceptionRecord>>;
  listAudit(subject: string): Promise<AuditEntry[]>;
  listTransactionsByOrder(plant: string, orderNumber: string): Promise<TransactionRecord[]>;

  /** Leases up to `limit` unpublished outbox entries to `owner` for `leaseMs`, oldest first. */
  claimOutbox(owner: string, limit: number, leaseMs: number): Promise<OutboxEntry[]>;
  markOutboxPublished(ids: string[]): Promise<void>;
  listOutbox(filter: { correlationId?: string; unpublishedOnly?: boolean }): Promise<OutboxEntry[]>;

  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
