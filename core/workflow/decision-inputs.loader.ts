import { scopeOf, type Command } from '../commands/command.types';
import type { Store } from '../ports/store.port';
import { lotKey, type ItemRecord, type LotRecord } from '../reference/reference.types';
import type { DecisionInputs } from './decision';

type Reads = Pick<Store, 'getOrder' | 'getLot' | 'listItemRevisions' | 'listWorkCenters' | 'getPlant'>;

/** Loads exactly the stored state the rules of a command read. */
export async function loadDecisionInputs(store: Reads, command: Command): Promise<DecisionInputs> {
  const scope = scopeOf(command);
  const order = scope.orderNumber ? await store.getOrder(scope.plant, scope.orderNumber) : null;
  const lotRefs: [string, string][] = [];
  const itemNumbers = new Set<string>();
  let workCentersOf: string | null = null;
  const plantCodes = new Set<string>();

  switch (command.messageType) {
    case 'ReleaseProductionOrder':
      itemNumbers.add(command.payload.item);
      command.payload.components.forEach((c) => itemNumbers.add(c.item));
      workCentersOf = command.payload.plant;
      plantCodes.add(command.payload.plant);
      break;
    case 'ReportOperationEvent':
      workCentersOf = command.payload.plant;
      break;
    case 'ReportMaterialConsumption':
      itemNumbers.add(command.payload.item);
      lotRefs.push([command.payload.plant, command.payload.lot]);
      break;
    case 'ReportProductionCompletion':
      if (order) itemNumbers.add(order.item);
      lotRefs.push([command.payload.plant, command.payload.lot]);
      break;
    case 'RecordInspectionResult':
    case 'ReportNonconformance':
      lotRefs.push([command.payload.plant, command.payload.lot]);
      break;
    case 'UpsertReferenceData':
      command.payload.lots.forEach((l) => {
        lotRefs.push([l.plant, l.lotNumber]);
        itemNumbers.add(l.item);
        plantCodes.add(l.plant);
      });
      command.payload.workCenters.forEach((wc) => plantCodes.add(wc.plant));
      break;
    case 'AcknowledgeProductionOrder':
    case 'AcknowledgePosting':
      break;
  }

  const lots = new Map<string, LotRecord>();
  for (const [plant, lotNumber] of lotRefs) {
    const lot = await store.getLot(plant, lotNumber);
    if (lot) lots.set(lotKey(plant, lotNumber), lot);
  }
  const items = new Map<string, ItemRecord[]>();
  for (const number of itemNumbers) {
    const revisions = await store.listItemRevisions(number);
    if (revisions.length) items.set(number, revisions);
  }
  const knownPlants = new Set<string>();
  for (const code of plantCodes) if (await store.getPlant(code)) knownPlants.add(code);
  const workCenters = new Set(workCentersOf ? (await store.listWorkCenters(workCentersOf)).map((wc) => wc.code) : []);
  return { order, lots, items, workCenters, plantKnown: knownPlants.has(scope.plant), knownPlants };
}
