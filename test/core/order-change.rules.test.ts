import { describe, expect, it } from 'vitest';
import { decideChange } from '../../core/orders/change.rules';
import type { ChangeProductionOrder } from '../../core/orders/change-production-order.command';
import { decideAcknowledge, decideRelease } from '../../core/orders/order.rules';
import { decideCreate } from '../../core/orders/create-production-order.message';
import { decideOperationEvent } from '../../core/orders/operation.rules';
import type { OrderRecord } from '../../core/orders/order.types';
import type { Decision } from '../../core/workflow/decision';
import { DEFAULT_RULE_SET } from '../../core/rules/rule-set';
import { operationEvent } from '../support/event.fixture';
import { acknowledgeInput, releaseInput } from '../support/order.fixture';
import { decisionInputs } from '../support/reference.fixture';

const ctx = { now: '2026-12-01T08:00:00.000Z', correlationId: 'corr-2', rules: DEFAULT_RULE_SET };
const release = releaseInput({ orderNumber: 'PO-CH' });

function applied(decision: Decision): OrderRecord {
  if (decision.kind !== 'apply' || !decision.order) throw new Error(`expected apply, got ${JSON.stringify(decision)}`);
  return decision.order;
}

const released = (): OrderRecord =>
  applied(decideRelease(release, decisionInputs(), { ...ctx, correlationId: 'corr-1' }));
const acknowledged = (): OrderRecord =>
  applied(decideAcknowledge(acknowledgeInput(release), decisionInputs({ order: released() }), ctx));
const started = (): OrderRecord => {
  const order = acknowledged();
  return {
    ...order,
    state: 'IN_PROCESS',
    operations: order.operations.map((op) => (op.sequence === 10 ? { ...op, state: 'STARTED' } : op)),
  };
};

function change(overrides: Partial<ChangeProductionOrder> = {}): ChangeProductionOrder {
  return { ...release, orderVersion: 2, reason: 'due date moved', dueAt: '2026-12-20T12:00:00.000Z', ...overrides };
}

describe('order change', () => {
  it('makes a new version of an acknowledged order before work starts, back to RELEASED, and tells MES', () => {
    const decision = decideChange(change({ quantity: 60 }), decisionInputs({ order: acknowledged() }), ctx);
    const order = applied(decision);
    expect(order).toMatchObject({ state: 'RELEASED', orderVersion: 2, quantity: 60, awaitingAcknowledgement: 2 });
    expect(order.versions.map((v) => [v.orderVersion, v.quantity, v.reason])).toEqual([
      [1, 50, null],
      [2, 60, 'due date moved'],
    ]);
    expect(order.timeline.at(-1)).toMatchObject({
      state: 'RELEASED',
      cause: 'changed by ERP to version 2: due date moved',
    });
    expect(decision.kind === 'apply' && decision.outbox).toEqual([
      expect.objectContaining({
        destination: 'mes',
        messageType: 'OrderChanged',
        idempotencyKey: 'mes|change|P100|PO-CH|v2',
        payload: expect.objectContaining({ orderVersion: 2, quantity: 60 }),
      }),
    ]);
  });

  it('holds a change that arrives before the release, and refuses an older or equal version as out of sequence', () => {
    expect(decideChange(change(), decisionInputs(), ctx)).toMatchObject({
      kind: 'hold',
      rule: 'order.change-released',
    });
    const atTwo = applied(decideChange(change(), decisionInputs({ order: acknowledged() }), ctx));
    expect(decideChange(change(), decisionInputs({ order: atTwo }), ctx)).toMatchObject({
      kind: 'quarantine',
      type: 'SEQUENCE',
      rule: 'order.change-version',
    });
  });

  it('refuses a change to another item, and a change once the output exists', () => {
    expect(decideChange(change({ item: 'RM-7' }), decisionInputs({ order: acknowledged() }), ctx)).toMatchObject({
      type: 'VALIDATION',
      rule: 'order.change-item',
    });
    const received = { ...acknowledged(), state: 'RECEIVED' as const };
    const refused = decideChange(change(), decisionInputs({ order: received }), ctx);
    expect(refused).toMatchObject({ type: 'VALIDATION', rule: 'order.change-state' });
    expect(refused.kind === 'quarantine' && refused.reason).toContain('RECEIVED');
  });

  it.each([
    [
      'a started operation moved',
      { operations: [{ sequence: 10, workCenter: 'WC-ASSY', description: 'Cut' }, release.operations[1]!] },
      'operation 10 (STARTED) moved from WC-CUT to WC-ASSY',
    ],
    [
      'a started operation removed',
      {
        operations: [release.operations[1]!],
        components: [{ item: 'RM-7', quantity: 100, uom: 'EA', operationSequence: 20 }],
      },
      'operation 10 (STARTED) removed',
    ],
    [
      'components of a started operation',
      { components: [{ item: 'RM-7', quantity: 120, uom: 'EA', operationSequence: 10 }] },
      'components of operation 10 (STARTED) changed',
    ],
    ['the spec revision', { specRevision: 'S3' }, 'spec revision S2 → S3'],
  ])('refuses a change touching started work (%s) as DEPENDENCY, OPERATIONS may override', (_, overrides, named) => {
    const refused = decideChange(change(overrides), decisionInputs({ order: started() }), ctx);
    expect(refused).toMatchObject({ kind: 'quarantine', type: 'DEPENDENCY', rule: 'order.change-started' });
    expect(refused.kind === 'quarantine' && refused.reason).toContain(named);
    const overridden = decideChange(change(overrides), decisionInputs({ order: started() }), {
      ...ctx,
      overrideRule: 'order.change-started',
    });
    expect(applied(overridden)).toMatchObject({ state: 'IN_PROCESS', orderVersion: 2, awaitingAcknowledgement: 2 });
  });

  it('applies a change that leaves started work alone, keeps what the floor reported, and holds the floor until MES acknowledges it', () => {
    const order = applied(
      decideChange(
        change({
          routingRevision: 'R4',
          operations: [...release.operations, { sequence: 30, workCenter: 'WC-ASSY', description: 'Pack' }],
        }),
        decisionInputs({ order: started() }),
        ctx,
      ),
    );
    expect(order.state).toBe('IN_PROCESS');
    expect(order.operations.map((op) => [op.sequence, op.state])).toEqual([
      [10, 'STARTED'],
      [20, 'PENDING'],
      [30, 'PENDING'],
    ]);
    const event = operationEvent({ orderNumber: 'PO-CH', eventType: 'COMPLETE', yieldQuantity: 50 });
    expect(decideOperationEvent(event, decisionInputs({ order }), ctx)).toMatchObject({
      kind: 'hold',
      rule: 'order.change-acknowledged',
    });
    // MES acknowledging the version before the change is a revision mismatch; the new one lets the floor go on.
    const stale = decideAcknowledge(acknowledgeInput(release), decisionInputs({ order }), ctx);
    expect(stale).toMatchObject({ kind: 'quarantine', type: 'REVISION_MISMATCH', rule: 'order.acknowledge.version' });
    const ack = decideAcknowledge(
      acknowledgeInput(release, { routingRevision: 'R4', orderVersion: 2 }),
      decisionInputs({ order }),
      ctx,
    );
    const acknowledgedChange = applied(ack);
    expect(acknowledgedChange).toMatchObject({ state: 'IN_PROCESS', awaitingAcknowledgement: null });
    expect(acknowledgedChange.versions.at(-1)!.acknowledgedAt).toBe('2026-12-01T06:00:00.000Z');
    expect(decideOperationEvent(event, decisionInputs({ order: acknowledgedChange }), ctx).kind).toBe('apply');
  });

  it('holds an acknowledgement of a version ERP has not sent yet', () => {
    expect(
      decideAcknowledge(acknowledgeInput(release, { orderVersion: 3 }), decisionInputs({ order: acknowledged() }), ctx),
    ).toMatchObject({ kind: 'hold', rule: 'order.acknowledge.version' });
  });

  it('keeps the versions of an announced order ERP changed before releasing it; MES gets the current version', () => {
    const created = applied(decideCreate(release, decisionInputs(), ctx));
    const changed = applied(decideChange(change(), decisionInputs({ order: created }), ctx));
    expect(changed).toMatchObject({ state: 'CREATED', orderVersion: 2, awaitingAcknowledgement: null });
    const released = decideRelease({ ...release, routingRevision: 'R4' }, decisionInputs({ order: changed }), ctx);
    expect(applied(released)).toMatchObject({ state: 'RELEASED', orderVersion: 2, routingRevision: 'R4' });
    expect(applied(released).versions.map((v) => [v.orderVersion, v.routingRevision])).toEqual([
      [1, 'R3'],
      [2, 'R4'],
    ]);
    expect(released.kind === 'apply' && released.outbox[0]!.payload).toMatchObject({ orderVersion: 2 });
  });
});
