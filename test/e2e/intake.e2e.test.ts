import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../app/runtime';
import { traceIdOf } from '../../core/intake/trace-context';
import { submitMutationDocument } from '../../resolvers/submit-mutation';
import { queueDepth } from '../support/broker';
import { operationEvent } from '../support/event.fixture';
import { gql, gqlOk } from '../support/graphql-client';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { acknowledgeInput, releaseInput } from '../support/order.fixture';
import { seedReferenceData } from '../support/reference.fixture';
import { waitFor } from '../support/wait';
import { acknowledgedOrder, settled, submit, submitAndSettle } from '../support/workflow-client';

const postWebhook = (url: string, source: string, body: unknown) =>
  fetch(`${url}/webhooks/${source}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** Every entry point — GraphQL, webhooks, the worker's own re-submissions — goes through one submission service. */
describe('one intake', () => {
  let installation: TestInstallation;
  afterEach(() => installation.cleanup());

  it("carries the caller's trace and principal from the HTTP request to ERP's posting headers, and back through the worker's acknowledgement", async () => {
    installation = createTestInstallation('intake-trace', { SIMULATORS: 'embedded' });
    const runtime = await installation.start('all');
    const url = runtime.url!;
    const erp = runtime.referenceSystems!.erp!;
    await seedReferenceData(url);
    const orderNumber = 'PO-TRACE';
    await acknowledgedOrder(url, { orderNumber });
    await submitAndSettle(url, 'reportOperationEvent', operationEvent({ orderNumber, eventType: 'START' }));

    const traceId = randomBytes(16).toString('hex');
    const confirm = await gqlOk<{ reportOperationEvent: { correlationId: string } }>(
      url,
      submitMutationDocument('reportOperationEvent'),
      { input: operationEvent({ orderNumber, eventType: 'CONFIRM', yieldQuantity: 10 }) },
      { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
    );
    const correlationId = confirm.reportOperationEvent.correlationId;
    await settled(url, correlationId, ['APPLIED', 'POSTED']);

    // ERP's own journal: the posting's call carried the trace, the correlation ID and who caused it.
    const posting = await waitFor(
      () => erp.journal.find((j) => j.orderNumber === orderNumber && j.postingType === 'OperationConfirmation'),
      { what: 'the confirmation posted to ERP' },
    );
    expect(traceIdOf(posting.origin.traceparent)).toBe(traceId);
    expect(posting.origin).toMatchObject({ correlationId, principal: 'local-developer' });
    const view = await gqlOk<{ transaction: { traceparent: string; submittedBy: { id: string; kind: string } } }>(
      url,
      'query($id: ID!) { transaction(correlationId: $id) { traceparent submittedBy { id kind } } }',
      { id: correlationId },
    );
    expect(traceIdOf(view.transaction.traceparent)).toBe(traceId);
    expect(view.transaction.submittedBy).toEqual({ id: 'local-developer', kind: 'LOCAL' });

    // ERP's document number came back through the same submission service, in the posting's trace, as ERP's connector.
    const acknowledgement = await waitFor(
      async () => {
        const txs = await runtime.store.listTransactionsByOrder('P100', orderNumber);
        return txs.find((t) => t.envelope.command.messageType === 'AcknowledgePosting' && t.status === 'APPLIED');
      },
      { what: "ERP's acknowledgement applied" },
    );
    expect(acknowledgement.envelope.principal).toEqual({ id: 'connector:erp', name: 'ERP connector', kind: 'SYSTEM' });
    expect(traceIdOf(acknowledgement.envelope.traceparent)).toBe(traceId);
    expect((await runtime.store.getTransaction(correlationId))?.status).toBe('POSTED');
    // Recorded under its business key by the intake: the same acknowledgement by webhook is a DUPLICATE of it.
    const resend = await postWebhook(url, 'erp', {
      messageType: 'AcknowledgePosting',
      payload: { ...acknowledgement.envelope.command.payload, messageId: 'erp-resend' },
    });
    expect(resend.status).toBe(202);
    expect(await resend.json()).toEqual({ correlationId: acknowledgement.envelope.correlationId, status: 'DUPLICATE' });
  });

  it('refuses a conflicting resend at once with DUPLICATE_CONFLICT, publishes nothing for it, and keeps its exception for the workbench', async () => {
    installation = createTestInstallation('intake-conflict');
    const gateway = await installation.start('gateway');
    const depth = async (runtime: Runtime) => {
      let total = 0;
      for (let i = 0; i < runtime.topology.partitions; i++)
        total += await queueDepth(runtime.topology.names.partition(i));
      return total;
    };
    const release = releaseInput({ orderNumber: 'PO-CONFLICT-AT-INTAKE' });
    const original = await submit(gateway.url!, 'releaseProductionOrder', release);
    expect(original.status).toBe('ACCEPTED');
    const ack = await submit(gateway.url!, 'acknowledgeProductionOrder', acknowledgeInput(release));
    expect(await depth(gateway)).toBe(2);

    const conflicting = await gql(gateway.url!, submitMutationDocument('releaseProductionOrder'), {
      input: { ...release, quantity: 99 },
    });
    expect(conflicting.data).toBeNull();
    const extensions = conflicting.errors![0]!.extensions!;
    expect(extensions).toMatchObject({ code: 'DUPLICATE_CONFLICT', originalCorrelationId: original.correlationId });
    // By webhook the same refusal is a 409 naming the original.
    const byWebhook = await postWebhook(gateway.url!, 'mes', {
      messageType: 'AcknowledgeProductionOrder',
      payload: { ...acknowledgeInput(release), routingRevision: 'R9', messageId: 'mes-2' },
    });
    expect(byWebhook.status).toBe(409);
    expect(await byWebhook.json()).toMatchObject({
      code: 'DUPLICATE_CONFLICT',
      originalCorrelationId: ack.correlationId,
    });
    expect(await depth(gateway)).toBe(2);

    const listed = await gqlOk<{
      exceptions: {
        totalCount: number;
        nodes: { type: string; correlationId: string; rule: string; payload: { quantity?: number } }[];
      };
    }>(
      gateway.url!,
      '{ exceptions(filter: { type: DUPLICATE_CONFLICT }) { totalCount nodes { type correlationId rule payload } } }',
    );
    expect(listed.exceptions.totalCount).toBe(2);
    expect(listed.exceptions.nodes.find((e) => e.correlationId === extensions.correlationId)).toMatchObject({
      rule: 'idempotency.business-key',
      payload: { quantity: 99 },
    });
    expect(await gateway.store.getTransaction(String(extensions.correlationId))).toMatchObject({
      status: 'QUARANTINED',
      attempts: 0,
    });
  });
});
