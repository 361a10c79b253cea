import type { Store } from '../../core/ports/store.port';
import { QUALITY_HOLD_RULE } from '../../core/quality/quality.gate';
import { ACTIVE_EXCEPTION_STATUSES, EXCEPTION_TYPES } from '../../core/ports/records';
import type { ErpSimulator } from '../../simulators/erp.simulator';
import type { MesSimulator } from '../../simulators/mes.simulator';
import type { QmsSimulator } from '../../simulators/qms.simulator';

export interface DemoReport {
  ordersByState: Record<string, number>;
  postingsBySystem: { erp: Record<string, number>; mes: number; qms: number };
  duplicatesPrevented: { atGateway: number; atWorker: number };
  held: { held: number; releasedAndApplied: number; refused: number };
  exceptionsByType: Record<string, number>;
  /** Integration exceptions of the run that still need a person (OPEN or AWAITING_APPROVAL). */
  needingAPerson: number;
  /** Quality holds awaiting QUALITY's decision: lots QMS rejected or with an open nonconformance (business, not faults). */
  qualityHoldsOpen: number;
  /** Late PAUSE/RESUME events recorded on their order's timeline instead of raised. */
  lateEventsAbsorbed: number;
  /** Each exception the run caused, with its order, rule and reason (the first 20). */
  exceptions: { type: string; orderNumber: string; rule: string; reason: string }[];
  /** The injected ERP outage: how long ERP refused calls, and how long until postings went through again. */
  outage: { refusedForSeconds: number; postingsResumedAfterSeconds: number | null } | null;
  /** Faults the reference systems actually injected during the run. */
  faultsInjected: { erpRateLimited: number; erpUnavailable: number; resentWebhooks: number; reorderedWebhooks: number };
  integrity: { noNegativeStock: boolean; noReceiptBeforeQualityRelease: boolean; noPostingAppliedTwice: boolean };
  violations: string[];
}

/** What happened, read from Plantgate's store and, for the integrity checks, from the reference systems' own records. */
export async function buildReport(
  store: Store,
  orders: { plant: string; orderNumber: string }[],
  systems: { erp: ErpSimulator; mes: MesSimulator; qms: QmsSimulator },
  gatewayDuplicates: number,
  outage: { startedAt: number; forMs: number } | null = null,
): Promise<DemoReport> {
  const ordersByState: Record<string, number> = {};
  let atWorker = 0;
  let held = 0;
  let released = 0;
  let refused = 0;
  let lateEventsAbsorbed = 0;
  for (const ref of orders) {
    const order = await store.getOrder(ref.plant, ref.orderNumber);
    const state = order?.state ?? 'NOT_RELEASED';
    ordersByState[state] = (ordersByState[state] ?? 0) + 1;
    const txs = await store.listTransactionsByOrder(ref.plant, ref.orderNumber);
    atWorker += txs.filter((t) => t.status === 'DUPLICATE').length;
    const audit = await store.listAudit(`order:${ref.plant}:${ref.orderNumber}`);
    const heldIds = new Set(audit.filter((a) => a.action === 'message.held').map((a) => a.correlationId));
    lateEventsAbsorbed += audit.filter((a) => a.action === 'operation.late-event-absorbed').length;
    held += heldIds.size;
    released += txs.filter(
      (t) => heldIds.has(t.envelope.correlationId) && (t.status === 'APPLIED' || t.status === 'POSTED'),
    ).length;
    refused += txs.filter((t) => heldIds.has(t.envelope.correlationId) && t.status === 'QUARANTINED').length;
  }
  const exceptionsByType: Record<string, number> = {};
  for (const type of EXCEPTION_TYPES) {
    const count = (await store.listExceptions({ type }, { first: 1 })).totalCount;
    if (count) exceptionsByType[type] = count;
  }
  let needingAPerson = 0;
  let qualityHoldsOpen = 0;
  for (const status of ACTIVE_EXCEPTION_STATUSES) {
    const all = (await store.listExceptions({ status }, { first: 1 })).totalCount;
    const holds = (await store.listExceptions({ status, rule: QUALITY_HOLD_RULE }, { first: 1 })).totalCount;
    needingAPerson += all - holds;
    qualityHoldsOpen += holds;
  }
  const exceptions = (await store.listExceptions({}, { first: 20 })).items.map((e) => ({
    type: e.type,
    orderNumber: e.orderNumber,
    rule: e.rule,
    reason: e.reason,
  }));
  const erpPostings: Record<string, number> = {};
  for (const entry of systems.erp.journal) erpPostings[entry.postingType] = (erpPostings[entry.postingType] ?? 0) + 1;
  const { violations, integrity } = integrityChecks(systems);
  return {
    ordersByState,
    postingsBySystem: { erp: erpPostings, mes: systems.mes.orders.size, qms: systems.qms.inspections.size },
    duplicatesPrevented: { atGateway: gatewayDuplicates, atWorker },
    held: { held, releasedAndApplied: released, refused },
    exceptionsByType,
    needingAPerson,
    qualityHoldsOpen,
    lateEventsAbsorbed,
    exceptions,
    outage: outage ? outageSeen(systems.erp, outage) : null,
    faultsInjected: {
      erpRateLimited: systems.erp.calls.filter((c) => c.status === 429).length,
      erpUnavailable: systems.erp.calls.filter((c) => c.status === 503).length,
      resentWebhooks: systems.mes.webhookStats().duplicated + systems.qms.webhookStats().duplicated,
      reorderedWebhooks: systems.mes.webhookStats().reordered + systems.qms.webhookStats().reordered,
    },
    integrity,
    violations,
  };
}

/**
 * What the injected outage really cost: ERP refused for the time it was told to, but postings resume only when the
 * circuit breaker lets a trial call through and the retry pauses end, which is longer.
 */
function outageSeen(erp: ErpSimulator, outage: { startedAt: number; forMs: number }) {
  const end = outage.startedAt + outage.forMs;
  const resumed = erp.calls.find((c) => c.path === '/api/postings' && c.at >= end && c.status < 300);
  return {
    refusedForSeconds: Math.round(outage.forMs / 100) / 10,
    postingsResumedAfterSeconds: resumed ? Math.round((resumed.at - outage.startedAt) / 100) / 10 : null,
  };
}

/**
 * The three checks, each from the reference systems' records rather than Plantgate's: ERP's stock, ERP's journal
 * against QMS's decisions and nonconformance history, and ERP's journal keys and receipts per order.
 */
export function integrityChecks(systems: { erp: ErpSimulator; qms: QmsSimulator }) {
  const violations: string[] = [];
  const erpIntegrity = systems.erp.integrity();
  for (const lot of erpIntegrity.negativeStockLots) violations.push(`ERP stock of lot ${lot} is negative`);

  const inspections = [...systems.qms.inspections.values()];
  const ncs = [...systems.qms.nonconformances.values()];
  for (const receipt of systems.erp.journal.filter((j) => j.postingType === 'GoodsReceipt')) {
    const lot = String(receipt.payload.lot);
    const release = inspections.find(
      (i) =>
        i.plant === receipt.plant &&
        i.lot === lot &&
        i.result === 'PASS' &&
        (i.disposition === 'ACCEPT' || i.disposition === 'CONDITIONAL_RELEASE') &&
        i.decidedAt !== null &&
        Date.parse(i.decidedAt) <= receipt.at,
    );
    if (!release)
      violations.push(`ERP received lot ${lot} (${receipt.documentNumber}) without a passing QMS decision before it`);
    else if ((release.disposition === 'ACCEPT' ? 'UNRESTRICTED' : 'RESTRICTED') !== receipt.payload.stockStatus) {
      violations.push(
        `ERP received lot ${lot} as ${String(receipt.payload.stockStatus)} although QMS decided ${release.disposition}`,
      );
    }
    const open = ncs.find(
      (n) =>
        n.plant === receipt.plant &&
        n.lot === lot &&
        n.openedAt <= receipt.at &&
        (n.closedAt === null || n.closedAt > receipt.at),
    );
    if (open) violations.push(`ERP received lot ${lot} while nonconformance ${open.nonconformanceId} was open`);
  }
  const receiptsPerOrder = new Map<string, number>();
  for (const r of systems.erp.journal.filter((j) => j.postingType === 'GoodsReceipt')) {
    const key = `${r.plant}|${r.orderNumber}|${String(r.payload.lot)}`;
    receiptsPerOrder.set(key, (receiptsPerOrder.get(key) ?? 0) + 1);
  }
  const twice = [...receiptsPerOrder.entries()].filter(([, n]) => n > 1);
  if (erpIntegrity.duplicatePostings > 0)
    violations.push(`${erpIntegrity.duplicatePostings} postings share an idempotency key in ERP's journal`);
  for (const [key] of twice) violations.push(`ERP received ${key} more than once`);
  return {
    violations,
    integrity: {
      noNegativeStock: erpIntegrity.negativeStockLots.length === 0,
      noReceiptBeforeQualityRelease: !violations.some(
        (v) => v.includes('without a passing') || v.includes('while nonconformance') || v.includes('although QMS'),
      ),
      noPostingAppliedTwice: erpIntegrity.duplicatePostings === 0 && twice.length === 0,
    },
  };
}
