import type { ErpLotStock, QualityView } from '../ports/downstream.port';
import type { LotRecord } from '../reference/reference.types';
import { round } from '../reference/uom';
import type { Finding } from './drift.types';
import { findingsWith, settled } from './findings';

/**
 * Compares Plantgate's ledger of a lot it does not produce (a component lot from master data) with ERP's stock of
 * it, all stock statuses together. A lot a Plantgate order produced is compared through its order's goods receipt.
 * A lot changed within the grace period may have a goods issue on its way to ERP: not compared yet.
 */
export function compareLot(
  lot: LotRecord,
  erp: ErpLotStock | null,
  now: string,
  graceSeconds: number,
): { findings: Finding[]; compared: boolean } {
  if (lot.producedBy || !settled(lot.updatedAt, now, graceSeconds)) return { findings: [], compared: false };
  const system = erp ? round(erp.unrestricted + erp.restricted + erp.blocked) : null;
  const { found, at } = findingsWith('ERP', null);
  // A lot ERP does not stock and Plantgate holds none of agree.
  if (system !== null || lot.quantity !== 0) {
    at('lotBalance', lot.quantity, system, {
      lot: lot.lotNumber,
      correction:
        system === null
          ? null
          : {
              kind: 'ADJUST_LOT_LEDGER',
              description: `Set Plantgate's ledger of lot ${lot.lotNumber} from ${lot.quantity} to ERP's count, ${system} ${lot.uom}`,
              lot: lot.lotNumber,
              quantity: system,
            },
    });
  }
  return { findings: found, compared: true };
}

/**
 * Compares the nonconformances Plantgate holds on a lot an order produced with QMS's, for every nonconformance QMS
 * knows of the lot (QMS is their system of record: one recorded by hand in Plantgate alone is not held against it).
 */
export function compareLotQuality(
  lot: LotRecord,
  quality: QualityView,
  now: string,
  graceSeconds: number,
): { findings: Finding[]; compared: boolean } {
  if (!lot.producedBy || !settled(lot.updatedAt, now, graceSeconds)) return { findings: [], compared: false };
  const { found, at } = findingsWith('QMS', null);
  for (const theirs of quality.nonconformances.filter((nc) => nc.lot === lot.lotNumber)) {
    const mine = lot.nonconformances.find((nc) => nc.nonconformanceId === theirs.nonconformanceId);
    at(`nonconformance:${theirs.nonconformanceId}`, mine?.status ?? null, theirs.status, { lot: lot.lotNumber });
  }
  return { findings: found, compared: true };
}
