import type { UpsertReferenceData } from './upsert-reference-data.command';
import { invalid, type Decision, type DecisionContext, type DecisionInputs } from '../workflow/decision';
import { lotKey, type LotRecord } from './reference.types';
import { toBaseUom } from './uom';

/**
 * Reference data (plants, work centers, item revisions, lots) is upserted as one unit: if any part refers to
 * something neither the message nor the store knows, nothing of it is applied. Lots keep their genealogy and
 * quality history; master data only sets their item, status, expiry and quantity.
 */
export function decideReferenceData(
  input: UpsertReferenceData,
  inputs: DecisionInputs,
  ctx: DecisionContext,
): Decision {
  const plants = new Set([...inputs.knownPlants, ...input.plants.map((p) => p.code)]);
  const items = new Map(inputs.items);
  for (const item of input.items)
    items.set(item.number, [...(items.get(item.number) ?? []).filter((r) => r.revision !== item.revision), item]);

  const badCenter = input.workCenters.find((wc) => !plants.has(wc.plant));
  if (badCenter)
    return invalid(
      'reference.plant',
      `Work center ${badCenter.code} names plant ${badCenter.plant}, which is not in the reference data.`,
    );
  const lots: LotRecord[] = [];
  for (const lot of input.lots) {
    if (!plants.has(lot.plant))
      return invalid(
        'reference.plant',
        `Lot ${lot.lotNumber} names plant ${lot.plant}, which is not in the reference data.`,
      );
    const master = items.get(lot.item)?.at(-1);
    if (!master)
      return invalid('reference.item', `Lot ${lot.lotNumber} holds item ${lot.item}, which is not in the item master.`);
    if (toBaseUom(lot.quantity, lot.uom, master) === null) {
      return invalid(
        'reference.uom-conversion',
        `Lot ${lot.lotNumber} is counted in ${lot.uom}, which has no conversion to ${master.number}'s base unit ${master.baseUom}.`,
      );
    }
    const existing = inputs.lots.get(lotKey(lot.plant, lot.lotNumber));
    lots.push({
      plant: lot.plant,
      lotNumber: lot.lotNumber,
      item: lot.item,
      status: lot.status,
      expiresAt: lot.expiresAt,
      quantity: lot.quantity,
      uom: lot.uom,
      version: existing?.version ?? 0,
      producedBy: existing?.producedBy ?? null,
      consumedBy: existing?.consumedBy ?? [],
      inspections: existing?.inspections ?? [],
      nonconformances: existing?.nonconformances ?? [],
      updatedAt: ctx.now,
    });
  }
  return {
    kind: 'apply',
    action: 'reference-data.upserted',
    reference: { plants: input.plants, workCenters: input.workCenters, items: input.items },
    lots,
    // ERP keeps item master and lot stock too: what MDM gives Plantgate reaches it, so postings for them are accepted.
    outbox: [
      {
        destination: 'erp',
        messageType: 'MasterData',
        idempotencyKey: `erp|master-data|${ctx.correlationId}`,
        payload: { plants: input.plants, items: input.items, lots: input.lots },
      },
    ],
  };
}
