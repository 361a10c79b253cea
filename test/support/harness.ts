import path from 'node:path';
import { loadConfig, type Config } from '../../app/config';
import { startRuntime, topologyOf, type Runtime, type RuntimeOptions, type RuntimeRole } from '../../app/runtime';
import { createLogger } from '../../app/logger';
import { deleteTopologyAt } from '../../messaging/topology';
import { TEST_AMQP_URL, uniquePrefix } from './broker';
import { makeTempDir } from './temp-dir';

/**
 * One isolated installation per test: its own topology prefix on the real broker and its own SQLite file.
 * Runtimes started from it share both, like processes of one installation do.
 */
export interface TestInstallation {
  env: Record<string, string>;
  config: Config;
  /** Starts a runtime in this process; `env` overrides the installation's settings for this runtime only. */
  start(role: RuntimeRole, options?: Omit<RuntimeOptions, 'role'> & { env?: Record<string, string> }): Promise<Runtime>;
  /** Stops every runtime it started, deletes its queues and exchanges and its files. */
  cleanup(): Promise<void>;
}

export function createTestInstallation(label: string, env: Record<string, string> = {}): TestInstallation {
  const dir = makeTempDir();
  const fullEnv: Record<string, string> = {
    AMQP_URL: TEST_AMQP_URL,
    TOPOLOGY_PREFIX: uniquePrefix(label),
    SQLITE_FILE: path.join(dir.path, 'plantgate.db'),
    PORT: '0',
    PARTITIONS: '4',
    RETRY_DELAYS_MS: '100,200,400',
    OUTBOX_POLL_MS: '200',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // The workflow tests look at what leaves through the outbound queues; connector tests turn systems on.
    SIMULATORS: 'off',
    // Scheduled reconciliation reads the reference systems in the background: only the tests that want it turn it on.
    RECONCILE_CHECK_S: '3600',
    ...env,
  };
  const config = loadConfig(fullEnv);
  const runtimes: Runtime[] = [];
  return {
    env: fullEnv,
    config,
    async start(role, { env: overrides, ...options } = {}) {
      const own = overrides ? loadConfig({ ...fullEnv, ...overrides }) : config;
      const runtime = await startRuntime(own, {
        role,
        logger: createLogger(own.LOG_LEVEL, { role, test: label }),
        ...options,
      });
      runtimes.push(runtime);
      return runtime;
    },
    async cleanup() {
      for (const runtime of runtimes.splice(0)) await runtime.stop();
      await deleteTopologyAt(config.AMQP_URL, topologyOf(config));
      dir.remove();
    },
  };
}

/** Settings that point another process of the installation at the reference systems a runtime embeds. */
export function referenceSystemsEnv(runtime: Runtime, systems: ('erp' | 'mes' | 'qms')[] = ['erp', 'mes', 'qms']) {
  const env: Record<string, string> = {};
  for (const system of systems) {
    const endpoint = runtime.endpoints[system];
    if (!endpoint) continue;
    const prefix = system.toUpperCase();
    env[`${prefix}_URL`] = endpoint.url;
    if (endpoint.credentials) {
      env[`${prefix}_TOKEN_URL`] = endpoint.credentials.tokenUrl;
      env[`${prefix}_CLIENT_ID`] = endpoint.credentials.clientId;
      env[`${prefix}_CLIENT_SECRET`] = endpoint.credentials.clientSecret;
    }
  }
  return env;
}
