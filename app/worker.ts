import type { Connection } from 'rabbitmq-client';
import type { Logger } from '../core/ports/logger.port';
import type { Store } from '../core/ports/store.port';
import {
  probeUnavailableSystem,
  replayClearedExceptions,
  retryUnavailableDeliveries,
} from '../core/exceptions/auto-replay';
import { unavailableRule } from '../core/exceptions/downstream-retry';
import { createDeliveryOutcomes } from '../core/exceptions/delivery-outcomes';
import { createWorkbench } from '../core/exceptions/workbench.service';
import { createCommandProcessor, type CommandProcessor } from '../core/workflow/command.processor';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { startCommandConsumers, type CommandConsumers } from '../messaging/command.consumer';
import { partitionsOf, type Member } from '../messaging/partition-assignment';
import { joinMembership } from '../messaging/worker-membership';
import { startOutboxRelay } from '../messaging/outbox.relay';
import { startOutboundConsumers } from '../messaging/outbound.consumer';
import type { SubmissionService } from '../core/intake/submission.service';
import type { DownstreamPort } from '../core/ports/downstream.port';
import { postingAcknowledgementOf } from '../core/postings/posting-acknowledgement';
import type { Topology } from '../messaging/topology';
import type { PlantgateMetrics } from '../monitoring/metrics';
import type { RuleBook } from '../core/rules/rule-set';
import type { Config } from './config';
import { startHoldSweeper } from './hold.sweeper';
import { every } from './periodic';

/**
 * Joins the installation's workers and holds this worker's share of the partition queues, again after every
 * membership change. If the presence protocol cannot start, the worker holds every partition: single active
 * consumer still keeps each queue to one worker at a time, only the load is not spread.
 */
async function shareOutPartitions(consumers: CommandConsumers, deps: WorkerDeps, workerId: string) {
  const { topology, logger } = deps;
  const everyPartition = Array.from({ length: topology.partitions }, (_, i) => i);
  const holdShare = (members: Member[]) => {
    consumers.hold(partitionsOf(workerId, members, topology.partitions));
    deps.metrics.partitionsShared(consumers.held().length, members.length);
  };
  try {
    return await joinMembership({
      connection: deps.connection,
      exchange: topology.names.workers,
      queue: topology.names.presence(workerId),
      workerId,
      heartbeatMs: deps.config.WORKER_HEARTBEAT_MS,
      logger,
      onChange: holdShare,
    });
  } catch (error) {
    logger.warn({ err: (error as Error).message }, 'worker membership unavailable; holding every partition');
    consumers.hold(everyPartition);
    return {
      leave: async () => undefined,
      stepAside: (partition: number) => consumers.hold(consumers.held().filter((p) => p !== partition)),
    };
  }
}

export interface WorkerDeps {
  config: Config;
  connection: Connection;
  topology: Topology;
  store: Store;
  logger: Logger;
  metrics: PlantgateMetrics;
  rules: RuleBook;
  /** The process's submission service: ERP's answers re-enter the workflow through it, like any submission. */
  intake: SubmissionService;
  /** Connectors of the systems this worker delivers to; a system without one keeps its outbound queue. */
  downstream: DownstreamPort[];
  /**
   * Wraps the processor, for instance to observe or to inject faults in tests. `store`: what the processor works on,
   * the store itself or one batch's view of it.
   */
  decorateProcessor?: (processor: CommandProcessor, store: Store) => CommandProcessor;
  /** Test builds only: the newest message schema this worker reads, to play a newer release (SCHEMA_VERSION). */
  readsSchema?: number;
}

/** Partition consumers plus the outbox relay; close() finishes messages in hand before returning. */
export async function startWorker(deps: WorkerDeps) {
  const { config, logger } = deps;
  const relay = startOutboxRelay({
    connection: deps.connection,
    topology: deps.topology,
    store: deps.store,
    logger,
    pollIntervalMs: config.OUTBOX_POLL_MS,
    onPublished: (entries) => entries.forEach((e) => deps.metrics.outboxPublished(e.destination, 1)),
  });
  const workbench = createWorkbench({
    store: deps.store,
    intake: deps.intake,
    rules: deps.rules,
    now: () => new Date(),
    observer: deps.metrics.exceptionObserver,
  });
  const deliveries = createDeliveryOutcomes({
    store: deps.store,
    rules: deps.rules,
    now: () => new Date(),
    observer: deps.metrics.exceptionObserver,
  });
  /** The processor on a store (the store, or a batch's view of it), relaying what a commit leaves in the outbox. */
  function processorOn(store: Store): CommandProcessor {
    const core = createCommandProcessor({
      store,
      now: () => new Date(),
      rules: deps.rules,
      observer: deps.metrics.exceptionObserver,
    });
    const kicking: CommandProcessor = {
      ...core,
      async process(message) {
        const outcome = await core.process(message);
        if ((outcome.status === 'APPLIED' && !outcome.alreadyProcessed) || outcome.released.length) relay.kick();
        // Before the acknowledgement: a crash in between redelivers the upsert, and the replays are idempotent.
        const { command } = message.envelope;
        if (command.messageType === 'UpsertReferenceData' && outcome.status === 'APPLIED') {
          await replayClearedExceptions({ store: deps.store, workbench, rules: deps.rules, logger }, command.payload);
        }
        return outcome;
      },
    };
    return deps.decorateProcessor ? deps.decorateProcessor(kicking, store) : kicking;
  }
  const processors = new WeakMap<Store, CommandProcessor>();
  const processorFor = (store: Store) => {
    if (!processors.has(store)) processors.set(store, processorOn(store));
    return processors.get(store)!;
  };
  const processor = processorFor(deps.store);
  let sharing: Awaited<ReturnType<typeof shareOutPartitions>> | null = null;
  const asideBeforeJoining: number[] = [];
  const consumers = startCommandConsumers({
    connection: deps.connection,
    topology: deps.topology,
    processorFor,
    store: deps.store,
    batchSize: config.WORKER_BATCH_SIZE,
    // Its replays go through the intake and must find it committed.
    unbatched: (messageType) => messageType === 'UpsertReferenceData',
    logger,
    observer: deps.metrics.consumerObserver,
    retryBudget: config.RETRY_BUDGET,
    inProcessRetries: config.IN_PROCESS_RETRIES,
    poisonLimit: config.POISON_DELIVERY_LIMIT,
    prefetch: config.WORKER_PREFETCH,
    readsSchema: deps.readsSchema,
    // During a rolling upgrade: the partition goes to a worker that reads the newer message; it is never dead-lettered.
    onNewerSchema: (partition) => (sharing ? sharing.stepAside(partition) : asideBeforeJoining.push(partition)),
  });
  const workerId = `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  // Started means consuming: the worker returns once it holds its share.
  sharing = await shareOutPartitions(consumers, deps, workerId);
  for (const partition of asideBeforeJoining) sharing.stepAside(partition);
  const outbound = startOutboundConsumers({
    connection: deps.connection,
    topology: deps.topology,
    ports: deps.downstream,
    logger,
    retryBudget: config.OUTBOUND_RETRY_BUDGET,
    retryDelaysMs: config.OUTBOUND_RETRY_DELAYS_MS,
    onRetry: deps.metrics.deliveryRetried,
    onLatency: deps.metrics.delivered,
    onDeadLettered: deps.metrics.deliveryFailed,
    onFailed: (message, failure) => deliveries.failed(message, failure),
    async onDelivered(message, receipt) {
      const closed = await deliveries.delivered(message, receipt);
      // A posting the system missed while unavailable went through: the others it missed can go too.
      if (closed?.rule === unavailableRule(message.system)) systemRecovered(message.system);
      // ERP's document number for a posting re-enters the workflow through the intake, in the posting's trace.
      const acknowledgement = postingAcknowledgementOf(message, receipt, new Date().toISOString());
      if (acknowledgement)
        await deps.intake.submit('AcknowledgePosting', acknowledgement.input, acknowledgement.origin);
    },
  });
  const autoReplay = { store: deps.store, workbench, rules: deps.rules, logger };
  const recoveries = new Map<string, Promise<unknown>>();
  /** Sends again what did not reach a system while it was down; one pass per system at a time. */
  function systemRecovered(system: string) {
    if (recoveries.has(system)) return;
    const pass = retryUnavailableDeliveries(autoReplay, system)
      .then((ids) => ids.length && logger.info({ system, exceptions: ids.length }, 'postings sent again'))
      .catch((error: unknown) => logger.warn({ system, err: (error as Error).message }, 'postings not sent again'))
      .finally(() => recoveries.delete(system));
    recoveries.set(system, pass);
  }
  const probe = every(
    config.DOWNSTREAM_PROBE_MS,
    async () => {
      for (const port of deps.downstream) await probeUnavailableSystem(autoReplay, port.system);
    },
    logger,
    'downstream probe',
  );
  const sweeper = startHoldSweeper({ store: deps.store, processor, logger, intervalMs: config.HOLD_SWEEP_MS });
  logger.info({ partitions: deps.topology.partitions, prefix: config.TOPOLOGY_PREFIX }, 'worker consuming');
  return {
    systemRecovered,
    partitionsHeld: () => consumers.held(),
    async close() {
      await probe.close();
      await Promise.all(recoveries.values());
      await sharing.leave();
      await consumers.close();
      await outbound.close();
      await sweeper.close();
      await relay.close();
    },
  };
}
