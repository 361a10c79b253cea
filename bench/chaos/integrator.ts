import { operationEventInput } from '../plant-events';
import { randomUUID } from 'node:crypto';
import type { UpsertReferenceData } from '../../core/reference/upsert-reference-data.command';
import { submitMutationDocument } from '../../resolvers/submit-mutation';

/** One business event an integrator sent, and the answer it finally got. */
export interface AnsweredEvent {
  orderNumber: string;
  plant: string;
  mutation: string;
  status: 'ACCEPTED' | 'DUPLICATE';
  correlationId: string;
  /** Sends it took, the first included: every error was answered by a resend with a new messageId. */
  sends: number;
}

export const CHAOS_PLANTS = ['P1', 'P2'];

/** Master data of the run: two plants, their work centers, the finished good, a component and its lots. */
export function chaosReferenceData(): UpsertReferenceData {
  return {
    plants: CHAOS_PLANTS.map((code) => ({ code, name: `Plant ${code}` })),
    workCenters: CHAOS_PLANTS.flatMap((plant) => ['WC-CUT', 'WC-ASSY'].map((code) => ({ plant, code }))),
    items: [
      { number: 'FG-100', revision: 'A', baseUom: 'EA', lotControlled: true, uomConversions: [] },
      { number: 'RM-7', revision: '1', baseUom: 'EA', lotControlled: true, uomConversions: [] },
    ],
    lots: CHAOS_PLANTS.map((plant) => ({
      lotNumber: `L-RM-${plant}`,
      item: 'RM-7',
      plant,
      status: 'UNRESTRICTED' as const,
      expiresAt: '2030-01-01T00:00:00.000Z',
      quantity: 100_000_000,
      uom: 'EA',
    })),
  };
}

export interface IntegratorOptions {
  gateways: string[];
  /** The adapters' API key: INTEGRATOR in every plant. */
  apiKey: string;
  qmsUrl: string;
  runId: string;
  /** Pause between two events of one order, as a plant floor paces them. */
  paceMs: number;
}

/**
 * ERP, MES and QMS adapters as a demanding integrator writes them: every message type, in each order's natural
 * order, and on any error (a refused connection, a 5xx, a 503 from load shedding, a timeout) the same business
 * event is sent again with a new messageId, through the next gateway, until Plantgate answers ACCEPTED or DUPLICATE.
 */
export function createIntegrator(options: IntegratorOptions) {
  let next = 0;
  let errors = 0;
  const answered: AnsweredEvent[] = [];

  async function send(
    mutation: string,
    input: Record<string, unknown>,
  ): Promise<{ status: 'ACCEPTED' | 'DUPLICATE'; correlationId: string; sends: number }> {
    for (let sends = 1; ; sends++) {
      const url = options.gateways[next++ % options.gateways.length]!;
      const payload = 'messageId' in input ? { ...input, messageId: `${options.runId}-${randomUUID()}` } : input;
      try {
        const response = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${options.apiKey}` },
          body: JSON.stringify({ query: submitMutationDocument(mutation), variables: { input: payload } }),
          signal: AbortSignal.timeout(15_000),
        });
        const body = (await response.json()) as {
          data?: Record<string, { status: 'ACCEPTED' | 'DUPLICATE'; correlationId: string }> | null;
          errors?: { message: string; extensions?: { code?: string } }[];
        };
        const result = body.data?.[mutation];
        if (result) return { ...result, sends };
        const code = body.errors?.[0]?.extensions?.code;
        // A refusal of the content itself is a defect of this generator, not a fault to ride out.
        if (code === 'BAD_USER_INPUT' || code === 'DUPLICATE_CONFLICT')
          throw new Error(`${mutation} refused: ${JSON.stringify(body.errors)}`);
      } catch (error) {
        if ((error as Error).message.includes('refused:')) throw error;
      }
      errors += 1;
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * sends)));
    }
  }

  async function event(orderNumber: string, plant: string, mutation: string, input: Record<string, unknown>) {
    await new Promise((resolve) => setTimeout(resolve, options.paceMs));
    const answer = await send(mutation, input);
    answered.push({ orderNumber, plant, mutation, ...answer });
  }

  /** The inspection QMS was asked for on the order's lot: QMS decides the inspection Plantgate requested. */
  async function requestedInspection(plant: string, orderNumber: string, lot: string): Promise<string> {
    for (;;) {
      try {
        const listing = (await (
          await fetch(`${options.qmsUrl}/api/inspections?refs=${encodeURIComponent(`${plant}:${orderNumber}`)}`, {
            signal: AbortSignal.timeout(5000),
          })
        ).json()) as {
          inspections: { inspectionId: string; lot: string }[];
        };
        const found = listing.inspections.find((i) => i.lot === lot);
        if (found) return found.inspectionId;
      } catch {
        // QMS restarting: ask again.
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** One order's life, from ERP's release to QMS's decision; ERP's own acknowledgements come back by themselves. */
  async function runOrder(index: number, nonconformance: boolean) {
    const plant = CHAOS_PLANTS[index % CHAOS_PLANTS.length]!;
    const orderNumber = `C-${options.runId}-${String(index).padStart(6, '0')}`;
    const ref = { orderNumber, plant };
    const at = (minute: number) =>
      new Date(Date.parse('2026-12-01T06:00:00.000Z') + index * 3_600_000 + minute * 60_000).toISOString();
    const lot = `FG-${orderNumber}`;
    const op = (sequence: number, eventType: string, minute: number, yieldQuantity = 0) =>
      operationEventInput(ref, sequence, eventType, at(minute), 'm', yieldQuantity);
    await event(orderNumber, plant, 'releaseProductionOrder', {
      ...ref,
      item: 'FG-100',
      itemRevision: 'A',
      routingRevision: 'R3',
      specRevision: 'S2',
      quantity: 10,
      uom: 'EA',
      dueAt: '2026-12-31T00:00:00.000Z',
      operations: [
        { sequence: 10, workCenter: 'WC-CUT', description: 'Cut' },
        { sequence: 20, workCenter: 'WC-ASSY', description: 'Assemble' },
      ],
      components: [{ item: 'RM-7', quantity: 20, uom: 'EA', operationSequence: 10 }],
    });
    await event(orderNumber, plant, 'acknowledgeProductionOrder', {
      ...ref,
      routingRevision: 'R3',
      specRevision: 'S2',
      acknowledgedAt: at(1),
      messageId: 'm',
    });
    await event(orderNumber, plant, 'reportOperationEvent', op(10, 'START', 2));
    await event(orderNumber, plant, 'reportMaterialConsumption', {
      ...ref,
      operationSequence: 10,
      item: 'RM-7',
      lot: `L-RM-${plant}`,
      quantity: 20,
      uom: 'EA',
      occurredAt: at(3),
      messageId: 'm',
    });
    await event(orderNumber, plant, 'reportOperationEvent', op(10, 'CONFIRM', 4, 5));
    await event(orderNumber, plant, 'reportOperationEvent', op(10, 'COMPLETE', 5, 10));
    await event(orderNumber, plant, 'reportOperationEvent', op(20, 'START', 6));
    await event(orderNumber, plant, 'reportOperationEvent', op(20, 'COMPLETE', 7, 10));
    await event(orderNumber, plant, 'reportProductionCompletion', {
      ...ref,
      lot,
      quantity: 10,
      uom: 'EA',
      occurredAt: at(8),
      messageId: 'm',
    });
    const nc = {
      nonconformanceId: `NC-${orderNumber}`,
      ...ref,
      lot,
      severity: 'MINOR',
      description: 'Scratch',
      messageId: 'm',
    };
    if (nonconformance)
      await event(orderNumber, plant, 'reportNonconformance', { ...nc, status: 'OPEN', occurredAt: at(9) });
    const inspectionId = await requestedInspection(plant, orderNumber, lot);
    await event(orderNumber, plant, 'recordInspectionResult', {
      inspectionId,
      ...ref,
      lot,
      inspectionType: 'FINAL',
      result: 'PASS',
      disposition: 'ACCEPT',
      inspector: 'qa',
      decidedAt: at(10),
      messageId: 'm',
    });
    if (nonconformance)
      await event(orderNumber, plant, 'reportNonconformance', { ...nc, status: 'CLOSED', occurredAt: at(11) });
    return { plant, orderNumber };
  }

  return {
    answered,
    get errors() {
      return errors;
    },
    reference: () => send('upsertReferenceData', chaosReferenceData() as unknown as Record<string, unknown>),
    runOrder,
  };
}

export type Integrator = ReturnType<typeof createIntegrator>;

/** Events per order the integrator sends (the acknowledgements ERP's answers become come on top). */
export const EVENTS_PER_ORDER = { plain: 10, withNonconformance: 12 };
