import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../app/runtime';
import { systemPrincipal } from '../../core/auth/principal';
import { createEnvelope, SCHEMA_VERSION, type Envelope } from '../../core/intake/envelope';
import { createCommandPublisher } from '../../messaging/command.publisher';
import { connectBroker } from '../../messaging/broker.connection';
import { partitionOf } from '../../messaging/partition';
import { createLogger } from '../../app/logger';
import { queueDepth } from '../support/broker';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { releaseInput } from '../support/order.fixture';
import { seedReferenceData } from '../support/reference.fixture';
import { waitFor } from '../support/wait';

const NEWER = SCHEMA_VERSION + 1;

/** The first order number of the fixture's shape that hashes to the partition. */
function orderOn(partition: number, partitions: number, prefix: string): string {
  for (let i = 0; ; i++) if (partitionOf('P100', `${prefix}-${i}`, partitions) === partition) return `${prefix}-${i}`;
}

/**
 * A rolling upgrade: an older worker (reads SCHEMA_VERSION) and a newer one (a test build reading one schema ahead)
 * on the same partitions. A message of the newer schema is left by the older worker for the newer one: not applied,
 * not dead-lettered, not overtaken by its partition's later messages.
 */
describe('workers of two versions on the same partitions', () => {
  let installation: TestInstallation;
  let gateway: Runtime;
  let older: Runtime;
  const sent: Envelope[] = [];
  let publish: (envelope: Envelope) => Promise<void>;
  let closeBroker: () => Promise<void>;

  beforeAll(async () => {
    installation = createTestInstallation('mixed-versions', { PARTITIONS: '2', WORKER_HEARTBEAT_MS: '300' });
    gateway = await installation.start('gateway');
    older = await installation.start('worker');
    await seedReferenceData(gateway.url!);
    const connection = await connectBroker({
      url: installation.config.AMQP_URL,
      connectTimeoutMs: 10_000,
      connectionName: 'mixed-versions test',
      logger: createLogger('silent'),
    });
    const publisher = createCommandPublisher(connection, gateway.topology);
    publish = (envelope) => publisher.publish(envelope);
    closeBroker = async () => {
      await publisher.close();
      await connection.close();
    };
  });
  afterAll(async () => {
    await closeBroker?.();
    await installation.cleanup();
  });

  /** A release as a gateway of the given schema version would publish it. */
  async function release(orderNumber: string, schemaVersion: number): Promise<string> {
    const command = { messageType: 'ReleaseProductionOrder', payload: releaseInput({ orderNumber }) } as const;
    const envelope = {
      ...createEnvelope(
        command as never,
        { principal: systemPrincipal('test:gateway', 'a gateway') },
        new Date().toISOString(),
        1000,
      ),
      schemaVersion,
    };
    sent.push(envelope);
    await publish(envelope);
    return envelope.correlationId;
  }
  const statusOf = async (id: string) => (await older.store.getTransaction(id))?.status ?? null;

  it('leaves a newer message, and the ones behind it, for a worker that reads it; never dead-letters it', async () => {
    const aside = older.partitionsHeld()[0]!;
    expect(older.partitionsHeld()).toEqual([0, 1]);
    const other = 1 - aside;
    const newer = await release(orderOn(aside, 2, 'PO-NEW'), NEWER);
    const behind = await release(orderOn(aside, 2, 'PO-BEHIND'), SCHEMA_VERSION);
    const elsewhere = await release(orderOn(other, 2, 'PO-OTHER'), SCHEMA_VERSION);

    // The older worker steps aside from that partition and keeps working the other.
    await waitFor(() => older.partitionsHeld().join() === String(other), { what: 'the older worker to step aside' });
    await waitFor(async () => (await statusOf(elsewhere)) === 'APPLIED', { what: 'the other partition applied' });
    const partitionQueue = gateway.topology.names.partition(aside);
    await waitFor(async () => (await queueDepth(partitionQueue)) === 2, { what: 'both messages back in their queue' });
    expect(await statusOf(newer)).toBeNull();
    expect(await statusOf(behind)).toBeNull();
    expect(await queueDepth(gateway.topology.names.deadLetter)).toBe(0);

    // A worker of the newer release joins: it takes the partition and applies both, in order.
    const newerWorker = await installation.start('worker', { readsSchema: NEWER });
    await waitFor(async () => (await statusOf(behind)) === 'APPLIED', { what: 'the newer worker to apply them' });
    expect(await statusOf(newer)).toBe('APPLIED');
    expect(newerWorker.partitionsHeld()).toContain(aside);
    expect(older.partitionsHeld()).not.toContain(aside);
    const [first, second] = await Promise.all([newer, behind].map((id) => older.store.getTransaction(id)));
    expect(Date.parse(first!.updatedAt)).toBeLessThanOrEqual(Date.parse(second!.updatedAt));
    expect(await queueDepth(gateway.topology.names.deadLetter)).toBe(0);
    expect(sent).toHaveLength(3);
  });
});
