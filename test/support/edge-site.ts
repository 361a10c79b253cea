import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { loadConfig } from '../../app/config';
import { startEdgeRuntime, type EdgeRuntime } from '../../app/edge/edge.runtime';
import { createLogger } from '../../app/logger';
import type { Runtime } from '../../app/runtime';
import { createEdgeTopology } from '../../messaging/edge.topology';
import { createKey } from './auth.fixture';
import { createTestInstallation, type TestInstallation } from './harness';
import { spawnPlantgate, type PlantgateProcess } from './process';
import { seedReferenceData } from './reference.fixture';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';
import { makeTempDir } from './temp-dir';

const BROKER_API = process.env.BROKER_API_URL ?? 'http://127.0.0.1:15672';
const AUTH = `Basic ${Buffer.from('guest:guest').toString('base64')}`;
export const EDGE_PLANT = 'P100';

async function brokerApi(method: string, apiPath: string, body?: unknown): Promise<void> {
  const response = await fetch(`${BROKER_API}/api${apiPath}`, {
    method,
    headers: { authorization: AUTH, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok && response.status !== 404) {
    throw new Error(`${method} ${apiPath}: ${response.status} ${await response.text()}`);
  }
}

/** A virtual host of the test's own on the local broker, as if it were a broker of its own; its AMQP URL. */
export async function createVhost(name: string): Promise<string> {
  await brokerApi('PUT', `/vhosts/${encodeURIComponent(name)}`);
  await brokerApi('PUT', `/permissions/${encodeURIComponent(name)}/guest`, {
    configure: '.*',
    write: '.*',
    read: '.*',
  });
  return `amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(name)}`;
}

/** Deletes a virtual host with everything in it: queues, exchanges, shovels. */
export async function deleteVhost(name: string): Promise<void> {
  await brokerApi('DELETE', `/vhosts/${encodeURIComponent(name)}`);
}

/**
 * A plant with an edge, on the one local broker: a central virtual host with a central installation (gateway and
 * worker, the plant's MES routed to its edge) and an edge virtual host for the plant broker. The edge's shovels reach
 * the central virtual host through a TCP proxy the test cuts and restores: the link to the central plane.
 */
export interface EdgeSite {
  central: TestInstallation;
  centralRuntime: Runtime;
  centralUrl: string;
  /** The central broker's virtual host, as an AMQP URL. */
  centralAmqpUrl: string;
  edgeAmqpUrl: string;
  proxy: TcpProxy;
  keys: { integrator: string; edge: string };
  edgeEnv: Record<string, string>;
  edgeTopology: ReturnType<typeof createEdgeTopology>;
  startEdge(env?: Record<string, string>): Promise<EdgeRuntime>;
  spawnEdge(env?: Record<string, string>): PlantgateProcess;
  cleanup(): Promise<void>;
}

export async function createEdgeSite(
  label: string,
  env: { central?: Record<string, string>; edge?: Record<string, string> } = {},
): Promise<EdgeSite> {
  const unique = randomUUID().slice(0, 8);
  const vhosts = [`pg-${label}-central-${unique}`, `pg-${label}-edge-${unique}`];
  const [centralAmqpUrl, edgeAmqpUrl] = [await createVhost(vhosts[0]!), await createVhost(vhosts[1]!)];
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5672 });
  const central = createTestInstallation(label, { AMQP_URL: centralAmqpUrl!, EDGE_PLANTS: EDGE_PLANT, ...env.central });
  const edges: EdgeRuntime[] = [];
  const dir = makeTempDir();
  try {
    const centralRuntime = await central.start('all');
    const centralUrl = centralRuntime.url!;
    // Master data first, while the central gateway is still in the open local mode; the first key ends it.
    await seedReferenceData(centralUrl);
    const keys = {
      integrator: (await createKey(centralRuntime.store, ['INTEGRATOR'], [EDGE_PLANT], { name: 'plant MES adapter' }))
        .key,
      edge: (await createKey(centralRuntime.store, ['EDGE'], [EDGE_PLANT], { name: `edge of ${EDGE_PLANT}` })).key,
    };
    const edgeEnv: Record<string, string> = {
      AMQP_URL: edgeAmqpUrl!,
      TOPOLOGY_PREFIX: central.env.TOPOLOGY_PREFIX!,
      PARTITIONS: central.env.PARTITIONS!,
      CENTRAL_AMQP_URL: `amqp://guest:guest@127.0.0.1:${proxy.port}/${encodeURIComponent(vhosts[0]!)}`,
      CENTRAL_URL: centralUrl,
      CENTRAL_API_KEY: keys.edge,
      BROKER_API_URL: BROKER_API,
      EDGE_PLANT,
      SQLITE_FILE: path.join(dir.path, 'edge.db'),
      PORT: '0',
      EDGE_LINK_CHECK_MS: '200',
      INTAKE_SWEEP_MS: '500',
      INTAKE_GRACE_MS: '1000',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...env.edge,
    };
    const edgeConfig = loadConfig(edgeEnv);
    return {
      central,
      centralRuntime,
      centralUrl,
      centralAmqpUrl: centralAmqpUrl!,
      edgeAmqpUrl: edgeAmqpUrl!,
      proxy,
      keys,
      edgeEnv,
      edgeTopology: createEdgeTopology({
        prefix: edgeConfig.TOPOLOGY_PREFIX,
        centralPrefix: edgeConfig.TOPOLOGY_PREFIX,
        plant: EDGE_PLANT,
        partitions: edgeConfig.PARTITIONS,
        backlogLimit: edgeConfig.EDGE_BACKLOG_LIMIT,
      }),
      async startEdge(overrides = {}) {
        const config = loadConfig({ ...edgeEnv, ...overrides });
        const edge = await startEdgeRuntime(config, {
          logger: createLogger(config.LOG_LEVEL, { role: 'edge', test: label }),
        });
        edges.push(edge);
        return edge;
      },
      spawnEdge: (overrides = {}) => spawnPlantgate('edge', { ...edgeEnv, ...overrides }),
      async cleanup() {
        for (const edge of edges.splice(0)) await edge.stop();
        await central.cleanup();
        await proxy.close();
        // Deleting a virtual host deletes its queues, exchanges and shovels: nothing of the test is left behind.
        for (const vhost of vhosts) await deleteVhost(vhost);
        dir.remove();
      },
    };
  } catch (error) {
    await central.cleanup().catch(() => undefined);
    await proxy.close();
    for (const vhost of vhosts) await deleteVhost(vhost).catch(() => undefined);
    dir.remove();
    throw error;
  }
}
