import type { ErpSimulator } from '../../simulators/erp.simulator';
import { FAULT_KINDS, type FaultKind, type PlantDay } from './plant-day';
import { NO_DRIFTS, type DriftScore } from '../../simulators/drift-plan';

export interface Scorecard {
  postings_applied_twice: number;
  stock_negative: number;
  receipts_before_quality_release: number;
  expired_or_blocked_consumptions: number;
  outdated_routing_confirmations: number;
  /** Lots quality released that ERP never received: every lot of a multi-lot order must arrive on its own. */
  released_lots_not_received: number;
  /** ERP postings of orders ERP cancelled before the floor started them (the floor reported on them anyway). */
  postings_for_cancelled_orders: number;
  faults_injected: number;
  faults_caught: number;
  faults_unaccounted: number;
  events_lost: number;
  /** Accepted events waiting behind an exception a person must work (parked in the workbench, not lost). */
  events_parked_for_a_person: number;
  erp_faults_injected: number;
  by_fault: Record<FaultKind, { injected: number; caught: number }>;
  /** Direct edits made in ERP after the day, found by the integration, and closed after an approved correction. */
  drifts_injected: number;
  drifts_found: number;
  drifts_closed: number;
  drifts_unexpected: number;
}

/** Faults whose refusal parks the rest of the order for a person: its lots are not expected in ERP. */
const PARKS_THE_ORDER: readonly FaultKind[] = ['expired_lot', 'blocked_lot', 'revision_mismatch'];

/** What one integration path did, as its runner saw it. */
export interface RunLog {
  /** When the final inspection of each lot was delivered (epoch ms), by "plant|order|lot". */
  inspectionDeliveredAt: Map<string, number>;
  caught: Record<FaultKind, number>;
  lost: number;
  parked: number;
  drifts: DriftScore;
}

/**
 * Scores a run from the reference systems' own records: ERP's journal and stock against the day's plan.
 * Identities are business identities (order, operation, lot, event time), not idempotency keys: a posting
 * applied twice under two keys is still applied twice.
 */
export function score(day: PlantDay, erp: ErpSimulator, log: RunLog): Scorecard {
  const plans = new Map(day.orders.map((o) => [`${o.release.plant}|${o.release.orderNumber}`, o]));
  const identities = new Map<string, number>();
  for (const entry of erp.journal) {
    const p = entry.payload;
    const identity =
      entry.postingType === 'GoodsReceipt'
        ? `GR|${entry.plant}|${entry.orderNumber}|${String(p.lot)}`
        : `${entry.postingType}|${entry.plant}|${entry.orderNumber}|${String(p.operationSequence)}|${String(p.lot ?? '')}|${String(p.occurredAt)}`;
    identities.set(identity, (identities.get(identity) ?? 0) + 1);
  }
  const receipts = erp.journal.filter((j) => j.postingType === 'GoodsReceipt');
  const issues = erp.journal.filter((j) => j.postingType === 'GoodsIssue');
  const confirmations = erp.journal.filter((j) => j.postingType === 'OperationConfirmation');
  const erpFaults = erp.calls.filter((c) => c.status === 429 || c.status >= 500).length;
  const byFault = Object.fromEntries(
    FAULT_KINDS.map((k) => [k, { injected: day.injected[k], caught: Math.min(log.caught[k], day.injected[k]) }]),
  ) as Scorecard['by_fault'];
  const injected = FAULT_KINDS.reduce((sum, k) => sum + day.injected[k], 0);
  const caught = FAULT_KINDS.reduce((sum, k) => sum + byFault[k].caught, 0);
  return {
    postings_applied_twice: [...identities.values()].reduce((sum, n) => sum + (n - 1), 0),
    stock_negative: erp.integrity().negativeStockLots.length,
    receipts_before_quality_release: receipts.filter((r) => {
      const plan = plans.get(`${r.plant}|${r.orderNumber}`);
      const decided = log.inspectionDeliveredAt.get(`${r.plant}|${r.orderNumber}|${String(r.payload.lot)}`);
      return !plan?.qualityReleased || decided === undefined || r.at < decided;
    }).length,
    expired_or_blocked_consumptions: issues.filter(
      (i) =>
        day.expiredLots.has(`${i.plant}|${String(i.payload.lot)}`) ||
        day.blockedLots.has(`${i.plant}|${String(i.payload.lot)}`),
    ).length,
    outdated_routing_confirmations: confirmations.filter((c) =>
      plans.get(`${c.plant}|${c.orderNumber}`)?.faults.includes('revision_mismatch'),
    ).length,
    released_lots_not_received: day.orders
      .filter((o) => o.qualityReleased && !o.faults.some((f) => PARKS_THE_ORDER.includes(f)))
      .flatMap((o) => o.lots.map((lot) => `${o.release.plant}|${o.release.orderNumber}|${lot}`))
      .filter((key) => !receipts.some((r) => `${r.plant}|${r.orderNumber}|${String(r.payload.lot)}` === key)).length,
    postings_for_cancelled_orders: erp.journal.filter(
      (j) => plans.get(`${j.plant}|${j.orderNumber}`)?.shape === 'cancelled',
    ).length,
    faults_injected: injected,
    faults_caught: caught,
    faults_unaccounted: injected - caught,
    events_lost: log.lost,
    events_parked_for_a_person: log.parked,
    erp_faults_injected: erpFaults,
    by_fault: byFault,
    ...log.drifts,
  };
}

/** A run's log before it starts: nothing caught, lost, parked or drifted. */
export function emptyRunLog(): RunLog {
  return { inspectionDeliveredAt: new Map(), caught: emptyCaught(), lost: 0, parked: 0, drifts: NO_DRIFTS };
}

export function emptyCaught(): Record<FaultKind, number> {
  return Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
}

/** Runs tasks with at most `limit` at once. */
export async function pool<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await task(items[next++]!);
    }),
  );
}
