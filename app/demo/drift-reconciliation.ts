import type { Store } from '../../core/ports/store.port';
import { isRaised, type DriftStatus } from '../../core/reconciliation/drift.types';
import type { DriftScore, InjectedDrift } from '../../simulators/drift-plan';
import { postingsInFlight } from './settling';
import { graphql } from './graphql-call';

type DriftView = {
  orderNumber: string | null;
  lot: string | null;
  system: string;
  field: string;
  id: string;
  status: DriftStatus;
};

/**
 * Plantgate's answer to the drifts injected after the plant day, through its GraphQL API as supply chain would work
 * it: a FULL run per plant, every proposed correction of an injected drift approved, the corrections booked, and a
 * second run that must find each of them closed.
 */
export async function reconcileDrifts(
  url: string,
  store: Pick<Store, 'getOrder' | 'getTransaction'>,
  orders: { plant: string; orderNumber: string }[],
  injected: InjectedDrift[],
  timeoutMs: number,
): Promise<DriftScore> {
  const plants = [...new Set(orders.map((o) => o.plant))];
  const matches = (d: DriftView, i: InjectedDrift) =>
    d.system === 'ERP' &&
    d.field === i.expected.field &&
    d.orderNumber === i.expected.orderNumber &&
    (i.expected.lot === null || d.lot === i.expected.lot);
  for (const plant of plants) await run(url, plant, timeoutMs);
  const raised = (await listDrifts(url, plants)).filter((d) => isRaised(d.status));
  const found = injected.filter((i) => raised.some((d) => matches(d, i)));
  for (const drift of raised.filter((d) => d.status === 'CORRECTION_PROPOSED' && injected.some((i) => matches(d, i))))
    await graphql(
      url,
      'mutation A($id: ID!) { approveCorrection(driftId: $id, note: "scorecard: counted and agreed") { id } }',
      {
        id: drift.id,
      },
    );
  const deadline = Date.now() + timeoutMs;
  while ((await postingsInFlight(store, orders)) > 0 && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 200));
  for (const plant of plants) await run(url, plant, timeoutMs);
  const after = await listDrifts(url, plants);
  return {
    drifts_injected: injected.length,
    drifts_found: found.length,
    drifts_closed: injected.filter((i) => after.some((d) => matches(d, i) && d.status === 'CLOSED')).length,
    drifts_unexpected: raised.filter((d) => !injected.some((i) => matches(d, i))).length,
  };
}

async function run(url: string, plant: string, timeoutMs: number) {
  const { runReconciliation } = await graphql<{ runReconciliation: { id: string } }>(
    url,
    'mutation R($plant: String!) { runReconciliation(plant: $plant, scope: FULL) { id } }',
    { plant },
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { reconciliationRun } = await graphql<{ reconciliationRun: { status: string; error: string | null } }>(
      url,
      'query Q($id: ID!) { reconciliationRun(id: $id) { status error } }',
      { id: runReconciliation.id },
    );
    if (reconciliationRun.status === 'FAILED')
      throw new Error(`reconciliation of ${plant} failed: ${reconciliationRun.error}`);
    if (reconciliationRun.status === 'SUCCEEDED') return;
    if (Date.now() > deadline) throw new Error(`reconciliation of ${plant} did not end`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function listDrifts(url: string, plants: string[]): Promise<DriftView[]> {
  const all: DriftView[] = [];
  for (const plant of plants) {
    let after: string | null = null;
    do {
      type Page = { nodes: DriftView[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
      const page: { drifts: Page } = await graphql(
        url,
        `
          query D($plant: String!, $after: String) {
            drifts(filter: { plant: $plant }, first: 200, after: $after) {
              nodes {
                id
                orderNumber
                lot
                system
                field
                status
              }
              pageInfo {
                hasNextPage
                endCursor
              }
            }
          }
        `,
        { plant, after },
      );
      const drifts = page.drifts;
      all.push(...drifts.nodes);
      after = drifts.pageInfo.hasNextPage ? drifts.pageInfo.endCursor : null;
    } while (after);
  }
  return all;
}
