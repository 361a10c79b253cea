import fs from 'node:fs';
import path from 'node:path';
import { createLogger } from '../app/logger';
import { startRuntime } from '../app/runtime';
import { anOrder } from '../test/support/records.fixture';
import type { OrderRecord } from '../core/orders/order.types';
import type { ReconciliationRun } from '../core/reconciliation/drift.types';
import { freshInstallation } from './installation';
import { sleep } from './stats';
import { bulkInsertOrders } from './bulk-orders';
import { graphql } from '../app/demo/graphql-call';

const PLANT = 'PR';
const PAGE = 500;

export interface ReconciliationBench {
  orders: number;
  ordersPerSecond: number;
  /** The same orders only read from the store page by page, no comparison, no calls: the baseline. */
  scanOrdersPerSecond: number;
  callsPer1000Orders: { erp: number; mes: number; qms: number };
  /** Growth of the process's resident memory while the run went, over what it used before. */
  peakRssGrowthMb: number;
  pages: number;
}

/**
 * One reconciliation run over `orders` orders of a plant, seeded straight into the store and the reference MES (as
 * months of operation leave them), through the running control plane: orders per second, calls per system per
 * thousand orders, and how much memory the run added (bounded: a run pages, it never loads the plant).
 */
export async function reconciliationRun(orders: number): Promise<ReconciliationBench> {
  const install = await freshInstallation({
    PORT: '0',
    SIMULATORS: 'embedded',
    RECONCILE_PAGE_SIZE: String(PAGE),
  });
  const dir = path.dirname(install.config.SQLITE_FILE);
  const rulesFile = path.join(dir, 'rules.json');
  fs.writeFileSync(
    rulesFile,
    JSON.stringify({ plants: { [PLANT]: { version: 2, reconciliation: { graceSeconds: 0 } } } }),
  );
  const at = new Date(Date.now() - 3_600_000).toISOString();
  seedOrders(install.config.SQLITE_FILE, orders, at);
  const runtime = await startRuntime(
    { ...install.config, RULES_FILE: rulesFile },
    { role: 'all', logger: createLogger('silent') },
  );
  try {
    const mes = runtime.referenceSystems!.mes!;
    for (let i = 0; i < orders; i++) {
      const orderNumber = numberOf(i);
      mes.orders.set(`${PLANT}|${orderNumber}`, {
        plant: PLANT,
        orderNumber,
        routingRevision: 'R3',
        specRevision: 'S2',
        quantity: 20,
        acknowledged: false,
        operations: [],
        components: [],
      });
    }
    const scanned = Date.now();
    let after: string | null = null;
    do after = (await runtime.store.scanOrders(PLANT, after, PAGE, null)).next;
    while (after);
    const scanSeconds = (Date.now() - scanned) / 1000;

    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const started = Date.now();
    const id = (
      await graphql<{ runReconciliation: { id: string } }>(
        runtime.url!,
        'mutation { runReconciliation(plant: "PR", scope: FULL) { id } }',
      )
    ).runReconciliation.id;
    let run: ReconciliationRun;
    for (;;) {
      peak = Math.max(peak, process.memoryUsage().rss);
      run = (
        await graphql<{ reconciliationRun: ReconciliationRun }>(
          runtime.url!,
          'query R($id: ID!) { reconciliationRun(id: $id) { status ordersChecked pages calls { erp mes qms } error } }',
          { id },
        )
      ).reconciliationRun;
      if (run.status !== 'RUNNING') break;
      await sleep(100);
    }
    if (run.status !== 'SUCCEEDED') throw new Error(`reconciliation run ${run.status}: ${run.error}`);
    const seconds = (Date.now() - started) / 1000;
    const per1000 = (n: number) => Math.round((n / run.ordersChecked) * 1000 * 100) / 100;
    return {
      orders: run.ordersChecked,
      ordersPerSecond: Math.round(run.ordersChecked / seconds),
      scanOrdersPerSecond: Math.round(orders / scanSeconds),
      callsPer1000Orders: { erp: per1000(run.calls.erp), mes: per1000(run.calls.mes), qms: per1000(run.calls.qms) },
      peakRssGrowthMb: Math.round(((peak - before) / 1048576) * 10) / 10,
      pages: run.pages,
    };
  } finally {
    await runtime.stop();
    await install.cleanup();
  }
}

const numberOf = (i: number) => `R-${String(i).padStart(8, '0')}`;

/** The plant's orders, written in bulk: released, acknowledged on the floor, nothing posted yet. */
function seedOrders(file: string, count: number, at: string) {
  bulkInsertOrders(file, count, (i) => anOrderOf(numberOf(i), at));
}

function anOrderOf(orderNumber: string, at: string): OrderRecord {
  return anOrder({
    plant: PLANT,
    orderNumber,
    state: 'ACKNOWLEDGED',
    stateSince: at,
    version: 2,
    item: 'FG-100',
    itemRevision: 'A',
    routingRevision: 'R3',
    specRevision: 'S2',
    quantity: 20,
    dueAt: at,
    timeline: [],
    createdAt: at,
    updatedAt: at,
  });
}
