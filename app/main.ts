import path from 'node:path';
import type { Logger } from '../core/ports/logger.port';
import { BrokerApiError } from '../messaging/broker-api';
import { ConfigError, loadConfig, type Config } from './config';
import { startEdgeRuntime } from './edge/edge.runtime';
import { createLogger } from './logger';
import { StartRefusedError } from './auth/identity';
import { startRuntime, type RuntimeRole } from './runtime';
import { BrokerUnreachableError } from '../messaging/broker.connection';

/** An edge keeps its own file and port unless told otherwise, so that it can run beside an all-in-one. */
const EDGE_DEFAULTS = { SQLITE_FILE: path.join('data', 'edge.db'), PORT: '4100' };

/**
 * Entry point: `main.ts [all|gateway|worker|edge]`. Exit codes: 2 for bad configuration (or a gateway beyond loopback
 * that nobody could sign in to, or an edge whose broker runs no shovel), 3 when the broker (or its management API)
 * cannot be reached, 1 for anything else.
 */
async function main() {
  const role = (process.argv[2] ?? 'all') as RuntimeRole | 'edge';
  if (!['all', 'gateway', 'worker', 'edge'].includes(role)) {
    console.error(`Unknown role "${role}": use all, gateway, worker or edge`);
    process.exit(2);
  }
  let config;
  try {
    config = loadConfig(role === 'edge' ? { ...EDGE_DEFAULTS, ...process.env } : process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL, { role });
  if (role === 'edge') return startEdge(config, logger);
  const runtime = await startOrExit(() => startRuntime(config, { role, logger }));
  const endpoints = runtime.url
    ? role === 'worker'
      ? `health ${runtime.url}/healthz, metrics ${runtime.url}/metrics`
      : `GraphQL ${runtime.url}/graphql, health ${runtime.url}/healthz, readiness ${runtime.url}/readyz, metrics ${runtime.url}/metrics`
    : 'no HTTP endpoints';
  console.log(
    `Plantgate ${role} started (store ${config.STORE}${config.STORE === 'sqlite' ? ` at ${config.SQLITE_FILE}` : ''}): ${endpoints}`,
  );
  const systems = Object.entries(runtime.endpoints).flatMap(([system, e]) =>
    e
      ? [
          `${system.toUpperCase()} ${e.url}${runtime.referenceSystems?.[system as 'erp'] ? ' (embedded reference)' : ''}`,
        ]
      : [],
  );
  if (runtime.openLocalMode) {
    console.log(
      'Open local mode: loopback only, no identity provider, no API key; requests without a token act as the local developer with every role (npm run keys -- create ends it).',
    );
  }
  if (role !== 'gateway')
    console.log(
      systems.length
        ? `Connected systems: ${systems.join(', ')}`
        : 'No external systems connected: set ERP_URL, MES_URL and QMS_URL',
    );

  stopOnSignals(runtime, config, logger);
}

/** The edge role: one plant's gateway beside its broker (app/edge). */
async function startEdge(config: Config, logger: Logger) {
  const edge = await startOrExit(() => startEdgeRuntime(config, { logger }));
  const report = edge.link.report();
  console.log(
    `Plantgate edge of plant ${edge.plant} started (store ${config.STORE}${config.STORE === 'sqlite' ? ` at ${config.SQLITE_FILE}` : ''}): GraphQL ${edge.url}/graphql, health ${edge.url}/healthz, metrics ${edge.url}/metrics; link to the central broker ${report.state}, backlog ${report.backlog.messages} of ${report.backlog.limit}`,
  );
  stopOnSignals(edge, config, logger);
}

async function startOrExit<T>(start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if (error instanceof BrokerUnreachableError || error instanceof BrokerApiError) {
      console.error(error.message);
      process.exit(3);
    }
    if (error instanceof ConfigError || error instanceof StartRefusedError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}

function stopOnSignals(runtime: { stop(): Promise<void> }, config: Config, logger: Logger) {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error(
        { timeoutMs: config.SHUTDOWN_TIMEOUT_MS },
        'shutdown timed out; unacknowledged messages will be redelivered',
      );
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    force.unref();
    runtime.stop().then(
      () => {
        logger.info({}, 'stopped');
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(`Plantgate failed to start: ${(error as Error).message}`);
  process.exit(1);
});
