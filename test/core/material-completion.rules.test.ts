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

  it("matches consumption to the operation's reservation by quantity, within the plant's tolerance", () => {
    const first = decideConsumption(consumption({ quantity: 60 }), decisionInputs({ order: inProcess() }), ctx);
    const after = first.kind === 'apply' ? first.order! : inProcess();
    const over = decideConsumption(
      consumption({ quantity: 41, messageId: 'm2' }),
      decisionInputs({ order: after }),
      ctx,
    );
    expect(over).toMatchObject({ kind: 'quarantine', type: 'VALIDATION', rule: 'consumption.reserved-quantity' });
    expect(over.kind === 'quarantine' && over.reason).toContain(
      '101 EA of RM-7 would be consumed against its reservation of 100 EA for operation 10 (60 consumed so far',
    );
    expect(decideConsumption(consumption({ quantity: 40 }), decisionInputs({ order: after }), ctx).kind).toBe('apply');
    const tolerant = { ...ctx, rules: { ...ctx.rules, reservationTolerancePct: 5 } };
    expect(decideConsumption(consumption({ quantity: 45 }), decisionInputs({ order: after }), tolerant).kind).toBe(
      'apply',
    );
    expect(
      decideConsumption(consumption({ quantity: 41 }), decisionInputs({ order: after }), {
        ...ctx,
        overrideRule: 'consumption.reserved-quantity',
      }).kind,
    ).toBe('apply');
  });

  it("uses a RESTRICTED lot only at the work centres the plant's rules name", () => {
    const inputs = decisionInputs({ order: inProcess() });
    const lot = inputs.lots.get(lotKey('P100', 'L-RM7-OK'))!;
    inputs.lots.set(lotKey('P100', 'L-RM7-OK'), { ...lot, status: 'RESTRICTED' });
    const refused = decideConsumption(consumption(), inputs, ctx);
    expect(refused).toMatchObject({ type: 'VALIDATION', rule: 'consumption.lot-restricted' });
    expect(refused.kind === 'quarantine' && refused.reason).toContain('at no work centre; operation 10 runs at WC-CUT');
    const at = (restrictedLotWorkCenters: string[]) => ({ ...ctx, rules: { ...ctx.rules, restrictedLotWorkCenters } });
    expect(decideConsumption(consumption(), inputs, at(['WC-CUT'])).kind).toBe('apply');
    expect(decideConsumption(consumption(), inputs, at(['*'])).kind).toBe('apply');
    expect(decideConsumption(consumption(), inputs, at(['WC-ASSY']))).toMatchObject({
      rule: 'consumption.lot-restricted',
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

  it("takes lots while production goes on, up to the last operation's confirmed yield, and holds what exceeds it", () => {
    const order = inProcess();
    order.operations[1] = { ...order.operations[1]!, state: 'CONFIRMED', yieldQuantity: 20 };
    const first = decideCompletion(completion({ quantity: 20 }), decisionInputs({ order }), ctx);
    expect(first).toMatchObject({ kind: 'apply' });
    // 20 of 50: the order stays in production, the lot goes to its own final inspection.
    expect(first.kind === 'apply' && first.order!.state).toBe('PARTIALLY_CONFIRMED');
    expect(first.kind === 'apply' && first.outbox.map((o) => o.messageType)).toEqual(['InspectionRequested']);
    const after = first.kind === 'apply' ? first.order! : order;
    expect(
      decideCompletion(completion({ lot: 'FG-2', quantity: 5 }), decisionInputs({ order: after }), ctx),
    ).toMatchObject({
      kind: 'hold',
      rule: 'completion.last-operation',
    });
  });

  it("refuses lots beyond a completed last operation's yield", () => {
    const order = inProcess();
    order.operations[1] = { ...order.operations[1]!, yieldQuantity: 40 };
    expect(decideCompletion(completion({ quantity: 45 }), decisionInputs({ order }), ctx)).toMatchObject({
      type: 'VALIDATION',
      rule: 'completion.yield',
    });
  });

  it("refuses over-delivery beyond the plant's tolerance", () => {
    const order = () => inProcess({ operations: inProcess().operations.map((op) => ({ ...op, yieldQuantity: 60 })) });
    expect(decideCompletion(completion({ quantity: 52 }), decisionInputs({ order: order() }), ctx)).toMatchObject({
      kind: 'apply',
    });
    expect(decideCompletion(completion({ quantity: 53 }), decisionInputs({ order: order() }), ctx)).toMatchObject({
      type: 'VALIDATION',
      rule: 'completion.over-delivery',
    });
  });

  it('asks serialised items for one unused serial number per piece, and refuses serials on other items', () => {
    const serialized = decisionInputs();
    serialized.items.set(
      'FG-100',
      serialized.items.get('FG-100')!.map((i) => ({ ...i, serialized: true })),
    );
    const order = inProcess({
      quantity: 2,
      operations: inProcess().operations.map((op) => ({ ...op, yieldQuantity: 2 })),
    });
    const ok = decideCompletion(completion({ quantity: 1, serialNumbers: ['SN-1'] }), { ...serialized, order }, ctx);
    expect(ok.kind === 'apply' && ok.lots![0]!.serialNumbers).toEqual(['SN-1']);
    const after = ok.kind === 'apply' ? ok.order! : order;
    for (const [serials, named] of [
      [[], 'need 1 serial numbers, 0 came'],
      [['SN-1'], 'SN-1 are already used'],
    ] as const) {
      const refused = decideCompletion(
        completion({ lot: 'FG-2', quantity: 1, serialNumbers: [...serials] }),
        { ...serialized, order: after },
        ctx,
      );
      expect(refused).toMatchObject({ type: 'VALIDATION', rule: 'completion.serials' });
      expect(refused.kind === 'quarantine' && refused.reason).toContain(named);
    }
    // A serial number another order of the plant already produced is refused too.
    const elsewhere = decideCompletion(
      completion({ lot: 'FG-3', quantity: 1, serialNumbers: ['SN-7'] }),
      { ...serialized, order: after, usedSerials: new Set(['SN-7']) },
      ctx,
    );
    expect(elsewhere.kind === 'quarantine' && elsewhere.reason).toContain('SN-7 are already used');
    expect(
      decideCompletion(completion({ serialNumbers: ['X'] }), decisionInputs({ order: inProcess() }), ctx),
    ).toMatchObject({
      rule: 'completion.serials',
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
