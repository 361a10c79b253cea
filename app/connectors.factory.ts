import type { DownstreamSystem } from '../core/errors';
import type { DownstreamPort, OrderViewsPort } from '../core/ports/downstream.port';
import type { Logger } from '../core/ports/logger.port';
import { createErpConnector } from '../connectors/erp.connector';
import { createMesConnector } from '../connectors/mes.connector';
import { createTokenProvider, type TokenProvider } from '../connectors/oauth2.token-provider';
import { createQmsConnector } from '../connectors/qms.connector';
import { createResiliencePolicy, type CircuitStateName } from '../connectors/resilience.policy';
import { createSystemClient, type SystemClient } from '../connectors/system.client';
import { readByPlant, routeByPlant } from '../connectors/plant-routing';
import type { Config } from './config';

export interface SystemEndpoint {
  url: string;
  credentials?: { tokenUrl: string; clientId: string; clientSecret: string };
  ratePerSecond: number;
}

export interface ConnectorObserver {
  /** Every change of a circuit's state, and its state at start. */
  circuit(system: DownstreamSystem, state: CircuitStateName): void;
  call(system: DownstreamSystem, seconds: number, statusClass: string, httpStatus: number | null): void;
}

/** Endpoints from configuration; a system with no URL is absent (its outbound queue waits for it). */
export function endpointsFromConfig(config: Config, embedded: Partial<Record<DownstreamSystem, SystemEndpoint>> = {}) {
  const endpoint = (prefix: 'ERP' | 'MES' | 'QMS', system: DownstreamSystem): SystemEndpoint | undefined => {
    const url = config[`${prefix}_URL`];
    if (!url) return embedded[system];
    const clientId = config[`${prefix}_CLIENT_ID`];
    return {
      url,
      ratePerSecond: config[`${prefix}_RATE_LIMIT_PER_S`],
      credentials: clientId
        ? {
            tokenUrl: config[`${prefix}_TOKEN_URL`] ?? `${url}/oauth/token`,
            clientId,
            clientSecret: config[`${prefix}_CLIENT_SECRET`]!,
          }
        : undefined,
    };
  };
  return { erp: endpoint('ERP', 'erp'), mes: endpoint('MES', 'mes'), qms: endpoint('QMS', 'qms') };
}

/** The connectors of the configured systems, each with its own policy (breaker, rate limit) and token cache. */
export function createConnectors(
  config: Config,
  endpoints: Partial<Record<DownstreamSystem, SystemEndpoint>>,
  logger: Logger,
  observer?: ConnectorObserver,
  /** A system's circuit closed again after it opened: the system answers again. */
  onRecovered?: (system: DownstreamSystem) => void,
) {
  const clients: Partial<Record<DownstreamSystem, SystemClient>> = {};
  const tokens: Partial<Record<DownstreamSystem, TokenProvider>> = {};
  /** A client with its own policy (breaker, rate limit) and token cache; `label` names a plant's own endpoint. */
  const clientOf = (system: DownstreamSystem, endpoint: SystemEndpoint, label: string = system) => {
    const policy = createResiliencePolicy({
      system,
      timeoutMs: config.CONNECTOR_TIMEOUT_MS,
      maxAttempts: config.CONNECTOR_MAX_ATTEMPTS,
      baseDelayMs: config.CONNECTOR_RETRY_BASE_MS,
      maxDelayMs: config.CONNECTOR_RETRY_MAX_MS,
      breakerThreshold: config.BREAKER_THRESHOLD,
      halfOpenAfterMs: config.BREAKER_HALF_OPEN_MS,
      ratePerSecond: endpoint.ratePerSecond,
      onCircuitChange: (state) => {
        logger.warn({ system, endpoint: label, state }, `${label.toUpperCase()} circuit ${state}`);
        observer?.circuit(system, state);
        if (state === 'closed') onRecovered?.(system);
      },
      onCall: ({ seconds, status, httpStatus }) => observer?.call(system, seconds, status, httpStatus),
    });
    observer?.circuit(system, policy.circuitState());
    const token = endpoint.credentials ? createTokenProvider(system, endpoint.credentials) : undefined;
    if (token && label === system) tokens[system] = token;
    return createSystemClient({
      system,
      baseUrl: endpoint.url,
      tokens: token,
      policy,
      // Each system has its own budget: a slow one answers null with an error, without holding up the others.
      readTimeoutMs: readTimeoutOf(config, system),
    });
  };
  for (const system of ['erp', 'mes', 'qms'] as const) {
    const endpoint = endpoints[system];
    if (endpoint) clients[system] = clientOf(system, endpoint);
  }
  const perPlant = <C>(system: 'mes' | 'qms', urls: Record<string, string>, connect: (client: SystemClient) => C) =>
    new Map(
      Object.entries(urls).map(([plant, url]) => {
        const rate = config[system === 'mes' ? 'MES_RATE_LIMIT_PER_S' : 'QMS_RATE_LIMIT_PER_S'];
        return [plant, connect(clientOf(system, { url, ratePerSecond: rate }, `${system}:${plant}`))] as const;
      }),
    );
  const erp = clients.erp && createErpConnector(clients.erp);
  const sharedMes = clients.mes && createMesConnector(clients.mes);
  const sharedQms = clients.qms && createQmsConnector(clients.qms);
  const plantMes = perPlant('mes', config.PLANT_MES_URLS, createMesConnector);
  const plantQms = perPlant('qms', config.PLANT_QMS_URLS, createQmsConnector);
  const mes = routeByPlant('mes', sharedMes, plantMes);
  const qms = routeByPlant('qms', sharedQms, plantQms);
  const notConnected = (system: string) => async () => {
    throw new Error(`${system.toUpperCase()} is not connected: set ${system.toUpperCase()}_URL`);
  };
  const views: OrderViewsPort = {
    erpLotStock: erp ? (plant, lot) => erp.lotStock(plant, lot) : notConnected('erp'),
    erpLots: erp ? (plant, lots) => erp.lots(plant, lots) : notConnected('erp'),
    erp: erp ? (refs) => erp.orders(refs) : notConnected('erp'),
    mes: mes ? (refs) => readByPlant(refs, (plant) => (plantMes.get(plant) ?? sharedMes)?.orders) : notConnected('mes'),
    quality: qms
      ? (refs) => readByPlant(refs, (plant) => (plantQms.get(plant) ?? sharedQms)?.quality)
      : notConnected('qms'),
  };
  return {
    ports: [erp, mes, qms].filter((p): p is NonNullable<typeof p> => Boolean(p)) as DownstreamPort[],
    views,
    tokens,
    circuitStates: () =>
      Object.fromEntries(Object.entries(clients).map(([system, client]) => [system, client.circuitState()])),
  };
}

export type Connectors = ReturnType<typeof createConnectors>;

/** A system's budget for a live read: its own `<SYSTEM>_READ_TIMEOUT_MS`, or READ_TIMEOUT_MS. */
function readTimeoutOf(config: Config, system: 'erp' | 'mes' | 'qms'): number {
  const own = { erp: config.ERP_READ_TIMEOUT_MS, mes: config.MES_READ_TIMEOUT_MS, qms: config.QMS_READ_TIMEOUT_MS };
  return own[system] ?? config.READ_TIMEOUT_MS;
}
