import { scopeOf, sliceOf, type Command } from '../messages/message.registry';
import type { Store } from '../ports/store.port';
import { lotKey, type ItemRecord, type LotRecord } from '../reference/reference.types';
import type { DecisionInputs } from './decision';

type Reads = Pick<Store, 'getOrder' | 'getLot' | 'listItemRevisions' | 'listWorkCenters' | 'getPlant' | 'usedSerials'>;

/** Loads exactly the stored state the rules of a command read, as its slice names it. */
export async function loadDecisionInputs(store: Reads, command: Command): Promise<DecisionInputs> {
  const scope = scopeOf(command);
  const order = scope.orderNumber ? await store.getOrder(scope.plant, scope.orderNumber) : null;
  const reads = sliceOf(command.messageType).reads(command.payload, order);

  const lots = new Map<string, LotRecord>();
  for (const [plant, lotNumber] of reads.lots ?? []) {
    const lot = await store.getLot(plant, lotNumber);
    if (lot) lots.set(lotKey(plant, lotNumber), lot);
  }
  const items = new Map<string, ItemRecord[]>();
  for (const number of new Set(reads.items)) {
    const revisions = await store.listItemRevisions(number);
    if (revisions.length) items.set(number, revisions);
  }
  // The plant's record enriches the ERP postings a decision asks for; reference data (plant '*') has none.
  const plant = scope.plant === '*' ? null : await store.getPlant(scope.plant);
  const knownPlants = new Set<string>(plant ? [plant.code] : []);
  for (const code of new Set(reads.plants)) {
    if (code !== plant?.code && (await store.getPlant(code))) knownPlants.add(code);
  }
  const workCenterRecords = reads.workCentersOf ? await store.listWorkCenters(reads.workCentersOf) : [];
  const workCenters = new Set(workCenterRecords.map((wc) => wc.code));
  const serials = reads.serials;
  const usedSerials = new Set(
    serials?.numbers.length ? await store.usedSerials(serials.plant, serials.item, serials.numbers) : [],
  );
  return {
    order,
    lots,
    items,
    workCenters,
    workCenterRecords,
    plant,
    usedSerials,
    plantKnown: knownPlants.has(scope.plant),
    knownPlants,
  };
}
