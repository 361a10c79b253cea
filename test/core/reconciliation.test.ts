import { describe, expect, it } from 'vitest';
import type { LotRecord } from '../../core/reference/reference.types';
import { compareLot, compareLotQuality } from '../../core/reconciliation/compare-lot';
import { compareOrder } from '../../core/reconciliation/compare-order';
import { assessFinding, closeDrift, withinTolerance, type RunContext } from '../../core/reconciliation/drift-ledger';
import type { Finding } from '../../core/reconciliation/drift.types';
import { DEFAULT_RULE_SET } from '../../core/rules/rule-set';
import { anOrder } from '../support/records.fixture';

const NOW = '2026-12-01T12:00:00.000Z';
const ctx: RunContext = {
  plant: 'P1',
  runId: 'run-1',
  now: NOW,
  actor: 'system:reconciliation',
  rules: DEFAULT_RULE_SET,
};
const finding = (overrides: Partial<Finding> = {}): Finding => ({
  system: 'ERP',
  orderNumber: 'PO-1',
  lot: null,
  field: 'operationYield:10',
  plantgateValue: 10,
  systemValue: 6,
  correction: null,
  ...overrides,
});

describe('tolerance', () => {
  it('allows the larger of an absolute difference and a share of Plantgate’s value, never for a status', () => {
    expect(withinTolerance(finding({ plantgateValue: 100, systemValue: 98 }), { absolute: 1, percent: 2 })).toBe(true);
    expect(withinTolerance(finding({ plantgateValue: 100, systemValue: 97 }), { absolute: 1, percent: 2 })).toBe(false);
    expect(withinTolerance(finding({ plantgateValue: 10, systemValue: 11 }), { absolute: 1, percent: 0 })).toBe(true);
    expect(withinTolerance(finding(), undefined)).toBe(false);
    expect(
      withinTolerance(finding({ plantgateValue: 'IN_PROCESS', systemValue: 'RELEASED' }), { absolute: 9, percent: 50 }),
    ).toBe(false);
  });
});

describe('a drift across runs', () => {
  it('opens an exception once, writes nothing when found again unchanged, and reopens after a correction', () => {
    const first = assessFinding(finding(), null, ctx)!;
    expect(first.drift.record).toMatchObject({ status: 'OPEN', version: 1, owner: 'SUPPLY_CHAIN', difference: -4 });
    expect(first.exceptions).toHaveLength(1);
    expect(first.exceptions[0]).toMatchObject({ type: 'RECONCILIATION', rule: 'reconciliation.erp.operationYield' });
    expect(assessFinding(finding(), first.drift.record, ctx)).toBeNull();
    // Changed values: recorded, without a second exception for the same drift.
    const changed = assessFinding(finding({ systemValue: 5 }), first.drift.record, ctx)!;
    expect(changed.drift.record).toMatchObject({
      systemValue: 5,
      version: 2,
      exceptionId: first.drift.record.exceptionId,
    });
    expect(changed.exceptions).toEqual([]);
    const corrected = { ...changed.drift.record, status: 'CORRECTED' as const, exceptionId: 'closed' };
    const back = assessFinding(finding(), corrected, ctx)!;
    expect(back.drift.record.status).toBe('OPEN');
    expect(back.drift.record.decisions.at(-1)!.action).toBe('REOPENED');
    expect(back.exceptions).toHaveLength(1);
  });

  it('keeps a rejected drift rejected, and closes a drift with its exception when the systems agree', () => {
    const open = assessFinding(finding(), null, ctx)!;
    const rejected = { ...open.drift.record, status: 'REJECTED' as const };
    expect(assessFinding(finding(), rejected, ctx)).toBeNull();
    expect(assessFinding(finding({ systemValue: 1 }), rejected, ctx)!.drift.record.status).toBe('REJECTED');
    const closed = closeDrift(open.drift.record, open.exceptions[0]!, ctx);
    expect(closed.drift.record).toMatchObject({ status: 'CLOSED', closedAt: NOW });
    expect(closed.exceptionUpdates[0]!.record.status).toBe('RESOLVED');
  });

  it('records a difference within the plant’s tolerance without raising it', () => {
    const rules = {
      ...DEFAULT_RULE_SET,
      reconciliation: {
        ...DEFAULT_RULE_SET.reconciliation,
        tolerances: { operationYield: { absolute: 5, percent: 0 } },
      },
    };
    const change = assessFinding(finding(), null, { ...ctx, rules })!;
    expect(change.drift.record).toMatchObject({ status: 'WITHIN_TOLERANCE', correction: null, exceptionId: null });
    expect(change.exceptions).toEqual([]);
  });
});

describe('comparing an order', () => {
  const confirmed = anOrder({
    plant: 'P1',
    orderNumber: 'PO-1',
    updatedAt: '2026-12-01T10:00:00.000Z',
    postings: [
      {
        postingKey: 'k1',
        system: 'erp',
        postingType: 'OperationConfirmation',
        status: 'POSTED',
        correlationId: 'c1',
        requestedAt: '2026-12-01T10:00:00.000Z',
        postedAt: '2026-12-01T10:00:01.000Z',
        documentNumber: '1',
      },
    ],
  });
  const withYield = {
    ...confirmed,
    operations: [
      {
        sequence: 10,
        workCenter: 'WC-1',
        description: 'cut',
        state: 'CONFIRMED' as const,
        yieldQuantity: 10,
        scrapQuantity: 0,
      },
    ],
  };
  const erp = {
    status: 'IN_PROCESS',
    quantity: 100,
    confirmedYield: 6,
    scrap: 0,
    goodsIssued: 0,
    goodsReceived: 0,
    receiptStockStatus: null,
    operationYield: { [withYield.operations[0]!.sequence]: 6 },
  };

  it('proposes posting what ERP misses, and a reversal of what ERP holds beyond Plantgate', () => {
    const { findings, compared } = compareOrder(withYield, { erp }, NOW, 60);
    expect(compared).toEqual(['ERP']);
    const seq = withYield.operations[0]!.sequence;
    const yieldDrift = findings.find((f) => f.field === `operationYield:${seq}`)!;
    expect(yieldDrift).toMatchObject({ plantgateValue: 10, systemValue: 6, correction: { kind: 'POST_TO_ERP' } });
    expect(yieldDrift.correction).toMatchObject({
      postings: [{ postingType: 'OperationConfirmation', payload: { yieldQuantity: 4 } }],
    });
    const surplus = compareOrder(withYield, { erp: { ...erp, operationYield: { [seq]: 13 } } }, NOW, 60).findings;
    expect(surplus.find((f) => f.field === `operationYield:${seq}`)!.correction).toMatchObject({
      postings: [{ payload: { yieldQuantity: -3 } }],
    });
  });

  it('does not compare with ERP while a posting may be on its way, nor propose a correction over an unconfirmed one', () => {
    const fresh = {
      ...withYield,
      postings: [{ ...withYield.postings[0]!, status: 'REQUESTED' as const, requestedAt: '2026-12-01T11:59:30.000Z' }],
    };
    expect(compareOrder(fresh, { erp }, NOW, 60)).toEqual({ findings: [], compared: [] });
    const stuck = { ...fresh, postings: [{ ...fresh.postings[0]!, requestedAt: '2026-12-01T10:00:00.000Z' }] };
    const found = compareOrder(stuck, { erp }, NOW, 60).findings;
    expect(found.find((f) => f.field.startsWith('operationYield'))!.correction).toBeNull();
  });
});

describe('comparing a lot', () => {
  const lot: LotRecord = {
    plant: 'P1',
    lotNumber: 'L-1',
    item: 'RM-1',
    status: 'UNRESTRICTED',
    expiresAt: null,
    quantity: 100,
    uom: 'KG',
    version: 3,
    producedBy: null,
    consumedBy: [],
    inspections: [],
    nonconformances: [],
    updatedAt: '2026-12-01T10:00:00.000Z',
  };
  const stock = { unrestricted: 90, restricted: 5, blocked: 0 };

  it("proposes setting Plantgate's ledger to ERP's count over all stock statuses", () => {
    expect(compareLot(lot, stock, NOW, 60).findings).toEqual([
      expect.objectContaining({
        field: 'lotBalance',
        plantgateValue: 100,
        systemValue: 95,
        correction: expect.objectContaining({ kind: 'ADJUST_LOT_LEDGER', quantity: 95 }),
      }),
    ]);
  });

  it('leaves produced lots to their order, and lots changed within the grace period for later', () => {
    const produced = { ...lot, producedBy: { orderNumber: 'PO-1', quantity: 100, uom: 'KG', at: NOW } };
    expect(compareLot(produced, stock, NOW, 60)).toEqual({ findings: [], compared: false });
    expect(compareLot({ ...lot, updatedAt: '2026-12-01T11:59:30.000Z' }, stock, NOW, 60).compared).toBe(false);
    expect(compareLot({ ...lot, quantity: 0 }, null, NOW, 60)).toEqual({ findings: [], compared: true });
  });

  it("holds a finished lot's nonconformances against those QMS knows, and only those", () => {
    const finished = {
      ...lot,
      producedBy: { orderNumber: 'PO-1', quantity: 100, uom: 'KG', at: '2026-12-01T09:00:00.000Z' },
      nonconformances: [
        {
          nonconformanceId: 'NC-1',
          orderNumber: 'PO-1',
          status: 'OPEN' as const,
          severity: 'MINOR',
          description: 'scratch',
          occurredAt: '2026-12-01T09:30:00.000Z',
        },
        {
          nonconformanceId: 'NC-HAND',
          orderNumber: 'PO-1',
          status: 'OPEN' as const,
          severity: 'MINOR',
          description: 'recorded by hand',
          occurredAt: '2026-12-01T09:30:00.000Z',
        },
      ],
    };
    const qms = {
      inspections: [],
      nonconformances: [
        { nonconformanceId: 'NC-1', lot: 'L-1', status: 'CLOSED' },
        { nonconformanceId: 'NC-2', lot: 'L-1', status: 'OPEN' },
        { nonconformanceId: 'NC-3', lot: 'L-OTHER', status: 'OPEN' },
      ],
    };
    expect(
      compareLotQuality(finished, qms, NOW, 60).findings.map((f) => [f.field, f.plantgateValue, f.systemValue]),
    ).toEqual([
      ['nonconformance:NC-1', 'OPEN', 'CLOSED'],
      ['nonconformance:NC-2', null, 'OPEN'],
    ]);
    expect(compareLotQuality(lot, qms, NOW, 60)).toEqual({ findings: [], compared: false });
  });
});
