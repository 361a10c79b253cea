import type { Logger } from '../core/ports/logger.port';

/**
 * What a process started, to be stopped in the reverse order: the last started (HTTP, consumers) stops first, the
 * store last. A failed start stops what did start, quietly; a graceful stop logs what would not stop.
 */
export function createStopList(logger: Logger) {
  const stops: (() => Promise<void>)[] = [];
  return {
    /** Registers how to stop something just started. */
    add(stop: () => Promise<void>): void {
      stops.unshift(stop);
    },
    async stopAll(): Promise<void> {
      for (const stop of stops.splice(0)) {
        await stop().catch((error: unknown) => logger.warn({ err: (error as Error).message }, 'error during shutdown'));
      }
    },
    /** After a failed start. */
    async abandon(): Promise<void> {
      for (const stop of stops.splice(0)) await stop().catch(() => undefined);
    },
  };
}

export type StopList = ReturnType<typeof createStopList>;
