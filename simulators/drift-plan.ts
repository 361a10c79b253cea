import type { ErpDrift, ErpSimulator } from './erp.simulator';

/** A direct edit in ERP behind the integration's back, and the drift reconciliation must find for it. */
export interface InjectedDrift {
  edit: ErpDrift;
  /** The drift it causes, as reconciliation names it: system ERP, an order or a lot, a field. */
  expected: { orderNumber: string | null; lot: string | null; field: string };
}

export interface DriftScore {
  drifts_injected: number;
  drifts_found: number;
  drifts_closed: number;
  /** Drifts found that no edit caused: differences the integration itself left behind. */
  drifts_unexpected: number;
}

export const NO_DRIFTS: DriftScore = { drifts_injected: 0, drifts_found: 0, drifts_closed: 0, drifts_unexpected: 0 };

/**
 * After a day's work: about one order in ten gets a confirmation reversed or booked twice in ERP by hand, and one
 * component lot per plant a stock count changed in ERP. Picked from ERP's own records, so the same plan applies to
 * any integration path that ran the day.
 */
export function planDrifts(
  erp: ErpSimulator,
  day: { orders: number; componentLots: { plant: string; lot: string }[] },
): InjectedDrift[] {
  const drifts: InjectedDrift[] = [];
  const confirmed = [...erp.orders.values()]
    .filter((o) => Object.values(o.operationYield).some((q) => q >= 2))
    .sort((a, b) => a.orderNumber.localeCompare(b.orderNumber));
  confirmed.slice(0, Math.max(2, Math.ceil(day.orders / 10))).forEach((order, i) => {
    const sequence = Number(Object.entries(order.operationYield).find(([, q]) => q >= 2)![0]);
    drifts.push({
      edit: {
        kind: i % 2 ? 'duplicate-confirmation' : 'drop-confirmation',
        plant: order.plant,
        orderNumber: order.orderNumber,
        operationSequence: sequence,
        quantity: 1,
      },
      expected: { orderNumber: order.orderNumber, lot: null, field: `operationYield:${sequence}` },
    });
  });
  for (const { plant, lot: lotNumber } of day.componentLots) {
    const lot = erp.lots.get(`${plant}|${lotNumber}`);
    if (!lot) continue;
    drifts.push({
      edit: { kind: 'lot-stock', plant, lot: lot.lotNumber, quantity: lot.stock.UNRESTRICTED - 7 },
      expected: { orderNumber: null, lot: lot.lotNumber, field: 'lotBalance' },
    });
  }
  return drifts;
}

/** Makes the edits through ERP's admin API, as someone working in ERP directly would. */
export async function injectDrifts(erpUrl: string, drifts: InjectedDrift[]): Promise<void> {
  for (const { edit } of drifts) {
    const response = await fetch(`${erpUrl}/admin/drift`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(edit),
    });
    if (!response.ok) throw new Error(`ERP refused drift ${JSON.stringify(edit)}: ${response.status}`);
  }
}
