import { describe, expect, it } from 'vitest';
import { decideAcknowledge, decideRelease } from '../../core/orders/order.rules';
import type { OrderRecord, OrderState } from '../../core/orders/order.types';
import { DEFAULT_RULE_SET } from '../../core/rules/rule-set';
import { anOrder } from '../support/records.fixture';
import { acknowledgeInput, releaseInput } from '../support/order.fixture';
import { decisionInputs } from '../support/reference.fixture';

const ctx = { now: '2026-12-01T08:00:00.000Z', correlationId: 'corr-1', rules: DEFAULT_RULE_SET };

describe('release', () => {
  it('creates a RELEASED order with pending operations, a timeline entry and an outbox message to MES', () => {
    const decision = decideRelease(
      releaseInput({ orderNumber: 'PO-9', quantity: 5, uom: 'BOX' }),
      decisionInputs(),
      ctx,
    );
    expect(decision.kind).toBe('apply');
    if (decision.kind !== 'apply') return;
    expect(decision.order).toMatchObject({
      state: 'RELEASED',
      stateSince: ctx.now,
      producedQuantity: 0,
      quantity: 50,
      uom: 'EA',
    });
    expect(decision.order!.operations.map((o) => [o.sequence, o.state])).toEqual([
      [10, 'PENDING'],
      [20, 'PENDING'],
    ]);
    expect(decision.order!.timeline).toEqual([
      { at: ctx.now, state: 'RELEASED', correlationId: 'corr-1', cause: 'released by ERP' },
    ]);
    expect(decision.outbox).toEqual([
      expect.objectContaining({
        destination: 'mes',
        messageType: 'OrderReleased',
        idempotencyKey: 'mes|release|P100|PO-9',
      }),
    ]);
  });

  it('refuses a second release of an existing order as a duplicate conflict', () => {
    expect(decideRelease(releaseInput(), decisionInputs({ order: anOrder() }), ctx)).toMatchObject({
      kind: 'quarantine',
      type: 'DUPLICATE_CONFLICT',
      rule: 'order.release.unique',
    });
  });

  it.each([
    [
      'an unknown plant',
      releaseInput(),
      { plantKnown: false },
      'reference.plant',
      'Plant P100 is not in the reference data',
    ],
    [
      'an unknown item',
      releaseInput({ item: 'FG-999' }),
      {},
      'reference.item-revision',
      'Item FG-999 is not in the item master',
    ],
    [
      'an unknown revision',
      releaseInput({ itemRevision: 'Z' }),
      {},
      'reference.item-revision',
      'Item FG-100 has no revision Z in the item master (known: A)',
    ],
    ['a UoM with no conversion', releaseInput({ uom: 'PAL' }), {}, 'reference.uom-conversion', 'PAL'],
    [
      'a work center not in the plant',
      releaseInput({ operations: [{ sequence: 10, workCenter: 'WC-PAINT', description: 'Paint' }], components: [] }),
      {},
      'reference.work-center',
      'WC-PAINT',
    ],
    [
      'an unknown component',
      releaseInput({ components: [{ item: 'RM-404', quantity: 1, uom: 'EA', operationSequence: 10 }] }),
      {},
      'reference.item',
      'RM-404',
    ],
    [
      'a component UoM with no conversion',
      releaseInput({ components: [{ item: 'RM-8', quantity: 1, uom: 'EA', operationSequence: 10 }] }),
      {},
      'reference.uom-conversion',
      'RM-8',
    ],
  ])('refuses %s as VALIDATION', (_label, input, overrides, rule, text) => {
    const decision = decideRelease(input, decisionInputs(overrides), ctx);
    expect(decision).toMatchObject({ kind: 'quarantine', type: 'VALIDATION', rule });
    if (decision.kind === 'quarantine') expect(decision.reason).toContain(text);
  });
});

describe('acknowledge', () => {
  const released: OrderRecord = anOrder({ routingRevision: 'R3', specRevision: 'S2' });
  const ack = acknowledgeInput(releaseInput({ orderNumber: released.orderNumber, plant: released.plant }));

  it('moves a released order to ACKNOWLEDGED and records the transition', () => {
    const decision = decideAcknowledge(ack, decisionInputs({ order: released }), ctx);
    expect(decision).toMatchObject({
      kind: 'apply',
      action: 'order.acknowledged',
      order: { state: 'ACKNOWLEDGED', stateSince: ctx.now },
    });
    if (decision.kind === 'apply')
      expect(decision.order!.timeline.at(-1)).toEqual({
        at: ctx.now,
        state: 'ACKNOWLEDGED',
        correlationId: 'corr-1',
        cause: 'acknowledged by MES',
      });
  });

  it.each([
    [{ routingRevision: 'R2' }, 'routingRevision R2 (released: R3)'],
    [{ specRevision: 'S1' }, 'specRevision S1 (released: S2)'],
  ])('refuses a revision mismatch %o', (override, text) => {
    const decision = decideAcknowledge({ ...ack, ...override }, decisionInputs({ order: released }), ctx);
    expect(decision).toMatchObject({
      kind: 'quarantine',
      type: 'REVISION_MISMATCH',
      rule: 'order.acknowledge.revision',
    });
    if (decision.kind === 'quarantine') expect(decision.reason).toContain(text);
  });

  it('holds an acknowledgement that arrives before the release', () => {
    expect(decideAcknowledge(ack, decisionInputs(), ctx)).toMatchObject({
      kind: 'hold',
      rule: 'order.acknowledge.released',
    });
  });

  it.each<OrderState>(['ACKNOWLEDGED', 'IN_PROCESS', 'COMPLETED', 'RECEIVED', 'CANCELLED'])(
    'refuses an acknowledgement of an order that is %s',
    (state) => {
      expect(decideAcknowledge(ack, decisionInputs({ order: { ...released, state } }), ctx)).toMatchObject({
        kind: 'quarantine',
        type: 'SEQUENCE',
        rule: 'order.acknowledge.state',
      });
    },
  );
});
