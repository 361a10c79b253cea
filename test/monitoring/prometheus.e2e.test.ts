import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../app/runtime';
import { DomainError } from '../../core/errors';
import type { CommandProcessor } from '../../core/workflow/command.processor';
import { DASHBOARDS } from '../../dashboards/panels';
import { completion, consumption, inspection, operationEvent } from '../support/event.fixture';
import { gql, gqlOk } from '../support/graphql-client';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { releaseInput } from '../support/order.fixture';
import { startPrometheus } from '../support/prometheus';
import { referenceData, seedReferenceData } from '../support/reference.fixture';
import { makeTempDir } from '../support/temp-dir';
import { waitFor } from '../support/wait';
import { acknowledgedOrder, completedOrder, settled, submit, submitAndSettle } from '../support/workflow-client';

/** One order of plant P100 fails processing for good: retries and a dead letter for the dashboards. */
const failOrder = (inner: CommandProcessor): CommandProcessor => ({
  ...inner,
  async process(message) {
    if (message.envelope.scope.orderNumber === 'PO-PROM-FAIL')
      throw new DomainError('STORE_UNAVAILABLE', 'injected: database is locked', { retryable: true });
    return inner.process(message);
  },
});

describe('Prometheus scraping a running control plane', () => {
  let installation: TestInstallation;
  let runtime: Runtime;
  let url: string;
  let prometheus: Awaited<ReturnType<typeof startPrometheus>>;
  const dir = makeTempDir();

  beforeAll(async () => {
    // Plant PSTALL gives MES one second to acknowledge a release, so that a stalled order appears quickly; P100
    // compares what was just done at once, so that the reconciliation dashboard has a drift to show.
    const rulesFile = path.join(dir.path, 'rules.json');
    fs.writeFileSync(
      rulesFile,
      JSON.stringify({
        plants: {
          PSTALL: { version: 3, stalledAfterSeconds: { orders: { RELEASED: 1 } } },
          P100: { version: 2, reconciliation: { graceSeconds: 0 } },
        },
      }),
    );
    installation = createTestInstallation('prometheus', {
      SIMULATORS: 'embedded',
      RULES_FILE: rulesFile,
      RETRY_BUDGET: '2',
      RETRY_DELAYS_MS: '100',
      OUTBOUND_RETRY_DELAYS_MS: '200,400',
      CONNECTOR_MAX_ATTEMPTS: '2',
      CONNECTOR_RETRY_BASE_MS: '10',
    });
    runtime = await installation.start('all', { decorateProcessor: failOrder });
    url = runtime.url!;
    prometheus = await startPrometheus(dir.path, new URL(url).host);
    await drive();
  }, 120_000);
  afterAll(async () => {
    await prometheus?.stop();
    await installation.cleanup();
    dir.remove();
  });

  /** Traffic of every kind the dashboards show: flow, refusals, holds, duplicates, retries, 429s, a hold, a stalled order. */
  async function drive() {
    await seedReferenceData(url, referenceData(['P100', 'PSTALL']));
    const erp = runtime.referenceSystems!.erp!;
    await waitFor(() => erp.lots.has('P100|L-RM8-OK'), { what: 'master data in ERP' });
    // ERP's stock of one lot moved outside Plantgate: its goods issue will be refused (a DOWNSTREAM dead letter).
    erp.lots.get('P100|L-RM8-OK')!.stock.UNRESTRICTED = 0;
    runtime.referenceSystems!.erp!.setFaults({ burst429: { remaining: 3, retryAfterSeconds: 0 } });
    const order = await completedOrder(url, 'FG-PROM-1', { orderNumber: 'PO-PROM-1' });
    await submitAndSettle(
      url,
      'recordInspectionResult',
      inspection({ orderNumber: order.orderNumber, lot: 'FG-PROM-1' }),
    );
    await completedOrder(url, 'FG-PROM-2', { orderNumber: 'PO-PROM-2' });
    await submitAndSettle(
      url,
      'recordInspectionResult',
      inspection({ orderNumber: 'PO-PROM-2', lot: 'FG-PROM-2', result: 'FAIL', disposition: 'REJECT' }),
    );
    await acknowledgedOrder(url, { orderNumber: 'PO-PROM-3' });
    const expired = await submitAndSettle(
      url,
      'reportMaterialConsumption',
      consumption({ orderNumber: 'PO-PROM-3', lot: 'L-RM7-EXPIRED' }),
    );
    // A workbench action that closes an exception: the Workbench dashboard's actions and time to resolution.
    await gqlOk(
      url,
      'mutation R($id: ID!) { resolveException(id: $id, note: "re-labelled on the floor") { status } }',
      {
        id: expired.exception!.id,
      },
    );
    await acknowledgedOrder(url, {
      orderNumber: 'PO-PROM-RM8',
      components: [{ item: 'RM-8', quantity: 2, uom: 'KG', operationSequence: 10 }],
    });
    await submitAndSettle(
      url,
      'reportMaterialConsumption',
      consumption({ orderNumber: 'PO-PROM-RM8', item: 'RM-8', lot: 'L-RM8-OK', quantity: 2, uom: 'KG' }),
    );
    const start = operationEvent({ orderNumber: 'PO-PROM-3' });
    await submitAndSettle(url, 'reportOperationEvent', start);
    await submit(url, 'reportOperationEvent', { ...start, messageId: 'resend' });
    await submitAndSettle(
      url,
      'reportProductionCompletion',
      completion({ orderNumber: 'PO-PROM-3', lot: 'FG-PROM-3' }),
      ['HELD'],
    );
    await gql(url, `{ productionOrders(first: 0) { totalCount } }`);
    // A made-up API key: refused (even the open local mode refuses a bad token).
    await gql(url, '{ whoami { id } }', {}, { authorization: `Bearer pgk_${'x'.repeat(12)}_${'y'.repeat(43)}` });
    const failing = await submit(url, 'releaseProductionOrder', releaseInput({ orderNumber: 'PO-PROM-FAIL' }));
    await settled(url, failing.correlationId, ['FAILED']);
    await submitAndSettle(url, 'releaseProductionOrder', releaseInput({ orderNumber: 'PO-STALL', plant: 'PSTALL' }));
    // A reconciliation run finds the lot ERP refused to issue from: Plantgate drew it down, ERP did not.
    const run = await gqlOk<{ runReconciliation: { id: string } }>(
      url,
      'mutation { runReconciliation(plant: "P100", scope: FULL) { id } }',
    );
    await waitFor(
      async () =>
        (
          await gqlOk<{ reconciliationRun: { status: string } }>(
            url,
            'query R($id: ID!) { reconciliationRun(id: $id) { status } }',
            {
              id: run.runReconciliation.id,
            },
          )
        ).reconciliationRun.status === 'SUCCEEDED',
      { what: 'the reconciliation run' },
    );
    // Give Prometheus a few scrapes of all this.
    await waitFor(async () => (await prometheus.query('plantgate_stalled_items')).length > 0, {
      timeoutMs: 30_000,
      what: 'a stalled item scraped',
    });
  }

  const concrete = (expr: string) => expr.replaceAll('$plant', '.*').replaceAll('$__rate_interval', '1m');

  it.each(
    DASHBOARDS.flatMap((d) =>
      d.panels.flatMap((p) => p.queries.map((q) => [`${d.uid} / ${p.title} / ${q.legend}`, q.expr] as const)),
    ),
  )(
    'panel query returns data: %s',
    async (_name, expr) => {
      const result = await waitFor(
        async () => {
          const rows = await prometheus.query(concrete(expr));
          return rows.length > 0 ? rows : undefined;
        },
        { timeoutMs: 20_000, what: `data for ${expr}` },
      );
      expect(result.length).toBeGreaterThan(0);
    },
    30_000,
  );

  it('fires the stalled alert for the order MES never acknowledged', async () => {
    const alert = await waitFor(
      async () =>
        (await prometheus.alerts()).find(
          (a) => a.labels.alertname === 'PlantgateStalled' && a.labels.plant === 'PSTALL' && a.state === 'firing',
        ),
      {
        timeoutMs: 30_000,
        what: 'PlantgateStalled firing',
      },
    );
    expect(alert.labels).toMatchObject({ kind: 'order', state: 'RELEASED', severity: 'warning' });
    const stalled = await gql<{
      stalledTransactions: { orders: { orderNumber: string; state: string; thresholdSeconds: number }[] };
    }>(url, '{ stalledTransactions(plant: "PSTALL") { orders { orderNumber state thresholdSeconds } } }');
    expect(stalled.data!.stalledTransactions.orders).toEqual([
      { orderNumber: 'PO-STALL', state: 'RELEASED', thresholdSeconds: 1 },
    ]);
  });

  it('exports metrics that promtool check metrics finds nothing wrong with', async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    const complaints = (result.stdout + result.stderr).split('\n').filter((line) => line.trim());
    expect(complaints.filter((line) => line.includes('plantgate_'))).toEqual([]);
    // prom-client's own defaults draw these three; nothing else may appear.
    expect(complaints.every((line) => /^nodejs_active_(handles|requests|resources)_total /.test(line))).toBe(true);
  });
});
