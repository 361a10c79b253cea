import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../app/runtime';
import type { ErpSimulator } from '../../simulators/erp.simulator';
import { queueDepth } from '../support/broker';
import { completion, inspection } from '../support/event.fixture';
import { gql, gqlOk } from '../support/graphql-client';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { acknowledgeInput, releaseInput } from '../support/order.fixture';
import { spawnEntry } from '../support/process';
import { seedReferenceData } from '../support/reference.fixture';
import { waitFor } from '../support/wait';
import { executedOrder, settled, submit, submitAndSettle, TOOK_EFFECT } from '../support/workflow-client';

const ORDER = `query($o: String!) { productionOrder(orderNumber: $o, plant: "P100") { state waitingFor inspectionRequests { inspectionId status } exceptions { rule reason } } }`;
type OrderView = {
  state: string;
  waitingFor: string | null;
  inspectionRequests: { inspectionId: string; status: string }[];
  exceptions: { rule: string; reason: string }[];
};

/** The defects a newcomer's first hour turned up, each checked through HTTP against the real broker and store. */
describe("a newcomer's defects", () => {
  let installation: TestInstallation;
  let runtime: Runtime;
  let erp: ErpSimulator;
  let url: string;
  const order = async (o: string) => (await gqlOk<{ productionOrder: OrderView }>(url, ORDER, { o })).productionOrder;

  beforeAll(async () => {
    installation = createTestInstallation('newcomer', {
      SIMULATORS: 'embedded',
      OUTBOUND_RETRY_DELAYS_MS: '100,200',
      OUTBOUND_RETRY_BUDGET: '200',
      READ_TIMEOUT_MS: '300',
    });
    runtime = await installation.start('all');
    url = runtime.url!;
    erp = runtime.referenceSystems!.erp!;
    await seedReferenceData(url);
    await waitFor(() => erp.lots.has('P100|L-RM7-OK'), { what: 'master data in ERP' });
  });
  afterAll(() => installation.cleanup());

  it('matches a final result to the inspection QMS was asked for, and says what the order waits for', async () => {
    await executedOrder(url, { orderNumber: 'PO-INSP' });
    await submitAndSettle(
      url,
      'reportProductionCompletion',
      completion({ orderNumber: 'PO-INSP', lot: 'FG-INSP' }),
      TOOK_EFFECT,
    );
    expect(await order('PO-INSP')).toMatchObject({
      state: 'QUALITY_PENDING',
      waitingFor: "QMS's decision on inspection FINAL-FG-INSP",
      inspectionRequests: [{ inspectionId: 'FINAL-FG-INSP', status: 'REQUESTED' }],
    });
    // QMS was asked under that ID: its own record carries it.
    await waitFor(
      () => [...runtime.referenceSystems!.qms!.inspections.values()].some((i) => i.inspectionId === 'FINAL-FG-INSP'),
      { what: 'QMS asked for FINAL-FG-INSP' },
    );

    const stray = await submitAndSettle(
      url,
      'recordInspectionResult',
      inspection({ orderNumber: 'PO-INSP', lot: 'FG-INSP', inspectionId: 'INS-SOMETHING-ELSE' }),
    );
    expect(stray).toMatchObject({
      status: 'QUARANTINED',
      exception: { type: 'VALIDATION', rule: 'inspection.requested' },
    });
    expect(stray.exception!.reason).toContain('QMS was asked for FINAL-FG-INSP (REQUESTED) on lot FG-INSP');
    expect((await order('PO-INSP')).state).toBe('QUALITY_PENDING');

    // Quality releases the lot while ERP is down: the state stays QUALITY_PENDING, the wording says what changed.
    erp.setFaults({ outageMs: 60_000 });
    try {
      await submitAndSettle(
        url,
        'recordInspectionResult',
        inspection({ orderNumber: 'PO-INSP', lot: 'FG-INSP' }),
        TOOK_EFFECT,
      );
      expect(await order('PO-INSP')).toMatchObject({
        state: 'QUALITY_PENDING',
        waitingFor: "ERP's goods receipt of lot FG-INSP as UNRESTRICTED: quality released it",
        inspectionRequests: [{ inspectionId: 'FINAL-FG-INSP', status: 'DECIDED' }],
      });
    } finally {
      erp.setFaults({ outageMs: 0 });
    }
    await waitFor(async () => (await order('PO-INSP')).state === 'FINANCIALLY_POSTED', { what: 'PO-INSP settled' });
    expect((await order('PO-INSP')).waitingFor).toBeNull();
  });

  it('clears the reason a transaction was held once it is applied', async () => {
    const release = releaseInput({ orderNumber: 'PO-HELD' });
    const ack = await submit(url, 'acknowledgeProductionOrder', acknowledgeInput(release));
    expect((await settled(url, ack.correlationId, ['HELD'])).lastError).toMatch(/has not been released yet/);
    await submitAndSettle(url, 'releaseProductionOrder', release, TOOK_EFFECT);
    expect(await settled(url, ack.correlationId)).toMatchObject({ status: 'APPLIED', lastError: null });
  });

  it('never reports a finished order or a decided transaction as stalled, whatever cut-off is asked', async () => {
    // A held acknowledgement of an order never released: stalled at a cut-off of 0 s, unlike everything settled.
    const held = await submit(
      url,
      'acknowledgeProductionOrder',
      acknowledgeInput(releaseInput({ orderNumber: 'PO-NEVER' })),
    );
    await settled(url, held.correlationId, ['HELD']);
    const answer = await gqlOk<{
      stalledTransactions: { orders: { state: string }[]; transactions: { state: string; correlationId: string }[] };
    }>(url, '{ stalledTransactions(olderThanSeconds: 0) { orders { state } transactions { state correlationId } } }');
    expect(answer.stalledTransactions.orders.map((o) => o.state)).not.toContain('FINANCIALLY_POSTED');
    expect(new Set(answer.stalledTransactions.transactions.map((t) => t.state))).toEqual(new Set(['HELD']));
    expect(answer.stalledTransactions.transactions.map((t) => t.correlationId)).toContain(held.correlationId);
  });

  it("answers ERP's view as null without an error when ERP does not know the order, and with one naming ERP when it is down", async () => {
    await submitAndSettle(url, 'releaseProductionOrder', releaseInput({ orderNumber: 'PO-ERP-UNKNOWN' }), TOOK_EFFECT);
    const query = '{ productionOrder(orderNumber: "PO-ERP-UNKNOWN", plant: "P100") { orderNumber erp { status } } }';
    const unknown = await gql<{ productionOrder: { erp: unknown } }>(url, query);
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data?.productionOrder.erp).toBeNull();
    erp.setFaults({ outageMs: 10_000 });
    try {
      const down = await gql<{ productionOrder: { erp: unknown } }>(url, query);
      expect(down.data?.productionOrder.erp).toBeNull();
      expect(down.errors?.[0]?.extensions).toMatchObject({ code: 'DOWNSTREAM_UNAVAILABLE', source: 'erp' });
    } finally {
      erp.setFaults({ outageMs: 0 });
    }
  });

  it("deletes an installation's topology with npm run topology -- delete, refusing while it is in use", async () => {
    const own = createTestInstallation('topology-cli');
    try {
      const worker = await own.start('worker');
      const queue = worker.topology.names.partition(0);
      const runCli = async () => {
        const cli = spawnEntry('app/topology.cli.ts', ['delete'], own.env);
        return { code: await cli.exited, ...cli.output() };
      };
      const refused = await runCli();
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/in use or hold messages/);
      expect(await queueDepth(queue)).toBe(0);
      await worker.stop();
      const deleted = await runCli();
      expect(deleted.code).toBe(0);
      expect(deleted.stdout).toMatch(
        new RegExp(
          `Deleted ${worker.topology.allQueues().length} queues \\(and the exchanges\\) of ${own.config.TOPOLOGY_PREFIX.replaceAll('.', '\\.')}`,
        ),
      );
      await expect(queueDepth(queue)).rejects.toThrow();
      // Again: nothing is left, and it says so rather than counting what it was asked to delete.
      expect((await runCli()).stdout).toMatch(/Deleted 0 queues .*: there were none/);
    } finally {
      await own.cleanup().catch(() => undefined);
    }
  });
});
