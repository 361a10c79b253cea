import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../app/runtime';
import { DEFAULT_RULE_SET } from '../../core/rules/rule-set';
import { completion, consumption } from '../support/event.fixture';
import { gqlOk } from '../support/graphql-client';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { seedReferenceData } from '../support/reference.fixture';
import { writeRulesFile } from '../support/rules-file';
import { waitFor } from '../support/wait';
import { startedOrder, operationStep, submitAndSettle, TOOK_EFFECT } from '../support/workflow-client';

const RESERVATIONS = `query O($orderNumber: String!) {
  productionOrder(orderNumber: $orderNumber, plant: "P100") {
    state
    reservations { item operationSequence uom reservedQuantity consumedQuantity remainingQuantity releasedQuantity status }
  }
}`;

interface ReservationsView {
  state: string;
  reservations: {
    item: string;
    operationSequence: number;
    reservedQuantity: number;
    consumedQuantity: number;
    remainingQuantity: number;
    releasedQuantity: number;
    status: string;
  }[];
}

/**
 * Reservations matched by quantity, released when the order consumes no more, and RESTRICTED lots used only where
 * the plant's rules allow, through HTTP, broker, store and the reference MES. The plant allows RESTRICTED lots at its
 * assembly work centre only.
 */
describe('reservations and restricted lots', () => {
  let installation: TestInstallation;
  let runtime: Runtime;
  let url: string;
  const rules = writeRulesFile({ defaults: { version: 7, restrictedLotWorkCenters: ['WC-ASSY'] } });

  beforeAll(async () => {
    installation = createTestInstallation('reservations', { SIMULATORS: 'embedded', RULES_FILE: rules.file });
    runtime = await installation.start('all');
    url = runtime.url!;
    await seedReferenceData(url);
  });
  afterAll(async () => {
    await installation.cleanup();
    rules.remove();
  });

  const reservationsOf = async (orderNumber: string) =>
    (await gqlOk<{ productionOrder: ReservationsView }>(url, RESERVATIONS, { orderNumber })).productionOrder;
  const consume = (orderNumber: string, quantity: number, extra: object = {}) =>
    submitAndSettle(url, 'reportMaterialConsumption', consumption({ orderNumber, quantity, ...extra }));

  it('refuses consumption beyond the reservation, shows what remains, and releases it when production completes', async () => {
    const orderNumber = 'PO-R-1';
    await startedOrder(url, { orderNumber });
    expect((await consume(orderNumber, 60)).status).toMatch(/APPLIED|POSTED/);
    const over = await consume(orderNumber, 50, { occurredAt: '2026-12-01T07:10:00.000Z' });
    expect(over).toMatchObject({
      status: 'QUARANTINED',
      exception: { type: 'VALIDATION', rule: 'consumption.reserved-quantity' },
    });
    expect(over.exception!.reason).toContain(
      '110 EA of RM-7 would be consumed against its reservation of 100 EA for operation 10',
    );
    expect((await reservationsOf(orderNumber)).reservations).toEqual([
      expect.objectContaining({
        item: 'RM-7',
        operationSequence: 10,
        reservedQuantity: 100,
        consumedQuantity: 60,
        remainingQuantity: 40,
        status: 'OPEN',
      }),
    ]);
    // The floor booked it by mistake: discarded, so that the completion does not wait behind it.
    await gqlOk(url, 'mutation D($id: ID!) { discardException(id: $id, reason: "double scan at the line") { id } }', {
      id: over.exception!.id,
    });
    // Under-consumed: the order completes with 40 still reserved, which is released.
    await operationStep(url, orderNumber, 10, 'COMPLETE', 50);
    await operationStep(url, orderNumber, 20, 'START', 0, '2026-12-01T09:00:00.000Z');
    await operationStep(url, orderNumber, 20, 'COMPLETE', 50, '2026-12-01T09:00:00.000Z');
    await submitAndSettle(url, 'reportProductionCompletion', completion({ orderNumber, lot: 'FG-R-1' }), TOOK_EFFECT);
    expect((await reservationsOf(orderNumber)).reservations[0]).toMatchObject({
      consumedQuantity: 60,
      remainingQuantity: 0,
      releasedQuantity: 40,
      status: 'RELEASED',
    });
  });

  it('releases what remained reserved when the order is cancelled, and sends it back with the cancellation to MES', async () => {
    const orderNumber = 'PO-R-2';
    await startedOrder(url, { orderNumber });
    await consume(orderNumber, 30);
    const cancel = { orderNumber, plant: 'P100', reason: 'line down', cancelledAt: '2026-12-01T09:00:00Z' };
    const refused = await submitAndSettle(url, 'cancelProductionOrder', cancel);
    await gqlOk(url, 'mutation O($id: ID!) { overrideException(id: $id, reason: "line down for a week") { id } }', {
      id: refused.exception!.id,
    });
    const mesOrder = await waitFor(
      () => {
        const order = runtime.referenceSystems!.mes!.orders.get(`P100|${orderNumber}`);
        return order?.status === 'CANCELLED' ? order : undefined;
      },
      { what: 'MES told of the cancellation' },
    );
    expect(mesOrder.releasedReservations).toEqual([{ item: 'RM-7', operationSequence: 10, quantity: 70, uom: 'EA' }]);
    expect((await reservationsOf(orderNumber)).reservations[0]).toMatchObject({
      consumedQuantity: 30,
      releasedQuantity: 70,
      status: 'RELEASED',
    });
  });

  it("uses a RESTRICTED lot only at the work centres the plant's rules name; a refusal is QUALITY's", async () => {
    const orderNumber = 'PO-R-3';
    const lot = {
      lotNumber: 'L-RM7-RESTRICTED',
      item: 'RM-7',
      plant: 'P100',
      status: 'RESTRICTED',
      expiresAt: null,
      quantity: 500,
      uom: 'EA',
    };
    await submitAndSettle(
      url,
      'upsertReferenceData',
      { plants: [], workCenters: [], items: [], lots: [lot] },
      TOOK_EFFECT,
    );
    await startedOrder(url, { orderNumber });
    const atCut = await consume(orderNumber, 10, { lot: lot.lotNumber });
    expect(atCut).toMatchObject({
      status: 'QUARANTINED',
      exception: { type: 'VALIDATION', rule: 'consumption.lot-restricted' },
    });
    expect(atCut.exception!.reason).toContain('only at WC-ASSY; operation 10 runs at WC-CUT');
    expect(atCut.exception!.ruleSetVersion).toBe(7);
    const owner = await gqlOk<{ exception: { owner: string } }>(
      url,
      'query E($id: ID!) { exception(id: $id) { owner } }',
      { id: atCut.exception!.id },
    );
    expect(owner.exception.owner).toBe('QUALITY');
    // At the assembly work centre the plant allows it (the component is reserved for operation 10, used at 20).
    await operationStep(url, orderNumber, 10, 'COMPLETE', 50);
    await operationStep(url, orderNumber, 20, 'START', 0, '2026-12-01T09:00:00.000Z');
    const atAssembly = await consume(orderNumber, 10, {
      lot: lot.lotNumber,
      operationSequence: 20,
      occurredAt: '2026-12-01T09:05:00.000Z',
    });
    expect(atAssembly.status).toMatch(/APPLIED|POSTED/);
    expect(DEFAULT_RULE_SET.restrictedLotWorkCenters).toEqual([]);
  });
});
