import { describe, expect, it } from 'vitest';
import { OPERATION_EVENT_TYPES, type OperationEventType } from '../../core/commands/vocabulary';
import { decideOperationEvent, OPERATION_TRANSITIONS } from '../../core/orders/operation.rules';
import { OPERATION_STATES, type OperationState, type OrderRecord } from '../../core/orders/order.types';
import { DEFAULT_RULE_SET } from '../../core/rules/rule-set';
import { operationEvent } from '../support/event.fixture';
import { anOrder } from '../support/records.fixture';
import { decisionInputs } from '../support/reference.fixture';

const ctx = { now: '2026-12-01T08:00:00.000Z', correlationId: 'corr-1', rules: DEFAULT_RULE_SET };

function orderWith(
  first: OperationState,
  second: OperationState = 'PENDING',
  overrides: Partial<OrderRecord> = {},
): OrderRecord {
  return anOrder({
    orderNumber: 'PO-1000',
    plant: 'P100',
    state: 'IN_PROCESS',
    operations: [
      {
        sequence: 10,
        workCenter: 'WC-CUT',
        description: 'Cut',
        state: first,
        yieldQuantity: first === 'PENDING' ? 0 : 20,
        scrapQuantity: 0,
      },
      {
        sequence: 20,
        workCenter: 'WC-ASSY',
        description: 'Assemble',
        state: second,
        yieldQuantity: 0,
        scrapQuantity: 0,
      },
    ],
    ...overrides,
  });
}

/** Expected outcome of every event in every state of the operation, read from the transition table's meaning. */
const EXPECTED: Record<OperationEventType, Record<OperationState, 'apply' | 'hold' | 'quarantine'>> = {
  START: {
    PENDING: 'apply',
    STARTED: 'quarantine',
    PAUSED: 'quarantine',
    CONFIRMED: 'quarantine',
    COMPLETED: 'quarantine',
  },
  PAUSE: { PENDING: 'hold', STARTED: 'apply', PAUSED: 'quarantine', CONFIRMED: 'apply', COMPLETED: 'quarantine' },
  RESUME: { PENDING: 'hold', STARTED: 'hold', PAUSED: 'apply', CONFIRMED: 'hold', COMPLETED: 'quarantine' },
  CONFIRM: { PENDING: 'hold', STARTED: 'apply', PAUSED: 'apply', CONFIRMED: 'apply', COMPLETED: 'quarantine' },
  COMPLETE: { PENDING: 'hold', STARTED: 'apply', PAUSED: 'apply', CONFIRMED: 'apply', COMPLETED: 'quarantine' },
};

describe('operation events, every event in every operation state', () => {
  const cases = OPERATION_EVENT_TYPES.flatMap((event) =>
    OPERATION_STATES.map((state) => [event, state, EXPECTED[event][state]] as const),
  );
  it.each(cases)('%s on an operation that is %s → %s', (eventType, state, expected) => {
    const quantity = eventType === 'CONFIRM' || eventType === 'COMPLETE' ? 5 : 0;
    const decision = decideOperationEvent(
      operationEvent({ eventType, yieldQuantity: quantity }),
      decisionInputs({ order: orderWith(state) }),
      ctx,
    );
    expect(decision.kind).toBe(expected);
    if (decision.kind === 'apply')
      expect(decision.order!.operations[0]!.state).toBe(OPERATION_TRANSITIONS[eventType].to);
    if (decision.kind === 'quarantine') expect(decision.type).toBe('SEQUENCE');
  });
});

describe('operation sequencing and order state', () => {
  it('puts an acknowledged order in process on the first start, and partially confirmed on the first quantity', () => {
    const started = decideOperationEvent(
      operationEvent(),
      decisionInputs({ order: orderWith('PENDING', 'PENDING', { state: 'ACKNOWLEDGED' }) }),
      ctx,
    );
    expect(started).toMatchObject({ kind: 'apply', order: { state: 'IN_PROCESS' } });
    const confirmed = decideOperationEvent(
      operationEvent({ eventType: 'CONFIRM', yieldQuantity: 10 }),
      decisionInputs({ order: orderWith('STARTED') }),
      ctx,
    );
    expect(confirmed).toMatchObject({ kind: 'apply', order: { state: 'PARTIALLY_CONFIRMED' } });
    if (confirmed.kind === 'apply') {
      expect(confirmed.order!.operations[0]).toMatchObject({ state: 'CONFIRMED', yieldQuantity: 30 });
      expect(confirmed.outbox).toEqual([
        expect.objectContaining({ destination: 'erp', messageType: 'OperationConfirmation' }),
      ]);
      expect(confirmed.order!.postings).toEqual([
        expect.objectContaining({ postingType: 'OperationConfirmation', status: 'REQUESTED' }),
      ]);
    }
  });

  it.each([
    ['before the release', null, 'hold', 'operation.order-released'],
    [
      'before the acknowledgement',
      orderWith('PENDING', 'PENDING', { state: 'RELEASED' }),
      'hold',
      'operation.order-acknowledged',
    ],
    [
      'on a completed order',
      orderWith('COMPLETED', 'COMPLETED', { state: 'COMPLETED' }),
      'quarantine',
      'operation.order-state',
    ],
  ] as const)('treats an event %s as %s', (_label, order, kind, rule) => {
    expect(decideOperationEvent(operationEvent(), decisionInputs({ order }), ctx)).toMatchObject({ kind, rule });
  });

  it('holds completion of operation N until operation N−1 completed, unless the plant allows overlap', () => {
    const order = orderWith('CONFIRMED', 'STARTED');
    const event = operationEvent({
      operationSequence: 20,
      eventType: 'COMPLETE',
      workCenter: 'WC-ASSY',
      yieldQuantity: 10,
    });
    expect(decideOperationEvent(event, decisionInputs({ order }), ctx)).toMatchObject({
      kind: 'hold',
      rule: 'operation.predecessor-completed',
    });
    const overlap = { ...ctx, rules: { ...DEFAULT_RULE_SET, allowOperationOverlap: true } };
    expect(decideOperationEvent(event, decisionInputs({ order }), overlap)).toMatchObject({ kind: 'apply' });
  });

  it("refuses yield beyond the predecessor's, within the plant's tolerance", () => {
    const order = orderWith('COMPLETED', 'STARTED');
    const event = (yieldQuantity: number) =>
      operationEvent({ operationSequence: 20, eventType: 'CONFIRM', workCenter: 'WC-ASSY', yieldQuantity });
    expect(decideOperationEvent(event(20), decisionInputs({ order }), ctx)).toMatchObject({ kind: 'apply' });
    const refused = decideOperationEvent(event(21), decisionInputs({ order }), ctx);
    expect(refused).toMatchObject({ kind: 'quarantine', type: 'VALIDATION', rule: 'operation.yield-predecessor' });
    const tolerant = { ...ctx, rules: { ...DEFAULT_RULE_SET, yieldTolerancePct: 10 } };
    expect(decideOperationEvent(event(22), decisionInputs({ order }), tolerant)).toMatchObject({ kind: 'apply' });
  });

  it('absorbs a late PAUSE or RESUME once its lots completed the order, but refuses anything else then', () => {
    const completed = orderWith('COMPLETED', 'COMPLETED', { state: 'QUALITY_PENDING' });
    completed.operations[1] = { ...completed.operations[1]!, lastEventAt: '2026-12-01T09:00:00.000Z' };
    const late = { operationSequence: 20, workCenter: 'WC-ASSY', occurredAt: '2026-12-01T08:30:00.000Z' };
    const resume = decideOperationEvent(
      operationEvent({ ...late, eventType: 'RESUME' }),
      decisionInputs({ order: completed }),
      ctx,
    );
    expect(resume).toMatchObject({ kind: 'apply', action: 'operation.late-event-absorbed' });
    expect(
      decideOperationEvent(
        operationEvent({ ...late, eventType: 'CONFIRM', yieldQuantity: 5 }),
        decisionInputs({ order: completed }),
        ctx,
      ),
    ).toMatchObject({ kind: 'quarantine', type: 'SEQUENCE', rule: 'operation.order-state' });
    expect(
      decideOperationEvent(
        operationEvent({ ...late, eventType: 'RESUME' }),
        decisionInputs({ order: { ...completed, state: 'CANCELLED' } }),
        ctx,
      ),
    ).toMatchObject({ kind: 'quarantine', rule: 'operation.order-state' });
  });

  it('refuses an unknown operation and a work center not in the plant', () => {
    expect(
      decideOperationEvent(
        operationEvent({ operationSequence: 99 }),
        decisionInputs({ order: orderWith('PENDING') }),
        ctx,
      ),
    ).toMatchObject({ type: 'VALIDATION', rule: 'operation.exists' });
    expect(
      decideOperationEvent(
        operationEvent({ workCenter: 'WC-X' }),
        decisionInputs({ order: orderWith('PENDING') }),
        ctx,
      ),
    ).toMatchObject({ type: 'VALIDATION', rule: 'reference.work-center' });
  });
});
