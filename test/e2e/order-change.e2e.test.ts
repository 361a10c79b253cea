import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../app/runtime';
import type { ReleaseProductionOrder } from '../../core/orders/release-production-order.command';
import { operationEvent } from '../support/event.fixture';
import { gqlOk } from '../support/graphql-client';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { acknowledgeInput, releaseInput } from '../support/order.fixture';
import { seedReferenceData } from '../support/reference.fixture';
import { waitFor } from '../support/wait';
import { acknowledgedOrder, settled, submit, submitAndSettle, TOOK_EFFECT } from '../support/workflow-client';

const ORDER_VERSIONS = `query O($orderNumber: String!) {
  productionOrder(orderNumber: $orderNumber, plant: "P100") {
    state orderVersion awaitingAcknowledgement quantity routingRevision
    operations { sequence state }
    versions { orderVersion quantity routingRevision reason acknowledgedAt }
  }
}`;

interface OrderVersions {
  state: string;
  orderVersion: number;
  awaitingAcknowledgement: number | null;
  quantity: number;
  routingRevision: string;
  operations: { sequence: number; state: string }[];
  versions: {
    orderVersion: number;
    quantity: number;
    routingRevision: string;
    reason: string | null;
    acknowledgedAt: string | null;
  }[];
}

const change = (release: ReleaseProductionOrder, orderVersion: number, overrides: object = {}) => {
  const { messageId: _m, ...content } = release;
  return { ...content, orderVersion, reason: `ERP version ${orderVersion}`, ...overrides };
};

/**
 * ERP changes released orders through HTTP, broker and store, with the reference MES told of each version: before
 * work starts the new version replaces the old and MES must acknowledge it (the floor's events wait); once work
 * started, a change touching it is a DEPENDENCY exception OPERATIONS may override.
 */
describe('order changes', () => {
  let installation: TestInstallation;
  let runtime: Runtime;
  let url: string;

  beforeAll(async () => {
    installation = createTestInstallation('order-change', { SIMULATORS: 'embedded' });
    runtime = await installation.start('all');
    url = runtime.url!;
    await seedReferenceData(url);
  });
  afterAll(() => installation.cleanup());

  const orderOf = async (orderNumber: string) =>
    (await gqlOk<{ productionOrder: OrderVersions }>(url, ORDER_VERSIONS, { orderNumber })).productionOrder;
  const mesOrder = (orderNumber: string, orderVersion: number) =>
    waitFor(
      () => {
        const order = runtime.referenceSystems!.mes!.orders.get(`P100|${orderNumber}`);
        return order?.orderVersion === orderVersion ? order : undefined;
      },
      { what: `MES holding version ${orderVersion} of ${orderNumber}` },
    );

  it('changes an order before work starts: MES gets the new version, the floor waits for its acknowledgement', async () => {
    const release = releaseInput({ orderNumber: 'PO-V-1' });
    await submitAndSettle(url, 'releaseProductionOrder', release, TOOK_EFFECT);
    const changed = await submitAndSettle(
      url,
      'changeProductionOrder',
      change(release, 2, { quantity: 60, routingRevision: 'R4' }),
    );
    expect(changed.status).toBe('APPLIED');
    expect(await orderOf('PO-V-1')).toMatchObject({
      state: 'RELEASED',
      orderVersion: 2,
      awaitingAcknowledgement: 2,
      quantity: 60,
      routingRevision: 'R4',
    });
    expect((await mesOrder('PO-V-1', 2)).quantity).toBe(60);
    // The same change again is the same business event; a further change is another one, not a conflict.
    const resent = { ...change(release, 2, { quantity: 60, routingRevision: 'R4' }), messageId: 'again' };
    expect((await submit(url, 'changeProductionOrder', resent)).status).toBe('DUPLICATE');

    // The floor starts before acknowledging the change: the event waits.
    const start = await submit(url, 'reportOperationEvent', operationEvent({ orderNumber: 'PO-V-1' }));
    expect((await settled(url, start.correlationId, ['HELD'])).status).toBe('HELD');
    // MES's acknowledgement of the release, arriving after the change, is a revision mismatch: not acknowledged.
    const stale = await submitAndSettle(url, 'acknowledgeProductionOrder', acknowledgeInput(release));
    expect(stale).toMatchObject({ status: 'QUARANTINED', exception: { type: 'REVISION_MISMATCH' } });
    expect(stale.exception!.reason).toContain('version 2');
    expect((await orderOf('PO-V-1')).state).toBe('RELEASED');
    const ack = await submitAndSettle(
      url,
      'acknowledgeProductionOrder',
      acknowledgeInput(release, { routingRevision: 'R4', orderVersion: 2, messageId: 'ack-v2' }),
    );
    expect(ack.status).toBe('APPLIED');
    // The held start went on once the new version was acknowledged.
    expect((await settled(url, start.correlationId, TOOK_EFFECT)).status).toMatch(/APPLIED|POSTED/);
    const order = await orderOf('PO-V-1');
    expect(order).toMatchObject({ state: 'IN_PROCESS', awaitingAcknowledgement: null });
    expect(order.versions.map((v) => [v.orderVersion, v.quantity, v.routingRevision, v.reason])).toEqual([
      [1, 50, 'R3', null],
      [2, 60, 'R4', 'ERP version 2'],
    ]);
    // Version 1 was never acknowledged (its acknowledgement came too late); version 2 was.
    expect(order.versions.map((v) => v.acknowledgedAt !== null)).toEqual([false, true]);

    const third = await submitAndSettle(
      url,
      'changeProductionOrder',
      change(release, 3, { quantity: 60, routingRevision: 'R4', dueAt: '2026-12-24T12:00:00.000Z' }),
    );
    expect(third.status).toBe('APPLIED');
    expect(await orderOf('PO-V-1')).toMatchObject({ state: 'IN_PROCESS', orderVersion: 3, awaitingAcknowledgement: 3 });
  });

  it('refuses a change touching started work unless OPERATIONS overrides it, then MES acknowledges it and work goes on', async () => {
    const release = await acknowledgedOrder(url, { orderNumber: 'PO-V-2' });
    await submitAndSettle(url, 'reportOperationEvent', operationEvent({ orderNumber: 'PO-V-2' }), TOOK_EFFECT);
    const moved = change(release, 2, {
      operations: [{ sequence: 10, workCenter: 'WC-ASSY', description: 'Cut' }, release.operations[1]],
    });
    const refused = await submitAndSettle(url, 'changeProductionOrder', moved);
    expect(refused).toMatchObject({
      status: 'QUARANTINED',
      exception: { type: 'DEPENDENCY', rule: 'order.change-started' },
    });
    expect(refused.exception!.reason).toContain('operation 10 (STARTED) moved from WC-CUT to WC-ASSY');
    expect(await orderOf('PO-V-2')).toMatchObject({ orderVersion: 1, state: 'IN_PROCESS' });

    await gqlOk(
      url,
      'mutation O($id: ID!) { overrideException(id: $id, reason: "cell moved, parts are the same") { id } }',
      {
        id: refused.exception!.id,
      },
    );
    await waitFor(async () => (await orderOf('PO-V-2')).orderVersion === 2, { what: 'PO-V-2 changed by the override' });
    await mesOrder('PO-V-2', 2);
    const confirm = await submit(
      url,
      'reportOperationEvent',
      operationEvent({
        orderNumber: 'PO-V-2',
        eventType: 'COMPLETE',
        yieldQuantity: 50,
        workCenter: 'WC-ASSY',
        messageId: 'complete-10',
      }),
    );
    expect((await settled(url, confirm.correlationId, ['HELD'])).status).toBe('HELD');
    await submitAndSettle(
      url,
      'acknowledgeProductionOrder',
      acknowledgeInput(release, { orderVersion: 2, messageId: 'ack-v2-2' }),
      TOOK_EFFECT,
    );
    await settled(url, confirm.correlationId, TOOK_EFFECT);
    const order = await orderOf('PO-V-2');
    expect(order.operations.find((op) => op.sequence === 10)!.state).toBe('COMPLETED');
  });
});
