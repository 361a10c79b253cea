import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { bareApollo, ingestion, readPath, submitToApplied } from './http.bench';
import { prepareProcessing, runWorkers } from './processing.bench';
import { rawLatency, rawThroughput } from './raw-broker.bench';
import { planPlantDay } from './scorecard/plant-day';
import { runPlantgate } from './scorecard/plantgate.run';
import { runPointToPoint } from './scorecard/relay.run';
import { reconciliationRun } from './reconciliation.bench';
import { edgeRun } from './edge.bench';
import { figure, repeat, round, type Figure } from './stats';

/**
 * `npm run bench [-- --quick]`: Plantgate against the raw parts and against point-to-point integration, in one run
 * on this machine, reported as ratios. Every figure is the median of three repetitions, with min and max.
 */
async function main() {
  const quick = process.argv.includes('--quick');
  const url = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  const size = quick
    ? {
        raw: 5000,
        latencySeconds: 3,
        orders: 300,
        httpSeconds: 4,
        growth: [10_000, 100_000],
        scorecardOrders: 60,
        reconciled: [5_000, 20_000],
        edgeBacklog: 2_000,
      }
    : {
        raw: 20000,
        latencySeconds: 8,
        orders: 1000,
        httpSeconds: 8,
        growth: [10_000, 1_000_000],
        scorecardOrders: 300,
        reconciled: [10_000, 100_000],
        edgeBacklog: 10_000,
      };
  const REPS = 3;
  const started = Date.now();
  const log = (line: string) => console.log(`[${Math.round((Date.now() - started) / 1000)}s] ${line}`);

  log('raw broker');
  const raw = await repeat(REPS, () => rawThroughput(url, size.raw));
  const rawLat = await collect(REPS, () => rawLatency(url, 1000, size.latencySeconds));

  log('processing, one worker and two');
  const processing = await collect(REPS, () => processingRun(size.orders, 1));
  const twoWorkers = await collect(REPS, () => processingRun(size.orders, 2));

  log('ingestion (open local mode, then with an API key) and bare Apollo');
  const ingestRuns = await collect(REPS, () => ingestion(size.httpSeconds));
  const ingest = figure(ingestRuns.map((r) => r.rps));
  const ingestWithKey = await repeat(REPS, async () => (await ingestion(size.httpSeconds, 'api-key')).rps);
  const bare = await repeat(REPS, () => bareApollo(size.httpSeconds));

  log('submit → applied latency at 1,000/s');
  const latency = await collect(REPS, () => submitToApplied(1000, size.latencySeconds));

  log(`edge: accepted at the edge → applied centrally at 300/s, then a ${size.edgeBacklog} backlog drained`);
  const edge = await collect(REPS, () => edgeRun(size.edgeBacklog, size.latencySeconds, 300));

  log(`growth: ${size.growth.join(' and ')} orders already stored`);
  const growth = [];
  for (const existing of size.growth) {
    growth.push(await collect(REPS, () => processingRun(Math.min(size.orders, 300), 1, existing)));
  }

  log('read path');
  const reads = await collect(REPS, () => readPath(size.httpSeconds));

  log(`reconciliation: ${size.reconciled.join(' and ')} orders of one plant`);
  const reconciled = [];
  for (const orders of size.reconciled) reconciled.push(await collect(REPS, () => reconciliationRun(orders)));

  log(`scorecard: ${size.scorecardOrders} orders through Plantgate and through a point-to-point relay`);
  const day = planPlantDay(size.scorecardOrders, { seed: 2026, faultRate: 0.4 });
  const faults = { errorRate: 0.05, burst429: 5 };
  const plantgate = await runPlantgate(day, faults, { timeoutMs: 300_000 });
  const relay = await runPointToPoint(day, faults);

  const processingFig = figure(processing.map((r) => r.eventsPerSecond));
  const latencyP50 = figure(latency.map((r) => r.p50));
  const latencyP99 = figure(latency.map((r) => r.p99));
  const rawP50 = figure(rawLat.map((r) => r.p50));
  const rawP99 = figure(rawLat.map((r) => r.p99));
  const growthFigs = growth.map((runs) => ({
    eps: figure(runs.map((r) => r.eventsPerSecond)),
    rss: figure(runs.map((r) => r.peakRssMb)),
    file: figure(runs.map((r) => r.fileSizeMb)),
  }));
  const reconcileFigs = reconciled.map((runs) => ({
    rate: figure(runs.map((r) => r.ordersPerSecond)),
    scan: figure(runs.map((r) => r.scanOrdersPerSecond)),
    rss: figure(runs.map((r) => r.peakRssGrowthMb)),
  }));
  const largest = reconcileFigs.at(-1)!;
  const commit = (() => {
    try {
      return execSync('git rev-parse HEAD', { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  })();
  const results = {
    date: new Date().toISOString(),
    commit,
    quick,
    raw_broker_msgs_per_s: raw.median,
    raw_broker_latency_p50_ms: rawP50.median,
    raw_broker_latency_p99_ms: rawP99.median,
    processing_events_per_s: processingFig.median,
    processing_ratio: round(processingFig.median / raw.median),
    worker_cpu_ms_per_event: figure(processing.map((r) => r.cpuMsPerEvent)).median,
    processing_two_workers_events_per_s: figure(twoWorkers.map((r) => r.eventsPerSecond)).median,
    processing_two_workers_ratio: round(figure(twoWorkers.map((r) => r.eventsPerSecond)).median / processingFig.median),
    processing_two_workers_in_order: twoWorkers.every((r) => r.inOrder) && processing.every((r) => r.inOrder),
    /** Partitions each of the two workers held (a run's spread; every run spreads the same way). */
    partition_spread: twoWorkers[0]!.partitionSpread,
    ingestion_mutations_per_s: ingest.median,
    /** The gateway process's CPU time (user + system) per submit, open mode: steadier than throughput. */
    gateway_cpu_ms_per_request: figure(ingestRuns.map((r) => r.cpuMsPerRequest)).median,
    bare_apollo_mutations_per_s: bare.median,
    ingestion_ratio: round(ingest.median / bare.median),
    ingestion_api_key_mutations_per_s: ingestWithKey.median,
    ingestion_api_key_ratio: round(ingestWithKey.median / bare.median),
    /** What authenticating every request with an API key costs of ingestion throughput (target: under 10 %). */
    authentication_cost: round(1 - ingestWithKey.median / ingest.median),
    latency_p50_ms: latencyP50.median,
    latency_p99_ms: latencyP99.median,
    latency_p50_ratio: round(latencyP50.median / rawP50.median),
    latency_p99_ratio: round(latencyP99.median / rawP99.median),
    edge_to_applied_p50_ms: figure(edge.map((r) => r.edgeP50)).median,
    edge_to_applied_p99_ms: figure(edge.map((r) => r.edgeP99)).median,
    /** Through the edge over straight to the central gateway, same releases, same rate, same run. */
    edge_latency_p50_ratio: round(figure(edge.map((r) => r.edgeP50 / r.directP50)).median),
    edge_latency_p99_ratio: round(figure(edge.map((r) => r.edgeP99 / r.directP99)).median),
    edge_backlog_messages: size.edgeBacklog,
    edge_backlog_drain_seconds: figure(edge.map((r) => r.drainSeconds)).median,
    edge_backlog_forward_seconds: figure(edge.map((r) => r.forwardSeconds)).median,
    /** Backlog applied per second after the link returns, over one worker's processing rate in this run. */
    edge_drain_ratio: round(size.edgeBacklog / figure(edge.map((r) => r.drainSeconds)).median / processingFig.median),
    growth_orders: size.growth,
    growth_events_per_s: growthFigs.map((g) => g.eps.median),
    growth_ratio: round(growthFigs[1]!.eps.median / growthFigs[0]!.eps.median),
    store_file_mb: growthFigs.map((g) => g.file.median),
    worker_peak_rss_mb: Math.max(...growthFigs.map((g) => g.rss.median)),
    worker_peak_rss_mb_by_size: growthFigs.map((g) => g.rss.median),
    read_requests_per_s: figure(reads.map((r) => r.rps)).median,
    read_local_requests_per_s: figure(reads.map((r) => r.localRps)).median,
    /** The page with the live ERP, MES and QMS views over the same page from the store alone. */
    read_live_ratio: round(figure(reads.map((r) => r.rps)).median / figure(reads.map((r) => r.localRps)).median),
    read_calls_per_system_per_request: reads[0]!.callsPerSystemPerRequest,
    reconciliation_orders: size.reconciled,
    reconciliation_orders_per_s: largest.rate.median,
    /** Reconciling against ERP, MES and QMS over reading the same orders from the store alone. */
    reconciliation_ratio: round(largest.rate.median / largest.scan.median),
    reconciliation_calls_per_system_per_1000_orders: reconciled.at(-1)![0]!.callsPer1000Orders,
    reconciliation_rss_growth_mb_by_size: reconcileFigs.map((g) => g.rss.median),
    scorecard: { plantgate, point_to_point: relay },
    figures: {
      raw_broker_msgs_per_s: raw,
      raw_broker_latency_p50_ms: rawP50,
      raw_broker_latency_p99_ms: rawP99,
      processing_events_per_s: processingFig,
      processing_two_workers_events_per_s: figure(twoWorkers.map((r) => r.eventsPerSecond)),
      ingestion_mutations_per_s: ingest,
      ingestion_api_key_mutations_per_s: ingestWithKey,
      bare_apollo_mutations_per_s: bare,
      latency_p50_ms: latencyP50,
      latency_p99_ms: latencyP99,
      edge_to_applied_p50_ms: figure(edge.map((r) => r.edgeP50)),
      edge_to_applied_p99_ms: figure(edge.map((r) => r.edgeP99)),
      edge_backlog_drain_seconds: figure(edge.map((r) => r.drainSeconds)),
      growth_events_per_s: growthFigs.map((g) => g.eps),
      read_requests_per_s: figure(reads.map((r) => r.rps)),
      reconciliation_orders_per_s: reconcileFigs.map((g) => g.rate),
    } satisfies Record<string, Figure | Figure[]>,
  };
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  printTable(results);
  log(`wrote bench/results/latest.json (${quick ? 'quick' : 'full'} run)`);
}

/** One processing measurement on a fresh installation with a preloaded queue. */
async function processingRun(orders: number, workers: number, existingOrders = 0) {
  const setup = await prepareProcessing(orders, existingOrders);
  try {
    return await runWorkers(setup, workers);
  } finally {
    await setup.cleanup();
  }
}

async function collect<T>(times: number, run: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < times; i++) out.push(await run());
  return out;
}

function printTable(r: Record<string, unknown> & { figures: Record<string, Figure | Figure[]> }) {
  const f = r.figures;
  const row = (name: string, fig: Figure, unit: string, extra = '') =>
    console.log(
      `${name.padEnd(40)} ${String(fig.median).padStart(10)} ${unit.padEnd(8)} (min ${fig.min}, max ${fig.max}) ${extra}`,
    );
  console.log('');
  row('raw broker', f.raw_broker_msgs_per_s as Figure, 'msg/s');
  row('raw broker latency p50 @1000/s', f.raw_broker_latency_p50_ms as Figure, 'ms');
  row('raw broker latency p99 @1000/s', f.raw_broker_latency_p99_ms as Figure, 'ms');
  row(
    'processing, one worker',
    f.processing_events_per_s as Figure,
    'ev/s',
    `ratio to raw ${String(r.processing_ratio)}, worker CPU ${String(r.worker_cpu_ms_per_event)} ms/event`,
  );
  row(
    'processing, two workers',
    f.processing_two_workers_events_per_s as Figure,
    'ev/s',
    `ratio to one ${String(r.processing_two_workers_ratio)}, partitions held ${JSON.stringify(r.partition_spread)}, in order: ${String(r.processing_two_workers_in_order)}`,
  );
  row(
    'ingestion (GraphQL submit), open mode',
    f.ingestion_mutations_per_s as Figure,
    'req/s',
    `ratio to bare Apollo ${String(r.ingestion_ratio)}, gateway CPU ${String(r.gateway_cpu_ms_per_request)} ms/request`,
  );
  row(
    'ingestion with an API key',
    f.ingestion_api_key_mutations_per_s as Figure,
    'req/s',
    `ratio to bare Apollo ${String(r.ingestion_api_key_ratio)}, authentication costs ${String(r.authentication_cost)}`,
  );
  row('bare @apollo/server', f.bare_apollo_mutations_per_s as Figure, 'req/s');
  row('submit→applied p50 @1000/s', f.latency_p50_ms as Figure, 'ms', `ratio to raw ${String(r.latency_p50_ratio)}`);
  row('submit→applied p99 @1000/s', f.latency_p99_ms as Figure, 'ms', `ratio to raw ${String(r.latency_p99_ratio)}`);
  row(
    'edge: accepted → applied p50 @300/s',
    f.edge_to_applied_p50_ms as Figure,
    'ms',
    `ratio to the central gateway ${String(r.edge_latency_p50_ratio)}`,
  );
  row(
    'edge: accepted → applied p99 @300/s',
    f.edge_to_applied_p99_ms as Figure,
    'ms',
    `ratio to the central gateway ${String(r.edge_latency_p99_ratio)}`,
  );
  row(
    `edge: drain of a ${String(r.edge_backlog_messages)} backlog`,
    f.edge_backlog_drain_seconds as Figure,
    's',
    `forwarded in ${String(r.edge_backlog_forward_seconds)} s, applied at ${String(r.edge_drain_ratio)} of one worker's rate`,
  );
  (f.growth_events_per_s as Figure[]).forEach((g, i) =>
    row(
      `processing with ${String((r.growth_orders as number[])[i])} orders stored`,
      g,
      'ev/s',
      `file ${String((r.store_file_mb as number[])[i])} MB, rss ${String((r.worker_peak_rss_mb_by_size as number[])[i])} MB`,
    ),
  );
  console.log(`${'growth ratio'.padEnd(40)} ${String(r.growth_ratio).padStart(10)}`);
  row(
    'read: productionOrders(first: 50) live',
    f.read_requests_per_s as Figure,
    'req/s',
    `ratio to the same page without live views ${String(r.read_live_ratio)}, calls/system/request ${JSON.stringify(r.read_calls_per_system_per_request)}`,
  );
  (f.reconciliation_orders_per_s as Figure[]).forEach((g, i) =>
    row(
      `reconciliation of ${String((r.reconciliation_orders as number[])[i])} orders`,
      g,
      'orders/s',
      `memory grew ${String((r.reconciliation_rss_growth_mb_by_size as number[])[i])} MB`,
    ),
  );
  console.log(
    `${'reconciliation ratio to a store scan'.padEnd(40)} ${String(r.reconciliation_ratio).padStart(10)}   calls/system/1000 orders ${JSON.stringify(r.reconciliation_calls_per_system_per_1000_orders)}`,
  );
  const s = r.scorecard as { plantgate: Record<string, unknown>; point_to_point: Record<string, unknown> };
  console.log('\nscorecard                                plantgate   point-to-point');
  for (const key of [
    'postings_applied_twice',
    'stock_negative',
    'receipts_before_quality_release',
    'expired_or_blocked_consumptions',
    'outdated_routing_confirmations',
    'postings_for_cancelled_orders',
    'released_lots_not_received',
    'faults_injected',
    'faults_caught',
    'faults_unaccounted',
    'events_lost',
    'events_parked_for_a_person',
    'erp_faults_injected',
    'drifts_injected',
    'drifts_found',
    'drifts_closed',
    'drifts_unexpected',
  ]) {
    console.log(
      `${key.padEnd(40)} ${String(s.plantgate[key]).padStart(9)}   ${String(s.point_to_point[key]).padStart(14)}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
