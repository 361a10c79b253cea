import { afterEach, describe, expect, it } from 'vitest';
import type { TransactionRecord } from '../../core/ports/transaction.record';
import { ACKNOWLEDGE, gqlOk, RELEASE } from '../support/graphql-client';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { acknowledgeInput, releaseInput } from '../support/order.fixture';
import { referenceData, seedReferenceData } from '../support/reference.fixture';
import { waitFor } from '../support/wait';

type Submit = Record<string, { correlationId: string; status: string }>;

describe('ordering with several worker instances', () => {
  let installation: TestInstallation;
  afterEach(() => installation.cleanup());

  it("applies each order's messages in the order they were submitted while two workers share the partitions", async () => {
    installation = createTestInstallation('ordering', { PARTITIONS: '4' });
    const gateway = await installation.start('gateway');
    const workerA = await installation.start('worker');
    const workerB = await installation.start('worker');
    const url = gateway.url!;
    await seedReferenceData(url, referenceData(['P1', 'P2']));
    const orders = Array.from({ length: 40 }, (_, i) =>
      releaseInput({ orderNumber: `PO-ORD-${i}`, plant: i % 2 ? 'P1' : 'P2' }),
    );

    // Each order's release and acknowledgement are submitted back to back, orders interleaved.
    const submitted = await Promise.all(
      orders.map(async (release, i) => {
        const r = (await gqlOk<Submit>(url, RELEASE, { input: release })).releaseProductionOrder!;
        // Half way through, the active worker goes away: the other takes over its partitions.
        if (i === 20) await workerA.stop();
        const a = (await gqlOk<Submit>(url, ACKNOWLEDGE, { input: acknowledgeInput(release) }))
          .acknowledgeProductionOrder!;
        return { release, r, a };
      }),
    );

    const store = workerB.store;
    for (const { release, r, a } of submitted) {
      const txs = await waitFor(
        async () => {
          const list = await store.listTransactionsByOrder(release.plant, release.orderNumber);
          return list.length === 2 && list.every((t) => t.status === 'APPLIED') ? list : undefined;
        },
        { what: `both messages of ${release.orderNumber} applied` },
      );
      const byId = new Map<string, TransactionRecord>(txs.map((t) => [t.envelope.correlationId, t]));
      expect(byId.get(r.correlationId)?.appliedVersion).toBe(1);
      expect(byId.get(a.correlationId)?.appliedVersion).toBe(2);
      const order = await store.getOrder(release.plant, release.orderNumber);
      expect(order?.state).toBe('ACKNOWLEDGED');
      expect(order?.timeline.map((t) => t.state)).toEqual(['RELEASED', 'ACKNOWLEDGED']);
      // In order by delivery, not by repair: had an acknowledgement overtaken its release, it would have been held
      // and drained afterwards, with the same final versions. Nothing may have been held.
      const audit = await store.listAudit(`order:${release.plant}:${release.orderNumber}`);
      expect(audit.map((a) => a.action)).toEqual(['order.released', 'order.acknowledged']);
    }
    expect((await store.listExceptions({}, { first: 10 })).totalCount).toBe(0);
  });
});
