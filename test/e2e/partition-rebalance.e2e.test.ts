import { afterEach, describe, expect, it } from 'vitest';
import { Connection } from 'rabbitmq-client';
import type { Runtime } from '../../app/runtime';
import type { Topology } from '../../messaging/topology';
import { topologyOf } from '../../app/runtime';
import { TEST_AMQP_URL } from '../support/broker';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { orderEventAt, releaseInput } from '../support/order.fixture';
import { seedReferenceData } from '../support/reference.fixture';
import { waitFor } from '../support/wait';
import { spawnPlantgate, waitForStart, type PlantgateProcess } from '../support/process';
import { settled, submit } from '../support/workflow-client';

const PARTITIONS = 6;
const ORDERS = 12;

/** The live workers hold disjoint shares that cover every partition and differ by at most one, and the broker sees
 * exactly one consumer on each partition queue (a share not let go of would show as two, one not taken as none). */
async function spreadOver(probe: Connection, topology: Topology, live: Runtime[]): Promise<number[][]> {
  return waitFor(
    async () => {
      const shares = live.map((w) => w.partitionsHeld());
      const all = shares.flat().sort((a, b) => a - b);
      const sizes = shares.map((s) => s.length);
      if (all.join() !== Array.from({ length: PARTITIONS }, (_, i) => i).join()) return undefined;
      if (Math.max(...sizes) - Math.min(...sizes) > 1) return undefined;
      return (await oneConsumerEach(probe, topology)) ? shares : undefined;
    },
    { what: `${PARTITIONS} partitions spread over ${live.length} workers`, timeoutMs: 15_000 },
  );
}

async function oneConsumerEach(probe: Connection, topology: Topology): Promise<boolean> {
  for (let p = 0; p < PARTITIONS; p++) {
    const { consumerCount } = await probe.queueDeclare({ queue: topology.names.partition(p), passive: true });
    if (consumerCount !== 1) return false;
  }
  return true;
}

describe('partitions shared out over the workers', () => {
  let installation: TestInstallation;
  let probe: Connection | undefined;
  const procs: PlantgateProcess[] = [];
  afterEach(async () => {
    for (const p of procs.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await probe?.close();
    await installation.cleanup();
  });

  it('spreads the partitions evenly over three workers started and stopped in turn, every event applied once and in order', async () => {
    installation = createTestInstallation('rebalance', {
      PARTITIONS: String(PARTITIONS),
      WORKER_HEARTBEAT_MS: '200',
    });
    const topology = topologyOf(installation.config);
    probe = new Connection({ url: TEST_AMQP_URL, noDelay: true });
    const gateway = await installation.start('gateway');
    const url = gateway.url!;
    const a = await installation.start('worker');
    await seedReferenceData(url);
    const orders = Array.from({ length: ORDERS }, (_, i) => `PO-RB-${i}`);

    const evenlySpread = (live: Runtime[]) => spreadOver(probe!, topology, live);

    // Events keep flowing, each order's one after the other, while workers come and go.
    const submitted = new Map<string, string[]>(orders.map((o) => [o, []]));
    let flowing = true;
    const flow = Promise.all(
      orders.map(async (orderNumber) => {
        for (let index = 0; flowing || index < 6; index++) {
          const [mutation, input] = orderEventAt(orderNumber, index);
          submitted.get(orderNumber)!.push((await submit(url, mutation, input)).correlationId);
          await new Promise((resolve) => setTimeout(resolve, 40));
        }
      }),
    );

    await evenlySpread([a]);
    const b = await installation.start('worker');
    await evenlySpread([a, b]);
    const c = await installation.start('worker');
    await evenlySpread([a, b, c]);
    expect([a, b, c].map((w) => w.partitionsHeld().length)).toEqual([2, 2, 2]);
    await a.stop();
    await evenlySpread([b, c]);
    await b.stop();
    await evenlySpread([c]);
    expect(c.partitionsHeld()).toEqual([0, 1, 2, 3, 4, 5]);
    flowing = false;
    await flow;

    for (const orderNumber of orders) {
      const ids = submitted.get(orderNumber)!;
      const applied = await waitFor(
        async () => {
          const list = await c.store.listTransactionsByOrder('P100', orderNumber);
          return list.length === ids.length && list.every((t) => t.status === 'APPLIED') ? list : undefined;
        },
        { what: `all ${ids.length} events of ${orderNumber} applied`, timeoutMs: 30_000 },
      );
      const versionOf = new Map(applied.map((t) => [t.envelope.correlationId, t.appliedVersion]));
      // Applied once each, in the order they were submitted.
      expect(ids.map((id) => versionOf.get(id))).toEqual(ids.map((_, i) => i + 1));
      const audit = await c.store.listAudit(`order:P100:${orderNumber}`);
      expect(audit).toHaveLength(ids.length);
    }
    expect((await c.store.listExceptions({}, { first: 10 })).totalCount).toBe(0);
  }, 120_000);

  it("takes over a killed worker's partitions within seconds", async () => {
    installation = createTestInstallation('takeover', {
      PARTITIONS: String(PARTITIONS),
      WORKER_HEARTBEAT_MS: '300',
    });
    const topology = topologyOf(installation.config);
    probe = new Connection({ url: TEST_AMQP_URL, noDelay: true });
    const gateway = await installation.start('gateway');
    const survivor = await installation.start('worker');
    await seedReferenceData(gateway.url!);
    const other = spawnPlantgate('worker', installation.env);
    procs.push(other);
    await waitForStart(other);
    // Half the partitions each: the survivor holds three, the other process the rest.
    await waitFor(
      async () =>
        survivor.partitionsHeld().length === PARTITIONS / 2 && (await oneConsumerEach(probe!, topology))
          ? true
          : undefined,
      { what: 'the two workers to share the partitions' },
    );

    other.child.kill('SIGKILL');
    expect(await other.exited).toBe('SIGKILL');
    const killedAt = Date.now();
    await spreadOver(probe, topology, [survivor]);
    // Three missed beats of 300 ms, plus the hand-over: well within seconds.
    expect(Date.now() - killedAt).toBeLessThan(10_000);

    // Every order, whichever partition it hashes to, is applied again.
    const releases = Array.from({ length: ORDERS }, (_, i) => releaseInput({ orderNumber: `PO-TK-${i}` }));
    for (const release of releases) {
      const { correlationId } = await submit(gateway.url!, 'releaseProductionOrder', release);
      expect((await settled(gateway.url!, correlationId)).status).toBe('APPLIED');
    }
  }, 60_000);
});
