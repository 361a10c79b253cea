import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ExceptionObserver } from '../core/exceptions/exception.observer';
import type { IntakeObserver } from '../core/intake/submission.service';
import type { ConsumerObserver } from '../messaging/command.consumer';
import { CATALOGUE, LATENCY_BUCKETS, type MetricKey } from './metric.catalogue';
import type { ReconciliationObserver } from '../core/reconciliation/reconciliation.runner';
import type { EdgeLinkObserver } from '../messaging/edge-link';

type Built = {
  [K in MetricKey]: (typeof CATALOGUE)[K]['type'] extends 'counter'
    ? Counter
    : (typeof CATALOGUE)[K]['type'] extends 'gauge'
      ? Gauge
      : Histogram;
};

/** Builds every catalogue metric on a registry passed in, so that every process and every test has its own. */
export function createMetrics(registry: Registry) {
  const m = Object.fromEntries(
    Object.entries(CATALOGUE).map(([key, spec]) => {
      const common = { name: spec.name, help: spec.help, labelNames: [...spec.labels], registers: [registry] };
      const metric =
        spec.type === 'counter'
          ? new Counter(common)
          : spec.type === 'gauge'
            ? new Gauge(common)
            : new Histogram({ ...common, buckets: [...(('buckets' in spec && spec.buckets) || LATENCY_BUCKETS)] });
      return [key, metric];
    }),
  ) as Built;

  const consumerObserver: ConsumerObserver = {
    processed(plant, messageType, outcome, seconds, receivedAt) {
      m.commandsProcessed.inc({ plant, message_type: messageType, outcome });
      m.processingSeconds.observe({ message_type: messageType }, seconds);
      if (outcome !== 'redelivered') {
        const waited = (Date.now() - Date.parse(receivedAt)) / 1000;
        if (Number.isFinite(waited) && waited >= 0)
          m.acceptedToAppliedSeconds.observe({ plant, message_type: messageType }, waited);
      }
      if (outcome === 'DUPLICATE') m.duplicatesPrevented.inc({ plant, message_type: messageType, stage: 'worker' });
    },
    retried: (messageType, reason) => m.retries.inc({ message_type: messageType, reason }),
    deadLettered: (messageType, reason) => m.deadLettered.inc({ message_type: messageType, reason }),
    refused: (plant, type, rule) => m.refusals.inc({ plant, type, rule }),
    held: (plant, rule) => m.held.inc({ plant, rule }),
    batched: (messages) => m.batchMessages.observe(messages),
  };

  // Both series exist from the start, so that a panel or alert on them has data before the first late publish.
  for (const trigger of ['sweep', 'duplicate']) m.strandedPublished.inc({ trigger }, 0);
  const intakeObserver: IntakeObserver = {
    submitted: (plant, messageType, outcome) => {
      m.commandsSubmitted.inc({ plant, message_type: messageType, outcome });
      if (outcome === 'duplicate') m.duplicatesPrevented.inc({ plant, message_type: messageType, stage: 'gateway' });
    },
    republished: (trigger) => m.strandedPublished.inc({ trigger }),
  };

  const CIRCUIT_VALUES = { closed: 0, 'half-open': 1, open: 2 } as const;
  const connectorObserver = {
    circuit: (system: string, state: keyof typeof CIRCUIT_VALUES) =>
      m.circuitState.set({ system }, CIRCUIT_VALUES[state]),
    call: (system: string, seconds: number, statusClass: string, httpStatus: number | null) => {
      m.downstreamSeconds.observe({ system, status_class: statusClass }, seconds);
      if (httpStatus === 429) m.rateLimited.inc({ system });
    },
  };

  const exceptionObserver: ExceptionObserver = {
    acted: (plant, action) => m.exceptionActions.inc({ plant, action }),
    closed: (type, status, seconds) => m.exceptionResolutionSeconds.observe({ type, action: status }, seconds),
  };

  const reconciliationObserver: ReconciliationObserver = {
    runFinished: (run) => {
      m.reconciliationRuns.inc({ plant: run.plant, scope: run.scope, outcome: run.status });
      const seconds = (Date.parse(run.finishedAt ?? run.startedAt) - Date.parse(run.startedAt)) / 1000;
      m.reconciliationRunSeconds.observe({ plant: run.plant, scope: run.scope }, seconds);
    },
    progressed: (plant, orders, lots) => {
      if (orders) m.reconciliationChecked.inc({ plant, kind: 'order' }, orders);
      if (lots) m.reconciliationChecked.inc({ plant, kind: 'lot' }, lots);
    },
  };

  const edgeObserver: EdgeLinkObserver = {
    linkChecked(plant, report, downSeconds) {
      m.edgeLinkUp.set({ plant }, report.state === 'up' ? 1 : 0);
      m.edgeLinkDown.set({ plant }, downSeconds);
      m.edgeBacklog.set({ plant }, report.backlog.messages + report.backlog.inFlight);
      m.edgeBacklogLimit.set({ plant }, report.backlog.limit);
      m.edgeBacklogOldestAge.set({ plant }, report.backlog.oldestAgeSeconds ?? 0);
      m.edgeMesWaiting.set({ plant }, report.mesWaiting);
      m.edgeForwarded.inc({ plant }, 0);
    },
    forwarded: (plant, count) => m.edgeForwarded.inc({ plant }, count),
  };

  const rulesObserver = {
    /** The version in force and the changes pending, per plant, as the last refresh found them. */
    rules(plant: string, versionInForce: number, pending: number) {
      m.rulesVersionInForce.set({ plant }, versionInForce);
      m.rulesChangesPending.set({ plant }, pending);
    },
  };

  return {
    registry,
    raw: m,
    edgeObserver,
    rulesObserver,
    exceptionObserver,
    reconciliationObserver,
    consumerObserver,
    connectorObserver,
    intakeObserver,
    outboxPublished: (system: string, count: number) => m.outboxPublished.inc({ system }, count),
    delivered: (system: string, messageType: string, seconds: number) =>
      m.appliedToPostedSeconds.observe({ system, message_type: messageType }, seconds),
    deliveryRetried: (system: string, reason: string) => m.deliveryRetries.inc({ system, reason }),
    deliveryFailed: (system: string) => m.deliveryFailures.inc({ system }),
    graphqlOperation: (operation: string, outcome: 'ok' | 'error', seconds: number) =>
      m.graphqlSeconds.observe({ operation, outcome }, seconds),
    graphqlError: (operation: string, code: string) => m.graphqlErrors.inc({ operation, code }),
    authRefused: (reason: string) => m.authRefusals.inc({ reason }),
    partitionsShared: (held: number, workers: number) => {
      m.partitionsHeld.set({ kind: 'held' }, held);
      m.partitionsHeld.set({ kind: 'workers' }, workers);
    },
  };
}

export type PlantgateMetrics = ReturnType<typeof createMetrics>;

/** What /metrics serves: the exposition text of a registry and its content type. */
export type MetricsExposition = Pick<Registry, 'contentType' | 'metrics'>;

/** A registry of the process's own: Plantgate's metrics plus the runtime's defaults. */
export function createRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
