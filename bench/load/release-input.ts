/** The release every benchmark sends: the reference data of the plant-day plan has its item, routing and lots. */
export function benchRelease(orderNumber: string, plant: string) {
  return {
    orderNumber,
    plant,
    item: 'FG-100',
    itemRevision: 'A',
    routingRevision: 'R3',
    specRevision: 'S2',
    quantity: 20,
    uom: 'EA',
    dueAt: '2026-12-02T00:00:00.000Z',
    operations: [
      { sequence: 10, workCenter: 'WC-CUT', description: 'Cut' },
      { sequence: 20, workCenter: 'WC-ASSY', description: 'Assemble' },
    ],
    components: [{ item: 'RM-7', quantity: 40, uom: 'EA', operationSequence: 10 }],
  };
}
