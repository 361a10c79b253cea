import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../app/runtime';
import { drainQueues } from '../support/broker';
import { completion, consumption, inspection, operationEvent, postingAck } from '../support/event.fixture';
import { gqlOk, LOT, ORDER } from '../support/graphql-client';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { acknowledgeInput, releaseInput } from '../support/order.fixture';
import { seedReferenceData } from '../support/reference.fixture';
import { waitFor } from '../support/wait';
import { settled, submit, submitAndSettle } from '../support/workflow-client';

type Order = {
  state: string;
  producedQuantity: number;
  timeline: { state: string; correlationId: string; cause: string }[];
  operations: { sequence: number; state: string; yieldQuantity: number; scrapQuantity: number }[];
  materialConsumptions: unknown[];
  goodsReceipts: { stockStatus: string; status: string; postingKey: string }[];
  postings: { postingType: string; status: string; correlationId: string; documentNumber: string | null }[];
  exceptions: unknown[];
  transactions: { status: string; messageType: string }[];
};

describe('one order from release to goods receipt, through GraphQL, RabbitMQ and SQLite', () => {
  let installation: TestInstallation;
  let runtime: Runtime;
  let url: string;
  beforeAll(async () => {
    installation = createTestInstallation('happy');
    runtime = await installation.start('all');
    url = runtime.url!;
    await seedReferenceData(url);
  });
  afterAll(() => installation.cleanup());

  it('ends FINANCIALLY_POSTED with a complete timeline and genealogy once ERP confirmed the receipt and the settlement', async () => {
    const ref = { orderNumber: 'PO-HAPPY', plant: 'P100' };
    const release = releaseInput(ref);
    // MES and QMS do not wait for each other: every message is submitted at once, in the order it happened.
    const steps: [string, object][] = [
      ['releaseProductionOrder', release],
      ['acknowledgeProductionOrder', acknowledgeInput(release)],
      ['reportOperationEvent', operationEvent({ ...ref, eventType: 'START', occurredAt: '2026-12-01T07:00:00Z' })],
      [
        'reportMaterialConsumption',
        consumption({ ...ref, quantity: 2, uom: 'BOX', occurredAt: '2026-12-01T07:10:00Z' }),
      ],
      [
        'reportOperationEvent',
        operationEvent({ ...ref, eventType: 'CONFIRM', yieldQuantity: 30, occurredAt: '2026-12-01T07:30:00Z' }),
      ],
      [
        'reportOperationEvent',
        operationEvent({
          ...ref,
          eventType: 'COMPLETE',
          yieldQuantity: 20,
          scrapQuantity: 1,
          scrapReason: 'chipped',
          occurredAt: '2026-12-01T08:00:00Z',
        }),
      ],
      [
        'reportOperationEvent',
        operationEvent({
          ...ref,
          operationSequence: 20,
          workCenter: 'WC-ASSY',
          equipment: 'CELL-2',
          eventType: 'START',
          occurredAt: '2026-12-01T08:10:00Z',
        }),
      ],
      [
        'reportOperationEvent',
        operationEvent({
          ...ref,
          operationSequence: 20,
          workCenter: 'WC-ASSY',
          equipment: 'CELL-2',
          eventType: 'COMPLETE',
          yieldQuantity: 50,
          occurredAt: '2026-12-01T09:00:00Z',
        }),
      ],
      ['reportProductionCompletion', completion({ ...ref, lot: 'FG-HAPPY-1', quantity: 5, uom: 'BOX' })],
      ['recordInspectionResult', inspection({ ...ref, lot: 'FG-HAPPY-1' })],
    ];
    const submitted = [];
    for (const [mutation, input] of steps) submitted.push(await submit(url, mutation, input));
    expect(submitted.every((s) => s.status === 'ACCEPTED')).toBe(true);
    for (const s of submitted) expect((await settled(url, s.correlationId)).status).toBe('APPLIED');

    // ERP receives the goods receipt request through the outbound queue and confirms it.
    const sent: Awaited<ReturnType<typeof drainQueues>> = [];
    await waitFor(async () => {
      sent.push(...(await drainQueues(runtime.topology.outboundQueues('erp'))).filter((m) => m.type !== 'MasterData'));
      return sent.filter((m) => m.type !== 'GoodsReceipt').length >= 4 && sent.some((m) => m.type === 'GoodsReceipt')
        ? true
        : undefined;
    });
    expect(sent.map((m) => m.type).sort()).toEqual([
      'GoodsIssue',
      'GoodsReceipt',
      'OperationConfirmation',
      'OperationConfirmation',
      'OperationConfirmation',
    ]);
    const receipt = sent.find((m) => m.type === 'GoodsReceipt')!;
    expect(receipt.body).toMatchObject({ lot: 'FG-HAPPY-1', quantity: 50, uom: 'EA', stockStatus: 'UNRESTRICTED' });
    const postingKey = String(receipt.headers['x-idempotency-key']);
    const ack = await submitAndSettle(
      url,
      'acknowledgePosting',
      postingAck(postingKey, { ...ref, documentNumber: '5000123' }),
    );
    expect(ack.status).toBe('APPLIED');
    // With the goods received, ERP is asked to settle the order; its confirmation closes the lifecycle.
    const settlement = await waitFor(async () =>
      (await drainQueues(runtime.topology.outboundQueues('erp'))).find((m) => m.type === 'OrderSettlement'),
    );
    expect(settlement.body).toMatchObject({ orderNumber: 'PO-HAPPY', producedQuantity: 50, scrapQuantity: 1 });
    await submitAndSettle(
      url,
      'acknowledgePosting',
      postingAck(String(settlement.headers['x-idempotency-key']), { ...ref, documentNumber: '7000456' }),
    );

    const { productionOrder: order } = await gqlOk<{ productionOrder: Order }>(url, ORDER, ref);
    expect(order.state).toBe('FINANCIALLY_POSTED');
    expect(order.timeline.map((t) => t.state)).toEqual([
      'RELEASED',
      'ACKNOWLEDGED',
      'IN_PROCESS',
      'PARTIALLY_CONFIRMED',
      'COMPLETED',
      'QUALITY_PENDING',
      'RECEIVED',
      'FINANCIALLY_POSTED',
    ]);
    const causes = new Map(submitted.map((s, i) => [s.correlationId, steps[i]![0]]));
    expect(order.timeline.slice(0, 6).map((t) => causes.get(t.correlationId))).toEqual([
      'releaseProductionOrder',
      'acknowledgeProductionOrder',
      'reportOperationEvent',
      'reportOperationEvent',
      'reportProductionCompletion',
      'reportProductionCompletion',
    ]);
    expect(order.operations).toEqual([
      { sequence: 10, workCenter: 'WC-CUT', state: 'COMPLETED', yieldQuantity: 50, scrapQuantity: 1 },
      { sequence: 20, workCenter: 'WC-ASSY', state: 'COMPLETED', yieldQuantity: 50, scrapQuantity: 0 },
    ]);
    expect(order.producedQuantity).toBe(50);
    expect(order.goodsReceipts).toEqual([
      expect.objectContaining({ stockStatus: 'UNRESTRICTED', status: 'POSTED', postingKey }),
    ]);
    expect(order.postings.find((p) => p.postingType === 'GoodsReceipt')).toMatchObject({
      status: 'POSTED',
      documentNumber: '5000123',
    });
    expect(order.postings.find((p) => p.postingType === 'OrderSettlement')).toMatchObject({
      status: 'POSTED',
      documentNumber: '7000456',
    });
    // Nobody acknowledged the confirmations and the goods issue in this test (no ERP connector runs): still requested.
    expect(
      order.postings
        .filter((p) => p.status === 'REQUESTED')
        .map((p) => p.postingType)
        .sort(),
    ).toEqual(['GoodsIssue', 'OperationConfirmation', 'OperationConfirmation', 'OperationConfirmation']);
    expect(order.exceptions).toEqual([]);
    // The inspection asked for the receipt; ERP's confirmation makes its transaction POSTED.
    expect((await settled(url, submitted.at(-1)!.correlationId)).status).toBe('POSTED');

    const { lot } = await gqlOk<{ lot: Record<string, unknown> }>(url, LOT, { lotNumber: 'FG-HAPPY-1', plant: 'P100' });
    expect(lot).toMatchObject({
      item: 'FG-100',
      status: 'UNRESTRICTED',
      quantity: 50,
      producedBy: { orderNumber: 'PO-HAPPY' },
      components: [{ lotNumber: 'L-RM7-OK', item: 'RM-7', quantity: 100, uom: 'EA' }],
      inspections: [{ inspectionType: 'FINAL', result: 'PASS', disposition: 'ACCEPT', inspector: 'qa-3' }],
    });
    const component = (
      await gqlOk<{ lot: { consumedBy: { orderNumber: string }[]; quantity: number } }>(url, LOT, {
        lotNumber: 'L-RM7-OK',
        plant: 'P100',
      })
    ).lot;
    expect(component.consumedBy).toEqual([{ orderNumber: 'PO-HAPPY' }]);
    expect(component.quantity).toBe(99900);
  });
});
