import { operationEvent } from './event.fixture';
import type { AcknowledgeProductionOrder } from '../../core/orders/acknowledge-production-order.command';
import type { ReleaseProductionOrder } from '../../core/orders/release-production-order.command';

export function releaseInput(overrides: Partial<ReleaseProductionOrder> = {}): ReleaseProductionOrder {
  return {
    orderNumber: 'PO-1000',
    plant: 'P100',
    item: 'FG-100',
    itemRevision: 'A',
    routingRevision: 'R3',
    specRevision: 'S2',
    quantity: 50,
    uom: 'EA',
    dueAt: '2026-12-15T12:00:00.000Z',
    operations: [
      { sequence: 10, workCenter: 'WC-CUT', description: 'Cut' },
      { sequence: 20, workCenter: 'WC-ASSY', description: 'Assemble' },
    ],
    components: [{ item: 'RM-7', quantity: 100, uom: 'EA', operationSequence: 10 }],
    ...overrides,
  };
}

export function acknowledgeInput(
  release: ReleaseProductionOrder,
  overrides: Partial<AcknowledgeProductionOrder> = {},
): AcknowledgeProductionOrder {
  return {
    orderNumber: release.orderNumber,
    plant: release.plant,
    routingRevision: release.routingRevision,
    specRevision: release.specRevision,
    acknowledgedAt: '2026-12-01T06:00:00.000Z',
    messageId: `ack-${release.orderNumber}`,
    ...overrides,
  };
}

/**
 * An order's event number `index` in the only order in which none of them is held: release, acknowledgement, start
 * of operation 10, then pause and resume in turn (a RESUME overtaking its PAUSE would be held, which the order's
 * audit would show). For tests of ordering: applied versions must follow the index.
 */
export function orderEventAt(orderNumber: string, index: number): [string, object] {
  const release = releaseInput({ orderNumber });
  if (index === 0) return ['releaseProductionOrder', release];
  if (index === 1) return ['acknowledgeProductionOrder', acknowledgeInput(release)];
  const eventType = index === 2 ? 'START' : index % 2 ? 'PAUSE' : 'RESUME';
  const occurredAt = new Date(Date.parse('2026-12-01T07:00:00.000Z') + index * 60_000).toISOString();
  return ['reportOperationEvent', operationEvent({ orderNumber, eventType, occurredAt })];
}
