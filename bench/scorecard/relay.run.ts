import { startErpSimulator } from '../../simulators/erp.simulator';
import { startMesSimulator } from '../../simulators/mes.simulator';
import { emptyRunLog, pool, score, type Scorecard } from './score';
import { injectDrifts, NO_DRIFTS, planDrifts } from '../../simulators/drift-plan';
import { scorecardDrifts, type DayEvent, type PlantDay } from './plant-day';

/**
 * The point-to-point baseline: each event forwarded straight to the system that books it, once, keyed by its
 * transport messageId, with no lifecycle, no reference data checks, no gating and no retries.
 */
export async function runPointToPoint(
  day: PlantDay,
  erpFaults: { errorRate: number; burst429: number },
): Promise<Scorecard> {
  const erp = await startErpSimulator({ clientId: 'relay', clientSecret: 'relay-secret' });
  const mes = await startMesSimulator();
  try {
    const token = (
      (await (
        await fetch(`${erp.url}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials&client_id=relay&client_secret=relay-secret',
        })
      ).json()) as { access_token: string }
    ).access_token;
    const post = async (url: string, key: string, body: object) => {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key },
          body: JSON.stringify(body),
        });
        return response.ok;
      } catch {
        return false;
      }
    };
    await post(`${erp.url}/api/master-data`, 'master-data', { items: day.reference.items, lots: day.reference.lots });
    erp.setFaults({
      errorRate: erpFaults.errorRate,
      burst429: { remaining: erpFaults.burst429, retryAfterSeconds: 1 },
    });
    const log = emptyRunLog();
    const byOrder = new Map<string, DayEvent[]>();
    for (const e of day.events)
      byOrder.set(`${e.plant}|${e.orderNumber}`, [...(byOrder.get(`${e.plant}|${e.orderNumber}`) ?? []), e]);

    await pool([...byOrder.values()], 8, async (events) => {
      for (const event of events) {
        const p = event.payload;
        const key = String(p.messageId ?? `${event.mutation}:${event.orderNumber}`);
        let ok = true;
        switch (event.mutation) {
          case 'releaseProductionOrder':
            ok = await post(`${mes.url}/api/orders`, key, p);
            break;
          case 'reportOperationEvent':
            if (p.eventType === 'COMPLETE' || p.eventType === 'CONFIRM') {
              ok = await post(`${erp.url}/api/postings`, key, {
                postingType: 'OperationConfirmation',
                ...p,
                finalConfirmation: p.eventType === 'COMPLETE',
              });
            }
            break;
          case 'reportMaterialConsumption':
            ok = await post(`${erp.url}/api/postings`, key, { postingType: 'GoodsIssue', ...p });
            break;
          case 'reportProductionCompletion':
            // The classic shortcut: MES says it is done, so ERP books the goods as available.
            ok = await post(`${erp.url}/api/postings`, key, {
              postingType: 'GoodsReceipt',
              ...p,
              item: 'FG-100',
              stockStatus: 'UNRESTRICTED',
            });
            break;
          case 'recordInspectionResult':
            log.inspectionDeliveredAt.set(`${event.plant}|${event.orderNumber}|${String(p.lot)}`, Date.now());
            break;
          default:
            break;
        }
        if (!ok) log.lost += 1;
      }
    });
    // The same direct edits in ERP: a point-to-point relay has nothing that would notice them.
    const drifts = planDrifts(erp, scorecardDrifts(day));
    await injectDrifts(erp.url, drifts);
    log.drifts = { ...NO_DRIFTS, drifts_injected: drifts.length };
    return score(day, erp, log);
  } finally {
    await erp.close();
    await mes.close();
  }
}
