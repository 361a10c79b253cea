import type { IntakeHooks } from '../../core/intake/submission.service';
import type { Logger } from '../../core/ports/logger.port';
import type { Store } from '../../core/ports/store.port';
import { createReconciler } from '../../core/reconciliation/reconciliation.runner';
import { createBrokerApi, credentialsOf, vhostOf } from '../../messaging/broker-api';
import { connectBroker } from '../../messaging/broker.connection';
import { createEdgeLink, type EdgeLink, type EdgeLinkDeps } from '../../messaging/edge-link';
import type { PlantgateMetrics } from '../../monitoring/metrics';
import { ruleSetFor, type RuleBook } from '../../core/rules/rule-set';
import { StartRefusedError } from '../auth/identity';
import { createEdgeTopology, type EdgeTopology } from '../../messaging/edge.topology';
import { declareTopology } from '../../messaging/topology';
import { createMetrics, createRegistry } from '../../monitoring/metrics';
import { resolveWebhookSecrets } from '../auth/webhook-secrets';
import { ConfigError, type Config } from '../config';
import { createConnectors } from '../connectors.factory';
import { startGateway } from '../gateway';
import { createLogger } from '../logger';
import { every } from '../periodic';
import { createStopList, type StopList } from '../stop-list';
import { startIntake } from '../intake.factory';
import { startRuleGovernance } from '../rules.governance';
import { loadRuleBook } from '../rules.loader';
import { VERSION } from '../runtime';
import { createStore } from '../store.factory';
import { edgeTransactionLookup } from './central-transactions';
import { createKeySync } from './edge-keys';
import { declareEdgeShovels } from './edge-shovels';

export interface EdgeRuntime {
  plant: string;
  url: string;
  store: Store;
  topology: EdgeTopology;
  link: EdgeLink;
  /** Copies the plant's API keys from the central gateway now (it also does so every EDGE_KEY_SYNC_MS). */
  syncKeys(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The edge role: a gateway for one plant next to that plant's broker. It checks, authenticates, limits and records
 * each submission as the central gateway does, publishes it with a confirm to the plant broker's backlog, and
 * answers at once; the shovels it declares move the backlog to the central broker while the link is up.
 */
export async function startEdgeRuntime(
  config: Config,
  options: { logger?: Logger; intakeHooks?: IntakeHooks } = {},
): Promise<EdgeRuntime> {
  const plant = required(config.EDGE_PLANT, 'EDGE_PLANT', 'the plant this edge serves');
  const centralAmqpUrl = required(config.CENTRAL_AMQP_URL, 'CENTRAL_AMQP_URL', "the central broker's AMQP URL");
  const logger = options.logger ?? createLogger(config.LOG_LEVEL, { role: 'edge', plant });
  const rules = loadRuleBook(config.RULES_FILE);
  const store = await createStore(config);
  const stops = createStopList(logger);
  stops.add(() => store.close());
  try {
    // First: an edge that disagrees with the central installation must not forward anything (nor declare shovels).
    const keySync = await copyKeys({ plant, config, store, rules, logger, stops });
    const connection = await connectBroker({
      url: config.AMQP_URL,
      connectTimeoutMs: config.AMQP_CONNECT_TIMEOUT_MS,
      connectionName: `plantgate-edge-${plant}-${process.pid}`,
      logger,
    });
    stops.add(() => connection.close());
    const topology = createEdgeTopology({
      prefix: config.TOPOLOGY_PREFIX,
      centralPrefix: config.CENTRAL_TOPOLOGY_PREFIX ?? config.TOPOLOGY_PREFIX,
      plant,
      partitions: config.PARTITIONS,
      backlogLimit: config.EDGE_BACKLOG_LIMIT,
    });
    await declareTopology(connection, topology);
    const vhost = vhostOf(config.AMQP_URL);
    const api = createBrokerApi({ url: config.BROKER_API_URL, credentials: credentialsOf(config.AMQP_URL) });
    await declareEdgeShovels({
      api,
      vhost,
      topology,
      centralUrl: centralAmqpUrl,
      reconnectDelayS: config.EDGE_RECONNECT_S,
      logger,
    });

    const registry = createRegistry();
    const metrics = createMetrics(registry);
    const link = await watchLink({ plant, vhost, topology, connection, api, config, logger, metrics, stops });

    // As at the central gateway; what a killed edge recorded but never published goes out after its restart.
    const intake = startIntake({
      config,
      connection,
      topology,
      store,
      rules,
      logger,
      metrics,
      stops,
      options: { hooks: options.intakeHooks, servesPlants: [plant], admit: () => link.admit() },
    });

    const gateway = await startGateway({
      config,
      store,
      intake,
      rules,
      metrics,
      registry,
      logger,
      readiness: async () => {
        await store.ping();
        if (!connection.ready) throw new Error('plant broker connection is down');
      },
      ...centralOnly(config, store, rules, logger),
      version: VERSION,
      webhookSecrets: resolveWebhookSecrets(config, false),
      // The edge answers no rule queries (edge-operations.ts); its rule book is RULES_FILE's.
      governance: await startRuleGovernance({ config, store, rules, logger, stops, activates: false }),
      edge: {
        plant,
        centralUrl: config.CENTRAL_URL,
        transactionLookup: edgeTransactionLookup({
          store,
          centralUrl: config.CENTRAL_URL,
          timeoutMs: config.CENTRAL_TIMEOUT_MS,
        }),
        health: () => ({ edge: { ...link.report(), keys: keySync?.report() ?? null } }),
      },
    });
    stops.add(() => gateway.close());

    return {
      plant,
      url: gateway.url,
      store,
      topology,
      link,
      syncKeys: async () => void (await keySync?.sync()),
      stop: () => stops.stopAll(),
    };
  } catch (error) {
    await stops.abandon();
    throw error;
  }
}

/** Reads the link and the backlog now and every EDGE_LINK_CHECK_MS, for health, metrics and admission. */
async function watchLink(
  deps: Omit<EdgeLinkDeps, 'backlogLimit' | 'now' | 'observer'> & {
    config: Config;
    metrics: PlantgateMetrics;
    stops: StopList;
  },
): Promise<EdgeLink> {
  const { config, metrics, stops, ...linkDeps } = deps;
  const link = createEdgeLink({
    ...linkDeps,
    backlogLimit: config.EDGE_BACKLOG_LIMIT,
    now: () => new Date(),
    observer: metrics.edgeObserver,
  });
  await link.check();
  const watch = every(config.EDGE_LINK_CHECK_MS, async () => void (await link.check()), deps.logger, 'edge link check');
  stops.add(() => watch.close());
  return link;
}

/**
 * With CENTRAL_URL: the plant's API keys copied now and every EDGE_KEY_SYNC_MS (a failed copy is retried). An edge
 * that does not agree with the central installation on partitions or business keys refuses to start: its messages
 * would reach the wrong partition queues, out of order with the rest of their orders.
 */
async function copyKeys(deps: {
  plant: string;
  config: Config;
  store: Store;
  rules: RuleBook;
  logger: Logger;
  stops: StopList;
}) {
  const { config } = deps;
  if (!config.CENTRAL_URL) return null;
  const keySync = createKeySync({
    plant: deps.plant,
    centralUrl: config.CENTRAL_URL,
    apiKey: config.CENTRAL_API_KEY,
    timeoutMs: config.CENTRAL_TIMEOUT_MS,
    store: deps.store,
    logger: deps.logger,
    now: () => new Date(),
    agreement: {
      partitions: config.PARTITIONS,
      timestampBucketMs: ruleSetFor(deps.rules, deps.plant).timestampBucketMs,
    },
  });
  const { disagreement } = await keySync.sync();
  if (disagreement) {
    throw new StartRefusedError(
      `This edge does not agree with the central installation: ${disagreement}. Fix its settings.`,
    );
  }
  const watch = every(config.EDGE_KEY_SYNC_MS, async () => void (await keySync.sync()), deps.logger, 'key sync');
  deps.stops.add(() => watch.close());
  return keySync;
}

/**
 * What the gateway is built with but an edge never uses: the edge reads no system and reconciles nothing (its
 * operations rule refuses those fields before they run).
 */
function centralOnly(config: Config, store: Store, rules: RuleBook, logger: Logger) {
  const { views } = createConnectors(config, {}, logger);
  const reconciler = createReconciler({
    store,
    views,
    connected: [],
    rules,
    now: () => new Date(),
    logger,
    pageSize: config.RECONCILE_PAGE_SIZE,
  });
  return { views, reconciler };
}

function required<T>(value: T | undefined, variable: string, what: string): T {
  if (value === undefined) throw new ConfigError(variable, `is required for the edge role (${what})`, undefined);
  return value;
}
