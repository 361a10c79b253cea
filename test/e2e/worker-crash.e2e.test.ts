import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../store/sqlite/sqlite.store';
import { gqlOk, RELEASE } from '../support/graphql-client';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { releaseInput } from '../support/order.fixture';
import { seedReferenceData } from '../support/reference.fixture';
import { spawnPlantgate, waitForStart, type PlantgateProcess } from '../support/process';
import { waitFor } from '../support/wait';

const TOTAL = 400;

describe('a worker killed with messages in flight', () => {
  let installation: TestInstallation;
  const procs: PlantgateProcess[] = [];
  afterEach(async () => {
    for (const p of procs.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await installation.cleanup();
  });

  it('loses none and applies none twice once it is started again', async () => {
    installation = createTestInstallation('crash', { PARTITIONS: '2', WORKER_PREFETCH: '50' });
    const gateway = await installation.start('gateway');
    const store = gateway.store;
    const seeder = await installation.start('worker');
    await seedReferenceData(gateway.url!);
    await seeder.stop();
    // The backlog is queued before any worker runs, so the kill lands in the middle of it.
    const inputs = Array.from({ length: TOTAL }, (_, i) => releaseInput({ orderNumber: `PO-K-${i}` }));
    for (let i = 0; i < TOTAL; i += 20) {
      await Promise.all(inputs.slice(i, i + 20).map((input) => gqlOk(gateway.url!, RELEASE, { input })));
    }
    const countApplied = async () => (await store.listOrders({ plant: 'P100' }, { first: 1 })).totalCount;

    const first = spawnPlantgate('worker', installation.env);
    procs.push(first);
    await waitForStart(first);
    await waitFor(async () => (await countApplied()) >= 20, {
      intervalMs: 5,
      what: 'the first worker to apply some messages',
    }).catch((error: Error) => {
      throw new Error(`${error.message}; worker said: ${JSON.stringify(first.output()).slice(0, 2000)}`);
    });
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const appliedAtKill = await countApplied();
    expect(appliedAtKill).toBeLessThan(TOTAL);

    const second = spawnPlantgate('worker', installation.env);
    procs.push(second);
    await waitForStart(second);
    await waitFor(async () => (await countApplied()) === TOTAL, {
      timeoutMs: 60_000,
      what: `all ${TOTAL} orders applied`,
    });

    // A graceful stop finishes what it holds and exits 0.
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const check = createSqliteStore({ file: installation.config.SQLITE_FILE });
    try {
      for (const input of inputs) {
        const order = await check.getOrder(input.plant, input.orderNumber);
        expect(order?.version, input.orderNumber).toBe(1);
        const txs = await check.listTransactionsByOrder(input.plant, input.orderNumber);
        expect(txs.map((t) => t.status)).toEqual(['APPLIED']);
        const audit = await check.listAudit(`order:${input.plant}:${input.orderNumber}`);
        expect(audit.map((a) => a.action)).toEqual(['order.released']);
      }
      expect((await check.listOutbox({})).filter((e) => e.messageType === 'OrderReleased')).toHaveLength(TOTAL);
      expect((await check.listExceptions({}, { first: 1 })).totalCount).toBe(0);
    } finally {
      await check.close();
    }
  });
});
