import type { ErpLotStock, QualityView } from '../ports/downstream.port';
import type { LotRecord } from '../reference/reference.types';
import type { Finding } from './drift.types';

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
  if (lot.producedBy || Date.parse(lot.updatedAt) > Date.parse(now) - graceSeconds * 1000)
    return { findings: [], compared: false };
  const system = erp ? Math.round((erp.unrestricted + erp.restricted + erp.blocked) * 1e6) / 1e6 : null;
  if (system === lot.quantity || (system === null && lot.quantity === 0)) return { findings: [], compared: true };
  const finding: Finding = {
    system: 'ERP',
    orderNumber: null,
    lot: lot.lotNumber,
    field: 'lotBalance',
    plantgateValue: lot.quantity,
    systemValue: system,
    correction:
      system === null
        ? null
        : {
            kind: 'ADJUST_LOT_LEDGER',
            description: `Set Plantgate's ledger of lot ${lot.lotNumber} from ${lot.quantity} to ERP's count, ${system} ${lot.uom}`,
            lot: lot.lotNumber,
            quantity: system,
          },
  };
  return { findings: [finding], compared: true };
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
  if (!lot.producedBy || Date.parse(lot.updatedAt) > Date.parse(now) - graceSeconds * 1000)
    return { findings: [], compared: false };
  const findings: Finding[] = [];
  for (const theirs of quality.nonconformances.filter((nc) => nc.lot === lot.lotNumber)) {
    const mine = lot.nonconformances.find((nc) => nc.nonconformanceId === theirs.nonconformanceId);
    if (mine?.status === theirs.status) continue;
    findings.push({
      system: 'QMS',
      orderNumber: null,
      lot: lot.lotNumber,
      field: `nonconformance:${theirs.nonconformanceId}`,
      plantgateValue: mine?.status ?? null,
      systemValue: theirs.status,
      correction: null,
    });
  }
  return { findings, compared: true };
}
