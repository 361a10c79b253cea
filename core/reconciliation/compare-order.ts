import type { OrderRecord, PostingRecord } from '../orders/order.types';
import type { ErpOrderView, MesOrderView, QualityView } from '../ports/downstream.port';
import { round } from '../reference/uom';
import type { Correction, DriftSystem, Finding } from './drift.types';
import { findingsWith, settled } from './findings';

/** What each system says about one order; `undefined` where the system was not asked (not connected). */
export interface OrderViews {
  erp?: ErpOrderView | null;
  mes?: MesOrderView | null;
  quality?: QualityView;
}

const sum = (values: number[]) => round(values.reduce((a, b) => a + b, 0));

/** ERP's order status once Plantgate's postings for the order are all booked. */
function expectedErpStatus(order: OrderRecord): string {
  if (order.state === 'FINANCIALLY_POSTED') return 'SETTLED';
  if (order.goodsReceipts.length) return 'RECEIVED';
  if (order.postings.some((p) => p.system === 'erp' && p.postingType === 'OperationConfirmation')) return 'IN_PROCESS';
  return 'RELEASED';
}

/**
 * Compares Plantgate's record of one order with ERP's, MES's and QMS's. Postings younger than the grace period may
 * still be on their way, so an order with one is not compared with ERP yet; nor is an order changed within it
 * compared with MES (its last events may still be travelling).
 */
export function compareOrder(
  order: OrderRecord,
  views: OrderViews,
  now: string,
  graceSeconds: number,
): { findings: Finding[]; compared: DriftSystem[] } {
  const findings: Finding[] = [];
  const compared: DriftSystem[] = [];
  const erpPostings = order.postings.filter((p) => p.system === 'erp');
  const inFlight = erpPostings.some((p) => p.status === 'REQUESTED' && !settled(p.requestedAt, now, graceSeconds));
  const orderSettled = settled(order.updatedAt, now, graceSeconds);
  if (views.erp !== undefined && erpPostings.length && !inFlight) {
    findings.push(...compareWithErp(order, views.erp, now));
    compared.push('ERP');
  }
  // An order only announced (CREATED) never went to the floor: MES and QMS have nothing of it yet.
  if (views.mes !== undefined && orderSettled && order.state !== 'CREATED') {
    findings.push(...compareWithMes(order, views.mes));
    compared.push('MES');
  }
  if (views.quality !== undefined && orderSettled) {
    findings.push(...compareWithQms(order, views.quality));
    compared.push('QMS');
  }
  return { findings, compared };
}

function compareWithErp(order: OrderRecord, erp: ErpOrderView | null, now: string): Finding[] {
  const { found, at } = findingsWith('ERP', order.orderNumber);
  const posting = (postingType: string, payload: Record<string, unknown>) => ({
    destination: 'erp' as const,
    postingType,
    payload,
  });
  /**
   * A quantity ERP booked differently from what Plantgate decided and ERP confirmed: the difference is posted (a
   * reversal when ERP holds more), under a new key. While one of Plantgate's own postings of that type is still
   * unconfirmed, nothing is proposed: that posting (its DOWNSTREAM exception) is the way to bring ERP level.
   */
  const differs = (
    type: string,
    field: string,
    plantgate: number,
    system: number,
    payload: (diff: number) => object,
  ) => {
    const unconfirmed = order.postings.some((p: PostingRecord) => p.postingType === type && p.status === 'REQUESTED');
    const diff = round(plantgate - system);
    const description =
      diff > 0
        ? `Post ${diff} ${order.uom} missing in ERP (${field}) as a new ${type}`
        : `Reverse ${-diff} ${order.uom} ERP booked beyond Plantgate's record (${field}) with a ${type} of ${diff}`;
    const correction: Correction | null =
      diff !== 0 && !unconfirmed
        ? {
            kind: 'POST_TO_ERP',
            description,
            postings: [
              posting(type, { plant: order.plant, orderNumber: order.orderNumber, occurredAt: now, ...payload(diff) }),
            ],
          }
        : null;
    at(field, plantgate, system, { correction });
  };

  const ops = erp?.operationYield ?? {};
  for (const op of order.operations) {
    const seq = op.sequence;
    differs('OperationConfirmation', `operationYield:${seq}`, op.yieldQuantity, ops[seq] ?? 0, (diff) => ({
      operationSequence: seq,
      yieldQuantity: diff,
      scrapQuantity: 0,
      uom: order.uom,
      finalConfirmation: false,
      workCenter: op.workCenter,
    }));
  }
  const lastOp = order.operations.at(-1);
  differs('OperationConfirmation', 'scrap', order.scrapQuantity, erp?.scrap ?? 0, (diff) => ({
    operationSequence: lastOp?.sequence ?? 0,
    yieldQuantity: 0,
    scrapQuantity: diff,
    uom: order.uom,
    finalConfirmation: false,
    workCenter: lastOp?.workCenter,
  }));
  const issued = erp?.goodsIssuedByLot ?? {};
  const lots = new Set([...order.materialConsumptions.map((c) => c.lot), ...Object.keys(issued)]);
  for (const lot of lots) {
    const consumptions = order.materialConsumptions.filter((c) => c.lot === lot);
    const first = consumptions[0];
    differs('GoodsIssue', `goodsIssued:${lot}`, sum(consumptions.map((c) => c.quantity)), issued[lot] ?? 0, (diff) => ({
      operationSequence: first?.operationSequence,
      item: first?.item,
      lot,
      quantity: diff,
      uom: first?.uom,
    }));
  }
  const receipt = order.goodsReceipts.at(-1);
  differs(
    'GoodsReceipt',
    'goodsReceived',
    sum(order.goodsReceipts.map((r) => r.quantity)),
    erp?.goodsReceived ?? 0,
    (diff) => ({
      item: order.item,
      lot: receipt?.lot,
      quantity: diff,
      uom: order.uom,
      stockStatus: receipt?.stockStatus,
    }),
  );
  at('receiptStockStatus', receipt?.stockStatus ?? null, erp?.receiptStockStatus ?? null);
  at('status', expectedErpStatus(order), erp?.status ?? null);
  return found;
}

function compareWithMes(order: OrderRecord, mes: MesOrderView | null): Finding[] {
  const { found, at } = findingsWith('MES', order.orderNumber);
  if (!mes) {
    at('released', order.routingRevision, null, {
      correction: {
        kind: 'RESEND_RELEASE_TO_MES',
        description: `Send the release of order ${order.orderNumber} (routing ${order.routingRevision}) to MES again`,
        postings: [{ destination: 'mes', postingType: 'OrderReleased', payload: releaseOf(order) }],
      },
    });
    return found;
  }
  at('routingRevision', order.routingRevision, mes.routingRevision ?? order.routingRevision);
  // The floor cancelled the order; Plantgate still runs it.
  if (mes.status === 'CANCELLED' && order.state !== 'CANCELLED') at('status', order.state, mes.status);
  // What the floor reports is compared once MES runs the order (an order MES never acknowledged is run by hand).
  if (!mes.acknowledged) return found;
  for (const op of order.operations) {
    const floor = mes.operations.find((o) => o.sequence === op.sequence);
    at(`operationYield:${op.sequence}`, op.yieldQuantity, floor?.yieldQuantity ?? 0);
    at(`operationScrap:${op.sequence}`, op.scrapQuantity, floor?.scrapQuantity ?? 0);
  }
  return found;
}

/** QMS is the system of record for results: a result QMS has not decided is not held against Plantgate's. */
function compareWithQms(order: OrderRecord, quality: QualityView): Finding[] {
  const { found, at } = findingsWith('QMS', order.orderNumber);
  for (const request of order.inspectionRequests) {
    if (quality.inspections.some((i) => i.inspectionId === request.inspectionId)) continue;
    const completed = order.completions.filter((c) => c.lot === request.lot);
    at(`inspectionRequested:${request.inspectionId}`, 'REQUESTED', null, {
      lot: request.lot,
      correction: {
        kind: 'REQUEST_INSPECTION',
        description: `Ask QMS again for the ${request.inspectionType} inspection ${request.inspectionId} of lot ${request.lot}`,
        postings: [
          {
            destination: 'qms',
            postingType: 'InspectionRequested',
            payload: {
              inspectionId: request.inspectionId,
              plant: order.plant,
              orderNumber: order.orderNumber,
              item: order.item,
              itemRevision: order.itemRevision,
              specRevision: order.specRevision,
              lot: request.lot,
              quantity: sum(completed.map((c) => c.quantity)),
              uom: completed[0]?.uom ?? order.uom,
              inspectionType: request.inspectionType,
            },
          },
        ],
      },
    });
  }
  for (const theirs of quality.inspections.filter((i) => i.result)) {
    const mine = order.inspections.find((i) => i.inspectionId === theirs.inspectionId);
    const lot = { lot: theirs.lot };
    at(`inspectionResult:${theirs.inspectionId}`, mine?.result ?? null, theirs.result, lot);
    at(`inspectionDisposition:${theirs.inspectionId}`, mine?.disposition ?? null, theirs.disposition, lot);
  }
  return found;
}

/** The release as ERP sent it, from Plantgate's record of the order: what MES needs to run it. */
function releaseOf(order: OrderRecord): Record<string, unknown> {
  return {
    orderNumber: order.orderNumber,
    plant: order.plant,
    item: order.item,
    itemRevision: order.itemRevision,
    routingRevision: order.routingRevision,
    specRevision: order.specRevision,
    quantity: order.quantity,
    uom: order.uom,
    dueAt: order.dueAt,
    operations: order.operations.map(({ sequence, workCenter, description }) => ({
      sequence,
      workCenter,
      description,
    })),
    components: order.components,
  };
}
