import type { ReleaseProductionOrder } from '../../core/orders/release-production-order.command';
import type { UpsertReferenceData } from '../../core/reference/upsert-reference-data.command';
import type { DemoOptions } from './demo.options';

export const DEMO_PLANTS = ['P1', 'P2'] as const;

/** Two plants of a discrete manufacturer, one finished good with two routed operations and two components. */
export function demoReferenceData(): UpsertReferenceData {
  return {
    plants: DEMO_PLANTS.map((code) => ({ code, name: `Plant ${code}` })),
    workCenters: DEMO_PLANTS.flatMap((plant) => ['WC-CUT', 'WC-ASSY'].map((code) => ({ plant, code }))),
    items: [
      {
        number: 'FG-100',
        revision: 'A',
        baseUom: 'EA',
        lotControlled: true,
        uomConversions: [{ fromUom: 'BOX', toUom: 'EA', factor: 10 }],
      },
      { number: 'RM-7', revision: '1', baseUom: 'EA', lotControlled: true, uomConversions: [] },
      { number: 'RM-8', revision: '1', baseUom: 'KG', lotControlled: true, uomConversions: [] },
    ],
    lots: DEMO_PLANTS.flatMap((plant) => [
      {
        lotNumber: `L-RM7-${plant}`,
        item: 'RM-7',
        plant,
        status: 'UNRESTRICTED' as const,
        expiresAt: '2030-01-01T00:00:00.000Z',
        quantity: 1_000_000,
        uom: 'EA',
      },
      {
        lotNumber: `L-RM8-${plant}`,
        item: 'RM-8',
        plant,
        status: 'UNRESTRICTED' as const,
        expiresAt: null,
        quantity: 100_000,
        uom: 'KG',
      },
    ]),
  };
}

/** The component lots MES consumes, by "plant|item". */
export function demoComponentLots(): Record<string, string> {
  return Object.fromEntries(
    DEMO_PLANTS.flatMap((plant) => [
      [`${plant}|RM-7`, `L-RM7-${plant}`],
      [`${plant}|RM-8`, `L-RM8-${plant}`],
    ]),
  );
}

/** ERP's work orders: routing and spec revisions, component reservations, spread over both plants. */
export function demoOrders(count: number, runId: string): ReleaseProductionOrder[] {
  return Array.from({ length: count }, (_, i) => {
    const quantity = 10 + ((i * 7) % 41);
    return {
      orderNumber: `WO-${runId}-${String(i + 1).padStart(4, '0')}`,
      plant: DEMO_PLANTS[i % DEMO_PLANTS.length]!,
      item: 'FG-100',
      itemRevision: 'A',
      routingRevision: 'R3',
      specRevision: 'S2',
      quantity,
      uom: 'EA',
      dueAt: new Date(Date.now() + 86_400_000).toISOString(),
      operations: [
        { sequence: 10, workCenter: 'WC-CUT', description: 'Cut blanks' },
        { sequence: 20, workCenter: 'WC-ASSY', description: 'Assemble' },
      ],
      components: [
        { item: 'RM-7', quantity: quantity * 2, uom: 'EA', operationSequence: 10 },
        { item: 'RM-8', quantity: 1, uom: 'KG', operationSequence: 20 },
      ],
    };
  });
}

/** Fault injection per profile, applied to the reference systems. */
export function faultProfile(faults: DemoOptions['faults']) {
  if (faults === 'none') return { erp: {}, mes: {}, qms: {}, outage: null };
  const heavy = faults === 'heavy';
  return {
    erp: {
      errorRate: heavy ? 0.15 : 0.05,
      latencyMs: heavy ? 20 : 0,
      burst429: { remaining: 3, retryAfterSeconds: 1 },
    },
    mes: { duplicateRate: 0.1, reorderRate: heavy ? 0.2 : 0.1 },
    qms: { duplicateRate: 0.05 },
    outage: heavy ? { afterMs: 1500, forMs: 3000 } : null,
  };
}
