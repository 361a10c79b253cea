import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../app/config';
import { createLogger } from '../../app/logger';
import { startRuntime } from '../../app/runtime';
import { FINAL_TRANSACTION_STATUSES } from '../../core/ports/records';
import { topologyOf } from '../../app/runtime';
import { deleteTopologyAt } from '../../messaging/topology';
import { submitMutationDocument } from '../../resolvers/submit-mutation';
import { masterDataInErp, parkedBehindException, postingsInFlight } from '../../app/demo/settling';
import { emptyRunLog, pool, score, type Scorecard } from './score';
import { injectDrifts, planDrifts } from '../../simulators/drift-plan';
import { reconcileDrifts } from '../../app/demo/drift-reconciliation';
import { scorecardDrifts, type DayEvent, type PlantDay } from './plant-day';

/** The same plant day through Plantgate: every event submitted through GraphQL as the adapters would. */
export async function runPlantgate(
  day: PlantDay,
  erpFaults: { errorRate: number; burst429: number },
  options: { amqpUrl?: string; timeoutMs?: number } = {},
): Promise<Scorecard> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plantgate-scorecard-'));
  fs.writeFileSync(
    path.join(dir, 'rules.json'),
    JSON.stringify({
      defaults: { version: 1, holdWindowMs: 1500, reconciliation: { graceSeconds: 0, intervalMinutes: 0 } },
    }),
  );
  const config = loadConfig({
    AMQP_URL: options.amqpUrl ?? process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    TOPOLOGY_PREFIX: `scorecard.${randomUUID().slice(0, 8)}`,
    SQLITE_FILE: path.join(dir, 'store.db'),
    PORT: '0',
    LOG_LEVEL: 'silent',
    PARTITIONS: '4',
    RULES_FILE: path.join(dir, 'rules.json'),
    HOLD_SWEEP_MS: '200',
    OUTBOUND_RETRY_DELAYS_MS: '200,500,1000',
    OUTBOUND_RETRY_BUDGET: '60',
    BREAKER_HALF_OPEN_MS: '500',
    SIMULATORS: 'embedded',
  });
  const runtime = await startRuntime(config, { role: 'all', logger: createLogger('silent') });
  const erp = runtime.referenceSystems!.erp!;
  const store = runtime.store;
  const log = emptyRunLog();
  const submitted: { event: DayEvent; correlationId: string; status: string }[] = [];
  try {
    const submit = async (mutation: string, input: object) => {
      const response = await fetch(`${runtime.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: submitMutationDocument(mutation), variables: { input } }),
      });
      const body = (await response.json()) as {
        data?: Record<string, { correlationId: string; status: string }>;
        errors?: unknown[];
      };
      if (!body.data?.[mutation]) throw new Error(`${mutation} refused: ${JSON.stringify(body.errors)}`);
      return body.data[mutation]!;
    };
    await submit('upsertReferenceData', day.reference);
    await masterDataInErp(erp, day.reference);
    erp.setFaults({
      errorRate: erpFaults.errorRate,
      burst429: { remaining: erpFaults.burst429, retryAfterSeconds: 1 },
    });

    const byOrder = new Map<string, DayEvent[]>();
    for (const e of day.events)
      byOrder.set(`${e.plant}|${e.orderNumber}`, [...(byOrder.get(`${e.plant}|${e.orderNumber}`) ?? []), e]);
    await pool([...byOrder.values()], 8, async (events) => {
      for (const event of events) {
        const payload = event.mutation === 'releaseProductionOrder' ? { ...event.payload } : event.payload;
        const result = await submit(event.mutation, payload);
        submitted.push({ event, ...result });
        if (event.mutation === 'recordInspectionResult')
          log.inspectionDeliveredAt.set(`${event.plant}|${event.orderNumber}|${String(payload.lot)}`, Date.now());
      }
    });

    // Settled: every accepted event decided or parked behind an exception for a person, nothing else held, every
    // posting confirmed or refused into an exception.
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    for (;;) {
      const { open, parked } = await unsettled(store, submitted, day);
      if (open === 0 || Date.now() > deadline) {
        log.lost = open;
        log.parked = parked;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    for (const { event, correlationId, status } of submitted) {
      if (!event.fault) continue;
      const tx = await store.getTransaction(correlationId);
      const exception = tx?.exceptionId ? await store.getException(tx.exceptionId) : null;
      const wasHeld = (await store.listAudit(`order:${event.plant}:${event.orderNumber}`)).some(
        (a) => a.action === 'message.held' && a.correlationId === correlationId,
      );
      const order = await store.getOrder(event.plant, event.orderNumber);
      const received = erp.journal.some(
        (j) => j.postingType === 'GoodsReceipt' && j.orderNumber === event.orderNumber && j.plant === event.plant,
      );
      const caught: Record<string, boolean> = {
        duplicate: status === 'DUPLICATE' || tx?.status === 'DUPLICATE',
        resend: status === 'DUPLICATE' || tx?.status === 'DUPLICATE',
        out_of_order: wasHeld && (tx?.status === 'APPLIED' || tx?.status === 'POSTED'),
        premature_completion: wasHeld && (tx?.status === 'APPLIED' || tx?.status === 'POSTED'),
        expired_lot: exception?.type === 'VALIDATION',
        blocked_lot: exception?.type === 'VALIDATION',
        revision_mismatch: exception?.type === 'REVISION_MISMATCH',
        failed_inspection: order?.state === 'QUALITY_HOLD' && !received,
        open_nonconformance: order?.state === 'QUALITY_HOLD' && !received,
        stale_acknowledgement: exception?.type === 'REVISION_MISMATCH',
        event_after_cancel: exception?.type === 'SEQUENCE' && order?.state === 'CANCELLED',
      };
      if (caught[event.fault]) log.caught[event.fault] += 1;
    }
    // Then someone edits ERP directly: reconciliation must find each edit and close it after an approved correction.
    erp.setFaults({ errorRate: 0, burst429: { remaining: 0, retryAfterSeconds: 1 } });
    const drifts = planDrifts(erp, scorecardDrifts(day));
    await injectDrifts(erp.url, drifts);
    const orders = day.orders.map((o) => o.release);
    log.drifts = await reconcileDrifts(runtime.url!, store, orders, drifts, options.timeoutMs ?? 120_000);
    return score(day, erp, log);
  } finally {
    await runtime.stop();
    await deleteTopologyAt(config.AMQP_URL, topologyOf(config));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function unsettled(
  store: Awaited<ReturnType<typeof startRuntime>>['store'],
  submitted: { correlationId: string; status: string }[],
  day: PlantDay,
): Promise<{ open: number; parked: number }> {
  let open = 0;
  let parked = 0;
  for (const s of submitted) {
    if (s.status === 'DUPLICATE') continue;
    const tx = await store.getTransaction(s.correlationId);
    if (tx && (await parkedBehindException(store, tx))) parked += 1;
    else if (!tx || !FINAL_TRANSACTION_STATUSES.includes(tx.status)) open += 1;
  }
  open += await postingsInFlight(
    store,
    day.orders.map((o) => o.release),
  );
  return { open: open + (await store.outboxBacklog()).count, parked };
}
