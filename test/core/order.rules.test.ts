import { describe, expect, it } from 'vitest';
import { decideAcknowledge, decideRelease } from '../../core/orders/order.rules';
import type { OrderRecord, OrderState } from '../../core/orders/order.types';
import { anOrder } from '../support/records.fixture';
import { acknowledgeInput, releaseInput } from '../support/order.fixture';

const ctx = { now: '2026-12-01T08:00:00.000Z', correlationId: 'corr-1', ruleSetVersion: 1 };

describe('release', () => {
  it('creates a RELEASED order with pending operations, a timeline entry and an outbox message to MES', () => {
    const decision = decideRelease(releaseInput({ orderNumber: 'PO-9' }), null, ctx);
    expect(decision.kind).toBe('apply');
    if (decision.kind !== 'apply') return;
    expect(decision.order).toMatchObject({ state: 'RELEASED', stateSince: ctx.now, producedQuantity: 0 });
    expect(decision.order.operations.map((o) => [o.sequence, o.state])).toEqual([
      [10, 'PENDING'],
      [20, 'PENDING'],
    ]);
    expect(decision.order.timeline).toEqual([{ at: ctx.now, state: 'RELEASED', correlationId: 'corr-1', cause: 'released by ERP' }]);
    expect(decision.outbox).toEqual([expect.objectContaining({ destination: 'mes', messageType: 'OrderReleased', idempotencyKey: 'mes|release|P100|PO-9' })]);
  });

  it('refuses a second release of an existing order as a duplicate conflict', () => {
    expect(decideRelease(releaseInput(), anOrder(), ctx)).toMatchObject({ kind: 'quarantine', type: 'DUPLICATE_CONFLICT', rule: 'order.release.unique' });
  });
});

describe('acknowledge', () => {
  const released: OrderRecord = anOrder({ routingRevision: 'R3', specRevision: 'S2' });
  const ack = acknowledgeInput(releaseInput({ orderNumber: released.orderNumber, plant: released.plant }));

  it('moves a released order to ACKNOWLEDGED and records the transition', () => {
    const decision = decideAcknowledge(ack, released, ctx);
    expect(decision).toMatchObject({ kind: 'apply', action: 'order.acknowledged', order: { state: 'ACKNOWLEDGED', stateSince: ctx.now } });
    if (decision.kind === 'apply') expect(decision.order.timeline.at(-1)).toEqual({ at: ctx.now, state: 'ACKNOWLEDGED', correlationId: 'corr-1', cause: 'acknowledged by MES' });
  });

  it.each([
    [{ routingRevision: 'R2' }, 'routingRevision R2 (released: R3)'],
    [{ specRevision: 'S1' }, 'specRevision S1 (released: S2)'],
  ])('refuses a revision mismatch %o', (override, text) => {
    const decision = decideAcknowledge({ ...ack, ...override }, released, ctx);
    expect(decision).toMatchObject({ kind: 'quarantine', type: 'REVISION_MISMATCH', rule: 'order.acknowledge.revision' });
    if (decision.kind === 'quarantine') expect(decision.reason).toContain(text);
  });

  it('refuses an acknowledgement of an order never released', () => {
    expect(decideAcknowledge(ack, null, ctx)).toMatchObject({ kind: 'quarantine', type: 'SEQUENCE' });
  });

  it.each<OrderState>(['ACKNOWLEDGED', 'IN_PROCESS', 'COMPLETED', 'RECEIVED', 'CANCELLED'])('refuses an acknowledgement of an order that is %s', (state) => {
    expect(decideAcknowledge(ack, { ...released, state }, ctx)).toMatchObject({ kind: 'quarantine', type: 'SEQUENCE', rule: 'order.acknowledge.state' });
  });
});
