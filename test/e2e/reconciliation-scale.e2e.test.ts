import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../app/runtime';
import type { ReconciliationRun } from '../../core/reconciliation/drift.types';
import { gqlOk } from '../support/graphql-client';
import { createTestInstallation, referenceSystemsEnv, type TestInstallation } from '../support/harness';
import { anApplyUnit, anOrder } from '../support/records.fixture';
import { writeRulesFile } from '../support/rules-file';
import { waitFor } from '../support/wait';

const ORDERS = 2000;
const PAGE = 100;
/** Orders whose routing MES knows under another revision: the drifts the run must find among the rest. */
const DRIFTED = new Set([7, 250, 999, 1000, 1999]);

/**
 * A large plant seeded straight into the store and the reference MES (not driven through the broker): a run reads it
 * page by page, with one batched call per system per page, and says so in its run record. Speed and memory are
 * measured by the benchmark (npm run bench), not here.
 */
describe('reconciliation of a large plant', () => {
  let installation: TestInstallation;
  let runtime: Runtime;
  const rules = writeRulesFile({ plants: { PBIG: { version: 2, reconciliation: { graceSeconds: 0 } } } });

  beforeAll(async () => {
    installation = createTestInstallation('reconciliation-scale', {
      SIMULATORS: 'embedded',
      RULES_FILE: rules.file,
      RECONCILE_PAGE_SIZE: String(PAGE),
    });
    runtime = await installation.start('all');
    const mes = runtime.referenceSystems!.mes!;
    const at = '2026-01-05T06:00:00.000Z';
    for (let i = 0; i < ORDERS; i++) {
      const orderNumber = `PO-BIG-${String(i).padStart(5, '0')}`;
      const order = anOrder({ plant: 'PBIG', orderNumber, routingRevision: 'R1', createdAt: at, updatedAt: at });
      await runtime.store.commit(anApplyUnit(order, 0));
      mes.orders.set(`PBIG|${orderNumber}`, {
        plant: 'PBIG',
        orderNumber,
        routingRevision: DRIFTED.has(i) ? 'R0' : 'R1',
        specRevision: 'S1',
        quantity: order.quantity,
        acknowledged: false,
        operations: [],
        components: [],
      });
    }
  }, 120_000);
  afterAll(async () => {
    await installation.cleanup();
    rules.remove();
  });

  it('reads it page by page, one call per system per page, and finds exactly the drifted orders', async () => {
    const { runReconciliation } = await gqlOk<{ runReconciliation: { id: string } }>(
      runtime.url!,
      'mutation { runReconciliation(plant: "PBIG", scope: FULL) { id } }',
    );
    const progress: number[] = [];
    const run = await waitFor(
      async () => {
        const { reconciliationRun } = await gqlOk<{
          reconciliationRun: ReconciliationRun & { drifts: { totalCount: number } };
        }>(
          runtime.url!,
          `query R($id: ID!) { reconciliationRun(id: $id) { status ordersChecked lotsChecked pages
             calls { erp mes qms } driftsFound error drifts { totalCount } } }`,
          { id: runReconciliation.id },
        );
        progress.push(reconciliationRun.ordersChecked);
        return reconciliationRun.status === 'RUNNING' ? undefined : reconciliationRun;
      },
      { what: 'the large run to end', timeoutMs: 90_000, intervalMs: 50 },
    );
    expect(run).toMatchObject({ status: 'SUCCEEDED', error: null, ordersChecked: ORDERS, lotsChecked: 0 });
    const pages = ORDERS / PAGE;
    expect(run.pages).toBe(pages);
    expect(run.calls).toEqual({ erp: pages, mes: pages, qms: pages });
    // The run record moves page by page while the run goes: its progress is visible before it ends.
    expect(progress.some((n) => n > 0 && n < ORDERS && n % PAGE === 0)).toBe(true);
    expect(run.driftsFound).toBe(DRIFTED.size);
    const drifts = await gqlOk<{
      drifts: { nodes: { orderNumber: string; plantgateValue: string; systemValue: string }[] };
    }>(
      runtime.url!,
      '{ drifts(filter: { plant: "PBIG", system: MES, field: "routingRevision" }, first: 50) { nodes { orderNumber plantgateValue systemValue } } }',
    );
    expect(drifts.drifts.nodes.map((d) => d.orderNumber).sort()).toEqual(
      [...DRIFTED].map((i) => `PO-BIG-${String(i).padStart(5, '0')}`).sort(),
    );
    expect(drifts.drifts.nodes.every((d) => d.plantgateValue === 'R1' && d.systemValue === 'R0')).toBe(true);
  }, 120_000);

  it('stops a run at its next page when its process shuts down, and records how far it got', async () => {
    // A gateway of the same installation, reading the same reference systems five orders at a time.
    const gateway = await installation.start('gateway', {
      env: { RECONCILE_PAGE_SIZE: '5', ...referenceSystemsEnv(runtime) },
    });
    const { runReconciliation } = await gqlOk<{ runReconciliation: { id: string } }>(
      gateway.url!,
      'mutation { runReconciliation(plant: "PBIG", scope: FULL) { id } }',
    );
    await gateway.stop();
    const run = (await runtime.store.getRun(runReconciliation.id))!;
    expect(run).toMatchObject({ status: 'FAILED', error: 'stopped before the end: the process shut down' });
    expect(run.ordersChecked).toBeLessThan(ORDERS);
    expect(run.finishedAt).not.toBeNull();
  });
});
