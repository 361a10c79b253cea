import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../app/runtime';
import { submitMutationDocument } from '../../resolvers/submit-mutation';
import { bearer, createKey } from '../support/auth.fixture';
import { gql, gqlOk } from '../support/graphql-client';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { acknowledgeInput, releaseInput } from '../support/order.fixture';
import { referenceData } from '../support/reference.fixture';
import { waitFor } from '../support/wait';

type Keys = { everywhere: string; viewerP1: string; integratorP1: string; adminP1: string };

/**
 * A principal scoped to plant P1 sees nothing of plant P2, anywhere: lists, single look-ups, nested and federated
 * fields, exceptions, lots, stalled reports, keys; and a submit for P2 is FORBIDDEN with nothing recorded or published.
 */
describe('plant scope', () => {
  let installation: TestInstallation;
  let runtime: Runtime;
  let url: string;
  const keys = {} as Keys;
  const ids: Record<string, string> = {};
  const as = <T>(key: string, query: string, variables: Record<string, unknown> = {}) =>
    gqlOk<T>(url, query, variables, bearer(key));

  beforeAll(async () => {
    installation = createTestInstallation('plant-scope', { SIMULATORS: 'embedded' });
    runtime = await installation.start('all');
    url = runtime.url!;
    keys.everywhere = (await createKey(runtime.store, ['INTEGRATOR', 'ADMIN'], '*')).key;
    keys.viewerP1 = (await createKey(runtime.store, ['VIEWER'], ['P1'])).key;
    keys.integratorP1 = (await createKey(runtime.store, ['INTEGRATOR'], ['P1'])).key;
    keys.adminP1 = (await createKey(runtime.store, ['ADMIN'], ['P1'])).key;
    await createKey(runtime.store, ['VIEWER'], ['P2'], { name: 'a P2 viewer' });

    const submit = async (mutation: string, input: object) =>
      (
        await as<Record<string, { correlationId: string }>>(keys.everywhere, submitMutationDocument(mutation), {
          input,
        })
      )[mutation]!.correlationId;
    const reference = await submit('upsertReferenceData', referenceData(['P1', 'P2']));
    await waitFor(async () => (await runtime.store.getTransaction(reference))?.status === 'APPLIED');
    for (const plant of ['P1', 'P2']) {
      ids[`release-${plant}`] = await submit(
        'releaseProductionOrder',
        releaseInput({ plant, orderNumber: `PO-${plant}` }),
      );
      // An exception in each plant, and a held acknowledgement (a stalled transaction at a cut-off of 0 s).
      ids[`refused-${plant}`] = await submit(
        'releaseProductionOrder',
        releaseInput({
          plant,
          orderNumber: `PO-BAD-${plant}`,
          operations: [{ sequence: 10, workCenter: 'NOWHERE', description: 'x' }],
          components: [],
        }),
      );
      ids[`held-${plant}`] = await submit(
        'acknowledgeProductionOrder',
        acknowledgeInput(releaseInput({ plant, orderNumber: `PO-NEVER-${plant}` })),
      );
    }
    for (const id of Object.values(ids))
      await waitFor(async () =>
        ['APPLIED', 'QUARANTINED', 'HELD'].includes((await runtime.store.getTransaction(id))?.status ?? ''),
      );
  });
  afterAll(() => installation.cleanup());

  it('lists only its plants, whatever filter it asks for', async () => {
    const all = await as<{ productionOrders: { totalCount: number; nodes: { plant: string }[] } }>(
      keys.viewerP1,
      '{ productionOrders(first: 50) { totalCount nodes { plant } } }',
    );
    expect(all.productionOrders.totalCount).toBeGreaterThan(0);
    expect(new Set(all.productionOrders.nodes.map((n) => n.plant))).toEqual(new Set(['P1']));
    const asked = await as<{ productionOrders: { totalCount: number } }>(
      keys.viewerP1,
      '{ productionOrders(filter: { plant: "P2" }) { totalCount } }',
    );
    expect(asked.productionOrders.totalCount).toBe(0);
    const exceptions = await as<{ exceptions: { totalCount: number; nodes: { plant: string }[] } }>(
      keys.viewerP1,
      '{ exceptions(first: 50) { totalCount nodes { plant } } }',
    );
    expect(exceptions.exceptions.nodes.map((e) => e.plant)).toEqual(['P1']);
    expect(
      (
        await as<{ exceptions: { totalCount: number } }>(
          keys.viewerP1,
          '{ exceptions(filter: { plant: "P2" }) { totalCount } }',
        )
      ).exceptions.totalCount,
    ).toBe(0);
  });

  it('answers look-ups of the other plant as if nothing were there, without an error that would tell', async () => {
    const answer = await gql(
      url,
      `{ o: productionOrder(orderNumber: "PO-P2", plant: "P2") { state } t: transaction(correlationId: "${ids['release-P2']}") { status } l: lot(lotNumber: "L-RM7-OK", plant: "P2") { item } }`,
      {},
      bearer(keys.viewerP1),
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ o: null, t: null, l: null });
    const own = await as<{ o: { state: string }; l: { item: string } }>(
      keys.viewerP1,
      '{ o: productionOrder(orderNumber: "PO-P1", plant: "P1") { state } l: lot(lotNumber: "L-RM7-OK", plant: "P1") { item } }',
    );
    expect(own).toEqual({ o: { state: 'RELEASED' }, l: { item: 'RM-7' } });
  });

  it('keeps nested, federated and stalled views to its plants', async () => {
    const nested = await as<{
      productionOrders: {
        nodes: { plant: string; transactions: { plant: string }[]; exceptions: { plant: string }[]; erp: unknown }[];
      };
    }>(
      keys.viewerP1,
      '{ productionOrders(first: 50) { nodes { plant transactions { plant } exceptions { plant } erp { status } } } }',
    );
    const plants = nested.productionOrders.nodes.flatMap((n) => [
      n.plant,
      ...n.transactions.map((t) => t.plant),
      ...n.exceptions.map((e) => e.plant),
    ]);
    expect(new Set(plants)).toEqual(new Set(['P1']));
    const stalled = await as<{
      stalledTransactions: { orders: { plant: string }[]; transactions: { plant: string }[] };
    }>(keys.viewerP1, '{ stalledTransactions(olderThanSeconds: 0) { orders { plant } transactions { plant } } }');
    expect(stalled.stalledTransactions.transactions.map((t) => t.plant)).toEqual(['P1']);
    expect(new Set(stalled.stalledTransactions.orders.map((o) => o.plant))).toEqual(new Set(['P1']));
    expect(
      (
        await as<{ stalledTransactions: { totalCount: number } }>(
          keys.viewerP1,
          '{ stalledTransactions(plant: "P2", olderThanSeconds: 0) { totalCount } }',
        )
      ).stalledTransactions.totalCount,
    ).toBe(0);
  });

  it('says who it is, and lists only the keys of its plants', async () => {
    expect(
      (await as<{ whoami: unknown }>(keys.viewerP1, '{ whoami { kind roles plants openLocalMode } }')).whoami,
    ).toEqual({ kind: 'API_KEY', roles: ['VIEWER'], plants: ['P1'], openLocalMode: false });
    const listed = await as<{ apiKeys: { plants: string[] }[] }>(keys.adminP1, '{ apiKeys { plants } }');
    expect(listed.apiKeys.length).toBeGreaterThan(0);
    for (const key of listed.apiKeys) expect(key.plants).toEqual(['P1']);
    const refused = await gql(
      url,
      'mutation { createApiKey(input: { name: "for P2", roles: [VIEWER], plants: ["P2"] }) { key } }',
      {},
      bearer(keys.adminP1),
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses a submit for the other plant with FORBIDDEN, recording and publishing nothing', async () => {
    const release = releaseInput({ plant: 'P2', orderNumber: 'PO-NOT-YOURS' });
    const answer = await gql(
      url,
      submitMutationDocument('releaseProductionOrder'),
      { input: release },
      bearer(keys.integratorP1),
    );
    expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(answer.errors?.[0]?.message).toMatch(/plant P2/);
    // Had anything been published, the worker would have recorded and applied it by now.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await runtime.store.listTransactionsByOrder('P2', 'PO-NOT-YOURS')).toEqual([]);
    expect(await runtime.store.getOrder('P2', 'PO-NOT-YOURS')).toBeNull();
    const own = await gql(
      url,
      submitMutationDocument('releaseProductionOrder'),
      { input: releaseInput({ plant: 'P1', orderNumber: 'PO-MINE' }) },
      bearer(keys.integratorP1),
    );
    expect(own.errors).toBeUndefined();
  });

  it('refuses master data for another plant, and item master data (shared by every plant), to a one-plant principal', async () => {
    const upsert = (input: object) =>
      gql(url, submitMutationDocument('upsertReferenceData'), { input }, bearer(keys.integratorP1));
    const lot = (plant: string) => ({
      lotNumber: `L-${plant}-NEW`,
      item: 'RM-7',
      plant,
      status: 'UNRESTRICTED',
      quantity: 5,
      uom: 'KG',
    });
    const otherPlant = await upsert({ lots: [lot('P1'), lot('P2')] });
    expect(otherPlant.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN', plants: ['P2'] } });
    const items = await upsert({ items: [{ number: 'RM-NEW', revision: 'A', baseUom: 'KG', lotControlled: true }] });
    expect(items.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN', plants: ['*'] } });
    expect(items.errors?.[0]?.message).toMatch(/master data shared by every plant/);
    expect((await upsert({ lots: [lot('P1')] })).errors).toBeUndefined();
  });

  it('carries the principal into the transaction, every audit entry and every outbound message of what it submitted', async () => {
    const { key, id } = await createKey(runtime.store, ['INTEGRATOR'], ['P1'], { name: 'MES adapter P1' });
    const answer = await as<{ releaseProductionOrder: { correlationId: string } }>(
      key,
      submitMutationDocument('releaseProductionOrder'),
      { input: releaseInput({ plant: 'P1', orderNumber: 'PO-WHO' }) },
    );
    const { correlationId } = answer.releaseProductionOrder;
    await waitFor(async () => (await runtime.store.getTransaction(correlationId))?.status === 'APPLIED');
    const shown = await as<{ transaction: { submittedBy: unknown } }>(
      key,
      `{ transaction(correlationId: "${correlationId}") { submittedBy { id name kind } } }`,
    );
    expect(shown.transaction.submittedBy).toEqual({ id: `key:${id}`, name: 'MES adapter P1', kind: 'API_KEY' });
    const audit = await runtime.store.listAudit('order:P1:PO-WHO');
    expect(audit.length).toBeGreaterThan(0);
    for (const entry of audit) expect(entry.actor).toBe(`key:${id}`);
    const outbox = await runtime.store.listOutbox({ correlationId });
    expect(outbox.length).toBeGreaterThan(0);
    for (const entry of outbox) expect(entry.principal).toMatchObject({ id: `key:${id}`, kind: 'API_KEY' });
  });
});
