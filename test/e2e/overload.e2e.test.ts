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
    // The gateway is made slow on purpose: the first submissions wait after being recorded until the burst was
    // shed, so that exactly the four slots are busy while the rest arrive.
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const gateway = await installation.start('gateway', {
      intakeHooks: { afterRecord: (e) => (e.scope.orderNumber.startsWith('PO-BURST') ? gate : undefined) },
    });
    await installation.start('worker');
    await seedReferenceData(gateway.url!);
    const url = `${gateway.url}/graphql`;
    const send = async (orderNumber: string) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: submitMutationDocument('releaseProductionOrder'),
          variables: { input: releaseInput({ orderNumber }) },
        }),
      });
      const body = (await response.json()) as {
        data?: { releaseProductionOrder: { correlationId: string; status: string } };
        errors?: { extensions: { code: string } }[];
      };
      return { orderNumber, status: response.status, retryAfter: response.headers.get('retry-after'), body };
    };

    const orders = Array.from({ length: 40 }, (_, i) => `PO-BURST-${i}`);
    const answers = orders.map(send);
    const shedOnes = await waitFor(
      async () => {
        const settled = await Promise.all(
          answers.map((a) => Promise.race([a, new Promise<null>((resolve) => setTimeout(() => resolve(null), 10))])),
        );
        const done = settled.filter((a) => a !== null);
        return done.length >= orders.length - 4 ? done : undefined;
      },
      { what: 'the burst beyond four slots shed' },
    );
    expect(shedOnes).toHaveLength(orders.length - 4);
    for (const answer of shedOnes) {
      expect(answer.status).toBe(503);
      expect(answer.retryAfter).toBe('1');
      expect(answer.body.errors?.[0]?.extensions.code).toBe('SERVICE_UNAVAILABLE');
    }
    openGate();

    // The four taken in finish; the shed ones come back after Retry-After and are taken in.
    const accepted = new Map<string, string>();
    for (const answer of await Promise.all(answers))
      if (answer.status === 200)
        accepted.set(answer.orderNumber, answer.body.data!.releaseProductionOrder.correlationId);
    expect(accepted.size).toBe(4);
    // As a client told to wait does: each comes back after Retry-After, as often as it is shed.
    const comeBack = async (orderNumber: string): Promise<Awaited<ReturnType<typeof send>>> => {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const answer = await send(orderNumber);
      return answer.status === 503 ? comeBack(orderNumber) : answer;
    };
    for (const answer of await Promise.all(shedOnes.map((a) => comeBack(a.orderNumber)))) {
      expect(answer.status).toBe(200);
      accepted.set(answer.orderNumber, answer.body.data!.releaseProductionOrder.correlationId);
    }
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    for (const [orderNumber, correlationId] of accepted) {
      await waitFor(async () => (await gateway.store.getTransaction(correlationId))?.status === 'APPLIED', {
        what: `${orderNumber} applied`,
      });
      expect((await gateway.store.listTransactionsByOrder('P100', orderNumber)).map((t) => t.status)).toEqual([
        'APPLIED',
      ]);
    }
    expect(accepted.size).toBe(orders.length);
  });

  it('refuses a body over the limit with 413 in the GraphQL error format', async () => {
    const gateway = await installation.start('gateway', { env: { MAX_BODY_BYTES: '2048' } });
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ serviceInfo { name } }`, padding: 'x'.repeat(4096) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      errors: [
        {
          message: 'Request body over 2048 bytes; nothing was accepted.',
          extensions: { code: 'PAYLOAD_TOO_LARGE', maxBytes: 2048 },
        },
      ],
    });
  });
});
