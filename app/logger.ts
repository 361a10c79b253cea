import pino from 'pino';
import type { Logger } from '../core/ports/logger.port';

/** JSON lines on stdout; every entry about a message carries its correlationId. */
export function createLogger(level: string, bindings: object = {}): Logger {
  return pino({ level, base: { service: 'plantgate', ...bindings }, timestamp: pino.stdTimeFunctions.isoTime });
}
