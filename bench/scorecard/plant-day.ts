import { randomUUID } from 'node:crypto';
import type { ReleaseProductionOrder } from '../../core/orders/release-production-order.command';
import type { UpsertReferenceData } from '../../core/reference/upsert-reference-data.command';
import {
  cancelledOrder,
  changedOrder,
  multiLotOrder,
  standardOrder,
  STANDARD_ORDER_FAULTS,
  FAULT_KINDS,
  type FaultKind,
  type OrderShape,
  type ShapedEvent,
} from './order-shapes';

export { FAULT_KINDS, type FaultKind } from './order-shapes';

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
  shape: OrderShape;
  faults: FaultKind[];
  /** The lots the order produces (none when cancelled). */
  lots: string[];
  /** Whether quality releases the produced lots: passing final inspections and no open nonconformance. */
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

/** Which orders run otherwise than the plain lifecycle: of every five, one changed, one in two lots, one cancelled. */
function shapeOf(index: number): OrderShape {
  return (['standard', 'changed', 'standard', 'multi_lot', 'cancelled'] as const)[index % 5]!;
}

/**
 * One simulated plant day: work orders over two plants, each a release, MES's acknowledgement and floor events,
 * consumption, completion and QMS's final decision, with faults injected at the given rate per order. With
 * `floorChanges` (the default) one order in five is changed by ERP, one completed in two lots and one cancelled.
 */
export function planPlantDay(
  orderCount: number,
  options: { seed?: number; faultRate?: number; runId?: string; floorChanges?: boolean } = {},
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
    const shape = options.floorChanges === false ? 'standard' : shapeOf(i);
    if (shape === 'standard' && random() < rate) {
      pick(STANDARD_ORDER_FAULTS[Math.floor(random() * STANDARD_ORDER_FAULTS.length)]!);
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
    const shaped = (events: ShapedEvent[]) =>
      events.map((e) => {
        if (e.fault) pick(e.fault);
        return e;
      });
    const lots = shape === 'multi_lot' ? [`${fgLot}-A`, `${fgLot}-B`] : shape === 'cancelled' ? [] : [fgLot];
    const context = { release, t, id, componentLot: `L-OK-${plant}` };
    const sequence: Omit<DayEvent, 'orderNumber' | 'plant'>[] =
      shape === 'changed'
        ? shaped(changedOrder(context, fgLot))
        : shape === 'cancelled'
          ? shaped(cancelledOrder(context))
          : shape === 'multi_lot'
            ? multiLotOrder(context, lots as [string, string])
            : standardOrder(context, fgLot, faults, lotUsed);
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
    orders.push({
      release,
      shape,
      faults,
      lots,
      qualityReleased: shape !== 'cancelled' && !failed && !faults.includes('open_nonconformance'),
    });
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
