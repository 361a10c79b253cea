import type { IntakeHooks } from '../core/intake/submission.service';
import type { DownstreamSystem } from '../core/errors';
import type { Logger } from '../core/ports/logger.port';
import type { Store } from '../core/ports/store.port';
import type { CommandProcessor } from '../core/workflow/command.processor';
import { connectBroker } from '../messaging/broker.connection';
import { createTopology, declareTopology, type Topology } from '../messaging/topology';
import { createMetrics, createRegistry } from '../monitoring/metrics';
import { registerStateCollectors } from '../monitoring/state.collectors';
import { registerReconciliationCollectors } from '../monitoring/reconciliation.collectors';
import { createQueueStats } from '../messaging/queue.stats';
import { findStalled } from '../core/stalled/stalled.detector';
import { ruleSetFor } from '../core/rules/rule-set';
import type { Config } from './config';
import { baseUrl, createHttpServer } from './http.server';
import { createLogger } from './logger';
import { createStore } from './store.factory';
import { loadRuleBook } from './rules.loader';
import { startWorker } from './worker';
import { startReconciliationSchedule } from './reconciliation.scheduler';
import { createReconciler } from '../core/reconciliation/reconciliation.runner';
import type { DriftSystem } from '../core/reconciliation/drift.types';
import { startGateway } from './gateway';
import { createStopList } from './stop-list';
import { startIntake } from './intake.factory';
import { startRuleGovernance } from './rules.governance';
import { createConnectors, endpointsFromConfig, type SystemEndpoint } from './connectors.factory';
import { startEmbeddedSystems } from './embedded-systems';
import { metricsGuard } from './auth/identity';
import { resolveWebhookSecrets } from './auth/webhook-secrets';
import type { ReferenceSystems } from '../simulators/reference-systems';

export type RuntimeRole = 'all' | 'gateway' | 'worker';

export interface RuntimeOptions {
  role: RuntimeRole;
  logger?: Logger;
  /** `store`: what the processor works on, the store itself or one batch's view of it. */
  decorateProcessor?: (processor: CommandProcessor, store: Store) => CommandProcessor;
  /** Test builds only: stop the process at an exact instant of a submission (crash-window tests). */
  intakeHooks?: IntakeHooks;
  /** Test builds only: the newest message schema the worker reads, to play a newer release in a rolling upgrade. */
  readsSchema?: number;
}

export interface Runtime {
  role: RuntimeRole;
  /** Base URL of the HTTP endpoints, when this process serves them. */
  url: string | null;
  /** The gateway started in the open local mode: loopback only, no identity provider, no API key. */
  openLocalMode: boolean;
  store: Store;
  topology: Topology;
  /** The embedded reference ERP, MES and QMS this process started, if any. */
  referenceSystems: ReferenceSystems | null;
  /** Where each connected system is. */
  endpoints: Partial<Record<'erp' | 'mes' | 'qms', SystemEndpoint>>;
  /** The partition queues this process's worker holds (none for a gateway). */
  partitionsHeld: () => number[];
  /** Circuit breaker state per connected system. */
  circuitStates: () => Record<string, string>;
  /** Graceful stop: stop accepting, stop consuming, finish what is in hand, close channels and store. */
  stop(): Promise<void>;
}

export const VERSION = '0.1.0';

/** The broker topology an installation's configuration describes. */
export function topologyOf(config: Config): Topology {
  return createTopology({
    prefix: config.TOPOLOGY_PREFIX,
    partitions: config.PARTITIONS,
    retryDelaysMs: config.RETRY_DELAYS_MS,
    outboundPartitions: config.OUTBOUND_PARTITIONS,
    queueType: config.QUEUE_TYPE,
    edgePlants: config.EDGE_PLANTS,
  });
}

/** The composition root: builds the adapters the role needs and starts them. */
export async function startRuntime(config: Config, options: RuntimeOptions): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL, { role: options.role });
  const rules = loadRuleBook(config.RULES_FILE);
  const store = await createStore(config);
  const stops = createStopList(logger);
  stops.add(() => store.close());
  try {
    const connection = await connectBroker({
      url: config.AMQP_URL,
      connectTimeoutMs: config.AMQP_CONNECT_TIMEOUT_MS,
      connectionName: `plantgate-${options.role}-${process.pid}`,
      logger,
    });
    stops.add(() => connection.close());
    const topology = topologyOf(config);
    await declareTopology(connection, topology);
    const registry = createRegistry();
    const metrics = createMetrics(registry);
    // Reference systems embedded here sign their webhooks with what this process's gateway checks them against.
    const webhookSecrets = resolveWebhookSecrets(config, options.role === 'all');
    const embedded = options.role === 'all' ? await startEmbeddedSystems(config, logger, webhookSecrets) : null;
    if (embedded) stops.add(() => embedded.systems.close());
    const endpoints = endpointsFromConfig(config, embedded?.endpoints);
    // Late bound: the worker that retries what did not reach a system starts after the connectors.
    let recovered: (system: DownstreamSystem) => void = () => undefined;
    const connectors = createConnectors(config, endpoints, logger, metrics.connectorObserver, (system) =>
      recovered(system),
    );
    const reconciler = createReconciler({
      store,
      views: connectors.views,
      connected: connectors.ports.map((p) => p.system.toUpperCase() as DriftSystem),
      rules,
      now: () => new Date(),
      logger,
      pageSize: config.RECONCILE_PAGE_SIZE,
      observer: metrics.reconciliationObserver,
    });
    const governance = await startRuleGovernance({
      config,
      store,
      rules,
      logger,
      stops,
      activates: options.role !== 'gateway',
      observe: metrics.rulesObserver.rules,
    });
    registerReconciliationCollectors(metrics, { store, rules, startedAt: new Date(), now: () => new Date() });
    stops.add(() => reconciler.close());
    registerStateCollectors(metrics, {
      store,
      stalled: () => findStalled(store, rules, new Date()),
      queues: createQueueStats(connection, topology),
      exceptionLimit: (plant) => ruleSetFor(rules, plant).openExceptionLimit,
      configuredPlants: Object.keys(rules.plants),
    });

    // One submission service per process: the gateway's mutations and webhooks and the worker's own
    // re-submissions enter through it; its sweeper publishes what a dead process recorded but never published.
    const intake = startIntake({
      config,
      connection,
      topology,
      store,
      rules,
      logger,
      metrics,
      stops,
      options: { hooks: options.intakeHooks },
    });

    let partitionsHeld = (): number[] => [];
    if (options.role !== 'gateway') {
      const worker = await startWorker({
        config,
        connection,
        topology,
        store,
        logger,
        metrics,
        rules,
        intake,
        downstream: connectors.ports,
        decorateProcessor: options.decorateProcessor,
        readsSchema: options.readsSchema,
      });
      stops.add(() => worker.close());
      recovered = worker.systemRecovered;
      partitionsHeld = worker.partitionsHeld;
      const schedule = startReconciliationSchedule({
        store,
        reconciler,
        rules,
        logger,
        checkEverySeconds: config.RECONCILE_CHECK_S,
        now: () => new Date(),
      });
      stops.add(async () => schedule.close());
    }

    const readiness = async () => {
      await store.ping();
      if (!connection.ready) throw new Error('broker connection is down');
    };
    let url: string | null = null;
    let openLocalMode = false;
    if (options.role !== 'worker') {
      const gateway = await startGateway({
        config,
        store,
        intake,
        rules,
        metrics,
        registry,
        logger,
        readiness,
        views: connectors.views,
        version: VERSION,
        webhookSecrets,
        reconciler,
        governance,
      });
      stops.add(() => gateway.close());
      url = gateway.url;
      openLocalMode = gateway.openLocalMode;
      embedded?.systems.connectTo(url);
    } else if (config.WORKER_METRICS_PORT !== undefined) {
      const http = createHttpServer({
        registry,
        logger,
        readiness,
        metricsAllowed: metricsGuard(config, metrics, logger),
      });
      const port = await http.listen(config.WORKER_METRICS_PORT, config.HOST);
      stops.add(() => http.close());
      url = baseUrl(config.HOST, port);
    }

    return {
      role: options.role,
      url,
      openLocalMode,
      store,
      topology,
      referenceSystems: embedded?.systems ?? null,
      endpoints,
      circuitStates: connectors.circuitStates,
      partitionsHeld: () => partitionsHeld(),
      stop: () => stops.stopAll(),
    };
  } catch (error) {
    await stops.abandon();
    throw error;
  }
}
