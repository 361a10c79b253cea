import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../app/config';
import { topologyOf } from '../app/runtime';
import { deleteTopologyAt } from '../messaging/topology';

/** A throw-away installation for one benchmark: its own topology prefix and SQLite file. */
export async function freshInstallation(overrides: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plantgate-bench-'));
  const env: Record<string, string> = {
    AMQP_URL: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    TOPOLOGY_PREFIX: `bench.${randomUUID().slice(0, 8)}`,
    SQLITE_FILE: path.join(dir, 'store.db'),
    LOG_LEVEL: 'silent',
    SIMULATORS: 'off',
    PARTITIONS: '8',
    // No scheduled reconciliation reading the reference systems in the background of a measurement.
    RECONCILE_CHECK_S: '3600',
    ...overrides,
  };
  const config = loadConfig(env);
  return {
    env,
    config,
    async cleanup() {
      await deleteTopologyAt(config.AMQP_URL, topologyOf(config));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
