import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig } from '../../app/config';
import { topologyOf } from '../../app/runtime';
import { generateApiKey } from '../../core/auth/api-key';
import { deleteTopologyAt } from '../../messaging/topology';
import { managedProcess, type ManagedProcess } from './fleet';
import { freePort, startTcpProxy, type TcpProxy } from '../../test/support/tcp-proxy';

/** A whole Plantgate installation in separate processes, reaching RabbitMQ through a proxy of its own. */
export interface ChaosInstallation {
  runId: string;
  dir: string;
  sqliteFile: string;
  proxy: TcpProxy;
  gateways: ManagedProcess[];
  workers: ManagedProcess[];
  /** The reference ERP, MES and QMS, in one process of their own, keeping their state under `dir`. */
  systems: ManagedProcess;
  urls: { gateways: string[]; workerMetrics: string[]; erp: string; mes: string; qms: string };
  /** The integrator's API key (given to the gateways by API_KEYS): the run is authenticated, like production. */
  apiKey: string;
  /** Stops everything, deletes the topology and, unless kept for a look, the files. */
  teardown(keepFiles: boolean): Promise<void>;
}

export async function startChaosInstallation(options: {
  amqpUrl: string;
  gateways: number;
  workers: number;
  env?: Record<string, string>;
}): Promise<ChaosInstallation> {
  const runId = randomUUID().slice(0, 8);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `plantgate-chaos-${runId}-`));
  const broker = new URL(options.amqpUrl);
  const proxy = await startTcpProxy({ host: broker.hostname, port: Number(broker.port || 5672) });
  const proxied = new URL(options.amqpUrl);
  proxied.host = `127.0.0.1:${proxy.port}`;
  const [erpPort, mesPort, qmsPort] = [await freePort(), await freePort(), await freePort()];
  const sqliteFile = path.join(dir, 'plantgate.db');
  const urls = {
    erp: `http://127.0.0.1:${erpPort}`,
    mes: `http://127.0.0.1:${mesPort}`,
    qms: `http://127.0.0.1:${qmsPort}`,
    gateways: [] as string[],
    workerMetrics: [] as string[],
  };
  // Authenticated and signed like production: an integrator key by configuration, MES and QMS signing webhooks.
  const integratorKey = generateApiKey();
  const webhookSecret = randomBytes(24).toString('base64url');
  const env: Record<string, string> = {
    API_KEYS: JSON.stringify([
      {
        id: integratorKey.id,
        name: 'chaos integrator',
        roles: ['INTEGRATOR', 'VIEWER'],
        plants: '*',
        secretHash: integratorKey.secretHash,
      },
    ]),
    WEBHOOK_SECRET: webhookSecret,
    AMQP_URL: proxied.toString(),
    AMQP_CONNECT_TIMEOUT_MS: '120000',
    TOPOLOGY_PREFIX: `chaos.${runId}`,
    SQLITE_FILE: sqliteFile,
    PARTITIONS: '4',
    OUTBOUND_PARTITIONS: '4',
    LOG_LEVEL: 'warn',
    ERP_URL: urls.erp,
    ERP_CLIENT_ID: 'plantgate',
    ERP_CLIENT_SECRET: 'plantgate-secret',
    MES_URL: urls.mes,
    QMS_URL: urls.qms,
    RETRY_BUDGET: '30',
    RETRY_DELAYS_MS: '200,500,1000',
    INTAKE_SWEEP_MS: '500',
    INTAKE_GRACE_MS: '2000',
    OUTBOUND_RETRY_DELAYS_MS: '200,500,1000,2000',
    OUTBOUND_RETRY_BUDGET: '1000',
    CONNECTOR_MAX_ATTEMPTS: '2',
    CONNECTOR_RETRY_BASE_MS: '50',
    BREAKER_HALF_OPEN_MS: '500',
    SHUTDOWN_TIMEOUT_MS: '10000',
    ...options.env,
  };
  const systems = managedProcess({
    name: 'reference systems',
    entry: 'simulators/main.ts',
    args: [],
    env: {
      SIM_ERP_PORT: String(erpPort),
      SIM_MES_PORT: String(mesPort),
      SIM_QMS_PORT: String(qmsPort),
      SIM_DATA_DIR: path.join(dir, 'reference'),
      WEBHOOK_SECRET: webhookSecret,
    },
    logFile: path.join(dir, 'systems.log'),
    ready: /Reference systems:/,
  });
  const gateways: ManagedProcess[] = [];
  for (let i = 0; i < options.gateways; i++) {
    const port = await freePort();
    urls.gateways.push(`http://127.0.0.1:${port}`);
    gateways.push(
      managedProcess({
        name: `gateway ${i + 1}`,
        entry: 'app/main.ts',
        args: ['gateway'],
        env: { ...env, PORT: String(port) },
        logFile: path.join(dir, `gateway-${i + 1}.log`),
        ready: /Plantgate gateway started/,
      }),
    );
  }
  const workers: ManagedProcess[] = [];
  for (let i = 0; i < options.workers; i++) {
    const port = await freePort();
    urls.workerMetrics.push(`http://127.0.0.1:${port}`);
    workers.push(
      managedProcess({
        name: `worker ${i + 1}`,
        entry: 'app/main.ts',
        args: ['worker'],
        env: { ...env, WORKER_METRICS_PORT: String(port) },
        logFile: path.join(dir, `worker-${i + 1}.log`),
        ready: /Plantgate worker started/,
      }),
    );
  }
  await systems.start();
  await Promise.all([...workers, ...gateways].map((p) => p.start()));

  return {
    runId,
    dir,
    sqliteFile,
    proxy,
    gateways,
    workers,
    systems,
    urls,
    apiKey: integratorKey.key,
    async teardown(keepFiles) {
      await Promise.all([...gateways, ...workers, systems].map((p) => p.stop().catch(() => undefined)));
      await proxy.close();
      await deleteTopologyAt(options.amqpUrl, topologyOf(loadConfig(env)));
      if (!keepFiles) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until the reference ERP stocks the run's component lots: goods issues need ERP to know them. */
export async function masterDataReachedErp(
  erpUrl: string,
  lots: { plant: string; lotNumber: string }[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const token = async () =>
    (
      (await (
        await fetch(`${erpUrl}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials&client_id=plantgate&client_secret=plantgate-secret',
        })
      ).json()) as { access_token: string }
    ).access_token;
  for (;;) {
    try {
      const auth = { authorization: `Bearer ${await token()}` };
      const known = await Promise.all(
        lots.map(
          async (l) => (await fetch(`${erpUrl}/api/lots/${l.plant}/${l.lotNumber}`, { headers: auth })).status === 200,
        ),
      );
      if (known.every(Boolean)) return;
    } catch {
      // ERP restarting: ask again.
    }
    if (Date.now() > deadline) throw new Error('master data did not reach ERP');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
