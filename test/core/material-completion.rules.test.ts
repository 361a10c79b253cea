import { describe, expect, it } from 'vitest';
import { decideConsumption } from '../../core/materials/consumption.rules';
import { decideCompletion } from '../../core/orders/completion.rules';
import type { OrderRecord } from '../../core/orders/order.types';
import { lotKey } from '../../core/reference/reference.types';
import { DEFAULT_RULE_SET } from '../../core/rules/rule-set';
import { completion, consumption } from '../support/event.fixture';
import { anOrder } from '../support/records.fixture';
import { decisionInputs } from '../support/reference.fixture';

const ctx = { now: '2026-12-01T08:00:00.000Z', correlationId: 'corr-1', rules: DEFAULT_RULE_SET };
const inProcess = (overrides: Partial<OrderRecord> = {}): OrderRecord =>
  anOrder({
    orderNumber: 'PO-1000',
    plant: 'P100',
    item: 'FG-100',
    itemRevision: 'A',
    state: 'PARTIALLY_CONFIRMED',
    quantity: 50,
    uom: 'EA',
    operations: [
      {
        sequence: 10,
        workCenter: 'WC-CUT',
        description: 'Cut',
        state: 'COMPLETED',
        yieldQuantity: 50,
        scrapQuantity: 0,
      },
      {
        sequence: 20,
        workCenter: 'WC-ASSY',
        description: 'Assemble',
        state: 'COMPLETED',
        yieldQuantity: 50,
        scrapQuantity: 0,
      },
    ],
    components: [{ item: 'RM-7', quantity: 100, uom: 'EA', operationSequence: 10 }],
    ...overrides,
  });

describe('material consumption', () => {
  it('issues a reserved, usable lot: converts to base UoM, draws the lot down, links genealogy, posts a goods issue', () => {
    const decision = decideConsumption(
      consumption({ quantity: 2, uom: 'BOX' }),
      decisionInputs({ order: inProcess() }),
      ctx,
    );
    expect(decision.kind).toBe('apply');
    if (decision.kind !== 'apply') return;
    expect(decision.order!.materialConsumptions).toEqual([
      expect.objectContaining({ item: 'RM-7', lot: 'L-RM7-OK', quantity: 100, uom: 'EA' }),
    ]);
    expect(decision.lots![0]).toMatchObject({
      lotNumber: 'L-RM7-OK',
      quantity: 99900,
      consumedBy: [expect.objectContaining({ orderNumber: 'PO-1000', quantity: 100 })],
    });
    expect(decision.outbox).toEqual([
      expect.objectContaining({
        destination: 'erp',
        messageType: 'GoodsIssue',
        payload: expect.objectContaining({ quantity: 100, uom: 'EA' }),
      }),
    ]);
  });

  const refusals: [string, Parameters<typeof consumption>[0], string][] = [
    ['an unreserved component', { item: 'RM-8', lot: 'L-RM8-OK', uom: 'KG' }, 'consumption.reserved-component'],
    ['an unknown lot', { lot: 'L-NOPE' }, 'consumption.lot-known'],
    ['a lot of another item', { lot: 'L-RM8-OK' }, 'consumption.lot-item'],
    ['a BLOCKED lot', { lot: 'L-RM7-BLOCKED' }, 'consumption.lot-status'],
    ['a lot expired when used', { lot: 'L-RM7-EXPIRED' }, 'consumption.lot-expiry'],
    ['a UoM with no conversion', { uom: 'PAL' }, 'reference.uom-conversion'],
    ['more than the lot holds', { quantity: 100001 }, 'consumption.lot-quantity'],
    ['an operation the order does not have', { operationSequence: 30 }, 'consumption.operation'],
  ];
  it.each(refusals)('refuses %s as VALIDATION', (_label, overrides, rule) => {
    expect(decideConsumption(consumption(overrides), decisionInputs({ order: inProcess() }), ctx)).toMatchObject({
      kind: 'quarantine',
      type: 'VALIDATION',
      rule,
    });
  });

  it('holds a consumption that arrives before the release or the acknowledgement', () => {
    expect(decideConsumption(consumption(), decisionInputs(), ctx)).toMatchObject({ kind: 'hold' });
    expect(
      decideConsumption(consumption(), decisionInputs({ order: inProcess({ state: 'RELEASED' }) }), ctx),
    ).toMatchObject({ kind: 'hold' });
  });
});

describe('production completion', () => {
  it('creates the produced lot BLOCKED, moves the order through COMPLETED to QUALITY_PENDING and asks QMS for a final inspection', () => {
    const decision = decideCompletion(
      completion({ quantity: 5, uom: 'BOX' }),
      decisionInputs({ order: inProcess() }),
      ctx,
    );
    expect(decision.kind).toBe('apply');
    if (decision.kind !== 'apply') return;
    expect(decision.order).toMatchObject({ state: 'QUALITY_PENDING', producedQuantity: 50 });
    expect(decision.order!.timeline.slice(-2).map((t) => t.state)).toEqual(['COMPLETED', 'QUALITY_PENDING']);
    expect(decision.lots![0]).toMatchObject({
      lotNumber: 'FG-LOT-1',
      item: 'FG-100',
      status: 'BLOCKED',
      quantity: 50,
      producedBy: { orderNumber: 'PO-1000' },
    });
    expect(decision.outbox).toEqual([
      expect.objectContaining({ destination: 'qms', messageType: 'InspectionRequested' }),
    ]);
  });

  it('holds a completion until the last operation completed', () => {
    const order = inProcess();
    order.operations[1]!.state = 'CONFIRMED';
    expect(decideCompletion(completion(), decisionInputs({ order }), ctx)).toMatchObject({
      kind: 'hold',
      rule: 'completion.last-operation',
    });
  });

  it("refuses over-delivery beyond the plant's tolerance", () => {
    expect(decideCompletion(completion({ quantity: 52 }), decisionInputs({ order: inProcess() }), ctx)).toMatchObject({
      kind: 'apply',
    });
    expect(decideCompletion(completion({ quantity: 53 }), decisionInputs({ order: inProcess() }), ctx)).toMatchObject({
      type: 'VALIDATION',
      rule: 'completion.over-delivery',
    });
  });

  it('refuses a lot that already exists for another item, and a second completion', () => {
    expect(
      decideCompletion(completion({ lot: 'L-RM7-OK' }), decisionInputs({ order: inProcess() }), ctx),
    ).toMatchObject({ type: 'VALIDATION', rule: 'completion.lot-unique' });
    expect(
      decideCompletion(completion(), decisionInputs({ order: inProcess({ state: 'QUALITY_PENDING' }) }), ctx),
    ).toMatchObject({ type: 'SEQUENCE' });
    expect(decisionInputs().lots.has(lotKey('P100', 'L-RM7-OK'))).toBe(true);
  });
});
