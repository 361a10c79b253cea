import type { SubmissionService } from '../core/intake/submission.service';
import type { Logger } from '../core/ports/logger.port';
import type { OrderViewsPort } from '../core/ports/downstream.port';
import type { Store } from '../core/ports/store.port';
import type { RuleBook } from '../core/rules/rule-set';
import type { MetricsExposition, PlantgateMetrics } from '../monitoring/metrics';
import { createOrderViewLoaders } from '../resolvers/orders/order-views.loaders';
import { handleWebhook } from '../resolvers/webhooks/webhook.handler';
import { createApolloServer } from './apollo';
import type { Reconciler } from '../core/reconciliation/reconciliation.runner';
import { createGatewayIdentity, metricsGuard } from './auth/identity';
import type { WebhookSecrets } from './auth/webhook-secrets';
import type { Config } from './config';
import { baseUrl, createHttpServer } from './http.server';
import { edgeKeysRoute } from './edge/edge-keys';
import { edgeOperationsOnly } from './edge/edge-operations';
import type { TransactionLookup } from '../resolvers/transactions/transactions.resolvers';
import type { RuleGovernance } from '../core/rules/rule-governance.service';
import { ruleSetFor } from '../core/rules/rule-set';

export interface GatewayDeps {
  config: Config;
  store: Store;
  /** The process's submission service: every mutation and webhook submits through it. */
  intake: SubmissionService;
  rules: RuleBook;
  metrics: PlantgateMetrics;
  registry: MetricsExposition;
  logger: Logger;
  readiness: () => Promise<void>;
  /** Live views of the connected systems. */
  views: OrderViewsPort;
  version: string;
  /** What each system's webhooks are signed with. */
  webhookSecrets: WebhookSecrets;
  reconciler: Reconciler;
  governance: RuleGovernance;
  /** Set for an edge gateway: what it answers, and how. Unset for the central one. */
  edge?: EdgeGatewayOptions;
}

export interface EdgeGatewayOptions {
  plant: string;
  centralUrl: string | undefined;
  transactionLookup: TransactionLookup;
  /** The link's state for /healthz. */
  health: () => Record<string, unknown>;
}

export interface Gateway {
  /** Base URL of /graphql, /webhooks, /healthz, /readyz and /metrics. */
  url: string;
  /** Whether the gateway started in the open local mode (it ends when the first key is created). */
  openLocalMode: boolean;
  /** Stops taking requests, then lets Apollo finish the ones in flight. */
  close(): Promise<void>;
}

/** The GraphQL gateway and the webhooks on one HTTP server: stateless, so replicas scale behind any load balancer. */
export async function startGateway(deps: GatewayDeps): Promise<Gateway> {
  const { config, intake } = deps;
  const { requestAuth, authenticator, identity, configuredKeys } = await createGatewayIdentity({
    ...deps,
    edge: deps.edge ? { keysFromCentral: deps.edge.centralUrl !== undefined } : undefined,
  });
  const apollo = createApolloServer({
    store: deps.store,
    intake,
    version: deps.version,
    metrics: deps.metrics,
    exceptionObserver: deps.metrics.exceptionObserver,
    rules: deps.rules,
    reconciler: deps.reconciler,
    governance: deps.governance,
    identity,
    onForbidden: requestAuth.forbidden,
    transactionLookup: deps.edge?.transactionLookup,
    extraValidationRules: deps.edge ? [edgeOperationsOnly(deps.edge.plant, deps.edge.centralUrl)] : [],
    limits: {
      maxDepth: config.GRAPHQL_MAX_DEPTH,
      maxAliases: config.GRAPHQL_MAX_ALIASES,
      maxTokens: config.GRAPHQL_MAX_TOKENS,
      maxDirectives: config.GRAPHQL_MAX_DIRECTIVES,
      maxCost: config.GRAPHQL_MAX_COST,
      fieldSuggestions: config.GRAPHQL_FIELD_SUGGESTIONS === 'on',
    },
  });
  await apollo.start();
  const http = createHttpServer({
    apollo,
    registry: deps.registry,
    logger: deps.logger,
    readiness: deps.readiness,
    createViews: () => createOrderViewLoaders(deps.views),
    webhook: (source, body, origin) => handleWebhook(source, body, intake, origin),
    auth: requestAuth,
    metricsAllowed: metricsGuard(config, deps.metrics, deps.logger),
    maxInFlight: config.GATEWAY_MAX_INFLIGHT,
    maxBodyBytes: config.MAX_BODY_BYTES,
    health: deps.edge?.health,
    // The central gateway lends its plants' API keys (hashes) to their edges; an edge lends nothing.
    routes: deps.edge
      ? {}
      : {
          '/edge/keys': edgeKeysRoute(deps.store, configuredKeys, (plant) => ({
            partitions: config.PARTITIONS,
            timestampBucketMs: ruleSetFor(deps.rules, plant).timestampBucketMs,
          })),
        },
  });
  try {
    const port = await http.listen(config.PORT, config.HOST);
    return {
      url: baseUrl(config.HOST, port),
      openLocalMode: await authenticator.openMode(),
      async close() {
        await http.close();
        // Apollo stops once in-flight requests are done, after the HTTP server stopped taking new ones.
        await apollo.stop();
      },
    };
  } catch (error) {
    await apollo.stop();
    throw error;
  }
}
