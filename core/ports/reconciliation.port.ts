import type { OrderRecord } from '../orders/order.types';
import type { LotRecord } from '../reference/reference.types';
import {
  RAISED_DRIFT_STATUSES,
  type DriftRecord,
  type DriftStatus,
  type DriftSystem,
  type ReconciliationRun,
} from '../reconciliation/drift.types';
import type { AuditDraft, ExceptionRecord, OutboxDraft, Page } from './records';
import type { CommitResult, ExceptionUpdate, PageRequest } from './commit';

/** Everything one reconciliation step changes, committed entirely or not at all. */
export interface ReconciliationUnit {
  /** Each written only if the stored drift still has `expectedVersion` (0: it must not exist yet). */
  drifts: { record: DriftRecord; expectedVersion: number }[];
  run?: ReconciliationRun;
  /** An order a correction posts for, written at its version like a worker's decision. */
  order?: { record: OrderRecord; expectedVersion: number };
  /** A lot ledger a correction sets to the system's count, at its version. */
  lots?: { record: LotRecord; expectedVersion: number }[];
  outbox: OutboxDraft[];
  exceptions: ExceptionRecord[];
  exceptionUpdates: ExceptionUpdate[];
  audit: AuditDraft[];
}

export interface DriftFilter {
  plant?: string;
  plants?: readonly string[];
  system?: DriftSystem;
  status?: DriftStatus;
  field?: string;
  orderNumber?: string;
  lot?: string;
  /** The run that recorded the drift last. */
  runId?: string;
}

/** What the metrics show of reconciliation: drifts not closed per plant, system and field kind; last successes. */
export interface ReconciliationSummary {
  drifts: { plant: string; system: string; field: string; count: number; oldestFirstSeenAt: string }[];
  lastSuccess: { plant: string; finishedAt: string }[];
}

/** Drifts a person still has to see closed: raised beyond tolerance and not closed (CORRECTED waits for a run). */
export const UNCLOSED_DRIFT_STATUSES: readonly DriftStatus[] = [...RAISED_DRIFT_STATUSES, 'CORRECTED'];

/** Reconciliation's runs and drifts, and the plant's orders and lots read page by page. */
export interface ReconciliationStore {
  reconciliationSummary(): Promise<ReconciliationSummary>;
  saveRun(run: ReconciliationRun): Promise<void>;
  getRun(id: string): Promise<ReconciliationRun | null>;
  /** Newest first. */
  listRuns(plant: string, page: PageRequest): Promise<Page<ReconciliationRun>>;
  getDrift(id: string): Promise<DriftRecord | null>;
  listDrifts(filter: DriftFilter, page: PageRequest): Promise<Page<DriftRecord>>;
  /** Every drift recorded on these orders and lots of a plant, CLOSED ones included (a drift may come back). */
  driftsOf(plant: string, subjects: { orderNumbers: string[]; lots: string[] }): Promise<DriftRecord[]>;
  commitReconciliation(unit: ReconciliationUnit): Promise<CommitResult>;
  /** A plant's orders in a stable order, `limit` at a time after the position `after` (null: from the start). */
  scanOrders(
    plant: string,
    after: string | null,
    limit: number,
    changedSince: string | null,
  ): Promise<{ items: OrderRecord[]; next: string | null }>;
  /** A plant's lots by lot number, `limit` at a time after `after` ('' first). */
  scanLots(plant: string, after: string, limit: number): Promise<{ items: LotRecord[]; next: string | null }>;
}
