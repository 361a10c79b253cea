import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../app/runtime';
import { completion, inspection, operationEvent } from '../support/event.fixture';
import { gqlOk } from '../support/graphql-client';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { seedReferenceData } from '../support/reference.fixture';
import { waitFor } from '../support/wait';
import { acknowledgedOrder, operationStep, submitAndSettle, TOOK_EFFECT } from '../support/workflow-client';

const LOTS = `query O($orderNumber: String!) {
  productionOrder(orderNumber: $orderNumber, plant: "P100") {
    state producedQuantity
    completionLots { lot quantity qualityStatus finalInspection { result } goodsReceipt { stockStatus status } }
    exceptions { id rule status }
    timeline { state cause }
  }
}`;

interface LotsView {
  state: string;
  producedQuantity: number;
  completionLots: {
    lot: string;
    quantity: number;
    qualityStatus: string;
    finalInspection: { result: string } | null;
    goodsReceipt: { stockStatus: string; status: string } | null;
  }[];
  exceptions: { id: string; rule: string; status: string }[];
  timeline: { state: string; cause: string }[];
}

/**
 * Several completion lots per order, through HTTP, broker, store and the reference ERP and QMS: lots are reported
 * while production goes on, each inspected and received on its own; the order completes at its quantity or when ERP
 * closes it short, and its state follows its lots' quality.
 */
describe('completion lots', () => {
  let installation: TestInstallation;
  let runtime: Runtime;
  let url: string;

  beforeAll(async () => {
    installation = createTestInstallation('completion-lots', { SIMULATORS: 'embedded' });
    runtime = await installation.start('all');
    url = runtime.url!;
    await seedReferenceData(url);
  });
  afterAll(() => installation.cleanup());

  const orderOf = async (orderNumber: string) =>
    (await gqlOk<{ productionOrder: LotsView }>(url, LOTS, { orderNumber })).productionOrder;
  const op = (
    orderNumber: string,
    sequence: 10 | 20,
    eventType: 'START' | 'CONFIRM' | 'COMPLETE',
    yieldQuantity = 0,
    minute = 0,
  ) =>
    operationStep(
      url,
      orderNumber,
      sequence,
      eventType,
      yieldQuantity,
      new Date(Date.parse('2026-12-01T08:00:00Z') + minute * 60_000).toISOString(),
    );
  /** Operation 10 complete (50 good), operation 20 started and `confirmed` good so far. */
  const runningAt20 = async (orderNumber: string, confirmed: number) => {
    await acknowledgedOrder(url, { orderNumber });
    await op(orderNumber, 10, 'START');
    await op(orderNumber, 10, 'COMPLETE', 50, 1);
    await op(orderNumber, 20, 'START', 0, 2);
    await op(orderNumber, 20, 'CONFIRM', confirmed, 3);
  };
  const lot = (orderNumber: string, lotNumber: string, quantity: number) =>
    submitAndSettle(
      url,
      'reportProductionCompletion',
      completion({ orderNumber, lot: lotNumber, quantity }),
      TOOK_EFFECT,
    );
  const decide = (orderNumber: string, lotNumber: string, pass: boolean, minute = 0) =>
    submitAndSettle(
      url,
      'recordInspectionResult',
      inspection({
        orderNumber,
        lot: lotNumber,
        result: pass ? 'PASS' : 'FAIL',
        disposition: pass ? 'ACCEPT' : 'REJECT',
        decidedAt: new Date(Date.parse('2026-12-01T12:00:00Z') + minute * 60_000).toISOString(),
      }),
      TOOK_EFFECT,
    );

  it('takes three lots while production goes on: one held and two released, and the order follows them', async () => {
    const orderNumber = 'PO-L-1';
    await runningAt20(orderNumber, 20);
    await lot(orderNumber, 'FG-L1-A', 20);
    await decide(orderNumber, 'FG-L1-A', true);
    // The first lot is received while production goes on; the order stays in production.
    await waitFor(async () => (await orderOf(orderNumber)).completionLots[0]?.goodsReceipt?.status === 'POSTED', {
      what: 'lot A received',
    });
    expect((await orderOf(orderNumber)).state).toBe('PARTIALLY_CONFIRMED');

    await op(orderNumber, 20, 'CONFIRM', 15, 4);
    await lot(orderNumber, 'FG-L1-B', 15);
    await decide(orderNumber, 'FG-L1-B', false);
    await op(orderNumber, 20, 'COMPLETE', 15, 5);
    await lot(orderNumber, 'FG-L1-C', 15);
    await decide(orderNumber, 'FG-L1-C', true);
    await waitFor(async () => (await orderOf(orderNumber)).completionLots[2]?.goodsReceipt?.status === 'POSTED', {
      what: 'lot C received',
    });
    const held = await orderOf(orderNumber);
    expect(held.state).toBe('QUALITY_HOLD');
    expect(held.producedQuantity).toBe(50);
    expect(
      held.completionLots.map((l) => [l.lot, l.quantity, l.qualityStatus, l.goodsReceipt?.stockStatus ?? null]),
    ).toEqual([
      ['FG-L1-A', 20, 'RELEASED', 'UNRESTRICTED'],
      ['FG-L1-B', 15, 'HELD', null],
      ['FG-L1-C', 15, 'RELEASED', 'UNRESTRICTED'],
    ]);
    const hold = held.exceptions.find((e) => e.rule === 'quality.release-hold');
    expect(hold?.status).toBe('OPEN');
    expect(held.exceptions.filter((e) => e.rule === 'quality.release-hold')).toHaveLength(1);

    // Lot B reworked and inspected again: released, its hold resolves, and the order goes on to settlement.
    await decide(orderNumber, 'FG-L1-B', true, 30);
    await waitFor(async () => (await orderOf(orderNumber)).state === 'FINANCIALLY_POSTED', {
      what: `${orderNumber} settled`,
    });
    const done = await orderOf(orderNumber);
    expect(done.completionLots.every((l) => l.goodsReceipt?.status === 'POSTED')).toBe(true);
    expect(done.exceptions.find((e) => e.id === hold!.id)?.status).toBe('RESOLVED');
    // ERP was asked to receive each lot once.
    const receipts = runtime.referenceSystems!.erp!.journal.filter(
      (p) => p.postingType === 'GoodsReceipt' && p.orderNumber === orderNumber,
    );
    expect(receipts.map((p) => p.payload.lot).sort()).toEqual(['FG-L1-A', 'FG-L1-B', 'FG-L1-C']);
  });

  it('holds a lot beyond the confirmed yield until the floor confirms it', async () => {
    const orderNumber = 'PO-L-2';
    await runningAt20(orderNumber, 10);
    const early = await submitAndSettle(
      url,
      'reportProductionCompletion',
      completion({ orderNumber, lot: 'FG-L2-A', quantity: 20 }),
      ['HELD'],
    );
    expect(early.status).toBe('HELD');
    await op(orderNumber, 20, 'CONFIRM', 10, 4);
    await waitFor(async () => (await orderOf(orderNumber)).completionLots.length === 1, { what: 'lot A taken' });
  });

  it('closes an order short: the lots reported are its output, MES is told to stop, and an empty order cannot be closed', async () => {
    const orderNumber = 'PO-L-3';
    await runningAt20(orderNumber, 30);
    await lot(orderNumber, 'FG-L3-A', 30);
    expect((await orderOf(orderNumber)).state).toBe('PARTIALLY_CONFIRMED');
    const close = { orderNumber, plant: 'P100', reason: 'customer needs only 30', closedAt: '2026-12-01T10:00:00Z' };
    expect((await submitAndSettle(url, 'closeProductionOrder', close)).status).toMatch(/APPLIED|POSTED/);
    const closed = await orderOf(orderNumber);
    expect(closed.state).toBe('QUALITY_PENDING');
    expect(closed.timeline.map((t) => t.cause)).toContain(
      'closed short by ERP: customer needs only 30 (30 of 50 EA produced)',
    );
    await waitFor(() => runtime.referenceSystems!.mes!.orders.get(`P100|${orderNumber}`)?.status === 'CLOSED', {
      what: 'MES told the order is closed',
    });
    // The floor's later events are refused, the lot goes on through quality to settlement.
    const late = await submitAndSettle(
      url,
      'reportOperationEvent',
      operationEvent({
        orderNumber,
        operationSequence: 20,
        workCenter: 'WC-ASSY',
        eventType: 'CONFIRM',
        yieldQuantity: 5,
        occurredAt: '2026-12-01T11:00:00Z',
      }),
    );
    expect(late).toMatchObject({ status: 'QUARANTINED', exception: { type: 'SEQUENCE' } });
    await decide(orderNumber, 'FG-L3-A', true);
    await waitFor(async () => (await orderOf(orderNumber)).state === 'FINANCIALLY_POSTED', {
      what: 'closed order settled',
    });

    const empty = 'PO-L-4';
    await acknowledgedOrder(url, { orderNumber: empty });
    const refused = await submitAndSettle(url, 'closeProductionOrder', { ...close, orderNumber: empty });
    expect(refused).toMatchObject({
      status: 'QUARANTINED',
      exception: { type: 'VALIDATION', rule: 'order.close-empty' },
    });
  });
});
