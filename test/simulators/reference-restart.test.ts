import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startErpSimulator } from '../../simulators/erp.simulator';
import { postJson } from '../../simulators/http-kit';
import { startMesSimulator } from '../../simulators/mes.simulator';
import { startQmsSimulator } from '../../simulators/qms.simulator';
import { makeTempDir } from '../support/temp-dir';

/**
 * The reference systems keep what they booked across a restart, as real ERP, MES and QMS do: a posting applied
 * before the restart is refused as a replay after it, stock and orders are where they were, and nothing is
 * resynchronised from Plantgate.
 */
describe('reference systems across a restart', () => {
  const dir = makeTempDir();
  afterAll(() => dir.remove());
  const file = (name: string) => path.join(dir.path, `${name}.db`);

  async function erpToken(url: string) {
    const response = await fetch(`${url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=plantgate&client_secret=plantgate-secret',
    });
    return ((await response.json()) as { access_token: string }).access_token;
  }

  it('ERP keeps its journal, idempotency keys, stock and orders, and goes on numbering documents', async () => {
    const first = await startErpSimulator({ dataFile: file('erp') });
    let auth = { authorization: `Bearer ${await erpToken(first.url)}` };
    await postJson(
      `${first.url}/api/master-data`,
      {
        items: [{ number: 'RM-1', revision: 'A' }],
        lots: [{ plant: 'P1', lotNumber: 'L1', item: 'RM-1', status: 'UNRESTRICTED', quantity: 100, expiresAt: null }],
      },
      auth,
    );
    const issue = { postingType: 'GoodsIssue', plant: 'P1', orderNumber: 'PO-1', lot: 'L1', quantity: 30 };
    const booked = await postJson(`${first.url}/api/postings`, issue, { ...auth, 'idempotency-key': 'gi-1' });
    expect(booked.status).toBe(201);
    await first.close();

    // Another port: this test is about what ERP remembers, not about clients' pooled connections to the old one.
    const second = await startErpSimulator({ dataFile: file('erp') });
    auth = { authorization: `Bearer ${await erpToken(second.url)}` };
    const replay = await postJson(`${second.url}/api/postings`, issue, { ...auth, 'idempotency-key': 'gi-1' });
    expect(replay).toEqual({
      status: 200,
      body: { documentNumber: (booked.body as { documentNumber: string }).documentNumber, replayed: true },
    });
    const stock = await (await fetch(`${second.url}/api/lots/P1/L1`, { headers: auth })).json();
    expect(stock).toMatchObject({ stock: { UNRESTRICTED: 70 } });
    const next = await postJson(
      `${second.url}/api/postings`,
      { ...issue, quantity: 5 },
      { ...auth, 'idempotency-key': 'gi-2' },
    );
    expect(Number((next.body as { documentNumber: string }).documentNumber)).toBe(
      Number((booked.body as { documentNumber: string }).documentNumber) + 1,
    );
    expect(second.journal.map((j) => j.idempotencyKey)).toEqual(['gi-1', 'gi-2']);
    expect(second.orders.get('P1|PO-1')).toMatchObject({ goodsIssued: 35 });
    expect(second.integrity()).toEqual({ negativeStockLots: [], duplicatePostings: 0, postings: 2 });
    await second.close();
  });

  it('MES keeps the orders it received and answers a resent release as a replay', async () => {
    const release = {
      plant: 'P1',
      orderNumber: 'PO-7',
      routingRevision: 'R1',
      specRevision: 'S1',
      quantity: 5,
      operations: [{ sequence: 10, workCenter: 'WC' }],
      components: [],
    };
    const first = await startMesSimulator({ dataFile: file('mes') });
    expect((await postJson(`${first.url}/api/orders`, release, { 'idempotency-key': 'rel-7' })).status).toBe(201);
    await first.close();
    const second = await startMesSimulator({ dataFile: file('mes') });
    expect(await postJson(`${second.url}/api/orders`, release, { 'idempotency-key': 'rel-7' })).toEqual({
      status: 200,
      body: { replayed: true },
    });
    const listed = (await (await fetch(`${second.url}/api/orders?refs=P1:PO-7`)).json()) as {
      orders: { orderNumber: string }[];
    };
    expect(listed.orders.map((o) => o.orderNumber)).toEqual(['PO-7']);
    await second.close();
  });

  it('QMS keeps requested inspections under their request keys and goes on numbering new ones', async () => {
    const request = { plant: 'P1', orderNumber: 'PO-8', lot: 'FG-8', inspectionType: 'FINAL' };
    const first = await startQmsSimulator({ dataFile: file('qms') });
    const asked = await postJson(`${first.url}/api/inspection-requests`, request, { 'idempotency-key': 'ins-8' });
    await first.close();
    const second = await startQmsSimulator({ dataFile: file('qms') });
    const again = await postJson(`${second.url}/api/inspection-requests`, request, { 'idempotency-key': 'ins-8' });
    expect(again.body).toEqual({ inspectionId: (asked.body as { inspectionId: string }).inspectionId, replayed: true });
    const other = await postJson(
      `${second.url}/api/inspection-requests`,
      { ...request, lot: 'FG-9' },
      { 'idempotency-key': 'ins-9' },
    );
    expect((other.body as { inspectionId: string }).inspectionId).not.toBe(
      (asked.body as { inspectionId: string }).inspectionId,
    );
    await second.close();
  });
});
