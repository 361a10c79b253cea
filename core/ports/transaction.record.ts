import type { Envelope } from '../intake/envelope';
import type { TransactionStatus } from './records';

/**
 * One integration transaction: the life of one submitted message, tracked apart from its payload. Its identity
 * is the envelope it was accepted with, unchanged; the rest is its state.
 */
export interface TransactionRecord {
  envelope: Envelope;
  status: TransactionStatus;
  attempts: number;
  exceptionId: string | null;
  /** The order version this message produced when it was applied; shows the order in which messages took effect. */
  appliedVersion: number | null;
  lastError: string | null;
  updatedAt: string;
  /** The replay or correction that took over this transaction's business key (set only by the intake). */
  supersededBy?: string | null;
}
