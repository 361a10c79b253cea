import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../app/runtime';
import { inspection, operationEvent } from '../support/event.fixture';
import { gqlOk, ORDER } from '../support/graphql-client';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { seedReferenceData } from '../support/reference.fixture';
import { waitFor } from '../support/wait';
import { acknowledgedOrder, completedOrder, submit, submitAndSettle, TOOK_EFFECT } from '../support/workflow-client';
import { acknowledgeInput, releaseInput } from '../support/order.fixture';

const cancel = (orderNumber: string, extra: object = {}) => ({
  orderNumber,
  plant: 'P100',
  reason: 'customer order withdrawn',
  cancelledAt: '2026-12-01T09:00:00Z',
  ...extra,
});

/**
 * ERP cancels orders through HTTP, broker and store, with the reference MES told: before work starts the order is
 * CANCELLED at once; once work started only an OPERATIONS override cancels it (MES told to stop); once its output
 * exists it is refused with the reason; events that come later are exceptions.
 */
describe('orders announced, and cancelled', () => {
  let installation: TestInstallation;
  let runtime: Runtime;
  let url: string;

  beforeAll(async () => {
    installation = createTestInstallation('cancellation', { SIMULATORS: 'embedded' });
    runtime = await installation.start('all');
    url = runtime.url!;
    await seedReferenceData(url);
  });
  afterAll(() => installation.cleanup());

  const stateOf = async (orderNumber: string) =>
    (await gqlOk<{ productionOrder: { state: string } }>(url, ORDER, { orderNumber, plant: 'P100' })).productionOrder
      .state;
  const mesStatus = (orderNumber: string) =>
    waitFor(() => runtime.referenceSystems!.mes!.orders.get(`P100|${orderNumber}`)?.status, {
      what: `MES told that ${orderNumber} is cancelled`,
    });

  it('cancels an order before work starts, tells MES, and refuses what the floor sends afterwards', async () => {
    await acknowledgedOrder(url, { orderNumber: 'PO-C-1' });
    const cancelled = await submitAndSettle(url, 'cancelProductionOrder', cancel('PO-C-1'));
    expect(cancelled.status).toBe('APPLIED');
    expect(await stateOf('PO-C-1')).toBe('CANCELLED');
    expect(await mesStatus('PO-C-1')).toBe('CANCELLED');
    // The same cancellation again is the same business event.
    expect((await submit(url, 'cancelProductionOrder', cancel('PO-C-1', { messageId: 'again' }))).status).toBe(
      'DUPLICATE',
    );
    const start = await submitAndSettle(url, 'reportOperationEvent', operationEvent({ orderNumber: 'PO-C-1' }));
    expect(start).toMatchObject({ status: 'QUARANTINED', exception: { type: 'SEQUENCE' } });
    expect(start.exception!.reason).toContain('CANCELLED');
  });

  it('refuses to cancel an order on the floor unless OPERATIONS overrides, then tells MES to stop', async () => {
    await acknowledgedOrder(url, { orderNumber: 'PO-C-2' });
    await submitAndSettle(url, 'reportOperationEvent', operationEvent({ orderNumber: 'PO-C-2' }), TOOK_EFFECT);
    const refused = await submitAndSettle(url, 'cancelProductionOrder', cancel('PO-C-2'));
    expect(refused).toMatchObject({
      status: 'QUARANTINED',
      exception: { type: 'DEPENDENCY', rule: 'order.cancel-started' },
    });
    expect(await stateOf('PO-C-2')).toBe('IN_PROCESS');
    const exception = await gqlOk<{ exception: { owner: string; overridableBy: string } }>(
      url,
      'query E($id: ID!) { exception(id: $id) { owner overridableBy } }',
      { id: refused.exception!.id },
    );
    expect(exception.exception).toEqual({ owner: 'OPERATIONS', overridableBy: 'OPERATIONS' });
    await gqlOk(
      url,
      'mutation O($id: ID!) { overrideException(id: $id, reason: "scrap the batch, ERP agreed") { id } }',
      {
        id: refused.exception!.id,
      },
    );
    await waitFor(async () => (await stateOf('PO-C-2')) === 'CANCELLED', { what: 'PO-C-2 cancelled by the override' });
    expect(await mesStatus('PO-C-2')).toBe('CANCELLED');
    const closed = await gqlOk<{ exception: { status: string } }>(
      url,
      'query E($id: ID!) { exception(id: $id) { status } }',
      { id: refused.exception!.id },
    );
    expect(closed.exception.status).toBe('OVERRIDDEN');
  });

  it('refuses to cancel an order whose output exists, saying why', async () => {
    await completedOrder(url, 'FG-C-3', { orderNumber: 'PO-C-3' });
    await submitAndSettle(url, 'recordInspectionResult', inspection({ orderNumber: 'PO-C-3', lot: 'FG-C-3' }));
    await waitFor(async () => ['RECEIVED', 'FINANCIALLY_POSTED'].includes(await stateOf('PO-C-3')), {
      what: 'PO-C-3 received',
    });
    const refused = await submitAndSettle(url, 'cancelProductionOrder', cancel('PO-C-3'));
    expect(refused).toMatchObject({
      status: 'QUARANTINED',
      exception: { type: 'VALIDATION', rule: 'order.cancel-output' },
    });
    expect(refused.exception!.reason).toContain('its output exists');
    expect(['RECEIVED', 'FINANCIALLY_POSTED']).toContain(await stateOf('PO-C-3'));
  });

  it('keeps an order ERP announced CREATED, away from MES, until its release moves it on with its history', async () => {
    const announced = releaseInput({ orderNumber: 'PO-C-4' });
    expect((await submitAndSettle(url, 'createProductionOrder', announced)).status).toBe('APPLIED');
    expect(await stateOf('PO-C-4')).toBe('CREATED');
    expect((await submit(url, 'createProductionOrder', { ...announced, messageId: 'again' })).status).toBe('DUPLICATE');
    // Nothing of it on the floor, and the floor cannot run it.
    const early = await submitAndSettle(url, 'acknowledgeProductionOrder', acknowledgeInput(announced));
    expect(early).toMatchObject({ status: 'QUARANTINED', exception: { type: 'SEQUENCE' } });
    expect(runtime.referenceSystems!.mes!.orders.has('P100|PO-C-4')).toBe(false);
    expect((await submitAndSettle(url, 'releaseProductionOrder', announced)).status).toBe('APPLIED');
    const order = await gqlOk<{ productionOrder: { state: string; timeline: { state: string }[] } }>(
      url,
      '{ productionOrder(orderNumber: "PO-C-4", plant: "P100") { state timeline { state } } }',
    );
    expect(order.productionOrder.state).toBe('RELEASED');
    expect(order.productionOrder.timeline.map((t) => t.state)).toEqual(['CREATED', 'RELEASED']);
    await waitFor(() => runtime.referenceSystems!.mes!.orders.has('P100|PO-C-4'), { what: 'MES receives PO-C-4' });
    // Announcing an order that was released without announcement is a conflict, not a reset.
    const late = await submitAndSettle(url, 'createProductionOrder', releaseInput({ orderNumber: 'PO-C-1' }));
    expect(late).toMatchObject({
      status: 'QUARANTINED',
      exception: { type: 'DUPLICATE_CONFLICT', rule: 'order.create.unique' },
    });
  });

  it('cancels an announced order without a word to MES, which never heard of it', async () => {
    await submitAndSettle(url, 'createProductionOrder', releaseInput({ orderNumber: 'PO-C-5' }));
    expect((await submitAndSettle(url, 'cancelProductionOrder', cancel('PO-C-5'))).status).toBe('APPLIED');
    expect(await stateOf('PO-C-5')).toBe('CANCELLED');
    const outbox = await runtime.store.listOutbox({});
    expect(outbox.some((e) => e.messageType === 'OrderCancelled' && e.scope.orderNumber === 'PO-C-5')).toBe(false);
  });
});
