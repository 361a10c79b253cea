import type { ReportMaterialConsumption } from '../../core/materials/report-material-consumption.command';
import type { ReportOperationEvent } from '../../core/orders/report-operation-event.command';
import type { ReportProductionCompletion } from '../../core/orders/report-production-completion.command';
import type { AcknowledgePosting } from '../../core/postings/acknowledge-posting.command';
import { finalInspectionId } from '../../core/quality/inspection-request';
import type { RecordInspectionResult } from '../../core/quality/record-inspection-result.command';
import type { ReportNonconformance } from '../../core/quality/report-nonconformance.command';

/** Plant-floor and quality messages for order PO-1000 of plant P100 (see order.fixture). */
export function operationEvent(overrides: Partial<ReportOperationEvent> = {}): ReportOperationEvent {
  return {
    orderNumber: 'PO-1000',
    plant: 'P100',
    operationSequence: 10,
    eventType: 'START',
    yieldQuantity: 0,
    scrapQuantity: 0,
    scrapReason: null,
    workCenter: 'WC-CUT',
    equipment: 'SAW-1',
    operator: 'op-17',
    occurredAt: '2026-12-01T07:00:00.000Z',
    messageId: `mes-${Math.random().toString(36).slice(2)}`,
    ...overrides,
  };
}

export function consumption(overrides: Partial<ReportMaterialConsumption> = {}): ReportMaterialConsumption {
  return {
    orderNumber: 'PO-1000',
    plant: 'P100',
    operationSequence: 10,
    item: 'RM-7',
    lot: 'L-RM7-OK',
    quantity: 100,
    uom: 'EA',
    occurredAt: '2026-12-01T07:30:00.000Z',
    messageId: `mes-${Math.random().toString(36).slice(2)}`,
    ...overrides,
  };
}

export function completion(overrides: Partial<ReportProductionCompletion> = {}): ReportProductionCompletion {
  return {
    orderNumber: 'PO-1000',
    plant: 'P100',
    lot: 'FG-LOT-1',
    quantity: 50,
    uom: 'EA',
    occurredAt: '2026-12-01T10:00:00.000Z',
    messageId: `mes-${Math.random().toString(36).slice(2)}`,
    ...overrides,
  };
}

/** A final inspection result; by default it answers the inspection Plantgate requested for its lot. */
export function inspection(overrides: Partial<RecordInspectionResult> = {}): RecordInspectionResult {
  return {
    inspectionId: finalInspectionId(overrides.lot ?? 'FG-LOT-1'),
    orderNumber: 'PO-1000',
    plant: 'P100',
    lot: 'FG-LOT-1',
    inspectionType: 'FINAL',
    result: 'PASS',
    disposition: 'ACCEPT',
    inspector: 'qa-3',
    decidedAt: '2026-12-01T11:00:00.000Z',
    messageId: `qms-${Math.random().toString(36).slice(2)}`,
    ...overrides,
  };
}

export function nonconformance(overrides: Partial<ReportNonconformance> = {}): ReportNonconformance {
  return {
    nonconformanceId: 'NC-1',
    plant: 'P100',
    orderNumber: 'PO-1000',
    lot: 'FG-LOT-1',
    status: 'OPEN',
    severity: 'MAJOR',
    description: 'Burr on edge',
    occurredAt: '2026-12-01T10:30:00.000Z',
    messageId: `qms-${Math.random().toString(36).slice(2)}`,
    ...overrides,
  };
}

export function postingAck(postingKey: string, overrides: Partial<AcknowledgePosting> = {}): AcknowledgePosting {
  return {
    plant: 'P100',
    orderNumber: 'PO-1000',
    postingKey,
    documentNumber: '5000001',
    acknowledgedAt: '2026-12-01T12:00:00.000Z',
    messageId: `erp-${Math.random().toString(36).slice(2)}`,
    ...overrides,
  };
}
