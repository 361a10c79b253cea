import type { UpsertReferenceData } from '../../core/reference/upsert-reference-data.command';
import type { DecisionInputs } from '../../core/workflow/decision';
import { lotKey, type ItemRecord, type LotRecord } from '../../core/reference/reference.types';
import { gqlOk, TRANSACTION } from './graphql-client';
import { waitFor } from './wait';

/** Master data for the plants the fixtures use: two plants, their work centers, a finished good and components. */
export function referenceData(plants: string[] = ['P100']): UpsertReferenceData {
  return {
    plants: plants.map((code) => ({ code, name: `Plant ${code}` })),
    workCenters: plants.flatMap((plant) => ['WC-CUT', 'WC-ASSY'].map((code) => ({ plant, code }))),
    items: [
      {
        number: 'FG-100',
        revision: 'A',
        baseUom: 'EA',
        lotControlled: true,
        uomConversions: [{ fromUom: 'BOX', toUom: 'EA', factor: 10 }],
      },
      {
        number: 'RM-7',
        revision: '1',
        baseUom: 'EA',
        lotControlled: true,
        uomConversions: [{ fromUom: 'BOX', toUom: 'EA', factor: 50 }],
      },
      { number: 'RM-8', revision: '1', baseUom: 'KG', lotControlled: true, uomConversions: [] },
    ],
    lots: plants.flatMap((plant) => [
      {
        lotNumber: 'L-RM7-OK',
        item: 'RM-7',
        plant,
        status: 'UNRESTRICTED' as const,
        expiresAt: '2027-12-31T00:00:00.000Z',
        quantity: 100000,
        uom: 'EA',
      },
      {
        lotNumber: 'L-RM7-EXPIRED',
        item: 'RM-7',
        plant,
        status: 'UNRESTRICTED' as const,
        expiresAt: '2026-06-30T00:00:00.000Z',
        quantity: 500,
        uom: 'EA',
      },
      {
        lotNumber: 'L-RM7-BLOCKED',
        item: 'RM-7',
        plant,
        status: 'BLOCKED' as const,
        expiresAt: null,
        quantity: 500,
        uom: 'EA',
      },
      {
        lotNumber: 'L-RM8-OK',
        item: 'RM-8',
        plant,
        status: 'UNRESTRICTED' as const,
        expiresAt: null,
        quantity: 200,
        uom: 'KG',
      },
    ]),
  };
}

export const UPSERT_REFERENCE = `mutation Ref($input: UpsertReferenceDataInput!) { upsertReferenceData(input: $input) { correlationId status } }`;

/** Submits reference data through GraphQL and waits until a worker applied it. */
export async function seedReferenceData(url: string, data: UpsertReferenceData = referenceData()): Promise<void> {
  const { upsertReferenceData } = await gqlOk<{ upsertReferenceData: { correlationId: string } }>(
    url,
    UPSERT_REFERENCE,
    { input: data },
  );
  await waitFor(
    async () =>
      (
        await gqlOk<{ transaction: { status: string } }>(url, TRANSACTION, {
          correlationId: upsertReferenceData.correlationId,
        })
      ).transaction?.status === 'APPLIED',
    { what: 'reference data applied' },
  );
}

/** Decision inputs built from the fixture's master data, for table tests of the pure rules. */
export function decisionInputs(overrides: Partial<DecisionInputs> = {}, plant = 'P100'): DecisionInputs {
  const data = referenceData([plant]);
  const items = new Map<string, ItemRecord[]>();
  data.items.forEach((item) => items.set(item.number, [...(items.get(item.number) ?? []), item]));
  const lots = new Map<string, LotRecord>(
    data.lots.map((l) => [
      lotKey(l.plant, l.lotNumber),
      {
        ...l,
        version: 1,
        producedBy: null,
        consumedBy: [],
        inspections: [],
        nonconformances: [],
        updatedAt: '2026-11-01T00:00:00.000Z',
      },
    ]),
  );
  return {
    order: null,
    lots,
    items,
    workCenters: new Set(['WC-CUT', 'WC-ASSY']),
    plantKnown: true,
    knownPlants: new Set([plant]),
    ...overrides,
  };
}
