import type { Logger } from '../core/ports/logger.port';
import type { Store } from '../core/ports/store.port';
import type { CommandProcessor } from '../core/workflow/command.processor';
import { every } from './periodic';

export interface HoldSweeperOptions {
  store: Pick<Store, 'listExpiredHeld' | 'listOrdersUnblocked'>;
  processor: Pick<CommandProcessor, 'expire' | 'drain'>;
  logger: Logger;
  intervalMs: number;
  onExpired?: () => void;
}

/**
 * Turns parked messages whose hold window ended into SEQUENCE exceptions, and drains the orders whose parked messages
 * waited behind an exception someone resolved or discarded (a replay drains its order itself, when applied). Safe with
 * several workers: each expiry or release commits only if the message is still parked.
 */
export function startHoldSweeper(options: HoldSweeperOptions) {
  const sweep = async () => {
    for (const { plant, orderNumber } of await options.store.listOrdersUnblocked(100)) {
      const released = await options.processor.drain(plant, orderNumber);
      if (released.length)
        options.logger.info(
          { plant, orderNumber, released: released.length },
          'exception worked: held messages drained',
        );
    }
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
