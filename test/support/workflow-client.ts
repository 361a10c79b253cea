import type { ReleaseProductionOrder } from '../../core/orders/release-production-order.command';
import { submitMutationDocument } from '../../resolvers/submit-mutation';
import { gql, gqlOk, TRANSACTION } from './graphql-client';
import { completion, inspection, operationEvent } from './event.fixture';
import { acknowledgeInput, releaseInput } from './order.fixture';
import { waitFor } from './wait';

export type SubmitResult = { correlationId: string; status: 'ACCEPTED' | 'DUPLICATE' };

/** Calls a submit mutation over HTTP as an integrator does, failing the test on any GraphQL error. */
export async function submit(url: string, mutation: string, input: object): Promise<SubmitResult> {
  const result = await gql<Record<string, SubmitResult>>(url, submitMutationDocument(mutation), { input });
  if (result.errors?.length || !result.data) throw new Error(`${mutation} failed: ${JSON.stringify(result.errors)}`);
  return result.data[mutation]!;
}

export interface TransactionView {
  correlationId: string;
  status: string;
  attempts: number;
  lastError: string | null;
  exception: { id: string; type: string; reason: string; rule: string; ruleSetVersion: number } | null;
}

export async function transaction(url: string, correlationId: string): Promise<TransactionView | null> {
  return (await gqlOk<{ transaction: TransactionView | null }>(url, TRANSACTION, { correlationId })).transaction;
}

/** Waits until a transaction reaches one of the given statuses and returns it. */
export async function settled(
  url: string,
  correlationId: string,
  statuses: string[] = ['APPLIED', 'POSTED', 'DUPLICATE', 'QUARANTINED', 'FAILED'],
): Promise<TransactionView> {
  return waitFor(
    async () => {
      const t = await transaction(url, correlationId);
      return t && statuses.includes(t.status) ? t : undefined;
    },
    { what: `transaction ${correlationId} to be ${statuses.join(' or ')}`, timeoutMs: 30_000 },
  );
}

/** Submits and waits for the outcome in one step. */
export async function submitAndSettle(
  url: string,
  mutation: string,
  input: object,
  statuses?: string[],
): Promise<TransactionView> {
  const { correlationId } = await submit(url, mutation, input);
  return settled(url, correlationId, statuses);
}

/** Applied, or applied and already confirmed by ERP when connectors run: either way it took effect. */
export const TOOK_EFFECT = ['APPLIED', 'POSTED'];

/** One event of the fixture routing's operations (10 at WC-CUT, 20 at WC-ASSY), waited for until it took effect. */
export function operationStep(
  url: string,
  orderNumber: string,
  operationSequence: 10 | 20,
  eventType: 'START' | 'CONFIRM' | 'COMPLETE',
  yieldQuantity = 0,
  occurredAt = '2026-12-01T08:00:00.000Z',
): Promise<TransactionView> {
  const workCenter = operationSequence === 10 ? 'WC-CUT' : 'WC-ASSY';
  const event = { orderNumber, operationSequence, workCenter, eventType, yieldQuantity, occurredAt };
  return submitAndSettle(url, 'reportOperationEvent', operationEvent(event), TOOK_EFFECT);
}

/** An order taken through release and acknowledgement. */
export async function acknowledgedOrder(
  url: string,
  overrides: Partial<ReleaseProductionOrder> = {},
): Promise<ReleaseProductionOrder> {
  const release = releaseInput(overrides);
  await submitAndSettle(url, 'releaseProductionOrder', release, TOOK_EFFECT);
  await submitAndSettle(url, 'acknowledgeProductionOrder', acknowledgeInput(release), TOOK_EFFECT);
  return release;
}

/** An order on the floor: released, acknowledged, and its first operation started. */
export async function startedOrder(
  url: string,
  overrides: Partial<ReleaseProductionOrder> = {},
): Promise<ReleaseProductionOrder> {
  const release = await acknowledgedOrder(url, overrides);
  const ref = { orderNumber: release.orderNumber, plant: release.plant };
  await submitAndSettle(url, 'reportOperationEvent', operationEvent(ref), TOOK_EFFECT);
  return release;
}

/** An order with both operations completed (50 good), ready for completion. */
export async function executedOrder(
  url: string,
  overrides: Partial<ReleaseProductionOrder> = {},
): Promise<ReleaseProductionOrder> {
  const release = await acknowledgedOrder(url, overrides);
  const ref = { orderNumber: release.orderNumber, plant: release.plant };
  for (const [sequence, workCenter] of [
    [10, 'WC-CUT'],
    [20, 'WC-ASSY'],
  ] as const) {
    await submitAndSettle(
      url,
      'reportOperationEvent',
      operationEvent({ ...ref, operationSequence: sequence, workCenter, eventType: 'START' }),
      TOOK_EFFECT,
    );
    await submitAndSettle(
      url,
      'reportOperationEvent',
      operationEvent({
        ...ref,
        operationSequence: sequence,
        workCenter,
        eventType: 'COMPLETE',
        yieldQuantity: 50,
        occurredAt: '2026-12-01T08:00:00.000Z',
      }),
      TOOK_EFFECT,
    );
  }
  return release;
}

/** An order completed into lot `lot`, waiting for its final inspection. */
export async function completedOrder(
  url: string,
  lot: string,
  overrides: Partial<ReleaseProductionOrder> = {},
): Promise<ReleaseProductionOrder> {
  const release = await executedOrder(url, overrides);
  await submitAndSettle(
    url,
    'reportProductionCompletion',
    completion({ orderNumber: release.orderNumber, plant: release.plant, lot }),
    TOOK_EFFECT,
  );
  return release;
}

/** An order completed into lot `lot` whose final inspection QMS decided: PASS accepts it, FAIL rejects it (a hold). */
export async function inspectedOrder(
  url: string,
  lot: string,
  result: 'PASS' | 'FAIL',
  overrides: Partial<ReleaseProductionOrder> = {},
): Promise<ReleaseProductionOrder> {
  const release = await completedOrder(url, lot, overrides);
  const disposition = result === 'PASS' ? 'ACCEPT' : 'REJECT';
  const decision = inspection({ orderNumber: release.orderNumber, plant: release.plant, lot, result, disposition });
  await submitAndSettle(url, 'recordInspectionResult', decision, TOOK_EFFECT);
  return release;
}
