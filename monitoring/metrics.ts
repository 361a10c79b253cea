import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ConsumerObserver } from '../messaging/command.consumer';

/** Latency buckets in seconds, with edges at the SLA thresholds (1 s to apply, 5 s end to end). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * The metric catalogue. Names follow plantgate_<subsystem>_<name>_<unit>; labels come from small fixed sets
 * (message type, outcome, reason class, operation name), never order, lot or correlation IDs.
 * Built on a registry passed in, so that every process and every test has its own.
 */
export function createMetrics(registry: Registry) {
  const commandsSubmitted = new Counter({
    name: 'plantgate_gateway_commands_submitted_total',
    help: 'Commands submitted through the gateway, by message type and outcome (accepted, duplicate, rejected).',
    labelNames: ['message_type', 'outcome'] as const,
    registers: [registry],
  });
  const commandsProcessed = new Counter({
    name: 'plantgate_worker_commands_processed_total',
    help: 'Commands processed by workers, by message type and resulting transaction status.',
    labelNames: ['message_type', 'outcome'] as const,
    registers: [registry],
  });
  const processingSeconds = new Histogram({
    name: 'plantgate_worker_processing_duration_seconds',
    help: 'Time to apply the workflow controls to one message and commit the result.',
    labelNames: ['message_type'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const acceptedToAppliedSeconds = new Histogram({
    name: 'plantgate_worker_accepted_to_applied_seconds',
    help: 'Time from the gateway accepting a command to a worker committing its outcome.',
    labelNames: ['message_type'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const retries = new Counter({
    name: 'plantgate_worker_retries_total',
    help: 'Messages sent back through a retry queue, by message type and reason class.',
    labelNames: ['message_type', 'reason'] as const,
    registers: [registry],
  });
  const deadLetters = new Counter({
    name: 'plantgate_worker_dead_lettered_total',
    help: 'Messages moved to the dead-letter queue after their retry budget, by message type and reason class.',
    labelNames: ['message_type', 'reason'] as const,
    registers: [registry],
  });
  const outboxPublished = new Counter({
    name: 'plantgate_outbox_published_total',
    help: 'Outbox entries relayed to the outbound exchange, by destination system.',
    labelNames: ['system'] as const,
    registers: [registry],
  });
  const graphqlSeconds = new Histogram({
    name: 'plantgate_graphql_operation_duration_seconds',
    help: 'GraphQL operation latency, by operation name and whether it returned errors.',
    labelNames: ['operation', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });

  const downstreamSeconds = new Histogram({
    name: 'plantgate_connector_call_duration_seconds',
    help: 'Calls to ERP, MES and QMS, by system and status class (2xx, 4xx, 5xx, network).',
    labelNames: ['system', 'status_class'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const circuitState = new Gauge({
    name: 'plantgate_connector_circuit_state',
    help: 'Circuit breaker per external system: 0 closed, 1 half-open, 2 open.',
    labelNames: ['system'] as const,
    registers: [registry],
  });
  const deliveryRetries = new Counter({
    name: 'plantgate_connector_delivery_retries_total',
    help: 'Outbound deliveries sent back to a retry queue, by system and reason (HTTP status or unavailable).',
    labelNames: ['system', 'reason'] as const,
    registers: [registry],
  });

  const consumerObserver: ConsumerObserver = {
    processed(messageType, outcome, seconds, receivedAt) {
      commandsProcessed.inc({ message_type: messageType, outcome });
      processingSeconds.observe({ message_type: messageType }, seconds);
      if (outcome !== 'redelivered') {
        const waited = (Date.now() - Date.parse(receivedAt)) / 1000;
        if (Number.isFinite(waited) && waited >= 0) acceptedToAppliedSeconds.observe({ message_type: messageType }, waited);
      }
    },
    retried: (messageType, reason) => retries.inc({ message_type: messageType, reason }),
    deadLettered: (messageType, reason) => deadLetters.inc({ message_type: messageType, reason }),
  };

  const CIRCUIT_VALUES = { closed: 0, 'half-open': 1, open: 2 } as const;
  const connectorObserver = {
    circuit: (system: string, state: keyof typeof CIRCUIT_VALUES) => circuitState.set({ system }, CIRCUIT_VALUES[state]),
    call: (system: string, seconds: number, status: string) => downstreamSeconds.observe({ system, status_class: status }, seconds),
  };

  return {
    registry,
    consumerObserver,
    connectorObserver,
    deliveryRetried: (system: string, reason: string) => deliveryRetries.inc({ system, reason }),
    submitted: (messageType: string, outcome: 'accepted' | 'duplicate' | 'rejected') => commandsSubmitted.inc({ message_type: messageType, outcome }),
    outboxPublished: (system: string, count: number) => outboxPublished.inc({ system }, count),
    graphqlOperation: (operation: string, outcome: 'ok' | 'error', seconds: number) => graphqlSeconds.observe({ operation, outcome }, seconds),
  };
}

export type PlantgateMetrics = ReturnType<typeof createMetrics>;

/** A registry of the process's own: Plantgate's metrics plus the runtime's defaults. */
export function createRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
