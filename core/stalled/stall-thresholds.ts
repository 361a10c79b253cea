import type { OrderState } from '../orders/order.types';
import type { TransactionStatus } from '../ports/records';

/**
 * How long an order may stay in a lifecycle state, and a transaction in a status, before it counts as stalled.
 * Null: the state is final or has no expected next step here. Plants override any of them in RULES_FILE.
 */
export type StallThresholds = {
  orders: Partial<Record<OrderState, number | null>>;
  transactions: Partial<Record<TransactionStatus, number | null>>;
};

export const DEFAULT_STALL_THRESHOLDS_SECONDS: StallThresholds = {
  orders: {
    CREATED: null, // an announced order waits for ERP's release as long as planning needs
    RELEASED: 3600, // MES acknowledges a released order within the hour
    ACKNOWLEDGED: 8 * 3600, // work starts within a shift
    IN_PROCESS: 24 * 3600,
    PARTIALLY_CONFIRMED: 24 * 3600,
    COMPLETED: 600, // moves on to QUALITY_PENDING at once; sitting here means something broke
    QUALITY_PENDING: 8 * 3600, // the final inspection is decided within a shift
    QUALITY_HOLD: 72 * 3600,
    RECEIVED: 3600, // ERP settles a received order within the hour
    FINANCIALLY_POSTED: null,
    CANCELLED: null,
  },
  transactions: {
    RECEIVED: 300, // accepted but not processed: stuck in the broker or a worker
    HELD: 1800, // past any hold window, the sweeper should have decided it
  },
};

export interface StalledItem {
  kind: 'order' | 'transaction';
  plant: string;
  orderNumber: string;
  /** The correlation ID of a stalled transaction. */
  correlationId: string | null;
  messageType: string | null;
  /** The lifecycle state or transaction status it sits in. */
  state: string;
  since: string;
  ageSeconds: number;
  thresholdSeconds: number;
  /** Why a transaction waits, when it says. */
  detail: string | null;
}

/**
 * The age after which an item in this state counts as stalled: the caller's own cut-off, or the threshold. Null for
 * a state that never stalls (final, or with no next step expected here): a cut-off cannot make a finished order or
 * an applied transaction look stuck.
 */
export function stalledThreshold(
  thresholds: StallThresholds,
  kind: 'order' | 'transaction',
  state: string,
  override?: number | null,
): number | null {
  const table = kind === 'order' ? thresholds.orders : thresholds.transactions;
  const threshold = (table as Record<string, number | null | undefined>)[state] ?? null;
  if (threshold === null) return null;
  return override ?? threshold;
}
