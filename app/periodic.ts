import type { Logger } from '../core/ports/logger.port';

/**
 * Runs `work` every `intervalMs`, never two passes at once; a failed pass is logged and the next one tries again.
 * close() stops the timer and waits for a pass in progress. An interval of 0 runs nothing.
 */
export function every(intervalMs: number, work: () => Promise<void>, logger: Logger, what: string) {
  let running: Promise<void> | null = null;
  const timer =
    intervalMs > 0
      ? setInterval(() => {
          if (running) return;
          running = work()
            .catch((error: unknown) => logger.warn({ err: (error as Error).message }, `${what} failed; will try again`))
            .finally(() => (running = null));
        }, intervalMs)
      : null;
  timer?.unref();
  return {
    async close() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
