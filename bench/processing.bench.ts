import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { Config } from '../app/config';
import { createLogger } from '../app/logger';
import { startRuntime, topologyOf } from '../app/runtime';
import { systemPrincipal } from '../core/auth/principal';
import { createEnvelope } from '../core/intake/envelope';
import { messageTypeOfMutation, type Command } from '../core/messages/message.registry';
import { connectBroker } from '../messaging/broker.connection';
import { createCommandPublisher } from '../messaging/command.publisher';
import { planPlantDay } from './scorecard/plant-day';
import { sleep } from './stats';
import { bulkInsertOrders } from './bulk-orders';
import { ORDER_STATES } from '../core/orders/order.types';
import { freshInstallation } from './installation';
import { benchNodeArgs, cpuTimeMs } from './processes';

const ROOT = path.resolve(__dirname, '..');
const BENCH_PRINCIPAL = systemPrincipal('bench:preload', 'Benchmark preload');
export interface ProcessingSetup {
  config: Config;
  env: Record<string, string>;
  /** Correlation IDs per order, in publish order. */
  published: Map<string, string[]>;
  events: number;
  cleanup(): Promise<void>;
}

/**
 * An installation with reference data applied and a queue preloaded with a realistic mix of events (release,
 * acknowledgement, operation events, consumptions, completions, final inspections) over two plants, no worker
 * running yet. `existingOrders` are written into the store first, to measure growth.
 */
export async function prepareProcessing(orders: number, existingOrders = 0): Promise<ProcessingSetup> {
  const install = await freshInstallation({ PORT: '0' });
  const { config, env } = install;
  const day = planPlantDay(orders, { faultRate: 0, seed: 5, floorChanges: false });
  const seeder = await startRuntime(config, { role: 'all', logger: createLogger('silent') });
  const gql = await fetch(`${seeder.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation($i: UpsertReferenceDataInput!) { upsertReferenceData(input: $i) { correlationId } }',
      variables: { i: day.reference },
    }),
  });
  const { data } = (await gql.json()) as { data: { upsertReferenceData: { correlationId: string } } };
  while ((await seeder.store.getTransaction(data.upsertReferenceData.correlationId))?.status !== 'APPLIED')
    await sleep(20);
  await seeder.stop();
  if (existingOrders > 0) seedOrders(config.SQLITE_FILE, existingOrders);

  const topology = topologyOf(config);
  const connection = await connectBroker({
    url: config.AMQP_URL,
    connectTimeoutMs: 10_000,
    connectionName: 'bench-preload',
    logger: createLogger('silent'),
  });
  const publisher = createCommandPublisher(connection, topology);
  const published = new Map<string, string[]>();
  const receivedAt = new Date().toISOString();
  const sends: Promise<void>[] = [];
  for (const event of day.events) {
    const command = {
      messageType: messageTypeOfMutation(event.mutation),
      payload: event.payload,
    } as unknown as Command;
    const envelope = createEnvelope(command, { principal: BENCH_PRINCIPAL }, receivedAt, 1000);
    const key = `${event.plant}|${event.orderNumber}`;
    published.set(key, [...(published.get(key) ?? []), envelope.correlationId]);
    sends.push(publisher.publish(envelope));
    if (sends.length >= 200) await Promise.all(sends.splice(0));
  }
  await Promise.all(sends);
  await publisher.close();
  await connection.close();
  return { config, env, published, events: day.events.length, cleanup: install.cleanup };
}

/** Orders already in the store, written in bulk: the file a plant has after months of operation. */
function seedOrders(file: string, count: number) {
  const now = new Date().toISOString();
  // The lifecycle up to RECEIVED, as every one of these orders went through it.
  const history = ORDER_STATES.slice(0, ORDER_STATES.indexOf('RECEIVED') + 1);
  bulkInsertOrders(file, count, (i) => ({
    plant: i % 2 ? 'P2' : 'P1',
    orderNumber: `H-${String(i).padStart(8, '0')}`,
    state: 'RECEIVED',
    stateSince: now,
    version: 7,
    updatedAt: now,
    item: 'FG-100',
    itemRevision: 'A',
    routingRevision: 'R3',
    specRevision: 'S2',
    quantity: 20,
    uom: 'EA',
    operations: [
      {
        sequence: 10,
        workCenter: 'WC-CUT',
        description: 'Cut',
        state: 'COMPLETED',
        yieldQuantity: 20,
        scrapQuantity: 0,
      },
      {
        sequence: 20,
        workCenter: 'WC-ASSY',
        description: 'Assemble',
        state: 'COMPLETED',
        yieldQuantity: 20,
        scrapQuantity: 0,
      },
    ],
    timeline: history.map((state) => ({
      at: now,
      state,
      correlationId: randomUUID(),
      cause: 'history',
    })),
  }));
}

export interface WorkerRun {
  eventsPerSecond: number;
  /** Worker processes' CPU time (user + system) per event: steadier than throughput on a shared host. */
  cpuMsPerEvent: number;
  peakRssMb: number;
  fileSizeMb: number;
  inOrder: boolean;
  /** Partitions each worker process held during the run. */
  partitionSpread: number[];
}

/** Starts worker processes on the preloaded queue and measures until every event has its outcome. */
export async function runWorkers(setup: ProcessingSetup, workers: number): Promise<WorkerRun> {
  const children: ChildProcess[] = [];
  const metricsUrls: Promise<string>[] = [];
  for (let i = 0; i < workers; i++) {
    const child = spawn(
      process.execPath,
      [...benchNodeArgs(), '-r', 'ts-node/register/transpile-only', path.join(ROOT, 'app', 'main.ts'), 'worker'],
      {
        cwd: ROOT,
        env: { ...process.env, ...setup.env, WORKER_METRICS_PORT: '0' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    children.push(child);
    metricsUrls.push(
      new Promise((resolve) => {
        let out = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const url = /Plantgate worker started.* metrics (\S+)/.exec(out)?.[1];
          if (url) resolve(url);
        });
      }),
    );
  }
  const urls = await Promise.all(metricsUrls);
  // CPU from here on: what the events cost, not what starting a process (compiling TypeScript) costs.
  const cpuAtStart = children.map((c) => cpuTimeMs(c.pid!));
  const begin = process.hrtime.bigint();
  const db = new Database(setup.config.SQLITE_FILE, { readonly: true, fileMustExist: true });
  const count = db.prepare(
    "SELECT COUNT(*) AS n FROM transactions WHERE status IN ('APPLIED','POSTED','DUPLICATE','QUARANTINED','FAILED') AND message_type != 'UpsertReferenceData'",
  );
  let peakRssMb = 0;
  for (;;) {
    peakRssMb = Math.max(peakRssMb, ...children.map((c) => rssMb(c.pid!)));
    if ((count.get() as { n: number }).n >= setup.events) break;
    await sleep(50);
  }
  const seconds = Number(process.hrtime.bigint() - begin) / 1e9;
  peakRssMb = Math.max(peakRssMb, ...children.map((c) => rssMb(c.pid!)));
  const cpuMs = children.reduce((sum, c, i) => sum + cpuTimeMs(c.pid!) - cpuAtStart[i]!, 0);
  const inOrder = checkOrder(db, setup.published);
  const partitionSpread = await spreadOf(urls);
  db.close();
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(
    children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once('exit', resolve)))),
  );
  const fileSizeMb =
    ['', '-wal'].reduce(
      (sum, suffix) =>
        sum +
        (fs.existsSync(setup.config.SQLITE_FILE + suffix) ? fs.statSync(setup.config.SQLITE_FILE + suffix).size : 0),
      0,
    ) / 1e6;
  return {
    eventsPerSecond: setup.events / seconds,
    cpuMsPerEvent: cpuMs / setup.events,
    peakRssMb,
    fileSizeMb,
    inOrder,
    partitionSpread,
  };
}

/** The partitions each worker holds, from its own metrics. */
async function spreadOf(metricsUrls: string[]): Promise<number[]> {
  return Promise.all(
    metricsUrls.map(async (url) => {
      const text = await (await fetch(url)).text();
      return Number(/plantgate_worker_partitions_held\{kind="held"\} (\d+)/.exec(text)?.[1] ?? 0);
    }),
  );
}

/** Every order's events took effect in the order they were published: applied versions strictly increase. */
function checkOrder(db: Database.Database, published: Map<string, string[]>): boolean {
  const get = db.prepare('SELECT applied_version AS v, status FROM transactions WHERE correlation_id = ?');
  for (const ids of published.values()) {
    let last = 0;
    for (const id of ids) {
      const row = get.get(id) as { v: number | null; status: string } | undefined;
      if (!row || row.status !== 'APPLIED' || row.v === null) return false;
      if (row.v <= last) return false;
      last = row.v;
    }
  }
  return true;
}

function rssMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}
