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
