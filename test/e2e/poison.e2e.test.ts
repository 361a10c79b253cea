import { describe, expect, it } from 'vitest';
import { queueDepth } from '../support/broker';
import { createTestInstallation } from '../support/harness';
import { releaseInput } from '../support/order.fixture';
import { spawnEntry, waitForStart } from '../support/process';
import { seedReferenceData } from '../support/reference.fixture';
import { waitFor } from '../support/wait';
import { submit } from '../support/workflow-client';

const LIMIT = 2;

/**
 * A message that kills the worker's process every time it is processed is isolated after a bounded number of
 * deliveries, instead of crash-looping every worker that takes its partition; the orders behind it go on.
 */
describe.concurrent('a poison message', () => {
  it.each(['quorum', 'classic'] as const)(
    'is isolated into an exception after %s-queue redeliveries, and the partition goes on',
    async (queueType) => {
      const installation = createTestInstallation(`poison-${queueType}`, {
        QUEUE_TYPE: queueType,
        PARTITIONS: '1',
        POISON_DELIVERY_LIMIT: String(LIMIT),
      });
      try {
        const gateway = await installation.start('gateway');
        const seeder = await installation.start('worker');
        await seedReferenceData(gateway.url!);
        await seeder.stop();
        // One partition: the good orders wait behind the poison until it is out of the way.
        const poison = await submit(gateway.url!, 'releaseProductionOrder', releaseInput({ orderNumber: 'PO-POISON' }));
        const good = await Promise.all(
          [1, 2, 3].map((i) =>
            submit(gateway.url!, 'releaseProductionOrder', releaseInput({ orderNumber: `PO-GOOD-${i}` })),
          ),
        );

        let crashes = 0;
        for (;;) {
          const worker = spawnEntry('test/support/poisoned-worker.main.ts', [], {
            ...installation.env,
            POISON_ORDER: 'PO-POISON',
          });
          await waitForStart(worker, 30_000);
          const isolated = waitFor(
            async () => (await gateway.store.getTransaction(poison.correlationId))?.status === 'FAILED',
            { timeoutMs: 30_000 },
          );
          const ended = await Promise.race([worker.exited, isolated.then(() => 'isolated' as const)]);
          if (ended === 'isolated') {
            for (const { correlationId } of good)
              await waitFor(async () => (await gateway.store.getTransaction(correlationId))?.status === 'APPLIED');
            worker.child.kill('SIGTERM');
            expect(await worker.exited).toBe(0);
            break;
          }
          expect(ended).toBe('SIGKILL');
          crashes += 1;
          expect(crashes, 'crash-looping').toBeLessThanOrEqual(LIMIT + 1);
        }

        // The first delivery and LIMIT redeliveries killed a worker; the next start isolated it.
        expect(crashes).toBe(LIMIT + 1);
        const failed = (await gateway.store.getTransaction(poison.correlationId))!;
        const exception = await gateway.store.getException(failed.exceptionId!);
        expect(exception).toMatchObject({
          type: 'PROCESSING',
          rule: 'processing.poison',
          status: 'OPEN',
          orderNumber: 'PO-POISON',
        });
        expect(exception!.reason).toMatch(/worker died or was stopped while processing it/);
        expect(await queueDepth(gateway.topology.names.deadLetter)).toBe(1);
        expect(await gateway.store.getOrder('P100', 'PO-POISON')).toBeNull();
      } finally {
        await installation.cleanup();
      }
    },
  );
});
