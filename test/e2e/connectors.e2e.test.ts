import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../app/runtime';
import type { Store } from '../../core/ports/store.port';
import type { ErpSimulator } from '../../simulators/erp.simulator';
import { NO_FAULTS } from '../../simulators/faults';
import type { MesSimulator } from '../../simulators/mes.simulator';
import type { QmsSimulator } from '../../simulators/qms.simulator';
import { consumption, operationEvent } from '../support/event.fixture';
import { gql } from '../support/graphql-client';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { releaseInput } from '../support/order.fixture';
import { seedReferenceData } from '../support/reference.fixture';
import { waitFor } from '../support/wait';
import { acknowledgedOrder, settled, submit, submitAndSettle } from '../support/workflow-client';

describe('connectors against the reference ERP, MES and QMS over real HTTP', () => {
  let installation: TestInstallation;
  let runtime: Runtime;
  let store: Store;
  let url: string;
  let erp: ErpSimulator;
  let mes: MesSimulator;
  let qms: QmsSimulator;

  beforeAll(async () => {
    installation = createTestInstallation('connectors', {
      SIMULATORS: 'embedded',
      OUTBOUND_RETRY_DELAYS_MS: '200,400,800',
      OUTBOUND_RETRY_BUDGET: '30',
      CONNECTOR_MAX_ATTEMPTS: '3',
      CONNECTOR_RETRY_BASE_MS: '20',
      BREAKER_THRESHOLD: '3',
      BREAKER_HALF_OPEN_MS: '300',
      READ_TIMEOUT_MS: '500',
    });
    runtime = await installation.start('all');
    store = runtime.store;
    url = runtime.url!;
    erp = runtime.referenceSystems!.erp!;
    mes = runtime.referenceSystems!.mes!;
    qms = runtime.referenceSystems!.qms!;
    await seedReferenceData(url);
  });
  afterAll(() => installation.cleanup());
  beforeEach(() => {
    for (const system of [erp, mes, qms]) system.setFaults({ ...structuredClone(NO_FAULTS) });
  });

  /** An operation confirmation: one ERP posting, confirmed back onto the order. */
  async function confirmation(orderNumber: string, yieldQuantity = 10) {
    await acknowledgedOrder(url, { orderNumber });
    await submitAndSettle(url, 'reportOperationEvent', operationEvent({ orderNumber, eventType: 'START' }));
    const confirm = await submitAndSettle(
      url,
      'reportOperationEvent',
      operationEvent({ orderNumber, eventType: 'CONFIRM', yieldQuantity }),
    );
    return (await store.listOutbox({ correlationId: confirm.correlationId }))[0]!.idempotencyKey;
  }
  const journalFor = (key: string) => erp.journal.filter((j) => j.idempotencyKey === key);
  const postingStatus = async (orderNumber: string, key: string) =>
    (await store.getOrder('P100', orderNumber))?.postings.find((p) => p.postingKey === key)?.status;

  it('delivers the release to MES and master data to ERP, and reports ERP postings back as POSTED', async () => {
    const key = await confirmation('PO-CONN-1');
    await waitFor(async () => (await postingStatus('PO-CONN-1', key)) === 'POSTED', {
      what: 'the confirmation acknowledged by ERP',
    });
    expect(journalFor(key)).toHaveLength(1);
    expect(mes.orders.get('P100|PO-CONN-1')).toMatchObject({ orderNumber: 'PO-CONN-1', routingRevision: 'R3' });
    expect(erp.lots.get('P100|L-RM7-OK')?.stock.UNRESTRICTED).toBe(100000);
  });

  it('waits out a 429 burst as long as Retry-After says, and posts once', async () => {
    erp.setFaults({ burst429: { remaining: 2, retryAfterSeconds: 1 } });
    const key = await confirmation('PO-CONN-429');
    await waitFor(async () => journalFor(key).length === 1, { what: 'the posting after the burst' });
    const calls = erp.calls.filter((c) => c.idempotencyKey === key);
    expect(calls.map((c) => c.status)).toEqual([429, 429, 201]);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(950);
    expect(calls[2]!.at - calls[1]!.at).toBeGreaterThanOrEqual(950);
  });

  it('rides out an ERP outage: the circuit opens and closes again, and every posting is applied exactly once', async () => {
    const states: string[] = [];
    const watcher = setInterval(() => states.push(runtime.circuitStates().erp!), 20);
    erp.setFaults({ outageMs: 2000 });
    const orders = ['PO-OUT-1', 'PO-OUT-2', 'PO-OUT-3', 'PO-OUT-4'];
    const keys = await Promise.all(orders.map((o) => confirmation(o)));
    await waitFor(
      async () => (await Promise.all(orders.map((o, i) => postingStatus(o, keys[i]!)))).every((s) => s === 'POSTED'),
      { timeoutMs: 30_000, what: 'all postings confirmed after the outage' },
    );
    clearInterval(watcher);
    for (const key of keys) expect(journalFor(key)).toHaveLength(1);
    expect(erp.calls.some((c) => c.status === 503)).toBe(true);
    expect(states).toContain('open');
    expect(runtime.circuitStates().erp).toBe('closed');
    expect(erp.integrity()).toMatchObject({ duplicatePostings: 0, negativeStockLots: [] });
  });

  it('turns a 4xx refusal into a DOWNSTREAM exception at once, without retries', async () => {
    // ERP's own stock of the lot is gone (moved outside Plantgate's view): it will refuse the goods issue.
    erp.lots.get('P100|L-RM8-OK')!.stock.UNRESTRICTED = 0;
    await submitAndSettle(
      url,
      'releaseProductionOrder',
      releaseInput({
        orderNumber: 'PO-CONN-RM8',
        components: [{ item: 'RM-8', quantity: 5, uom: 'KG', operationSequence: 10 }],
      }),
    );
    const issued = await submitAndSettle(url, 'acknowledgeProductionOrder', {
      orderNumber: 'PO-CONN-RM8',
      plant: 'P100',
      routingRevision: 'R3',
      specRevision: 'S2',
      acknowledgedAt: '2026-12-01T06:00:00Z',
      messageId: 'ack-rm8',
    });
    expect(issued.status).toBe('APPLIED');
    const consumed = await submitAndSettle(
      url,
      'reportMaterialConsumption',
      consumption({ orderNumber: 'PO-CONN-RM8', item: 'RM-8', lot: 'L-RM8-OK', quantity: 5, uom: 'KG' }),
    );
    expect(consumed.status).toBe('APPLIED');
    const exception = await waitFor(
      async () => (await store.getTransaction(consumed.correlationId))?.exceptionId ?? undefined,
      { what: 'a DOWNSTREAM exception' },
    );
    expect(await store.getException(exception)).toMatchObject({ type: 'DOWNSTREAM', rule: 'downstream.erp.rejected' });
    expect((await store.getException(exception))!.reason).toContain('422');
    const key = (await store.listOutbox({ correlationId: consumed.correlationId }))[0]!.idempotencyKey;
    expect(erp.calls.filter((c) => c.idempotencyKey === key).map((c) => c.status)).toEqual([422]);
    expect(journalFor(key)).toHaveLength(0);
  });

  it('renews an expiring token mid-run', async () => {
    const before = erp.tokens.issued;
    erp.tokens.ttlSeconds = 1;
    // The token in hand dies now, before the client expected it to; later ones live a second.
    erp.tokens.expireAll();
    const keys: string[] = [];
    for (const orderNumber of ['PO-TOK-1', 'PO-TOK-2', 'PO-TOK-3']) {
      keys.push(await confirmation(orderNumber));
      await new Promise((resolve) => setTimeout(resolve, 700));
    }
    await waitFor(async () => keys.every((k) => journalFor(k).length === 1), { what: 'postings with renewed tokens' });
    erp.tokens.ttlSeconds = 3600;
    expect(erp.tokens.issued - before).toBeGreaterThanOrEqual(2);
    for (const key of keys) expect(erp.calls.filter((c) => c.idempotencyKey === key).at(-1)?.status).toBe(201);
  });

  it('accepts MES and QMS webhooks through the same checks as the mutations', async () => {
    const release = releaseInput({ orderNumber: 'PO-HOOK' });
    await submitAndSettle(url, 'releaseProductionOrder', release);
    const post = (source: string, body: unknown) =>
      fetch(`${url}/webhooks/${source}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const ack = {
      orderNumber: 'PO-HOOK',
      plant: 'P100',
      routingRevision: 'R3',
      specRevision: 'S2',
      acknowledgedAt: '2026-12-01T06:00:00Z',
      messageId: 'hook-1',
    };
    const accepted = await post('mes', { messageType: 'AcknowledgeProductionOrder', payload: ack });
    expect(accepted.status).toBe(202);
    const { correlationId } = (await accepted.json()) as { correlationId: string };
    expect((await settled(url, correlationId)).status).toBe('APPLIED');
    const resent = await post('mes', {
      messageType: 'AcknowledgeProductionOrder',
      payload: { ...ack, messageId: 'hook-2' },
    });
    expect(await resent.json()).toEqual({ correlationId, status: 'DUPLICATE' });
    const bad = await post('mes', { messageType: 'AcknowledgeProductionOrder', payload: { ...ack, plant: '' } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: 'payload.plant' });
    const wrongSource = await post('qms', { messageType: 'AcknowledgeProductionOrder', payload: ack });
    expect(wrongSource.status).toBe(400);
  });

  const FEDERATED = `query($plant: String!) { productionOrders(filter: { plant: $plant }, first: 50) { totalCount nodes { orderNumber erp { status } mes { acknowledged } quality { inspections { inspectionId } } } } }`;

  it('reads 50 orders live from ERP, MES and QMS with one batched call per system', async () => {
    await seedReferenceData(url, {
      plants: [{ code: 'P50', name: 'Fifty' }],
      workCenters: [
        { plant: 'P50', code: 'WC-CUT' },
        { plant: 'P50', code: 'WC-ASSY' },
      ],
      items: [],
      lots: [],
    });
    const releases = Array.from({ length: 50 }, (_, i) => releaseInput({ orderNumber: `PO-F-${i}`, plant: 'P50' }));
    const submitted = await Promise.all(releases.map((r) => submit(url, 'releaseProductionOrder', r)));
    for (const s of submitted) await settled(url, s.correlationId);
    await waitFor(() => mes.orders.size >= 50 && releases.every((r) => mes.orders.has(`P50|${r.orderNumber}`)), {
      what: 'MES to have the released orders',
    });
    const reads = () => [erp, mes, qms].map((sys) => sys.calls.filter((c) => c.method === 'GET').length);
    const before = reads();
    const result = await gql<{
      productionOrders: {
        totalCount: number;
        nodes: { mes: { acknowledged: boolean } | null; erp: unknown; quality: { inspections: unknown[] } | null }[];
      };
    }>(url, FEDERATED, { plant: 'P50' });
    expect(result.errors).toBeUndefined();
    expect(result.data!.productionOrders.nodes).toHaveLength(50);
    expect(
      result.data!.productionOrders.nodes.every(
        (n) => n.mes?.acknowledged === false && n.quality?.inspections.length === 0,
      ),
    ).toBe(true);
    const after = reads();
    expect(after.map((n, i) => n - before[i]!)).toEqual([1, 1, 1]);
  });

  it("reads a lot's stock live from ERP next to Plantgate's own view of it", async () => {
    const result = await gql<{ lot: { quantity: number; erpStock: { unrestricted: number; blocked: number } | null } }>(
      url,
      `{ lot(lotNumber: "L-RM7-BLOCKED", plant: "P100") { quantity erpStock { unrestricted blocked } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.lot).toEqual({ quantity: 500, erpStock: { unrestricted: 0, blocked: 500 } });
    // A lot ERP does not stock is an answer (null), not an error.
    erp.lots.delete('P100|L-RM8-OK');
    const missing = await gql<{ lot: { erpStock: unknown } }>(
      url,
      `{ lot(lotNumber: "L-RM8-OK", plant: "P100") { erpStock { unrestricted } } }`,
    );
    expect(missing.errors).toBeUndefined();
    expect(missing.data!.lot.erpStock).toBeNull();
    const unknown = await gql<{ itemRevisions: unknown[] }>(
      url,
      `{ itemRevisions(number: "RM-7") { revision baseUom } }`,
    );
    expect(unknown.data!.itemRevisions).toEqual([{ revision: '1', baseUom: 'EA' }]);
  });

  it('answers with partial data and an error naming QMS when QMS is down', async () => {
    qms.setFaults({ outageMs: 5000 });
    const result = await gql<{
      productionOrder: { orderNumber: string; erp: unknown; mes: unknown; quality: unknown };
    }>(
      url,
      `{ productionOrder(orderNumber: "PO-CONN-1", plant: "P100") { orderNumber state erp { status confirmedYield } mes { acknowledged } quality { inspections { inspectionId } } } }`,
    );
    expect(result.data!.productionOrder).toMatchObject({
      orderNumber: 'PO-CONN-1',
      erp: { status: 'IN_PROCESS', confirmedYield: 10 },
      mes: { acknowledged: false },
      quality: null,
    });
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]).toMatchObject({
      path: ['productionOrder', 'quality'],
      extensions: { code: 'DOWNSTREAM_UNAVAILABLE', source: 'qms' },
    });
    expect(result.errors![0]!.message).toContain('QMS is unavailable');
  });
});
