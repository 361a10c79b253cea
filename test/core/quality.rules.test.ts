import { describe, expect, it } from 'vitest';
import type { Disposition, InspectionResult } from '../../core/commands/vocabulary';
import type { OrderRecord } from '../../core/orders/order.types';
import { decidePostingAcknowledgement } from '../../core/postings/posting.rules';
import { decideInspection } from '../../core/quality/inspection.rules';
import { decideNonconformance } from '../../core/quality/nonconformance.rules';
import { lotKey, type LotRecord } from '../../core/reference/reference.types';
import { DEFAULT_RULE_SET } from '../../core/rules/rule-set';
import type { DecisionInputs } from '../../core/workflow/decision';
import { inspection, nonconformance, postingAck } from '../support/event.fixture';
import { anOrder } from '../support/records.fixture';
import { decisionInputs } from '../support/reference.fixture';

const ctx = { now: '2026-12-01T12:00:00.000Z', correlationId: 'corr-q', rules: DEFAULT_RULE_SET };

const producedLot = (overrides: Partial<LotRecord> = {}): LotRecord => ({
  plant: 'P100',
  lotNumber: 'FG-LOT-1',
  item: 'FG-100',
  status: 'BLOCKED',
  expiresAt: null,
  quantity: 50,
  uom: 'EA',
  version: 1,
  producedBy: { orderNumber: 'PO-1000', quantity: 50, uom: 'EA', at: '2026-12-01T10:00:00.000Z' },
  consumedBy: [],
  inspections: [],
  nonconformances: [],
  updatedAt: '2026-12-01T10:00:00.000Z',
  ...overrides,
});
const pending = (overrides: Partial<OrderRecord> = {}): OrderRecord =>
  anOrder({
    orderNumber: 'PO-1000',
    plant: 'P100',
    item: 'FG-100',
    state: 'QUALITY_PENDING',
    quantity: 50,
    producedQuantity: 50,
    completions: [
      { lot: 'FG-LOT-1', quantity: 50, uom: 'EA', occurredAt: '2026-12-01T10:00:00.000Z', correlationId: 'c-done' },
    ],
    inspectionRequests: [
      {
        inspectionId: 'FINAL-FG-LOT-1',
        inspectionType: 'FINAL',
        lot: 'FG-LOT-1',
        status: 'REQUESTED',
        requestedAt: '2026-12-01T10:00:00.000Z',
        decidedAt: null,
      },
    ],
    ...overrides,
  });
const inputs = (order: OrderRecord | null, lot: LotRecord | null = producedLot()): DecisionInputs => {
  const base = decisionInputs({ order });
  if (lot) base.lots.set(lotKey('P100', lot.lotNumber), lot);
  return base;
};

describe('final inspection gating', () => {
  it.each<[InspectionResult, Disposition, string, string | null]>([
    ['PASS', 'ACCEPT', 'QUALITY_PENDING', 'UNRESTRICTED'],
    ['PASS', 'CONDITIONAL_RELEASE', 'QUALITY_PENDING', 'RESTRICTED'],
    ['FAIL', 'REJECT', 'QUALITY_HOLD', null],
    ['FAIL', 'REWORK', 'QUALITY_HOLD', null],
    ['FAIL', 'SCRAP', 'QUALITY_HOLD', null],
  ])('%s/%s leaves the order %s and requests a receipt as %s', (result, disposition, state, stock) => {
    const decision = decideInspection(inspection({ result, disposition }), inputs(pending()), ctx);
    expect(decision).toMatchObject({ kind: 'apply', order: { state } });
    if (decision.kind !== 'apply') return;
    if (stock) {
      expect(decision.order!.goodsReceipts).toEqual([
        expect.objectContaining({ lot: 'FG-LOT-1', stockStatus: stock, status: 'REQUESTED' }),
      ]);
      expect(decision.outbox).toEqual([
        expect.objectContaining({
          destination: 'erp',
          messageType: 'GoodsReceipt',
          payload: expect.objectContaining({ stockStatus: stock }),
        }),
      ]);
      expect(decision.lots![0]!.status).toBe(stock);
    } else {
      expect(decision.outbox).toEqual([]);
      expect(decision.order!.goodsReceipts).toEqual([]);
      expect(decision.lots![0]!.status).toBe('BLOCKED');
    }
  });

  it('marks the requested inspection it answers as decided', () => {
    const decision = decideInspection(inspection({ decidedAt: '2026-12-01T11:30:00.000Z' }), inputs(pending()), ctx);
    expect(decision).toMatchObject({
      kind: 'apply',
      order: {
        inspectionRequests: [
          { inspectionId: 'FINAL-FG-LOT-1', status: 'DECIDED', decidedAt: '2026-12-01T11:30:00.000Z' },
        ],
      },
    });
  });

  it('refuses a final result that answers no requested inspection, naming the one QMS was asked for', () => {
    const decision = decideInspection(inspection({ inspectionId: 'INS-ELSEWHERE' }), inputs(pending()), ctx);
    expect(decision).toMatchObject({ kind: 'quarantine', type: 'VALIDATION', rule: 'inspection.requested' });
    expect(decision.kind === 'quarantine' && decision.reason).toMatch(
      /QMS was asked for FINAL-FG-LOT-1 \(REQUESTED\) on lot FG-LOT-1/,
    );
  });

  it.each<[InspectionResult, Disposition]>([
    ['PASS', 'REJECT'],
    ['PASS', 'SCRAP'],
    ['FAIL', 'ACCEPT'],
    ['FAIL', 'CONDITIONAL_RELEASE'],
  ])('refuses the contradictory decision %s/%s as VALIDATION', (result, disposition) => {
    expect(decideInspection(inspection({ result, disposition }), inputs(pending()), ctx)).toMatchObject({
      type: 'VALIDATION',
      rule: 'inspection.result-disposition',
    });
  });

  it('holds a passing disposition while a nonconformance on the lot is open, and releases when it closes', () => {
    const openNc = {
      nonconformanceId: 'NC-1',
      orderNumber: 'PO-1000',
      status: 'UNDER_REVIEW' as const,
      severity: 'MAJOR',
      description: 'x',
      occurredAt: ctx.now,
    };
    const held = decideInspection(inspection(), inputs(pending(), producedLot({ nonconformances: [openNc] })), ctx);
    expect(held).toMatchObject({ kind: 'apply', order: { state: 'QUALITY_HOLD' }, outbox: [] });
    if (held.kind !== 'apply') return;
    const closed = decideNonconformance(nonconformance({ status: 'CLOSED' }), inputs(held.order!, held.lots![0]!), ctx);
    expect(closed).toMatchObject({ kind: 'apply', order: { state: 'QUALITY_PENDING' } });
    if (closed.kind === 'apply')
      expect(closed.outbox).toEqual([expect.objectContaining({ messageType: 'GoodsReceipt' })]);
  });

  it('holds a final inspection that arrives before the completion, and refuses a lot the order did not produce', () => {
    expect(
      decideInspection(inspection(), inputs(pending({ state: 'PARTIALLY_CONFIRMED', completions: [] }), null), ctx),
    ).toMatchObject({ kind: 'hold', rule: 'inspection.completion' });
    expect(decideInspection(inspection({ lot: 'OTHER' }), inputs(pending()), ctx)).toMatchObject({
      type: 'VALIDATION',
      rule: 'inspection.lot',
    });
  });

  it('records in-process inspections without gating', () => {
    const decision = decideInspection(
      inspection({ inspectionType: 'IN_PROCESS', result: 'FAIL', disposition: 'REWORK' }),
      inputs(pending({ state: 'IN_PROCESS', completions: [] })),
      ctx,
    );
    expect(decision).toMatchObject({ kind: 'apply', order: { state: 'IN_PROCESS' }, outbox: [] });
  });
});

describe('nonconformances', () => {
  it('an open nonconformance puts a pending order on QUALITY_HOLD', () => {
    expect(decideNonconformance(nonconformance(), inputs(pending()), ctx)).toMatchObject({
      kind: 'apply',
      order: { state: 'QUALITY_HOLD' },
    });
  });

  it('does not reopen a closed nonconformance', () => {
    const closed = producedLot({
      nonconformances: [
        {
          nonconformanceId: 'NC-1',
          orderNumber: 'PO-1000',
          status: 'CLOSED',
          severity: 'MAJOR',
          description: 'x',
          occurredAt: ctx.now,
        },
      ],
    });
    expect(decideNonconformance(nonconformance({ status: 'OPEN' }), inputs(pending(), closed), ctx)).toMatchObject({
      type: 'SEQUENCE',
      rule: 'nonconformance.status',
    });
  });
});

describe('posting acknowledgement', () => {
  const receipt = {
    lot: 'FG-LOT-1',
    quantity: 50,
    uom: 'EA',
    stockStatus: 'UNRESTRICTED' as const,
    status: 'REQUESTED' as const,
    postingKey: 'erp|gr|1',
    requestedAt: ctx.now,
    postedAt: null,
  };
  const posting = {
    postingKey: 'erp|gr|1',
    system: 'erp' as const,
    postingType: 'GoodsReceipt',
    status: 'REQUESTED' as const,
    correlationId: 'c-ins',
    requestedAt: ctx.now,
    postedAt: null,
    documentNumber: null,
  };

  it('makes the order RECEIVED when ERP confirms the goods receipt, asks ERP to settle, and marks the requesting transaction POSTED', () => {
    const decision = decidePostingAcknowledgement(
      postingAck('erp|gr|1'),
      inputs(pending({ goodsReceipts: [receipt], postings: [posting] })),
      ctx,
    );
    expect(decision).toMatchObject({
      kind: 'apply',
      order: {
        state: 'RECEIVED',
        goodsReceipts: [{ status: 'POSTED' }],
        postings: [
          { status: 'POSTED', documentNumber: '5000001' },
          { postingType: 'OrderSettlement', status: 'REQUESTED' },
        ],
      },
      postedCorrelationIds: ['c-ins'],
    });
    if (decision.kind !== 'apply') return;
    expect(decision.outbox).toEqual([
      expect.objectContaining({
        destination: 'erp',
        messageType: 'OrderSettlement',
        idempotencyKey: 'erp|settlement|P100|PO-1000',
      }),
    ]);
    const settled = decidePostingAcknowledgement(
      postingAck('erp|settlement|P100|PO-1000', { documentNumber: '7000001' }),
      inputs(decision.order!),
      ctx,
    );
    expect(settled).toMatchObject({ kind: 'apply', order: { state: 'FINANCIALLY_POSTED' }, outbox: [] });
  });

  it('marks a reconciliation correction of a receipt POSTED without moving the order past its lifecycle again', () => {
    const correction = { ...posting, postingKey: 'erp|correction|drift:P100:ERP:order:PO-1000:goodsReceived|1|0' };
    const done = pending({ state: 'FINANCIALLY_POSTED', goodsReceipts: [receipt], postings: [correction] });
    const decision = decidePostingAcknowledgement(postingAck(correction.postingKey), inputs(done), ctx);
    expect(decision).toMatchObject({
      kind: 'apply',
      order: { state: 'FINANCIALLY_POSTED', postings: [{ status: 'POSTED' }] },
      outbox: [],
    });
  });

  it('refuses an acknowledgement of a posting never requested, and a second one', () => {
    expect(decidePostingAcknowledgement(postingAck('nope'), inputs(pending()), ctx)).toMatchObject({
      type: 'VALIDATION',
      rule: 'posting.known',
    });
    const posted = { ...posting, status: 'POSTED' as const, documentNumber: '1' };
    expect(
      decidePostingAcknowledgement(postingAck('erp|gr|1'), inputs(pending({ postings: [posted] })), ctx),
    ).toMatchObject({ type: 'DUPLICATE_CONFLICT' });
  });
});
