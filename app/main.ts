import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { StartRefusedError } from './auth/identity';
import { startRuntime, type RuntimeRole } from './runtime';
import { BrokerUnreachableError } from '../messaging/broker.connection';

/**
 * Entry point: `main.ts [all|gateway|worker]`. Exit codes: 2 for bad configuration (or a gateway beyond loopback
 * that nobody could sign in to), 3 when the broker cannot be reached, 1 for anything else.
 */
async function main() {
  const role = (process.argv[2] ?? 'all') as RuntimeRole;
  if (!['all', 'gateway', 'worker'].includes(role)) {
    console.error(`Unknown role "${role}": use all, gateway or worker`);
    process.exit(2);
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL, { role });
  let runtime;
  try {
    runtime = await startRuntime(config, { role, logger });
  } catch (error) {
    if (error instanceof BrokerUnreachableError) {
      console.error(error.message);
      process.exit(3);
    }
    if (error instanceof ConfigError || error instanceof StartRefusedError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
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
