import type { UpsertReferenceData } from '../../core/reference/upsert-reference-data.command';
import type { Store } from '../../core/ports/store.port';
import type { ErpSimulator } from '../../simulators/erp.simulator';

/**
 * What the demo and the scorecard wait for before they count: master data in the reference ERP, and every
 * posting either confirmed by ERP or refused into a DOWNSTREAM exception.
 */
export async function masterDataInErp(
  erp: ErpSimulator,
  reference: UpsertReferenceData,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!reference.lots.every((l) => erp.lots.has(`${l.plant}|${l.lotNumber}`))) {
    if (Date.now() > deadline) throw new Error('timed out waiting for master data to reach ERP');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Postings of these orders still in flight: neither confirmed by ERP nor refused into an exception. */
export async function postingsInFlight(
  store: Pick<Store, 'getOrder' | 'getTransaction'>,
  orders: { plant: string; orderNumber: string }[],
): Promise<number> {
  let open = 0;
  for (const ref of orders) {
    const order = await store.getOrder(ref.plant, ref.orderNumber);
    for (const posting of order?.postings ?? []) {
      if (posting.status !== 'POSTED' && !(await store.getTransaction(posting.correlationId))?.exceptionId) open += 1;
    }
  }
  return open;
}
