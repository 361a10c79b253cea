import type { Connection } from 'rabbitmq-client';
import type { Logger } from '../core/ports/logger.port';
import type { Store } from '../core/ports/store.port';
import { createCommandProcessor, type CommandProcessor } from '../core/workflow/command.processor';
import { startCommandConsumers } from '../messaging/command.consumer';
import { startOutboxRelay } from '../messaging/outbox.relay';
import { startOutboundConsumers } from '../messaging/outbound.consumer';
import { createCommandPublisher } from '../messaging/command.publisher';
import { createCommandSubmitter } from '../resolvers/command.submitter';
import { ERP_POSTING_TYPES } from '../connectors/erp.connector';
import type { DownstreamPort } from '../core/ports/downstream.port';
import type { Topology } from '../messaging/topology';
import type { PlantgateMetrics } from '../monitoring/metrics';
import type { RuleBook } from '../core/rules/rule-set';
import type { Config } from './config';
import { startHoldSweeper } from './hold.sweeper';

export interface WorkerDeps {
  config: Config;
  connection: Connection;
  topology: Topology;
  store: Store;
  logger: Logger;
  metrics: PlantgateMetrics;
  rules: RuleBook;
  /** Connectors of the systems this worker delivers to; a system without one keeps its outbound queue. */
  downstream: DownstreamPort[];
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
  const core = createCommandProcessor({ store: deps.store, now: () => new Date(), rules: deps.rules });
  const kicking: CommandProcessor = {
    ...core,
    async process(message) {
      const outcome = await core.process(message);
      if ((outcome.status === 'APPLIED' && !outcome.alreadyProcessed) || outcome.released.length) relay.kick();
      return outcome;
    },
  };
  const processor = deps.decorateProcessor ? deps.decorateProcessor(kicking) : kicking;
  const consumers = startCommandConsumers({
    connection: deps.connection,
    topology: deps.topology,
    processor,
    store: deps.store,
    logger,
    observer: deps.metrics.consumerObserver,
    retryBudget: config.RETRY_BUDGET,
    inProcessRetries: config.IN_PROCESS_RETRIES,
    prefetch: config.WORKER_PREFETCH,
  });
  // ERP's document number for a posting re-enters the workflow as a command, through the same confirmed path.
  const publisher = createCommandPublisher(deps.connection, deps.topology);
  const submitInternal = createCommandSubmitter({ store: deps.store, publisher, rules: deps.rules, now: () => new Date() });
  const outbound = startOutboundConsumers({
    connection: deps.connection,
    topology: deps.topology,
    ports: deps.downstream,
    logger,
    retryBudget: config.OUTBOUND_RETRY_BUDGET,
    concurrency: config.OUTBOUND_CONCURRENCY,
    onRetry: deps.metrics.deliveryRetried,
    onLatency: deps.metrics.delivered,
    onDeadLettered: deps.metrics.deliveryFailed,
    onFailed: (message, reason) => processor.downstreamFailed(message, reason),
    async onDelivered(message, receipt) {
      if (message.system !== 'erp' || !receipt.documentNumber || !(ERP_POSTING_TYPES as readonly string[]).includes(message.messageType)) return;
      const payload = { plant: String(message.payload.plant), orderNumber: String(message.payload.orderNumber), postingKey: message.idempotencyKey, documentNumber: receipt.documentNumber, acknowledgedAt: new Date().toISOString(), messageId: `${message.id}:ack` };
      await submitInternal({ messageType: 'AcknowledgePosting', payload }, payload.messageId, {
        principal: { id: 'connector:erp', roles: ['integrator'] },
        traceparent: '',
        requestId: message.id,
        logger,
      });
    },
  });
  const sweeper = startHoldSweeper({ store: deps.store, processor, logger, intervalMs: config.HOLD_SWEEP_MS });
  logger.info({ partitions: deps.topology.partitions, prefix: config.TOPOLOGY_PREFIX }, 'worker consuming');
  return {
    async close() {
      await consumers.close();
      await outbound.close();
      await sweeper.close();
      await relay.close();
      await publisher.close();
    },
  };
}
