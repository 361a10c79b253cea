import { afterAll, describe, expect, it } from 'vitest';
import { submitMutationDocument } from '../../resolvers/submit-mutation';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { releaseInput } from '../support/order.fixture';
import { seedReferenceData } from '../support/reference.fixture';
import { waitFor } from '../support/wait';

/**
 * A burst the gateway cannot absorb is shed with 503 and Retry-After instead of piling up; clients that come back
 * when told are accepted, and everything accepted is applied once.
 */
describe('a gateway under a burst', () => {
  let installation: TestInstallation;
  afterAll(() => installation.cleanup());

  it('sheds what it cannot take with 503 and Retry-After, and loses nothing it accepted', async () => {
    installation = createTestInstallation('overload', { GATEWAY_MAX_INFLIGHT: '4' });
    const gateway = await installation.start('gateway');
    await installation.start('worker');
    await seedReferenceData(gateway.url!);
    const url = `${gateway.url}/graphql`;
    const send = (orderNumber: string) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: submitMutationDocument('releaseProductionOrder'), variables: { input: releaseInput({ orderNumber }) } }) });

    const orders = Array.from({ length: 200 }, (_, i) => `PO-BURST-${i}`);
    let shed = 0;
    const accepted = new Map<string, string>();
    let pending = orders;
    while (pending.length) {
      const answers = await Promise.all(pending.map(async (orderNumber) => ({ orderNumber, response: await send(orderNumber) })));
      const again: string[] = [];
      for (const { orderNumber, response } of answers) {
        const body = (await response.json()) as { data?: { releaseProductionOrder: { correlationId: string; status: string } }; errors?: { extensions: { code: string } }[] };
        if (response.status === 503) {
          shed += 1;
          expect(response.headers.get('retry-after')).toBe('1');
          expect(body.errors?.[0]?.extensions.code).toBe('SERVICE_UNAVAILABLE');
          again.push(orderNumber);
          continue;
        }
        expect(response.status).toBe(200);
        expect(['ACCEPTED', 'DUPLICATE']).toContain(body.data!.releaseProductionOrder.status);
        accepted.set(orderNumber, body.data!.releaseProductionOrder.correlationId);
      }
      pending = again;
      if (pending.length) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect(shed).toBeGreaterThan(0);
    expect(accepted.size).toBe(orders.length);

    // Still answering, and every accepted release applied exactly once.
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    for (const [orderNumber, correlationId] of accepted) {
      await waitFor(async () => (await gateway.store.getTransaction(correlationId))?.status === 'APPLIED', { what: `${orderNumber} applied` });
      expect((await gateway.store.listTransactionsByOrder('P100', orderNumber)).map((t) => t.status)).toEqual(['APPLIED']);
    }
  });

  it('refuses a body over the limit with 413 in the GraphQL error format', async () => {
    const gateway = await installation.start('gateway', { env: { MAX_BODY_BYTES: '2048' } });
    const response = await fetch(`${gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ serviceInfo { name } }`, padding: 'x'.repeat(4096) }) });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ errors: [{ message: 'Request body over 2048 bytes; nothing was accepted.', extensions: { code: 'PAYLOAD_TOO_LARGE', maxBytes: 2048 } }] });
  });
});
