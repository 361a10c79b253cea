import { operationEventInput } from '../plant-events';
import { randomUUID } from 'node:crypto';
import type { ReleaseProductionOrder } from '../../core/orders/release-production-order.command';
import { finalInspectionId } from '../../core/quality/inspection-request';
import type { UpsertReferenceData } from '../../core/reference/upsert-reference-data.command';

export const FAULT_KINDS = [
  'duplicate',
  'resend',
  'out_of_order',
  'expired_lot',
  'blocked_lot',
  'revision_mismatch',
  'premature_completion',
  'failed_inspection',
  'open_nonconformance',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface DayEvent {
  mutation: string;
  payload: Record<string, unknown>;
  orderNumber: string;
  plant: string;
  /** The fault this delivery carries, if it is one. */
  fault?: FaultKind;
}

export interface OrderPlan {
  release: ReleaseProductionOrder;
  faults: FaultKind[];
  lot: string;
  /** Whether quality releases the produced lot: a passing final inspection and no open nonconformance. */
  qualityReleased: boolean;
}

export interface PlantDay {
  reference: UpsertReferenceData;
  orders: OrderPlan[];
  events: DayEvent[];
  injected: Record<FaultKind, number>;
  expiredLots: Set<string>;
  blockedLots: Set<string>;
}

/** Deterministic pseudo-random numbers (mulberry32), so that both runs of a scorecard see the same day. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PLANTS = ['P1', 'P2'];

/**
 * One simulated plant day: work orders over two plants, each a release, MES's acknowledgement and floor events,
 * consumption, completion and QMS's final decision, with faults injected at the given rate per order.
 */
export function planPlantDay(
  orderCount: number,
  options: { seed?: number; faultRate?: number; runId?: string } = {},
): PlantDay {
  const random = prng(options.seed ?? 42);
  const rate = options.faultRate ?? 0.35;
  const run = options.runId ?? randomUUID().slice(0, 6);
  const injected = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  const reference: UpsertReferenceData = {
    plants: PLANTS.map((code) => ({ code, name: `Plant ${code}` })),
    workCenters: PLANTS.flatMap((plant) => ['WC-CUT', 'WC-ASSY'].map((code) => ({ plant, code }))),
    items: [
      { number: 'FG-100', revision: 'A', baseUom: 'EA', lotControlled: true, uomConversions: [] },
      { number: 'RM-7', revision: '1', baseUom: 'EA', lotControlled: true, uomConversions: [] },
    ],
    lots: PLANTS.flatMap((plant) => [
      {
        lotNumber: `L-OK-${plant}`,
        item: 'RM-7',
        plant,
        status: 'UNRESTRICTED' as const,
        expiresAt: '2030-01-01T00:00:00.000Z',
        quantity: 10_000_000,
        uom: 'EA',
      },
      {
        lotNumber: `L-EXP-${plant}`,
        item: 'RM-7',
        plant,
        status: 'UNRESTRICTED' as const,
        expiresAt: '2026-01-01T00:00:00.000Z',
        quantity: 10_000_000,
        uom: 'EA',
      },
      {
        lotNumber: `L-BLK-${plant}`,
        item: 'RM-7',
        plant,
        status: 'BLOCKED' as const,
        expiresAt: null,
        quantity: 10_000_000,
        uom: 'EA',
      },
    ]),
  };
  const orders: OrderPlan[] = [];
  const events: DayEvent[] = [];
  const base = Date.parse('2026-12-01T06:00:00.000Z');

  for (let i = 0; i < orderCount; i++) {
    const plant = PLANTS[i % PLANTS.length]!;
    const orderNumber = `D-${run}-${String(i).padStart(5, '0')}`;
    const quantity = 10 + Math.floor(random() * 40);
    const faults: FaultKind[] = [];
    const pick = (kind: FaultKind) => {
      faults.push(kind);
      injected[kind] += 1;
    };
    if (random() < rate) {
      const kinds: FaultKind[] = [
        'out_of_order',
        'expired_lot',
        'blocked_lot',
        'revision_mismatch',
        'premature_completion',
        'failed_inspection',
        'open_nonconformance',
      ];
      pick(kinds[Math.floor(random() * kinds.length)]!);
    }
    const release: ReleaseProductionOrder = {
      orderNumber,
      plant,
      item: 'FG-100',
      itemRevision: 'A',
      routingRevision: 'R3',
      specRevision: 'S2',
      quantity,
      uom: 'EA',
      dueAt: '2026-12-02T00:00:00.000Z',
      operations: [
        { sequence: 10, workCenter: 'WC-CUT', description: 'Cut' },
        { sequence: 20, workCenter: 'WC-ASSY', description: 'Assemble' },
      ],
      components: [{ item: 'RM-7', quantity: quantity * 2, uom: 'EA', operationSequence: 10 }],
    };
    const t = (minutes: number) => new Date(base + i * 60_000 + minutes * 1000).toISOString();
    const ref = { orderNumber, plant };
    const id = () => `msg-${randomUUID()}`;
    const lotUsed = faults.includes('expired_lot')
      ? `L-EXP-${plant}`
      : faults.includes('blocked_lot')
        ? `L-BLK-${plant}`
        : `L-OK-${plant}`;
    const fgLot = `FG-${orderNumber}`;
    const failed = faults.includes('failed_inspection');
    const op = (sequence: number, eventType: string, at: number, yieldQuantity = 0) => ({
      mutation: 'reportOperationEvent',
      payload: operationEventInput(ref, sequence, eventType, t(at), id(), yieldQuantity),
    });
    const sequence: Omit<DayEvent, 'orderNumber' | 'plant'>[] = [
      { mutation: 'releaseProductionOrder', payload: { ...release } },
      {
        mutation: 'acknowledgeProductionOrder',
        payload: {
          ...ref,
          routingRevision: faults.includes('revision_mismatch') ? 'R2' : 'R3',
          specRevision: 'S2',
          acknowledgedAt: t(1),
          messageId: id(),
        },
        ...(faults.includes('revision_mismatch') ? { fault: 'revision_mismatch' as const } : {}),
      },
      op(10, 'START', 2),
      {
        mutation: 'reportMaterialConsumption',
        payload: {
          ...ref,
          operationSequence: 10,
          item: 'RM-7',
          lot: lotUsed,
          quantity: quantity * 2,
          uom: 'EA',
          occurredAt: t(3),
          messageId: id(),
        },
        ...(lotUsed !== `L-OK-${plant}` ? { fault: faults[0] } : {}),
      },
      op(10, 'COMPLETE', 4, quantity),
      op(20, 'START', 5),
      op(20, 'COMPLETE', 6, quantity),
      {
        mutation: 'reportProductionCompletion',
        payload: { ...ref, lot: fgLot, quantity, uom: 'EA', occurredAt: t(7), messageId: id() },
      },
      ...(faults.includes('open_nonconformance')
        ? [
            {
              mutation: 'reportNonconformance',
              payload: {
                nonconformanceId: `NC-${orderNumber}`,
                ...ref,
                lot: fgLot,
                status: 'OPEN',
                severity: 'MAJOR',
                description: 'Crack found',
                occurredAt: t(8),
                messageId: id(),
              },
              fault: 'open_nonconformance' as const,
            },
          ]
        : []),
      {
        mutation: 'recordInspectionResult',
        payload: {
          inspectionId: finalInspectionId(fgLot),
          ...ref,
          lot: fgLot,
          inspectionType: 'FINAL',
          result: failed ? 'FAIL' : 'PASS',
          disposition: failed ? 'REJECT' : 'ACCEPT',
          inspector: 'qa',
          decidedAt: t(9),
          messageId: id(),
        },
        ...(failed ? { fault: 'failed_inspection' as const } : {}),
      },
    ];
    if (faults.includes('out_of_order'))
      [sequence[0], sequence[1]] = [{ ...sequence[1]!, fault: 'out_of_order' }, sequence[0]!];
    if (faults.includes('premature_completion'))
      [sequence[6], sequence[7]] = [{ ...sequence[7]!, fault: 'premature_completion' }, sequence[6]!];
    const delivered: DayEvent[] = sequence.map((e) => ({ ...e, ...ref }));
    // Duplicate deliveries and resends ride on top of any order.
    if (random() < rate / 2) {
      const at = 2 + Math.floor(random() * (delivered.length - 2));
      const original = delivered[at]!;
      const resend = random() < 0.5;
      pick(resend ? 'resend' : 'duplicate');
      const copy: DayEvent = {
        ...original,
        fault: resend ? 'resend' : 'duplicate',
        payload: resend ? { ...original.payload, messageId: id() } : { ...original.payload },
      };
      delivered.splice(at + 1, 0, copy);
    }
    orders.push({ release, faults, lot: fgLot, qualityReleased: !failed && !faults.includes('open_nonconformance') });
    events.push(...delivered);
  }
  return {
    reference,
    orders,
    events,
    injected,
    expiredLots: new Set(PLANTS.map((p) => `${p}|L-EXP-${p}`)),
    blockedLots: new Set(PLANTS.map((p) => `${p}|L-BLK-${p}`)),
  };
}

/** What the drift plan needs of a day: how many orders, and the good component lot of each plant. */
export function scorecardDrifts(day: PlantDay) {
  const plants = [...new Set(day.orders.map((o) => o.release.plant))];
  return { orders: day.orders.length, componentLots: plants.map((plant) => ({ plant, lot: `L-OK-${plant}` })) };
}
