import type {
  Disposition,
  InspectionResult,
  InspectionType,
  LotStatus,
  NonconformanceStatus,
  UomConversion,
} from '../commands/vocabulary';

/** What ERP postings of a plant carry besides the event (enrichment): ERP's plant code and the order-level cost object. */
export interface PlantEnrichment {
  /** The plant's code in ERP, when it differs or must be named. */
  erpPlant?: string | null;
  /** Where orders of the plant settle their costs (the order settlement receiver). */
  settlementReceiver?: string | null;
}

export interface PlantRecord extends PlantEnrichment {
  code: string;
  name: string;
}

/** What operation-level ERP postings of a work centre carry: its cost centre and the activity type confirmed. */
export interface WorkCenterEnrichment {
  costCenter?: string | null;
  activityType?: string | null;
}

export interface WorkCenterRecord extends WorkCenterEnrichment {
  plant: string;
  code: string;
}

/** The enrichment fields of a plant or work centre record, without its identity. */
export function enrichmentOf<T extends PlantEnrichment & WorkCenterEnrichment>(
  record: T,
): PlantEnrichment & WorkCenterEnrichment {
  const { erpPlant, settlementReceiver, costCenter, activityType } = record;
  return Object.fromEntries(
    Object.entries({ erpPlant, settlementReceiver, costCenter, activityType }).filter(
      ([, v]) => v !== undefined && v !== null,
    ),
  );
}

/** An item revision from the master: its base unit of measure and how other units convert to it. */
export interface ItemRecord {
  number: string;
  revision: string;
  baseUom: string;
  lotControlled: boolean;
  /** Each piece carries a serial number: completions name one per piece, genealogy answers by serial. */
  serialized?: boolean | null;
  uomConversions: UomConversion[];
}

export interface LotInspection {
  inspectionId: string;
  orderNumber: string;
  inspectionType: InspectionType;
  result: InspectionResult;
  disposition: Disposition;
  decidedAt: string;
}

export interface LotNonconformance {
  nonconformanceId: string;
  orderNumber: string;
  status: NonconformanceStatus;
  severity: string;
  description: string;
  occurredAt: string;
}

export interface LotConsumption {
  orderNumber: string;
  operationSequence: number;
  quantity: number;
  uom: string;
  at: string;
}

/**
 * A lot as Plantgate tracks it: master data (status, expiry, quantity on hand in its unit) plus the genealogy
 * and quality facts the workflow adds. `version` guards concurrent writers, as on orders.
 */
export interface LotRecord {
  plant: string;
  lotNumber: string;
  item: string;
  status: LotStatus;
  expiresAt: string | null;
  quantity: number;
  uom: string;
  version: number;
  producedBy: { orderNumber: string; quantity: number; uom: string; at: string } | null;
  consumedBy: LotConsumption[];
  inspections: LotInspection[];
  nonconformances: LotNonconformance[];
  /** The serial numbers of the pieces produced into the lot, for serialised items. */
  serialNumbers?: string[];
  updatedAt: string;
}

export function hasOpenNonconformance(lot: LotRecord | null | undefined): LotNonconformance | undefined {
  return lot?.nonconformances.find((nc) => nc.status !== 'CLOSED');
}

/** How lots are keyed in decision inputs: lot numbers are unique within a plant. */
export function lotKey(plant: string, lotNumber: string): string {
  return `${plant}|${lotNumber}`;
}
