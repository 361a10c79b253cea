import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../app/runtime';
import type { Store } from '../../core/ports/store.port';
import type { ErpSimulator } from '../../simulators/erp.simulator';
import { NO_FAULTS } from '../../simulators/faults';
import { consumption, operationEvent } from '../support/event.fixture';
import { gql, gqlOk } from '../support/graphql-client';
import { createTestInstallation, referenceSystemsEnv, type TestInstallation } from '../support/harness';
import { releaseInput } from '../support/order.fixture';
import { seedReferenceData } from '../support/reference.fixture';
import { waitFor } from '../support/wait';
import { acknowledgedOrder, submitAndSettle } from '../support/workflow-client';

const FIELDS = 'id type status rule owner reason actions { action actor note }';
const EXCEPTION = `query E($id: ID!) { exception(id: $id) { ${FIELDS} } }`;
const REPLAY = `mutation R($id: ID!, $input: ReplayExceptionInput!) { replayException(id: $id, input: $input) { ${FIELDS} } }`;
const RESOLVE = `mutation S($id: ID!, $note: String!) { resolveException(id: $id, note: $note) { ${FIELDS} } }`;
const TRAIL = `query A($plant: String!, $orderNumber: String!) {
  auditTrail(plant: $plant, orderNumber: $orderNumber) { action actor }
  verifyAuditChain(plant: $plant) { ok }
}`;

type ExceptionView = {
  id: string;
  status: string;
  rule: string;
  owner: string;
  reason: string;
  actions: { action: string; actor: string; note: string }[];
};

/**
 * A posting that did not reach ERP is a DOWNSTREAM exception that can be worked: sent again by a person once the
 * cause is fixed, or by Plantgate itself when ERP answers again after an outage; it closes when ERP takes it, and a
 * retry that fails stays on the same exception. ERP books each posting once, whatever the number of retries.
 */
describe('DOWNSTREAM exceptions retried', () => {
  let installation: TestInstallation;
  let runtime: Runtime;
  let store: Store;
  let url: string;
  let erp: ErpSimulator;

  beforeAll(async () => {
    installation = createTestInstallation('downstream-retry', {
      SIMULATORS: 'embedded',
      // A short delivery budget, so that an outage ends in an exception within a second or two.
      OUTBOUND_RETRY_DELAYS_MS: '100,200',
      OUTBOUND_RETRY_BUDGET: '5',
      CONNECTOR_MAX_ATTEMPTS: '2',
      CONNECTOR_RETRY_BASE_MS: '20',
      BREAKER_THRESHOLD: '3',
      BREAKER_HALF_OPEN_MS: '300',
      // Only the circuit closing sends postings again here; the probe gets its own worker below.
      DOWNSTREAM_PROBE_MS: '0',
    });
    runtime = await installation.start('all');
    store = runtime.store;
    url = runtime.url!;
    erp = runtime.referenceSystems!.erp!;
    await seedReferenceData(url);
  });
  afterAll(() => installation.cleanup());
  beforeEach(() => erp.setFaults({ ...structuredClone(NO_FAULTS) }));

  const exception = async (id: string) => (await gqlOk<{ exception: ExceptionView }>(url, EXCEPTION, { id })).exception;
  const waitUntil = (id: string, what: string, done: (e: ExceptionView) => boolean) =>
    waitFor(async () => ((e) => (done(e) ? e : undefined))(await exception(id)), { what, timeoutMs: 30_000 });
  const postingsTo = (key: string) => erp.calls.filter((c) => c.idempotencyKey === key).map((c) => c.status);
  const booked = (key: string) => erp.journal.filter((j) => j.idempotencyKey === key).length;
  const lastAction = (e: ExceptionView) => e.actions.at(-1)?.action;
  /** The lot in ERP's books, once the master data delivery has put it there. */
  const erpLot = () => waitFor(async () => erp.lots.get('P100|L-RM8-OK'), { what: 'lot L-RM8-OK in ERP' });

  /** A transaction whose ERP posting did not go through, and its DOWNSTREAM exception. */
  async function failedPosting(correlationId: string) {
    const exceptionId = await waitFor(
      async () => (await store.getTransaction(correlationId))?.exceptionId ?? undefined,
      { what: `a DOWNSTREAM exception on ${correlationId}`, timeoutMs: 30_000 },
    );
    const key = (await store.listOutbox({ correlationId }))[0]!.idempotencyKey;
    return { exceptionId, key };
  }

  async function confirmation(orderNumber: string) {
    await acknowledgedOrder(url, { orderNumber });
    await submitAndSettle(url, 'reportOperationEvent', operationEvent({ orderNumber, eventType: 'START' }));
    return submitAndSettle(url, 'reportOperationEvent', operationEvent({ orderNumber, eventType: 'CONFIRM' }));
  }

  /** An order drawing 5 KG of lot L-RM8-OK: the consumption posts a goods issue to ERP. */
  async function goodsIssue(orderNumber: string) {
    await submitAndSettle(
      url,
      'releaseProductionOrder',
      releaseInput({ orderNumber, components: [{ item: 'RM-8', quantity: 5, uom: 'KG', operationSequence: 10 }] }),
    );
    await submitAndSettle(url, 'acknowledgeProductionOrder', {
      orderNumber,
      plant: 'P100',
      routingRevision: 'R3',
      specRevision: 'S2',
      acknowledgedAt: '2026-12-01T06:00:00Z',
      messageId: `ack-${orderNumber}`,
    });
    return submitAndSettle(
      url,
      'reportMaterialConsumption',
      consumption({ orderNumber, item: 'RM-8', lot: 'L-RM8-OK', quantity: 5, uom: 'KG' }),
    );
  }

  it('is sent again by a person once the cause is fixed, stays on one exception when refused again, and closes when ERP books it', async () => {
    // ERP's stock of the lot was moved outside Plantgate: ERP refuses the goods issue (422), a refusal, not an outage.
    (await erpLot()).stock.UNRESTRICTED = 0;
    const consumed = await goodsIssue('PO-DR-1');
    const { exceptionId, key } = await failedPosting(consumed.correlationId);
    expect(await exception(exceptionId)).toMatchObject({
      type: 'DOWNSTREAM',
      status: 'OPEN',
      rule: 'downstream.erp.rejected',
      owner: 'ADMIN',
    });
    expect(postingsTo(key)).toEqual([422]);

    // A posting is sent as it was decided: a changed payload is refused, naming the argument.
    const edited = await gql(url, REPLAY, { id: exceptionId, input: { payload: { quantity: 1 }, note: 'less' } });
    expect(edited.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.payload' });
    expect(edited.errors?.[0]?.message).toContain('sent again as it was');

    // Sent again before the cause is fixed: ERP refuses it again, and the same exception is OPEN again.
    const resent = await gqlOk<{ replayException: ExceptionView }>(url, REPLAY, {
      id: exceptionId,
      input: { note: 'try again' },
    });
    expect(resent.replayException).toMatchObject({ status: 'OPEN' });
    expect(lastAction(resent.replayException)).toBe('REPLAY_SUBMITTED');
    const refusedAgain = await waitUntil(exceptionId, 'REFUSED_AGAIN', (e) => lastAction(e) === 'REFUSED_AGAIN');
    expect(refusedAgain).toMatchObject({ status: 'OPEN', rule: 'downstream.erp.rejected' });
    expect(refusedAgain.actions.at(-1)!.actor).toBe('connector:erp');
    expect(postingsTo(key)).toEqual([422, 422]);

    // Fixed in ERP, sent again: while ERP is still answering, nobody can close the exception under the retry.
    (await erpLot()).stock.UNRESTRICTED = 100;
    erp.setFaults({ latencyMs: 1500 });
    await gqlOk(url, REPLAY, { id: exceptionId, input: { note: 'stock corrected in ERP' } });
    const racing = await gql(url, RESOLVE, { id: exceptionId, note: 'done by hand' });
    expect(racing.errors?.[0]?.extensions?.code).toBe('ILLEGAL_TRANSITION');
    expect(racing.errors?.[0]?.message).toContain('waits for its posting');
    const replayed = await waitUntil(exceptionId, 'REPLAYED', (e) => e.status === 'REPLAYED');
    expect(replayed.actions.map((a) => a.action)).toEqual([
      'REPLAY_SUBMITTED',
      'REFUSED_AGAIN',
      'REPLAY_SUBMITTED',
      'REPLAYED',
    ]);
    expect(replayed.actions.at(-1)).toMatchObject({ actor: 'connector:erp' });
    expect(postingsTo(key)).toEqual([422, 422, 201]);
    expect(booked(key)).toBe(1);
    expect((await erpLot()).stock.UNRESTRICTED).toBe(95);
    // The order learns ERP's document, and every step is in the order's hash chain.
    await waitFor(
      async () =>
        (await store.getOrder('P100', 'PO-DR-1'))?.postings.find((p) => p.postingKey === key)?.status === 'POSTED',
      { what: 'the goods issue acknowledged by ERP' },
    );
    const trail = await gqlOk<{ auditTrail: { action: string }[]; verifyAuditChain: { ok: boolean } }>(url, TRAIL, {
      plant: 'P100',
      orderNumber: 'PO-DR-1',
    });
    expect(trail.auditTrail.map((e) => e.action)).toEqual(
      expect.arrayContaining(['downstream.failed', 'exception.replay-submitted', 'exception.refused-again']),
    );
    expect(trail.auditTrail.filter((e) => e.action === 'exception.replayed')).toHaveLength(1);
    expect(trail.verifyAuditChain.ok).toBe(true);
  });

  it('sends again by itself what did not reach ERP during an outage once the circuit closes; refusals stay with people', async () => {
    // A refusal first: it must not be sent again when ERP comes back.
    (await erpLot()).stock.UNRESTRICTED = 0;
    const refusal = await failedPosting((await goodsIssue('PO-DR-R')).correlationId);

    erp.setFaults({ outageMs: 600_000 });
    const orders = ['PO-DR-O1', 'PO-DR-O2', 'PO-DR-O3'];
    const missed = [];
    for (const orderNumber of orders) missed.push(await failedPosting((await confirmation(orderNumber)).correlationId));
    for (const { exceptionId, key } of missed) {
      expect(await exception(exceptionId)).toMatchObject({ status: 'OPEN', rule: 'downstream.erp.unavailable' });
      expect(booked(key)).toBe(0);
    }
    expect(runtime.circuitStates().erp).not.toBe('closed');

    // ERP is back; a new posting makes the circuit's trial call, the circuit closes, and what it missed goes again.
    erp.setFaults({ outageUntil: 0 });
    const after = await confirmation('PO-DR-AFTER');
    for (const { exceptionId, key } of missed) {
      const replayed = await waitUntil(exceptionId, 'REPLAYED', (e) => e.status === 'REPLAYED');
      expect(replayed.actions.map((a) => [a.action, a.actor])).toEqual([
        ['REPLAY_SUBMITTED', 'system:auto-replay'],
        ['REPLAYED', 'connector:erp'],
      ]);
      expect(booked(key)).toBe(1);
    }
    expect(booked((await store.listOutbox({ correlationId: after.correlationId }))[0]!.idempotencyKey)).toBe(1);
    expect(runtime.circuitStates().erp).toBe('closed');
    const untouched = await exception(refusal.exceptionId);
    expect(untouched).toMatchObject({ status: 'OPEN', rule: 'downstream.erp.rejected', actions: [] });
    expect(postingsTo(refusal.key)).toEqual([422]);
    expect(erp.integrity()).toMatchObject({ duplicatePostings: 0, negativeStockLots: [] });
  });

  it('finds out by itself that ERP answers again when nothing else goes to it (the probe)', async () => {
    erp.setFaults({ outageMs: 600_000 });
    const { exceptionId, key } = await failedPosting((await confirmation('PO-DR-QUIET')).correlationId);
    erp.setFaults({ outageUntil: 0 });
    // Nothing else is posted: without the probe, this exception would wait for a person.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await exception(exceptionId)).status).toBe('OPEN');
    await installation.start('worker', {
      env: { DOWNSTREAM_PROBE_MS: '200', ...referenceSystemsEnv(runtime, ['erp']) },
    });
    const replayed = await waitUntil(exceptionId, 'REPLAYED', (e) => e.status === 'REPLAYED');
    expect(replayed.actions[0]).toMatchObject({ action: 'REPLAY_SUBMITTED', actor: 'system:auto-replay' });
    expect(replayed.actions[0]!.note).toContain('oldest posting');
    expect(booked(key)).toBe(1);
  });
});
