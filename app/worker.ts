import type { Connection } from 'rabbitmq-client';
import type { Logger } from '../core/ports/logger.port';
import type { Store } from '../core/ports/store.port';
import { createCommandProcessor, type CommandProcessor } from '../core/workflow/command.processor';
import { startCommandConsumers } from '../messaging/command.consumer';
import { startOutboxRelay } from '../messaging/outbox.relay';
import type { Topology } from '../messaging/topology';
import type { PlantgateMetrics } from '../monitoring/metrics';
import type { Config } from './config';

/** The rule-set version recorded on every decision until per-plant rule parameters arrive. */
export const RULE_SET_VERSION = 1;

export interface WorkerDeps {
  config: Config;
  connection: Connection;
  topology: Topology;
  store: Store;
  logger: Logger;
  metrics: PlantgateMetrics;
  /** Wraps the processor, for instance to observe or to inject faults in tests. */
  decorateProcessor?: (processor: CommandProcessor) => CommandProcessor;
}

/** Partition consumers plus the outbox relay; close() finishes messages in hand before returning. */
export function startWorker(deps: WorkerDeps) {
  const { config, logger } = deps;
  const relay = startOutboxRelay({
    connection: deps.connection,
    topology: deps.topology,
    store: deps.store,
    logger,
    pollIntervalMs: config.OUTBOX_POLL_MS,
    onPublished: (entries) => entries.forEach((e) => deps.metrics.outboxPublished(e.destination, 1)),
  });
  const core = createCommandProcessor({ store: deps.store, now: () => new Date(), ruleSetVersion: RULE_SET_VERSION });
  const kicking: CommandProcessor = {
    async process(message) {
      const outcome = await core.process(message);
      if (outcome.status === 'APPLIED' && !outcome.alreadyProcessed) relay.kick();
      return outcome;
    },
    fail: (message, reason) => core.fail(message, reason),
  };
  const consumers = startCommandConsumers({
    connection: deps.connection,
    topology: deps.topology,
    processor: deps.decorateProcessor ? deps.decorateProcessor(kicking) : kicking,
    store: deps.store,
    logger,
    observer: deps.metrics.consumerObserver,
    retryBudget: config.RETRY_BUDGET,
    prefetch: config.WORKER_PREFETCH,
  });
  logger.info({ partitions: deps.topology.partitions, prefix: config.TOPOLOGY_PREFIX }, 'worker consuming');
  return {
    async close() {
      await consumers.close();
      await relay.close();
    },
  };
}
