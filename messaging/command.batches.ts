import type { AsyncMessage } from 'rabbitmq-client';
import type { Logger } from '../core/ports/logger.port';
import type { Store } from '../core/ports/store.port';
import type { Settlement } from './ordered.consumer';
import { NewerSchemaError } from './command.envelope';

/** After a message had to go back to its queue (store or broker down): a pause, so an outage is no hot loop. */
const REQUEUE_PAUSE_MS = 1000;

export interface BatchHandlerOptions {
  store: Store;
  logger: Logger;
  /** Applies one message against a store (the store itself, or a batch's view); throws if no outcome was recorded. */
  handle: (msg: AsyncMessage, on: Store) => Promise<void>;
  /** Told the size of every run applied in one store transaction. */
  onBatch?: (messages: number) => void;
  /** Messages applied on their own, outside any batch. */
  alone: (msg: AsyncMessage) => boolean;
}

/**
 * A partition's messages in hand, applied in delivery order: runs of them in one store transaction each (the
 * store's batch), the others on their own. Each message gets its own outcome; one whose outcome could not be recorded
 * goes back to the queue with every message after it (none may overtake it), and a batch that cannot commit goes
 * back whole. The settlements are returned only after the commit: nothing is acknowledged before it is durable.
 */
/** Once one message went back or was left, every later one of the batch follows it unapplied: order is kept. */
function stopped(settlements: Settlement[]): Settlement | null {
  if (settlements.includes('leave')) return 'leave';
  return settlements.includes('requeue') ? 'requeue' : null;
}

export function batchHandler(options: BatchHandlerOptions) {
  const { store, logger } = options;

  async function applyOne(msg: AsyncMessage, on: Store): Promise<Settlement> {
    try {
      await options.handle(msg, on);
      return 'ack';
    } catch (error) {
      // A newer schema than this worker reads: it and what follows are left for a worker that reads it.
      if (error instanceof NewerSchemaError) return 'leave';
      logger.error(
        { correlationId: msg.correlationId, err: (error as Error).message },
        'message returned to its queue',
      );
      return 'requeue';
    }
  }

  async function applyInOrder(msgs: AsyncMessage[], on: Store): Promise<Settlement[]> {
    const settlements: Settlement[] = [];
    for (const msg of msgs) settlements.push(stopped(settlements) ?? (await applyOne(msg, on)));
    return settlements;
  }

  async function applyTogether(msgs: AsyncMessage[]): Promise<Settlement[]> {
    options.onBatch?.(msgs.length);
    if (!store.inBatch || msgs.length === 1) return applyInOrder(msgs, store);
    try {
      return await store.inBatch((view) => applyInOrder(msgs, view));
    } catch (error) {
      logger.error({ messages: msgs.length, err: (error as Error).message }, 'batch not committed; messages returned');
      return msgs.map(() => 'requeue');
    }
  }

  return async function handleBatch(msgs: AsyncMessage[]): Promise<Settlement[]> {
    const settlements: Settlement[] = [];
    let run: AsyncMessage[] = [];
    const applyRun = async () => {
      if (run.length) settlements.push(...(await applyTogether(run)));
      run = [];
    };
    for (const msg of msgs) {
      const stop = stopped(settlements);
      if (stop) {
        settlements.push(stop);
        continue;
      }
      if (!options.alone(msg)) {
        run.push(msg);
        continue;
      }
      await applyRun();
      settlements.push(stopped(settlements) ?? (await applyOne(msg, store)));
    }
    await applyRun();
    const left = settlements.indexOf('leave');
    if (left >= 0) return settlements.fill('leave', left);
    // Once one went back, the rest of the batch went back too, without being applied: their order is kept.
    const requeued = settlements.indexOf('requeue');
    if (requeued >= 0) {
      settlements.fill('requeue', requeued);
      await new Promise((resolve) => setTimeout(resolve, REQUEUE_PAUSE_MS));
    }
    return settlements;
  };
}
