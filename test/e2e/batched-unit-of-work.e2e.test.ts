import { afterEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../app/runtime';
import { DomainError } from '../../core/errors';
import type { Store } from '../../core/ports/store.port';
import type { CommandProcessor } from '../../core/workflow/command.processor';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { orderEventAt, releaseInput } from '../support/order.fixture';
import { seedReferenceData } from '../support/reference.fixture';
import { spawnEntry, type PlantgateProcess } from '../support/process';
import { waitFor } from '../support/wait';
import { submit } from '../support/workflow-client';

const FINAL = ['APPLIED', 'POSTED', 'DUPLICATE', 'QUARANTINED', 'FAILED'];

/** One partition, so that every message goes through the same consumer and its batches. */
async function queuedInstallation(label: string, env: Record<string, string>) {
  const installation = createTestInstallation(label, { PARTITIONS: '1', ...env });
  const gateway = await installation.start('gateway');
  const seeder = await installation.start('worker');
  await seedReferenceData(gateway.url!);
  await seeder.stop();
  return { installation, gateway, url: gateway.url! };
}

/** Submits releases while no worker runs: they wait in the partition queue, to be delivered together. */
async function queueReleases(url: string, prefix: string, count: number) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push(
      (await submit(url, 'releaseProductionOrder', releaseInput({ orderNumber: `${prefix}-${i}` }))).correlationId,
    );
  }
  return ids;
}

async function allFinal(store: Store, ids: string[]) {
  return waitFor(
    async () => {
      const txs = await Promise.all(ids.map((id) => store.getTransaction(id)));
      return txs.every((t) => t && FINAL.includes(t.status)) ? txs.map((t) => t!) : undefined;
    },
    { what: `all ${ids.length} messages to have an outcome`, timeoutMs: 30_000 },
  );
}

/** Records which store (the store, or one batch's view of it) processed each message. */
function recordingBatches(failOrder?: string) {
  const storeOf = new Map<string, Store>();
  const decorate = (inner: CommandProcessor, store: Store): CommandProcessor => ({
    ...inner,
    async process(message) {
      storeOf.set(message.envelope.correlationId, store);
      if (message.envelope.scope.orderNumber === failOrder)
        throw new DomainError('INTERNAL', 'injected failure of one message', { retryable: false });
      return inner.process(message);
    },
  });
  return { storeOf, decorate };
}

describe('a batched unit of work', () => {
  let installation: TestInstallation;
  const procs: PlantgateProcess[] = [];
  afterEach(async () => {
    for (const p of procs.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await installation.cleanup();
  });

  it('gives a message that fails its own outcome and commits the others of its batch', async () => {
    const setup = await queuedInstallation('batch-fail', { WORKER_BATCH_SIZE: '50', WORKER_PREFETCH: '100' });
    installation = setup.installation;
    const ids = await queueReleases(setup.url, 'PO-BF', 30);
    const { storeOf, decorate } = recordingBatches('PO-BF-15');
    const worker: Runtime = await installation.start('worker', { decorateProcessor: decorate });
    const txs = await allFinal(worker.store, ids);

    const failed = txs.find((t) => t.envelope.scope.orderNumber === 'PO-BF-15')!;
    expect(failed.status).toBe('FAILED');
    expect((await worker.store.getException(failed.exceptionId!))?.rule).toBe('processing.retry-budget');
    // It was decided inside a batch with others, and those were committed all the same.
    const mates = ids.filter(
      (id) => id !== failed.envelope.correlationId && storeOf.get(id) === storeOf.get(failed.envelope.correlationId),
    );
    expect(storeOf.get(failed.envelope.correlationId)).not.toBe(worker.store);
    expect(mates.length).toBeGreaterThanOrEqual(10);
    for (const t of txs.filter((t) => t !== failed)) expect(t.status).toBe('APPLIED');
    expect((await worker.store.listOrders({ plant: 'P100' }, { first: 1 })).totalCount).toBe(29);
  });

  it('loses nothing and applies nothing twice when the worker dies in the middle of a batch', async () => {
    const setup = await queuedInstallation('batch-crash', { WORKER_BATCH_SIZE: '50', WORKER_PREFETCH: '100' });
    installation = setup.installation;
    const ids = await queueReleases(setup.url, 'PO-BC', 40);
    const crashing = spawnEntry('test/support/crashing-batch-worker.main.ts', [], {
      ...installation.env,
      CRASH_AFTER: '8',
    });
    procs.push(crashing);
    expect(await crashing.exited).toBe('SIGKILL');
    const uncommitted = JSON.parse(/UNCOMMITTED (\[.*\])/.exec(crashing.output().stdout)![1]!) as string[];
    expect(uncommitted).toHaveLength(8);
    // Decided, written in the batch's transaction, never committed: not a trace of them is in the store.
    const store = setup.gateway.store;
    for (const id of uncommitted) {
      expect((await store.getTransaction(id))?.status).toBe('RECEIVED');
      const orderNumber = (await store.getTransaction(id))!.envelope.scope.orderNumber;
      expect(await store.getOrder('P100', orderNumber)).toBeNull();
    }

    await installation.start('worker');
    const txs = await allFinal(store, ids);
    expect(txs.map((t) => t.status)).toEqual(ids.map(() => 'APPLIED'));
    for (let i = 0; i < 40; i++) {
      const audit = await store.listAudit(`order:P100:PO-BC-${i}`);
      expect(audit.map((a) => a.action)).toEqual(['order.released']);
      expect(txs[i]!.appliedVersion).toBe(1);
    }
    // One release message to MES per order: none was relayed from the batch that died, none twice after it.
    const toMes = (await store.listOutbox({})).filter((o) => o.destination === 'mes');
    expect(toMes).toHaveLength(40);
  });

  it("keeps each order's messages in order across batches", async () => {
    const setup = await queuedInstallation('batch-order', { WORKER_BATCH_SIZE: '4', WORKER_PREFETCH: '16' });
    installation = setup.installation;
    const orders = Array.from({ length: 5 }, (_, i) => `PO-BO-${i}`);
    const submitted = new Map<string, string[]>(orders.map((o) => [o, []]));
    // Rounds: each order's next event, orders interleaved, so that every batch mixes orders and every order spans
    // many batches.
    for (let index = 0; index < 9; index++) {
      for (const orderNumber of orders) {
        const [mutation, input] = orderEventAt(orderNumber, index);
        submitted.get(orderNumber)!.push((await submit(setup.url, mutation, input)).correlationId);
      }
    }
    const { storeOf, decorate } = recordingBatches();
    const worker = await installation.start('worker', { decorateProcessor: decorate });
    const all = [...submitted.values()].flat();
    await allFinal(worker.store, all);

    for (const [orderNumber, ids] of submitted) {
      const txs = await Promise.all(ids.map((id) => worker.store.getTransaction(id)));
      expect(txs.map((t) => t!.status)).toEqual(ids.map(() => 'APPLIED'));
      expect(txs.map((t) => t!.appliedVersion)).toEqual(ids.map((_, i) => i + 1));
      // Nothing was held and drained: one audit entry per event.
      expect(await worker.store.listAudit(`order:P100:${orderNumber}`)).toHaveLength(ids.length);
      // The order's events were spread over several batches.
      expect(new Set(ids.map((id) => storeOf.get(id))).size).toBeGreaterThanOrEqual(3);
    }
    expect((await worker.store.listExceptions({}, { first: 10 })).totalCount).toBe(0);
  });
});
