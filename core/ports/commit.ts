import type { ExceptionRecord } from './records';

/** An exception replaced only if the stored one still has `expectedVersion`, else conflict 'exception-version'. */
export interface ExceptionUpdate {
  record: ExceptionRecord;
  expectedVersion: number;
}

export type CommitConflict =
  'order-version' | 'lot-version' | 'idempotency-key' | 'held' | 'exception-version' | 'drift-version';
export type CommitResult = { ok: true } | { ok: false; conflict: CommitConflict };

export interface PageRequest {
  first: number;
  after?: string | null;
}
