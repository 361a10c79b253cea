import { Connection } from 'rabbitmq-client';
import type { Logger } from '../core/ports/logger.port';

export interface BrokerConnectionOptions {
  url: string;
  /** How long to keep trying before giving up with a clear message. */
  connectTimeoutMs: number;
  connectionName: string;
  logger: Logger;
}

export class BrokerUnreachableError extends Error {
  constructor(
    readonly url: string,
    readonly waitedMs: number,
    cause: unknown,
  ) {
    super(
      `Cannot reach RabbitMQ at ${redact(url)} after ${Math.round(waitedMs / 1000)} s (${describe(cause)}). ` +
        'Start it with `rabbitmq-server -detached`, or point AMQP_URL at a running broker.',
    );
    this.name = 'BrokerUnreachableError';
  }
}

/**
 * Opens the connection every publisher and consumer of a process shares, and waits until it is up.
 * After the first connect, rabbitmq-client reconnects on its own and re-declares topology.
 */
export async function connectBroker(options: BrokerConnectionOptions): Promise<Connection> {
  let lastError: unknown = 'timed out';
  const connection = new Connection({
    url: options.url,
    connectionName: options.connectionName,
    // Without it, a process that publishes and consumes on one connection stalls ~40 ms per message (Nagle).
    noDelay: true,
    retryLow: 250,
    retryHigh: 2000,
    connectionTimeout: Math.min(options.connectTimeoutMs, 10_000),
  });
  const log = options.logger.child({ component: 'broker' });
  connection.on('error', (error: unknown) => {
    lastError = error;
    log.warn({ err: describe(error) }, 'broker connection error');
  });
  connection.on('connection', () => log.info({ url: redact(options.url) }, 'broker connected'));
  connection.on('connection.blocked', (reason) => log.warn({ reason }, 'broker blocked publishing'));
  const started = Date.now();
  try {
    await connection.onConnect(options.connectTimeoutMs);
  } catch {
    connection.unsafeDestroy();
    throw new BrokerUnreachableError(options.url, Date.now() - started, lastError);
  }
  return connection;
}

/** The broker URL without its password, for messages and logs. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return (error as { code?: string }).code ?? error.message;
  return String(error);
}
