import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateApiKey } from '../core/auth/api-key';
import { submitMutationDocument } from '../resolvers/submit-mutation';
import { createVhost, deleteVhost } from '../test/support/edge-site';
import { startTcpProxy } from '../test/support/tcp-proxy';
import { seedReference } from './http.bench';
import { freshInstallation } from './installation';
import { runLoad, startProcess } from './processes';
import { benchRelease } from './load/release-input';
import { percentile, sleep } from './stats';

const PLANT = 'P1';
const GRAPHQL_AT = /GraphQL (http:\/\/[^/]+)\/graphql/;

export interface EdgeRun {
  /** Accepted at the edge → applied centrally, link up, at `rate` per second. */
  edgeP50: number;
  edgeP99: number;
  /** The same releases submitted to the central gateway directly, in the same run: the baseline. */
  directP50: number;
  directP99: number;
  /** A backlog of `backlog` releases built at the edge while the link was cut: from the link's return to all applied. */
  drainSeconds: number;
  /** From the link's return until the edge held nothing more (forwarded and confirmed centrally). */
  forwardSeconds: number;
}

/**
 * A plant with an edge on this machine's broker (a central and an edge virtual host, processes for the central
 * all-in-one and the edge, the shovel's link through a TCP proxy this process cuts), measured twice: latency with
 * the link up, then the drain of a backlog built while it was down.
 */
export async function edgeRun(backlog: number, seconds: number, rate: number): Promise<EdgeRun> {
  const unique = randomUUID().slice(0, 8);
  const vhosts = [`bench-central-${unique}`, `bench-edge-${unique}`] as const;
  const centralAmqp = await createVhost(vhosts[0]);
  const edgeAmqp = await createVhost(vhosts[1]);
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5672 });
  const install = await freshInstallation({ AMQP_URL: centralAmqp, EDGE_PLANTS: PLANT });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plantgate-bench-edge-'));
  const key = generateApiKey();
  const stops: (() => Promise<void>)[] = [];
  try {
    const central = await startProcess('app/main.ts', ['all'], { ...install.env, PORT: '0' }, GRAPHQL_AT);
    stops.push(central.stop);
    const centralUrl = central.match[1]!;
    await seedReference(centralUrl, install.config.SQLITE_FILE);
    const edge = await startProcess(
      'app/main.ts',
      ['edge'],
      {
        AMQP_URL: edgeAmqp,
        TOPOLOGY_PREFIX: install.env.TOPOLOGY_PREFIX!,
        PARTITIONS: install.env.PARTITIONS!,
        CENTRAL_AMQP_URL: `amqp://guest:guest@127.0.0.1:${proxy.port}/${vhosts[0]}`,
        EDGE_PLANT: PLANT,
        EDGE_BACKLOG_LIMIT: String(backlog * 2),
        SQLITE_FILE: path.join(dir, 'edge.db'),
        PORT: '0',
        LOG_LEVEL: 'silent',
        RATE_LIMIT_PER_S: '1000000',
        API_KEYS: JSON.stringify([
          { id: key.id, name: 'bench MES', roles: ['INTEGRATOR'], plants: [PLANT], secretHash: key.secretHash },
        ]),
      },
      GRAPHQL_AT,
    );
    stops.unshift(edge.stop);
    const edgeUrl = edge.match[1]!;
    const applied = appliedReader(install.config.SQLITE_FILE);
    stops.push(async () => void applied.close());

    const load = (url: string, prefix: string, authorization?: string) =>
      runLoad({ url, kind: 'release', plant: PLANT, connections: 10, seconds, rate, prefix, authorization });
    const edgeLoad = await load(edgeUrl, 'EDGE-LAT', `Bearer ${key.key}`);
    const edgeLatency = await applied.latencies('EDGE-LAT', edgeLoad.requests - edgeLoad.non2xx);
    // The central gateway runs in the open local mode here: the same requests, without a key.
    const direct = await load(centralUrl, 'DIRECT-LAT');
    const directLatency = await applied.latencies('DIRECT-LAT', direct.requests - direct.non2xx);

    proxy.cut(24 * 3600_000);
    await waitForHealth(edgeUrl, (h) => h.state === 'down');
    await submitMany(edgeUrl, key.key, 'DRAIN', backlog);
    await waitForHealth(edgeUrl, (h) => h.backlog.messages >= backlog);
    const returned = Date.now();
    proxy.restore();
    await waitForHealth(edgeUrl, (h) => h.state === 'up' && h.backlog.messages + h.backlog.inFlight === 0);
    const forwardSeconds = (Date.now() - returned) / 1000;
    await applied.waitFor('DRAIN', backlog);
    return {
      edgeP50: percentile(edgeLatency, 50),
      edgeP99: percentile(edgeLatency, 99),
      directP50: percentile(directLatency, 50),
      directP99: percentile(directLatency, 99),
      drainSeconds: (Date.now() - returned) / 1000,
      forwardSeconds,
    };
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
    await proxy.close();
    await install.cleanup().catch(() => undefined);
    for (const vhost of vhosts) await deleteVhost(vhost).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads what the central worker committed, from its SQLite file (read-only, beside the running process). */
function appliedReader(file: string) {
  const db = new Database(file, { readonly: true });
  const rows = db.prepare(
    "SELECT received_at AS r, updated_at AS u FROM transactions WHERE message_type = 'ReleaseProductionOrder' AND status = 'APPLIED' AND order_number LIKE ?",
  );
  const count = db.prepare(
    "SELECT count(*) AS n FROM transactions WHERE message_type = 'ReleaseProductionOrder' AND status = 'APPLIED' AND order_number LIKE ?",
  );
  const applied = (prefix: string) => (count.get(`${prefix}-%`) as { n: number }).n;
  return {
    async waitFor(prefix: string, expected: number, timeoutMs = 600_000) {
      const deadline = Date.now() + timeoutMs;
      while (applied(prefix) < expected) {
        if (Date.now() > deadline) throw new Error(`only ${applied(prefix)} of ${expected} ${prefix} releases applied`);
        await sleep(50);
      }
    },
    /** Applied minus accepted, in ms, once `expected` are applied. */
    async latencies(prefix: string, expected: number): Promise<number[]> {
      await this.waitFor(prefix, expected);
      return (rows.all(`${prefix}-%`) as { r: string; u: string }[]).map(
        (row) => Date.parse(row.u) - Date.parse(row.r),
      );
    },
    close: () => db.close(),
  };
}

type EdgeHealth = { state: string; backlog: { messages: number; inFlight: number } };

async function waitForHealth(url: string, done: (h: EdgeHealth) => boolean, timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const health = ((await (await fetch(`${url}/healthz`)).json()) as { edge: EdgeHealth }).edge;
    if (done(health)) return;
    if (Date.now() > deadline) throw new Error(`edge health never got there: ${JSON.stringify(health)}`);
    await sleep(100);
  }
}

/** `count` releases into the edge, 20 at a time, each until it is accepted. */
async function submitMany(url: string, key: string, prefix: string, count: number) {
  const document = submitMutationDocument('releaseProductionOrder');
  let next = 0;
  const one = async (n: number) => {
    const input = benchRelease(`${prefix}-${n}`, PLANT);
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: document, variables: { input } }),
    });
    const body = (await response.json()) as { errors?: unknown[] };
    if (body.errors) throw new Error(`the edge refused ${prefix}-${n}: ${JSON.stringify(body.errors)}`);
  };
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (next < count) await one(next++);
    }),
  );
}
