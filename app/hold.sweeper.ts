import type { Logger } from '../core/ports/logger.port';
import type { Store } from '../core/ports/store.port';
import type { CommandProcessor } from '../core/workflow/command.processor';
import { every } from './periodic';

export interface HoldSweeperOptions {
  store: Pick<Store, 'listExpiredHeld'>;
  processor: Pick<CommandProcessor, 'expire'>;
  logger: Logger;
  intervalMs: number;
  onExpired?: () => void;
}

/**
 * Turns parked messages whose hold window ended into SEQUENCE exceptions. Safe with several workers: each
 * expiry commits only if the message is still parked.
 */
export function startHoldSweeper(options: HoldSweeperOptions) {
  const sweep = async () => {
    for (const held of await options.store.listExpiredHeld(new Date().toISOString(), 100)) {
      if (await options.processor.expire(held)) {
        options.logger.warn(
          { correlationId: held.correlationId, rule: held.rule },
          'held message expired into a SEQUENCE exception',
        );
        options.onExpired?.();
      }
    }
  };
  return every(options.intervalMs, sweep, options.logger, 'hold sweep');
}
