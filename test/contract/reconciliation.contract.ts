import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../core/ports/store.port';
import { newRun, type DriftRecord, type ReconciliationRun } from '../../core/reconciliation/drift.types';
import { anApplyUnit, anOrder } from '../support/records.fixture';

function aDrift(plant: string, overrides: Partial<DriftRecord> = {}): DriftRecord {
  return {
    id: `drift:${plant}:ERP:order:PO-1:goodsIssued:L-1`,
    plant,
    orderNumber: 'PO-1',
    lot: null,
    system: 'ERP',
    field: 'goodsIssued:L-1',
    plantgateValue: 5,
    systemValue: 0,
    difference: -5,
    severity: 'HIGH',
    status: 'OPEN',
    owner: 'SUPPLY_CHAIN',
    correction: null,
    correctionsApplied: 0,
    exceptionId: null,
    runId: 'run-1',
    firstSeenAt: '2026-12-01T00:00:00.000Z',
    lastSeenAt: '2026-12-01T00:00:00.000Z',
    closedAt: null,
    decisions: [],
    version: 1,
    ...overrides,
  };
}

function aRun(plant: string, overrides: Partial<ReconciliationRun> = {}): ReconciliationRun {
  const fields = { id: `run:${plant}:${randomUUID()}`, plant, scope: 'FULL' as const, requestedBy: 'test' };
  return { ...newRun({ ...fields, startedAt: new Date().toISOString(), changedSince: null }), ...overrides };
}

/** Reconciliation's part of the store contract: what the reconciler and the corrections rely on, on every store. */
export function defineReconciliationContract(
  name: string,
  makeStore: () => Promise<{ store: Store; cleanup: () => Promise<void> }>,
) {
  const withStore = (work: (store: Store) => Promise<void>) => async () => {
    const { store, cleanup } = await makeStore();
    try {
      await work(store);
    } finally {
      await store.close();
      await cleanup();
    }
  };

  describe(`reconciliation store contract: ${name}`, () => {
    it(
      'writes a drift only at the version it was read at, and finds a subject’s drifts, closed ones included',
      withStore(async (store) => {
        const plant = `P-${randomUUID()}`;
        const drift = aDrift(plant);
        const lotDrift = aDrift(plant, { id: `drift:${plant}:ERP:lot:L-1:lotBalance`, orderNumber: null, lot: 'L-1' });
        const unit = { outbox: [], exceptions: [], exceptionUpdates: [], audit: [] };
        expect(
          await store.commitReconciliation({
            ...unit,
            drifts: [
              { record: drift, expectedVersion: 0 },
              { record: lotDrift, expectedVersion: 0 },
            ],
          }),
        ).toEqual({ ok: true });
        // Inserting it again, or writing it at a stale version, changes nothing.
        expect(await store.commitReconciliation({ ...unit, drifts: [{ record: drift, expectedVersion: 0 }] })).toEqual({
          ok: false,
          conflict: 'drift-version',
        });
        const closed = { ...drift, status: 'CLOSED' as const, version: 2 };
        expect(await store.commitReconciliation({ ...unit, drifts: [{ record: closed, expectedVersion: 1 }] })).toEqual(
          {
            ok: true,
          },
        );
        expect(
          await store.commitReconciliation({
            ...unit,
            drifts: [{ record: { ...drift, version: 2 }, expectedVersion: 1 }],
          }),
        ).toEqual({ ok: false, conflict: 'drift-version' });
        expect(await store.getDrift(drift.id)).toEqual(closed);
        expect(await store.driftsOf(plant, { orderNumbers: ['PO-1'], lots: [] })).toEqual([closed]);
        // A lot's drifts are those about the lot itself, not an order's drifts that name the lot.
        expect(await store.driftsOf(plant, { orderNumbers: [], lots: ['L-1'] })).toEqual([lotDrift]);
        const page = await store.listDrifts({ plant, status: 'CLOSED' }, { first: 10 });
        expect(page.items).toEqual([closed]);
        expect((await store.listDrifts({ plants: [], status: 'CLOSED' }, { first: 10 })).items).toEqual([]);
        expect((await store.listDrifts({ plant, runId: 'run-1' }, { first: 10 })).totalCount).toBe(2);
      }),
    );

    it(
      'commits a correction entirely or not at all: drift, order, outbox and audit together',
      withStore(async (store) => {
        const order = anOrder({ orderNumber: `PO-${randomUUID()}` });
        await store.commit(anApplyUnit(order, 0));
        const drift = aDrift(order.plant, { orderNumber: order.orderNumber });
        await store.commitReconciliation({
          drifts: [{ record: drift, expectedVersion: 0 }],
          outbox: [],
          exceptions: [],
          exceptionUpdates: [],
          audit: [],
        });
        const entry = {
          id: `${drift.id}:1:0`,
          destination: 'erp' as const,
          messageType: 'GoodsIssue',
          correlationId: `${drift.id}:1`,
          scope: { plant: order.plant, orderNumber: order.orderNumber },
          idempotencyKey: `erp|correction|${drift.id}|1|0`,
          payload: { quantity: 5 },
          createdAt: new Date().toISOString(),
          traceparent: '00-00000000000000000000000000000001-0000000000000001-01',
          principal: { id: 'key:s', name: 's', kind: 'API_KEY' as const },
        };
        const audit = {
          at: entry.createdAt,
          subject: `order:${order.plant}:${order.orderNumber}`,
          action: 'reconciliation.correction-approved',
          actor: 'key:s',
          correlationId: drift.id,
          detail: {},
        };
        const corrected = { ...drift, status: 'CORRECTED' as const, version: 2 };
        // A stale order version refuses the whole unit: the drift stays as it was, nothing is queued.
        const stale = await store.commitReconciliation({
          drifts: [{ record: corrected, expectedVersion: 1 }],
          order: { record: { ...order, version: 3 }, expectedVersion: 2 },
          outbox: [entry],
          exceptions: [],
          exceptionUpdates: [],
          audit: [audit],
        });
        expect(stale).toEqual({ ok: false, conflict: 'order-version' });
        expect((await store.getDrift(drift.id))!.status).toBe('OPEN');
        expect(await store.listOutbox({ correlationId: entry.correlationId })).toEqual([]);
        expect(
          await store.commitReconciliation({
            drifts: [{ record: corrected, expectedVersion: 1 }],
            order: { record: { ...order, version: 2 }, expectedVersion: 1 },
            outbox: [entry],
            exceptions: [],
            exceptionUpdates: [],
            audit: [audit],
          }),
        ).toEqual({ ok: true });
        expect((await store.getDrift(drift.id))!.status).toBe('CORRECTED');
        expect((await store.getOrder(order.plant, order.orderNumber))!.version).toBe(2);
        expect((await store.listOutbox({ correlationId: entry.correlationId })).map((e) => e.idempotencyKey)).toEqual([
          entry.idempotencyKey,
        ]);
        expect((await store.listAudit(audit.subject)).map((e) => e.action)).toContain(audit.action);
      }),
    );

    it(
      'keeps runs and lists them newest first, page by page',
      withStore(async (store) => {
        const plant = `P-${randomUUID()}`;
        const runs = [aRun(plant), aRun(plant), aRun(plant)];
        for (const run of runs) await store.saveRun(run);
        await store.saveRun({ ...runs[0]!, status: 'SUCCEEDED', ordersChecked: 7 });
        expect(await store.getRun(runs[0]!.id)).toMatchObject({ status: 'SUCCEEDED', ordersChecked: 7 });
        const first = await store.listRuns(plant, { first: 2 });
        expect(first.items.map((r) => r.id)).toEqual([runs[2]!.id, runs[1]!.id]);
        expect(first).toMatchObject({ totalCount: 3, hasNextPage: true });
        const second = await store.listRuns(plant, { first: 2, after: first.endCursor });
        expect(second.items.map((r) => r.id)).toEqual([runs[0]!.id]);
        expect(second.hasNextPage).toBe(false);
      }),
    );

    it(
      "reads a plant's orders and lots page by page, and only the orders changed since an instant",
      withStore(async (store) => {
        const plant = `P-${randomUUID()}`;
        for (let i = 0; i < 5; i++) {
          const updatedAt = `2026-12-0${i + 1}T00:00:00.000Z`;
          await store.commit(anApplyUnit(anOrder({ plant, orderNumber: `PO-${i}`, updatedAt }), 0));
        }
        await store.commit(anApplyUnit(anOrder({ plant: `${plant}-other`, orderNumber: 'PO-X' }), 0));
        const seen: string[] = [];
        let after: string | null = null;
        let pages = 0;
        do {
          const page = await store.scanOrders(plant, after, 2, null);
          seen.push(...page.items.map((o) => o.orderNumber));
          after = page.next;
          pages++;
        } while (after);
        expect(seen).toEqual(['PO-0', 'PO-1', 'PO-2', 'PO-3', 'PO-4']);
        expect(pages).toBe(3);
        const changed = await store.scanOrders(plant, null, 10, '2026-12-04T00:00:00.000Z');
        expect(changed.items.map((o) => o.orderNumber)).toEqual(['PO-3', 'PO-4']);
        expect(changed.next).toBeNull();
        expect(await store.scanLots(plant, '', 10)).toEqual({ items: [], next: null });
      }),
    );
  });
}
