import type { UpsertReferenceData } from '../../core/reference/upsert-reference-data.command';
import { ACTIVE_EXCEPTION_STATUSES } from '../../core/ports/records';
import type { Store } from '../../core/ports/store.port';
import type { TransactionRecord } from '../../core/ports/transaction.record';
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

/**
 * Whether a HELD transaction waits behind an exception that still needs a person (it depends on a refused event of
 * its order): it is parked in the workbench, visible and accounted for, not lost, and drains when the exception is
 * worked.
 */
export async function parkedBehindException(
  store: Pick<Store, 'listHeld' | 'getException'>,
  transaction: TransactionRecord,
): Promise<boolean> {
  if (transaction.status !== 'HELD') return false;
  const { plant, orderNumber } = transaction.envelope.scope;
  const held = (await store.listHeld(plant, orderNumber)).find(
    (h) => h.correlationId === transaction.envelope.correlationId,
  );
  const blocker = held?.blockedBy ? await store.getException(held.blockedBy) : null;
  return blocker !== null && ACTIVE_EXCEPTION_STATUSES.includes(blocker.status);
}
