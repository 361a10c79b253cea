import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { deleteTopologyAt } from '../../messaging/topology';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { startRuntime } from '../runtime';
import { waitingFor } from '../../core/orders/waiting-for';
import { buildReport, type DemoReport } from './demo.report';
import { parseDemoOptions } from './demo.options';
import { masterDataInErp, postingsInFlight } from './settling';
import { reconcileDrifts } from './drift-reconciliation';
import { injectDrifts, planDrifts } from '../../simulators/drift-plan';
import { demoComponentLots, demoOrders, demoReferenceData, faultProfile } from './demo.scenario';
import { graphql } from './graphql-call';
import { floorChangeChecks, floorChangesOf, sendChangesAndCancellations } from './floor-changes';

const TERMINAL = new Set(['RECEIVED', 'FINANCIALLY_POSTED', 'QUALITY_HOLD', 'CANCELLED']);

/**
 * `npm run demo`: the field's scenario against the embedded reference systems, with their automation on and faults
 * injected. ERP (this script) releases work orders; MES acknowledges them and reports the floor asynchronously;
 * QMS decides final inspections; ERP receives only what quality released. Exits 0 when all integrity checks hold.
 */
async function main() {
  const options = parseDemoOptions(process.argv.slice(2));
  const runId = randomUUID().slice(0, 6);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plantgate-demo-'));
  // With --drift, reconciliation compares what was just done at once (no grace period) and only when asked.
  const rulesFile = path.join(dir, 'rules.json');
  fs.writeFileSync(
    rulesFile,
    JSON.stringify({ defaults: { version: 1, reconciliation: { graceSeconds: 0, intervalMinutes: 0 } } }),
  );
  const config = loadConfig({
    ...(options.drift ? { RULES_FILE: rulesFile } : {}),
    ...process.env,
    TOPOLOGY_PREFIX: `demo.${runId}`,
    SQLITE_FILE: path.join(dir, 'demo.db'),
    PORT: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    SIMULATORS: 'embedded',
    SIM_AUTOMATION: 'on',
    PARTITIONS: '4',
    RETRY_DELAYS_MS: '200,500,1000',
    OUTBOUND_RETRY_DELAYS_MS: '250,500,1000,2000',
    OUTBOUND_RETRY_BUDGET: '60',
    BREAKER_HALF_OPEN_MS: '1000',
    HOLD_SWEEP_MS: '1000',
  });
  const runtime = await startRuntime(config, { role: 'all', logger: createLogger(config.LOG_LEVEL, { demo: runId }) });
  const { erp, mes, qms } = runtime.referenceSystems!;
  if (!erp || !mes || !qms)
    throw new Error('the demo needs the embedded ERP, MES and QMS: unset ERP_URL, MES_URL and QMS_URL');
  const say = (line: string) => options.quiet || console.log(line);
  let exitCode = 1;
  try {
    const orders = demoOrders(options.orders, runId);
    const floorChanges = floorChangesOf(orders);
    mes.setAutomation({
      componentLots: demoComponentLots(),
      scrapRate: 0.2,
      stepDelayMs: 5,
      splitLots: floorChanges.multiLot.map((o) => o.orderNumber),
      holdUntilChanged: [...floorChanges.changed, ...floorChanges.cancelled].map((o) => o.orderNumber),
    });
    qms.setAutomation({ failRate: 0.1, conditionalRate: 0.15, nonconformanceRate: 0.1, decisionDelayMs: 100 });
    await graphql(
      runtime.url!,
      'mutation($i: UpsertReferenceDataInput!) { upsertReferenceData(input: $i) { correlationId } }',
      { i: demoReferenceData() },
    );
    // Master data reaches ERP before production starts, as an MDM sync would: postings need ERP to know the lots.
    await masterDataInErp(erp, demoReferenceData());

    const profile = faultProfile(options.faults);
    erp.setFaults(profile.erp);
    mes.setFaults(profile.mes);
    qms.setFaults(profile.qms);
    let outage: { startedAt: number; forMs: number } | null = null;
    if (profile.outage) {
      const { afterMs, forMs } = profile.outage;
      setTimeout(() => {
        outage = { startedAt: Date.now(), forMs };
        erp.setFaults({ outageMs: forMs });
      }, afterMs).unref();
    }

    say(
      `Plantgate demo ${runId}: ${orders.length} work orders in plants P1 and P2, faults ${options.faults}, GraphQL ${runtime.url}/graphql`,
    );
    for (const order of orders) {
      erp.registerOrder(order.plant, order.orderNumber, order.item, order.quantity);
      await graphql(
        runtime.url!,
        'mutation($i: ReleaseProductionOrderInput!) { releaseProductionOrder(input: $i) { correlationId } }',
        { i: order },
      );
    }

    await sendChangesAndCancellations(runtime.url!, runtime.store, floorChanges, options.timeoutSeconds * 1000);
    const deadline = Date.now() + options.timeoutSeconds * 1000;
    let states: Record<string, number> = {};
    for (;;) {
      states = {};
      for (const o of orders) {
        const order = await runtime.store.getOrder(o.plant, o.orderNumber);
        const state = order?.state ?? 'NOT_YET_APPLIED';
        // QUALITY_PENDING is two different waits: for QMS's decision, or (quality released) for ERP's receipt.
        const shown =
          state === 'QUALITY_PENDING' && waitingFor(order!)?.startsWith("ERP's goods receipt")
            ? 'QUALITY_RELEASED (awaiting ERP receipt)'
            : state;
        states[shown] = (states[shown] ?? 0) + 1;
      }
      say(
        `  ${new Date().toISOString().slice(11, 19)}  ${Object.entries(states)
          .map(([s, n]) => `${s} ${n}`)
          .join(' · ')}  | ERP journal ${erp.journal.length} · circuit ${runtime.circuitStates().erp}`,
      );
      const done =
        Object.entries(states).every(([s]) => TERMINAL.has(s)) && (await postingsInFlight(runtime.store, orders)) === 0;
      if (done || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    await Promise.race([Promise.all([mes.idle(), qms.idle()]), new Promise((resolve) => setTimeout(resolve, 3000))]);
    const duplicatesAtGateway = await gatewayDuplicates(runtime.url!);
    const report = await buildReport(runtime.store, orders, { erp, mes, qms }, duplicatesAtGateway, outage);
    printReport(report, say);
    const { summary, ...floorChecks } = await floorChangeChecks(runtime.store, erp, floorChanges);
    say(`Changes on the floor:   ${summary}`);
    const drift = options.drift ? await reconcileInjectedDrifts(runtime, orders, say) : null;
    const allDone = Object.keys(states).every((s) => TERMINAL.has(s));
    if (!allDone)
      say(`Not every order reached RECEIVED, FINANCIALLY_POSTED or QUALITY_HOLD within ${options.timeoutSeconds} s.`);
    const driftsClosed = drift
      ? drift.drifts_found === drift.drifts_injected && drift.drifts_closed === drift.drifts_injected
      : true;
    const checks = {
      ...report.integrity,
      ...floorChecks,
      ...(drift ? { everyDriftFoundAndClosed: driftsClosed } : {}),
    };
    const ok = allDone && Object.values(checks).every(Boolean);
    console.log(`DEMO RESULT: ${ok ? 'PASS' : 'FAIL'} ${JSON.stringify(checks)}`);
    exitCode = ok ? 0 : 1;
  } finally {
    await runtime.stop();
    await deleteTopologyAt(config.AMQP_URL, runtime.topology);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.exit(exitCode);
}

/** Edits ERP directly (confirmations reversed or doubled, a lot recounted) and lets reconciliation find and fix them. */
async function reconcileInjectedDrifts(
  runtime: Awaited<ReturnType<typeof startRuntime>>,
  orders: { plant: string; orderNumber: string }[],
  say: (line: string) => void,
) {
  const erp = runtime.referenceSystems!.erp!;
  erp.setFaults({ errorRate: 0, burst429: { remaining: 0, retryAfterSeconds: 1 }, outageUntil: 0 });
  const lots = Object.entries(demoComponentLots())
    .filter(([key]) => key.endsWith('|RM-7'))
    .map(([key, lot]) => ({ plant: key.split('|')[0]!, lot }));
  const drifts = planDrifts(erp, { orders: orders.length, componentLots: lots });
  await injectDrifts(erp.url, drifts);
  const result = await reconcileDrifts(runtime.url!, runtime.store, orders, drifts, 60_000);
  say(
    `Drift:                  ${result.drifts_injected} direct edit(s) made in ERP; reconciliation found ${result.drifts_found}, closed ${result.drifts_closed} after approved corrections; ${result.drifts_unexpected} other difference(s)`,
  );
  return result;
}

async function gatewayDuplicates(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter(
      (line) => line.startsWith('plantgate_gateway_commands_submitted_total') && line.includes('outcome="duplicate"'),
    )
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

function printReport(r: DemoReport, say: (line: string) => void) {
  say('');
  say(`Orders by state:        ${JSON.stringify(r.ordersByState)}`);
  say(
    `Postings by system:     ERP ${JSON.stringify(r.postingsBySystem.erp)}, MES released orders ${r.postingsBySystem.mes}, QMS inspection requests ${r.postingsBySystem.qms}`,
  );
  say(
    `Duplicates prevented:   ${r.duplicatesPrevented.atGateway} at the gateway, ${r.duplicatesPrevented.atWorker} at the workers`,
  );
  say(
    `Held events:            ${r.held.held} held, ${r.held.releasedAndApplied} released and applied, ${r.held.refused} refused when decided or expired`,
  );
  say(`Exceptions by type:     ${JSON.stringify(r.exceptionsByType)}`);
  say(
    `Needing a person:       ${r.needingAPerson} integration exception(s) still OPEN or AWAITING_APPROVAL; ${r.lateEventsAbsorbed} late event(s) absorbed without one; ${r.qualityHoldsOpen} quality hold(s) for QUALITY to decide (lots QMS rejected)`,
  );
  for (const e of r.exceptions) say(`  ${e.type} on ${e.orderNumber} (${e.rule}): ${e.reason}`);
  const f = r.faultsInjected;
  say(
    `Faults injected:        ERP 429 ${f.erpRateLimited}, ERP 503 ${f.erpUnavailable}, webhooks resent ${f.resentWebhooks}, reordered ${f.reorderedWebhooks}`,
  );
  if (r.outage) {
    const resumed =
      r.outage.postingsResumedAfterSeconds === null
        ? 'postings had not resumed when the run ended'
        : `postings went through again ${r.outage.postingsResumedAfterSeconds} s after it began (circuit breaker half-open delay and retry pauses)`;
    say(`ERP outage:             ERP refused calls for ${r.outage.refusedForSeconds} s; ${resumed}`);
  }
  say(
    `Integrity (from ERP):   no negative stock ${r.integrity.noNegativeStock}; no receipt before quality release ${r.integrity.noReceiptBeforeQualityRelease}; no posting applied twice ${r.integrity.noPostingAppliedTwice}`,
  );
  for (const v of r.violations) say(`  violation: ${v}`);
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${(error as Error).message}`);
  process.exit(1);
});
