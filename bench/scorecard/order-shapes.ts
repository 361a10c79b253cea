import { operationEventInput } from '../plant-events';
import { finalInspectionId } from '../../core/quality/inspection-request';
import type { ReleaseProductionOrder } from '../../core/orders/release-production-order.command';

/** Faults a plain-lifecycle order may carry, one at most (standardOrder injects them). */
export const STANDARD_ORDER_FAULTS = [
  'out_of_order',
  'expired_lot',
  'blocked_lot',
  'revision_mismatch',
  'premature_completion',
  'failed_inspection',
  'open_nonconformance',
] as const;

/** Every fault of the plant day: those of plain orders, of the changed and cancelled orders, and of delivery. */
export const FAULT_KINDS = [
  'duplicate',
  'resend',
  ...STANDARD_ORDER_FAULTS,
  'stale_acknowledgement',
  'event_after_cancel',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * How an order runs on the plant day besides the plain lifecycle: ERP changes it before the floor starts, ERP cancels
 * it (and the floor, not told in time, reports on it anyway), or the floor completes it in two lots.
 */
export type OrderShape = 'standard' | 'changed' | 'cancelled' | 'multi_lot';

/** One delivery of a shape; `fault` names what it injects. */
export interface ShapedEvent {
  mutation: string;
  payload: Record<string, unknown>;
  fault?: FaultKind;
}

interface ShapeContext {
  release: ReleaseProductionOrder;
  /** The event time `minutes` into the order. */
  t: (minutes: number) => string;
  id: () => string;
  componentLot: string;
}

const ref = (release: ReleaseProductionOrder) => ({ orderNumber: release.orderNumber, plant: release.plant });

function acknowledgement(c: ShapeContext, routingRevision: string, at: number, orderVersion?: number): ShapedEvent {
  return {
    mutation: 'acknowledgeProductionOrder',
    payload: {
      ...ref(c.release),
      routingRevision,
      specRevision: 'S2',
      ...(orderVersion ? { orderVersion } : {}),
      acknowledgedAt: c.t(at),
      messageId: c.id(),
    },
  };
}

function consumption(c: ShapeContext, at: number, lot = c.componentLot): ShapedEvent {
  return {
    mutation: 'reportMaterialConsumption',
    payload: {
      ...ref(c.release),
      operationSequence: 10,
      item: 'RM-7',
      lot,
      quantity: c.release.quantity * 2,
      uom: 'EA',
      occurredAt: c.t(at),
      messageId: c.id(),
    },
  };
}

function op(c: ShapeContext, sequence: number, eventType: string, at: number, yieldQuantity = 0): ShapedEvent {
  return {
    mutation: 'reportOperationEvent',
    payload: operationEventInput(ref(c.release), sequence, eventType, c.t(at), c.id(), yieldQuantity),
  };
}

function completionOf(c: ShapeContext, lot: string, quantity: number, at: number): ShapedEvent {
  return {
    mutation: 'reportProductionCompletion',
    payload: { ...ref(c.release), lot, quantity, uom: 'EA', occurredAt: c.t(at), messageId: c.id() },
  };
}

function passing(c: ShapeContext, lot: string, at: number, pass = true): ShapedEvent {
  return {
    mutation: 'recordInspectionResult',
    payload: {
      inspectionId: finalInspectionId(lot),
      ...ref(c.release),
      lot,
      inspectionType: 'FINAL',
      result: pass ? 'PASS' : 'FAIL',
      disposition: pass ? 'ACCEPT' : 'REJECT',
      inspector: 'qa',
      decidedAt: c.t(at),
      messageId: c.id(),
    },
  };
}

/**
 * ERP changes the order to version 2 (a new routing revision, a later due date) before MES acknowledged it; MES's
 * acknowledgement of version 1 arrives late (a REVISION_MISMATCH), then its acknowledgement of version 2, and the
 * floor runs the new version.
 */
export function changedOrder(c: ShapeContext, lot: string): ShapedEvent[] {
  const { messageId: _m, ...content } = c.release;
  const q = c.release.quantity;
  return [
    { mutation: 'releaseProductionOrder', payload: { ...c.release } },
    {
      mutation: 'changeProductionOrder',
      payload: { ...content, orderVersion: 2, routingRevision: 'R4', dueAt: c.t(600), reason: 'new routing' },
    },
    { ...acknowledgement(c, 'R3', 1), fault: 'stale_acknowledgement' },
    acknowledgement(c, 'R4', 2, 2),
    op(c, 10, 'START', 3),
    consumption(c, 4),
    op(c, 10, 'COMPLETE', 5, q),
    op(c, 20, 'START', 6),
    op(c, 20, 'COMPLETE', 7, q),
    completionOf(c, lot, q, 8),
    passing(c, lot, 9),
  ];
}

/** ERP cancels the order before the floor starts; the floor, not told in time, starts it and issues material anyway. */
export function cancelledOrder(c: ShapeContext): ShapedEvent[] {
  return [
    { mutation: 'releaseProductionOrder', payload: { ...c.release } },
    acknowledgement(c, 'R3', 1),
    {
      mutation: 'cancelProductionOrder',
      payload: { ...ref(c.release), reason: 'customer order withdrawn', cancelledAt: c.t(2), messageId: c.id() },
    },
    { ...op(c, 10, 'START', 3), fault: 'event_after_cancel' },
    { ...consumption(c, 4), fault: 'event_after_cancel' },
  ];
}

/** The floor completes the order in two lots while the last operation runs, each inspected and received on its own. */
export function multiLotOrder(c: ShapeContext, lots: [string, string]): ShapedEvent[] {
  const q = c.release.quantity;
  const first = Math.floor(q / 2);
  return [
    { mutation: 'releaseProductionOrder', payload: { ...c.release } },
    acknowledgement(c, 'R3', 1),
    op(c, 10, 'START', 2),
    consumption(c, 3),
    op(c, 10, 'COMPLETE', 4, q),
    op(c, 20, 'START', 5),
    op(c, 20, 'CONFIRM', 6, first),
    completionOf(c, lots[0], first, 7),
    passing(c, lots[0], 8),
    op(c, 20, 'COMPLETE', 9, q - first),
    completionOf(c, lots[1], q - first, 10),
    passing(c, lots[1], 11),
  ];
}

/**
 * The plain lifecycle, with the order's faults: a revision mismatch, an expired or blocked lot (`lotUsed`), a
 * nonconformance, a failed inspection, the acknowledgement before the release, the completion before the last
 * operation.
 */
export function standardOrder(
  c: ShapeContext,
  lot: string,
  faults: readonly FaultKind[],
  lotUsed: string,
): ShapedEvent[] {
  const q = c.release.quantity;
  const has = (kind: FaultKind) => faults.includes(kind);
  const flagged = (event: ShapedEvent, kind: FaultKind | undefined): ShapedEvent =>
    kind ? { ...event, fault: kind } : event;
  const lotFault = has('expired_lot') ? 'expired_lot' : has('blocked_lot') ? 'blocked_lot' : undefined;
  const sequence: ShapedEvent[] = [
    { mutation: 'releaseProductionOrder', payload: { ...c.release } },
    flagged(
      acknowledgement(c, has('revision_mismatch') ? 'R2' : 'R3', 1),
      has('revision_mismatch') ? 'revision_mismatch' : undefined,
    ),
    op(c, 10, 'START', 2),
    flagged(consumption(c, 3, lotUsed), lotFault),
    op(c, 10, 'COMPLETE', 4, q),
    op(c, 20, 'START', 5),
    op(c, 20, 'COMPLETE', 6, q),
    completionOf(c, lot, q, 7),
    ...(has('open_nonconformance')
      ? [
          {
            mutation: 'reportNonconformance',
            payload: {
              nonconformanceId: `NC-${c.release.orderNumber}`,
              ...ref(c.release),
              lot,
              status: 'OPEN',
              severity: 'MAJOR',
              description: 'Crack found',
              occurredAt: c.t(8),
              messageId: c.id(),
            },
            fault: 'open_nonconformance' as const,
          },
        ]
      : []),
    flagged(passing(c, lot, 9, !has('failed_inspection')), has('failed_inspection') ? 'failed_inspection' : undefined),
  ];
  if (has('out_of_order')) [sequence[0], sequence[1]] = [{ ...sequence[1]!, fault: 'out_of_order' }, sequence[0]!];
  if (has('premature_completion'))
    [sequence[6], sequence[7]] = [{ ...sequence[7]!, fault: 'premature_completion' }, sequence[6]!];
  return sequence;
}
