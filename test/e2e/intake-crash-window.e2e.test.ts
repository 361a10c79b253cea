import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../app/runtime';
import { submitMutationDocument } from '../../resolvers/submit-mutation';
import { queueDepth } from '../support/broker';
import { gql } from '../support/graphql-client';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { releaseInput } from '../support/order.fixture';
import { spawnEntry, waitForStart, type PlantgateProcess } from '../support/process';
import { seedReferenceData } from '../support/reference.fixture';
import { waitFor } from '../support/wait';
import { submit } from '../support/workflow-client';

/** Sweepers off: only the runtime a test starts for the purpose publishes stranded submissions. */
const NO_SWEEP = { INTAKE_SWEEP_MS: '0' };
const SWEEP_SOON = { INTAKE_SWEEP_MS: '100', INTAKE_GRACE_MS: '200' };

/**
 * A gateway killed between recording a submission and the broker's confirm: the event it recorded is applied
 * exactly once without the client sending anything again, or, when the client does resend, the DUPLICATE answer
 * publishes the original before it is given. The crash comes from a hook of the test build at that exact instant.
 */
describe('the intake crash window', () => {
  let installation: TestInstallation;
  let crashing: PlantgateProcess | null = null;
  afterEach(async () => {
    crashing?.child.kill('SIGKILL');
    await installation.cleanup();
  });

  /** A gateway for queries and seeding (sweeper off), reference data applied, and no worker left running. */
  async function installationWithoutWorker(label: string): Promise<Runtime> {
    installation = createTestInstallation(label);
    const gateway = await installation.start('gateway', { env: NO_SWEEP });
    const seeder = await installation.start('worker', { env: NO_SWEEP });
    await seedReferenceData(gateway.url!);
    await seeder.stop();
    return gateway;
  }

  async function submitToCrashingGateway(crashAt: 'after-record' | 'after-confirm', orderNumber: string) {
    crashing = spawnEntry('test/support/crashing-gateway.main.ts', [], {
      ...installation.env,
      ...NO_SWEEP,
      CRASH_AT: crashAt,
      CRASH_ORDER: orderNumber,
    });
    await waitForStart(crashing, 30_000);
    const url = /started: (http:\S+)/.exec(crashing.output().stdout)![1]!;
    // The integrator never gets an answer: the connection dies with the process.
    await expect(submit(url, 'releaseProductionOrder', releaseInput({ orderNumber }))).rejects.toThrow();
    expect(await crashing.exited).toBe('SIGKILL');
  }

  /** Messages waiting in all partition queues of the installation. */
  async function partitionDepth(gateway: Runtime): Promise<number> {
    let total = 0;
    for (let i = 0; i < gateway.topology.partitions; i++)
      total += await queueDepth(gateway.topology.names.partition(i));
    return total;
  }

  function submissionOf(orderNumber: string) {
    const db = new Database(installation.env.SQLITE_FILE!, { readonly: true });
    try {
      return db
        .prepare(
          "SELECT s.correlation_id AS correlationId, s.published, t.status FROM submissions s JOIN transactions t USING (correlation_id) WHERE t.order_number = ? AND t.message_type = 'ReleaseProductionOrder'",
        )
        .all(orderNumber) as { correlationId: string; published: number; status: string }[];
    } finally {
      db.close();
    }
  }

  async function appliedExactlyOnce(gateway: Runtime, orderNumber: string, plant = 'P100') {
    const order = await waitFor(
      async () => {
        const o = await gateway.store.getOrder(plant, orderNumber);
        return o?.state === 'RELEASED' ? o : undefined;
      },
      { what: `${orderNumber} released` },
    );
    expect(order.timeline.map((t) => t.state)).toEqual(['RELEASED']);
    const transactions = await gateway.store.listTransactionsByOrder(plant, orderNumber);
    expect(transactions.map((t) => t.status)).toEqual(['APPLIED']);
    const audit = await gateway.store.listAudit(`order:${plant}:${orderNumber}`);
    expect(audit.filter((a) => a.action === 'order.released')).toHaveLength(1);
    expect(
      (await gateway.store.listOutbox({ correlationId: transactions[0]!.envelope.correlationId })).map(
        (o) => o.messageType,
      ),
    ).toEqual(['OrderReleased']);
    return transactions[0]!;
  }

  it('publishes a submission whose gateway died before the broker confirmed it, with no resend, and applies it once', async () => {
    const gateway = await installationWithoutWorker('crash-record');
    await submitToCrashingGateway('after-record', 'PO-CRASH-1');

    // Recorded, never published: without the sweeper this event would be lost although a resend would be DUPLICATE.
    const [stranded] = submissionOf('PO-CRASH-1');
    expect(stranded).toMatchObject({ published: 0, status: 'RECEIVED' });
    expect(await partitionDepth(gateway)).toBe(0);

    const worker = await installation.start('worker', { env: { ...SWEEP_SOON, WORKER_METRICS_PORT: '0' } });
    const applied = await appliedExactlyOnce(gateway, 'PO-CRASH-1');
    expect(applied.envelope.correlationId).toBe(stranded!.correlationId);
    expect(submissionOf('PO-CRASH-1')[0]!.published).toBe(1);
    const metrics = await (await fetch(`${worker.url}/metrics`)).text();
    expect(metrics).toMatch(/plantgate_gateway_stranded_submissions_published_total\{trigger="sweep"\} 1\n/);
  });

  it('applies once a submission whose gateway died after the confirm but before marking it published', async () => {
    const gateway = await installationWithoutWorker('crash-confirm');
    await submitToCrashingGateway('after-confirm', 'PO-CRASH-2');
    expect(submissionOf('PO-CRASH-2')[0]).toMatchObject({ published: 0, status: 'RECEIVED' });
    expect(await partitionDepth(gateway)).toBe(1);

    // The sweeper may publish it a second time before the worker took the first in: the worker applies it once.
    await installation.start('worker', { env: SWEEP_SOON });
    await appliedExactlyOnce(gateway, 'PO-CRASH-2');
    await waitFor(() => submissionOf('PO-CRASH-2')[0]!.published === 1, { what: 'the submission marked published' });
  });

  it('publishes the never-confirmed original before answering DUPLICATE to a resend', async () => {
    const gateway = await installationWithoutWorker('crash-resend');
    await submitToCrashingGateway('after-record', 'PO-CRASH-3');
    const original = submissionOf('PO-CRASH-3')[0]!;

    // The integrator resends with a new messageId through another gateway, whose sweeper is off.
    const resend = await gql<{ releaseProductionOrder: { correlationId: string; status: string } }>(
      gateway.url!,
      submitMutationDocument('releaseProductionOrder'),
      {
        input: { ...releaseInput({ orderNumber: 'PO-CRASH-3' }), messageId: 'erp-resend-1' },
      },
    );
    expect(resend.data?.releaseProductionOrder).toEqual({ correlationId: original.correlationId, status: 'DUPLICATE' });
    // Published before the answer: the message is already in its partition, with no worker and no sweeper running.
    expect(await partitionDepth(gateway)).toBe(1);

    await installation.start('worker', { env: NO_SWEEP });
    const applied = await appliedExactlyOnce(gateway, 'PO-CRASH-3');
    expect(applied.envelope.correlationId).toBe(original.correlationId);
  });
});
