import type { IntakeHooks } from '../../core/intake/submission.service';
import type { Logger } from '../../core/ports/logger.port';
import type { Store } from '../../core/ports/store.port';
import { createReconciler } from '../../core/reconciliation/reconciliation.runner';
import { createBrokerApi, credentialsOf, vhostOf } from '../../messaging/broker-api';
import { connectBroker } from '../../messaging/broker.connection';
import { createEdgeLink, type EdgeLink } from '../../messaging/edge-link';
import { createEdgeTopology, type EdgeTopology } from '../../messaging/edge.topology';
import { declareTopology } from '../../messaging/topology';
import { createMetrics, createRegistry } from '../../monitoring/metrics';
import { resolveWebhookSecrets } from '../auth/webhook-secrets';
import { ConfigError, type Config } from '../config';
import { createConnectors } from '../connectors.factory';
import { startGateway } from '../gateway';
import { createLogger } from '../logger';
import { every } from '../periodic';
import { createStopList } from '../stop-list';
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
    const link = createEdgeLink({
      plant,
      vhost,
      topology,
      connection,
      api,
      backlogLimit: config.EDGE_BACKLOG_LIMIT,
      now: () => new Date(),
      logger,
      observer: metrics.edgeObserver,
    });
    await link.check();
    const linkWatch = every(
      config.EDGE_LINK_CHECK_MS,
      async () => void (await link.check()),
      logger,
      'edge link check',
    );
    stops.add(() => linkWatch.close());

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

    const keySync = config.CENTRAL_URL
      ? createKeySync({
          plant,
          centralUrl: config.CENTRAL_URL,
          apiKey: config.CENTRAL_API_KEY,
          timeoutMs: config.CENTRAL_TIMEOUT_MS,
          store,
          logger,
          now: () => new Date(),
        })
      : null;
    if (keySync) {
      await keySync.sync();
      const keyWatch = every(config.EDGE_KEY_SYNC_MS, async () => void (await keySync.sync()), logger, 'key sync');
      stops.add(() => keyWatch.close());
    }

    const connectors = createConnectors(config, {}, logger);
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
      views: connectors.views,
      version: VERSION,
      webhookSecrets: resolveWebhookSecrets(config, false),
      reconciler: createReconciler({
        store,
        views: connectors.views,
        connected: [],
        rules,
        now: () => new Date(),
        logger,
        pageSize: config.RECONCILE_PAGE_SIZE,
      }),
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

function required<T>(value: T | undefined, variable: string, what: string): T {
  if (value === undefined) throw new ConfigError(variable, `is required for the edge role (${what})`, undefined);
  return value;
}
