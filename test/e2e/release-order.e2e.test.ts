import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../app/runtime';
import { drainQueues, queueDepth, queuesDepth } from '../support/broker';
import { gql, gqlOk, ORDER, RELEASE, TRANSACTION } from '../support/graphql-client';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { releaseInput } from '../support/order.fixture';
import { seedReferenceData } from '../support/reference.fixture';
import { waitFor } from '../support/wait';

type Submit = { releaseProductionOrder: { correlationId: string; status: string } };
type Tx = {
  transaction: { status: string; appliedVersion: number | null; businessKey: string; messageType: string } | null;
};

describe('releaseProductionOrder through HTTP, RabbitMQ and SQLite', () => {
  let installation: TestInstallation;
  let runtime: Runtime;
  let url: string;

  beforeAll(async () => {
    installation = createTestInstallation('release');
    runtime = await installation.start('all');
    url = runtime.url!;
    await seedReferenceData(url);
  });
  afterAll(() => installation.cleanup());

  it('accepts a release, applies it as RELEASED and answers the order and its transaction', async () => {
    const input = releaseInput({ orderNumber: 'PO-E2E-1' });
    const submitted = await gqlOk<Submit>(url, RELEASE, { input });
    expect(submitted.releaseProductionOrder.status).toBe('ACCEPTED');
    const { correlationId } = submitted.releaseProductionOrder;

    const tx = await waitFor(async () => {
      const { transaction } = await gqlOk<Tx>(url, TRANSACTION, { correlationId });
      return transaction?.status === 'APPLIED' ? transaction : undefined;
    });
    expect(tx).toMatchObject({
      messageType: 'ReleaseProductionOrder',
      businessKey: 'ReleaseProductionOrder|P100|PO-E2E-1',
      appliedVersion: 1,
    });

    const { productionOrder } = await gqlOk<{ productionOrder: Record<string, unknown> }>(url, ORDER, {
      orderNumber: 'PO-E2E-1',
      plant: 'P100',
    });
    expect(productionOrder).toMatchObject({
      state: 'RELEASED',
      version: 1,
      item: 'FG-100',
      routingRevision: 'R3',
      quantity: 50,
      operations: [
        { sequence: 10, workCenter: 'WC-CUT', state: 'PENDING', yieldQuantity: 0, scrapQuantity: 0 },
        { sequence: 20, workCenter: 'WC-ASSY', state: 'PENDING', yieldQuantity: 0, scrapQuantity: 0 },
      ],
      timeline: [{ state: 'RELEASED', correlationId, cause: 'released by ERP' }],
      transactions: [{ correlationId, status: 'APPLIED', messageType: 'ReleaseProductionOrder' }],
      exceptions: [],
    });

    // The release must reach MES: the outbox relay published it to the outbound queue with its identifiers.
    const mesQueues = runtime.topology.outboundQueues('mes');
    await waitFor(async () => (await queuesDepth(mesQueues)) >= 1);
    const [sent] = await drainQueues(mesQueues);
    expect(sent).toMatchObject({
      correlationId,
      type: 'OrderReleased',
      headers: { 'x-idempotency-key': 'mes|release|P100|PO-E2E-1' },
    });
    expect(sent!.body).toMatchObject({ orderNumber: 'PO-E2E-1', plant: 'P100' });
  });

  it('returns DUPLICATE with the original correlationId for a resubmission, and applies nothing twice', async () => {
    const input = { ...releaseInput({ orderNumber: 'PO-E2E-2' }), messageId: 'erp-msg-1' };
    const first = (await gqlOk<Submit>(url, RELEASE, { input })).releaseProductionOrder;
    await waitFor(
      async () =>
        (await gqlOk<Tx>(url, TRANSACTION, { correlationId: first.correlationId })).transaction?.status === 'APPLIED',
    );

    // Same business content, new transport ID: still the same business event.
    const again = (await gqlOk<Submit>(url, RELEASE, { input: { ...input, messageId: 'erp-msg-2' } }))
      .releaseProductionOrder;
    expect(again).toEqual({ correlationId: first.correlationId, status: 'DUPLICATE' });

    const order = (
      await gqlOk<{ productionOrder: { version: number; transactions: unknown[]; timeline: unknown[] } }>(url, ORDER, {
        orderNumber: 'PO-E2E-2',
        plant: 'P100',
      })
    ).productionOrder;
    expect(order.version).toBe(1);
    expect(order.transactions).toHaveLength(1);
    expect(order.timeline).toHaveLength(1);
    const outbox = await runtime.store.listOutbox({});
    expect(outbox.filter((e) => (e.payload as { orderNumber: string }).orderNumber === 'PO-E2E-2')).toHaveLength(1);
  });

  it('refuses a malformed input with BAD_USER_INPUT naming the field, and publishes nothing', async () => {
    const before = await runtime.store.listOrders({}, { first: 200 });
    const cases: [Record<string, unknown>, string][] = [
      [{ ...releaseInput({ orderNumber: 'PO-BAD-1' }), quantity: 0 }, 'input.quantity'],
      [{ ...releaseInput({ orderNumber: 'PO-BAD-2' }), plant: '  ' }, 'input.plant'],
      [{ ...releaseInput({ orderNumber: 'PO-BAD-3' }), operations: [] }, 'input.operations'],
      [
        {
          ...releaseInput({ orderNumber: 'PO-BAD-4' }),
          components: [{ item: 'RM', quantity: 1, uom: 'EA', operationSequence: 99 }],
        },
        'input.components[0].operationSequence',
      ],
    ];
    for (const [input, field] of cases) {
      const result = await gql(url, RELEASE, { input });
      expect(result.data).toBeNull();
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(result.errors?.[0]?.message).toContain(field);
    }
    const badDate = await gql(url, RELEASE, {
      input: { ...releaseInput({ orderNumber: 'PO-BAD-5' }), dueAt: 'next tuesday' },
    });
    expect(badDate.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(badDate.errors?.[0]?.message).toContain('dueAt');
    const missing = await gql(url, RELEASE, { input: { orderNumber: 'PO-BAD-6' } });
    expect(missing.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(missing.errors?.[0]?.message).toContain('plant');

    // Nothing was recorded or published for any of them.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = await runtime.store.listOrders({}, { first: 200 });
    expect(after.totalCount).toBe(before.totalCount);
    for (let p = 0; p < runtime.topology.partitions; p++)
      expect(await queueDepth(runtime.topology.names.partition(p))).toBe(0);
  });

  it('serves health, readiness and metrics', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(
      /plantgate_gateway_commands_submitted_total\{plant="P100",message_type="ReleaseProductionOrder",outcome="accepted"\} [1-9]/,
    );
    expect(metrics).toMatch(
      /plantgate_worker_commands_processed_total\{plant="P100",message_type="ReleaseProductionOrder",outcome="APPLIED"\} [1-9]/,
    );
    // Gauges read from the store and the broker at scrape time.
    expect(metrics).toMatch(/plantgate_orders\{plant="P100",state="RELEASED"\} [1-9]/);
    expect(metrics).toMatch(/plantgate_broker_queue_consumers\{queue="commands.p0"\} 1/);
    expect(metrics).toMatch(/plantgate_outbox_backlog_messages 0/);
    // Each message reached exactly one partition: no worker ever saw one a second time.
    expect(metrics).not.toMatch(/outcome="redelivered"/);
  });

  it('masks internal errors and keeps the GraphQL endpoint answering', async () => {
    const result = await gql(url, '{ productionOrders(first: 0) { totalCount } }');
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});
