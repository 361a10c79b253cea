/**
 * The metric catalogue: every metric Plantgate exports, with its help text and labels. Metrics, dashboards and
 * alerts are all built from these entries, so a panel cannot name a metric the code does not export.
 * Names follow plantgate_<subsystem>_<name>_<unit>; labels come from small fixed sets, never order, lot or
 * correlation IDs.
 */
export interface MetricSpec {
  type: 'counter' | 'gauge' | 'histogram';
  name: string;
  help: string;
  labels: readonly string[];
  /** Histogram buckets in seconds, when latency buckets do not fit (exceptions take hours, not milliseconds). */
  buckets?: readonly number[];
}

/** Latency buckets in seconds, with edges at the SLA thresholds: 1 s to apply a command, 5 s end to end, 60 s to post. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** Time-to-resolution buckets: a minute to a week, with edges at the default triage deadlines (1, 2, 4, 8, 24 h). */
export const RESOLUTION_BUCKETS = [60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 259200, 604800];

/** Reconciliation run buckets: a second for a small plant to two hours for a very large one. */
export const RUN_BUCKETS = [1, 5, 15, 60, 300, 900, 1800, 3600, 7200];

export const CATALOGUE = {
  commandsSubmitted: {
    type: 'counter',
    name: 'plantgate_gateway_commands_submitted_total',
    help: 'Commands received by the gateway (GraphQL and webhooks), by plant, message type and outcome (accepted; duplicate; conflict: same business key, other content; rejected: the broker did not confirm; backlog_full: the backlog of an edge was at its limit).',
    labels: ['plant', 'message_type', 'outcome'],
  },
  strandedPublished: {
    type: 'counter',
    name: 'plantgate_gateway_stranded_submissions_published_total',
    help: 'Submissions recorded but never confirmed by the broker (the process that recorded them died in between), published late by a sweeper or when a resend found them.',
    labels: ['trigger'],
  },
  commandsProcessed: {
    type: 'counter',
    name: 'plantgate_worker_commands_processed_total',
    help: 'Commands processed by workers, by plant, message type and resulting status (APPLIED, HELD, DUPLICATE, QUARANTINED, FAILED, redelivered).',
    labels: ['plant', 'message_type', 'outcome'],
  },
  processingSeconds: {
    type: 'histogram',
    name: 'plantgate_worker_processing_duration_seconds',
    help: 'Time to apply the workflow controls to one message and commit the result.',
    labels: ['message_type'],
  },
  acceptedToAppliedSeconds: {
    type: 'histogram',
    name: 'plantgate_worker_accepted_to_applied_seconds',
    help: 'Time from the gateway accepting a command to a worker committing its outcome.',
    labels: ['plant', 'message_type'],
  },
  appliedToPostedSeconds: {
    type: 'histogram',
    name: 'plantgate_connector_applied_to_delivered_seconds',
    help: 'Time from a state change committing its outbox entry to the external system accepting it.',
    labels: ['system', 'message_type'],
  },
  retries: {
    type: 'counter',
    name: 'plantgate_worker_retries_total',
    help: 'Commands sent back through a retry queue, by message type and reason class.',
    labels: ['message_type', 'reason'],
  },
  deadLettered: {
    type: 'counter',
    name: 'plantgate_worker_dead_lettered_total',
    help: 'Commands moved to the dead-letter queue after their retry budget, by message type and reason class.',
    labels: ['message_type', 'reason'],
  },
  refusals: {
    type: 'counter',
    name: 'plantgate_controls_refusals_total',
    help: 'Messages refused into an exception, by plant, exception type and the rule that refused them.',
    labels: ['plant', 'type', 'rule'],
  },
  duplicatesPrevented: {
    type: 'counter',
    name: 'plantgate_controls_duplicates_prevented_total',
    help: 'Resubmissions of an already accepted business event, caught at the gateway or at a worker.',
    labels: ['plant', 'message_type', 'stage'],
  },
  held: {
    type: 'counter',
    name: 'plantgate_controls_held_total',
    help: 'Messages held because they arrived before their predecessor, by plant and rule.',
    labels: ['plant', 'rule'],
  },
  batchMessages: {
    type: 'histogram',
    name: 'plantgate_worker_batch_messages',
    help: 'Messages of one partition a worker applied in one store transaction (a batch): 1 when the queue is quiet.',
    labels: [],
    buckets: [1, 2, 4, 8, 16, 32, 64, 128],
  },
  partitionsHeld: {
    type: 'gauge',
    name: 'plantgate_worker_partitions_held',
    help: 'Partition queues this worker process consumes, and the live workers it shares them with.',
    labels: ['kind'],
  },
  heldNow: {
    type: 'gauge',
    name: 'plantgate_controls_held_messages',
    help: 'Messages held right now, waiting for their predecessor, by plant.',
    labels: ['plant'],
  },
  openExceptions: {
    type: 'gauge',
    name: 'plantgate_exceptions_open',
    help: 'Exceptions in the workbench that still need a person (OPEN or AWAITING_APPROVAL), by plant, type and owner role.',
    labels: ['plant', 'type', 'owner'],
  },
  exceptionsPastDue: {
    type: 'gauge',
    name: 'plantgate_exceptions_past_due',
    help: 'Exceptions still needing a person after their triage deadline (SLA breaches), by plant, type and owner role.',
    labels: ['plant', 'type', 'owner'],
  },
  oldestOpenExceptionAge: {
    type: 'gauge',
    name: 'plantgate_exceptions_oldest_open_age_seconds',
    help: 'Age of the oldest exception still needing a person, by plant and type.',
    labels: ['plant', 'type'],
  },
  exceptionActions: {
    type: 'counter',
    name: 'plantgate_exceptions_actions_total',
    help: 'Workbench actions taken on exceptions (assign, replay, override, approve, resolve, discard; automatic replays too), by plant and action.',
    labels: ['plant', 'action'],
  },
  exceptionResolutionSeconds: {
    type: 'histogram',
    name: 'plantgate_exceptions_time_to_resolution_seconds',
    help: 'Time from an exception opening to its closing, by type and the action that closed it (REPLAYED, OVERRIDDEN, RESOLVED, DISCARDED).',
    labels: ['type', 'action'],
    buckets: RESOLUTION_BUCKETS,
  },
  openExceptionLimit: {
    type: 'gauge',
    name: 'plantgate_exceptions_open_limit',
    help: "Open exceptions a plant may have before operations are alerted (the plant's rule set).",
    labels: ['plant'],
  },
  ordersByState: {
    type: 'gauge',
    name: 'plantgate_orders',
    help: 'Production orders by plant and lifecycle state.',
    labels: ['plant', 'state'],
  },
  stalled: {
    type: 'gauge',
    name: 'plantgate_stalled_items',
    help: 'Orders and transactions sitting in one state longer than their threshold, by plant, kind and state.',
    labels: ['plant', 'kind', 'state'],
  },
  outboxBacklog: {
    type: 'gauge',
    name: 'plantgate_outbox_backlog_messages',
    help: 'Outbox entries committed but not yet published to the broker.',
    labels: [],
  },
  outboxOldestAge: {
    type: 'gauge',
    name: 'plantgate_outbox_oldest_age_seconds',
    help: 'Age of the oldest unpublished outbox entry (0 when none).',
    labels: [],
  },
  outboxPublished: {
    type: 'counter',
    name: 'plantgate_outbox_published_total',
    help: 'Outbox entries relayed to the outbound exchange, by destination system.',
    labels: ['system'],
  },
  queueMessages: {
    type: 'gauge',
    name: 'plantgate_broker_queue_messages',
    help: 'Messages ready in each Plantgate queue, read from the broker.',
    labels: ['queue'],
  },
  queueConsumers: {
    type: 'gauge',
    name: 'plantgate_broker_queue_consumers',
    help: 'Consumers subscribed to each Plantgate queue, read from the broker.',
    labels: ['queue'],
  },
  downstreamSeconds: {
    type: 'histogram',
    name: 'plantgate_connector_call_duration_seconds',
    help: 'Calls to ERP, MES and QMS, by system and status class (2xx, 4xx, 5xx, network).',
    labels: ['system', 'status_class'],
  },
  rateLimited: {
    type: 'counter',
    name: 'plantgate_connector_rate_limited_total',
    help: 'Calls an external system answered with 429 Too Many Requests.',
    labels: ['system'],
  },
  circuitState: {
    type: 'gauge',
    name: 'plantgate_connector_circuit_state',
    help: 'Circuit breaker per external system: 0 closed, 1 half-open, 2 open.',
    labels: ['system'],
  },
  deliveryRetries: {
    type: 'counter',
    name: 'plantgate_connector_delivery_retries_total',
    help: 'Outbound deliveries sent back to a retry queue, by system and reason (HTTP status or unavailable).',
    labels: ['system', 'reason'],
  },
  deliveryFailures: {
    type: 'counter',
    name: 'plantgate_connector_dead_lettered_total',
    help: 'Outbound deliveries refused or out of budget, dead-lettered with a DOWNSTREAM exception.',
    labels: ['system'],
  },
  graphqlSeconds: {
    type: 'histogram',
    name: 'plantgate_graphql_operation_duration_seconds',
    help: 'GraphQL operation latency, by operation name and outcome (ok, error).',
    labels: ['operation', 'outcome'],
  },
  graphqlErrors: {
    type: 'counter',
    name: 'plantgate_graphql_errors_total',
    help: 'Errors returned by GraphQL operations, by operation name and error code.',
    labels: ['operation', 'code'],
  },
  authRefusals: {
    type: 'counter',
    name: 'plantgate_auth_refusals_total',
    help: 'Requests refused for who sent them: missing or bad credentials, webhook signatures, missing roles or plants, rate limit; by reason.',
    labels: ['reason'],
  },
  reconciliationRuns: {
    type: 'counter',
    name: 'plantgate_reconciliation_runs_total',
    help: 'Reconciliation runs that ended, by plant, scope (FULL, INCREMENTAL) and outcome (SUCCEEDED, FAILED).',
    labels: ['plant', 'scope', 'outcome'],
  },
  reconciliationRunSeconds: {
    type: 'histogram',
    name: 'plantgate_reconciliation_run_duration_seconds',
    help: 'How long reconciliation runs took, by plant and scope.',
    labels: ['plant', 'scope'],
    buckets: RUN_BUCKETS,
  },
  reconciliationChecked: {
    type: 'counter',
    name: 'plantgate_reconciliation_checked_total',
    help: 'Orders and lots compared with ERP, MES and QMS, counted page by page as a run goes (its progress), by plant and kind (order, lot).',
    labels: ['plant', 'kind'],
  },
  reconciliationLastSuccess: {
    type: 'gauge',
    name: 'plantgate_reconciliation_last_success_timestamp_seconds',
    help: "When a plant's last reconciliation run that succeeded finished (the process start while none has).",
    labels: ['plant'],
  },
  reconciliationInterval: {
    type: 'gauge',
    name: 'plantgate_reconciliation_interval_seconds',
    help: "A plant's reconciliation interval from its rule parameters (0: on demand only).",
    labels: ['plant'],
  },
  driftsOpen: {
    type: 'gauge',
    name: 'plantgate_reconciliation_drifts_open',
    help: 'Drifts beyond tolerance not closed yet (OPEN, CORRECTION_PROPOSED, CORRECTED), by plant, system and field kind.',
    labels: ['plant', 'system', 'field'],
  },
  driftOldestAge: {
    type: 'gauge',
    name: 'plantgate_reconciliation_drift_oldest_age_seconds',
    help: 'Age of the oldest drift not closed yet, by plant, system and field kind.',
    labels: ['plant', 'system', 'field'],
  },
  driftClosureSla: {
    type: 'gauge',
    name: 'plantgate_reconciliation_drift_closure_sla_seconds',
    help: 'How long a drift may stay open in a plant (closureSlaHours of its rule parameters).',
    labels: ['plant'],
  },
  rulesVersionInForce: {
    type: 'gauge',
    name: 'plantgate_rules_version_in_force',
    help: "The version of each plant's rule set in force now (governed changes take effect at their effectiveAt).",
    labels: ['plant'],
  },
  rulesChangesPending: {
    type: 'gauge',
    name: 'plantgate_rules_changes_pending',
    help: 'Rule changes proposed for a plant and waiting for approval.',
    labels: ['plant'],
  },
  edgeLinkUp: {
    type: 'gauge',
    name: 'plantgate_edge_link_up',
    help: "Whether an edge gateway's link to the central broker is up (1: its forward shovel runs; 0: down or unknown).",
    labels: ['plant'],
  },
  edgeLinkDown: {
    type: 'gauge',
    name: 'plantgate_edge_link_down_seconds',
    help: "How long an edge gateway's link to the central broker has been down (0 while it is up).",
    labels: ['plant'],
  },
  edgeBacklog: {
    type: 'gauge',
    name: 'plantgate_edge_backlog_messages',
    help: 'Messages accepted by an edge gateway and not yet confirmed by the central broker (waiting on its plant broker, or in flight).',
    labels: ['plant'],
  },
  edgeBacklogLimit: {
    type: 'gauge',
    name: 'plantgate_edge_backlog_limit_messages',
    help: "An edge gateway's backlog limit (EDGE_BACKLOG_LIMIT): past it, submissions get 503 BACKLOG_FULL.",
    labels: ['plant'],
  },
  edgeBacklogOldestAge: {
    type: 'gauge',
    name: 'plantgate_edge_backlog_oldest_age_seconds',
    help: "Age of the oldest message in an edge gateway's backlog (0 when it is empty).",
    labels: ['plant'],
  },
  edgeForwarded: {
    type: 'counter',
    name: 'plantgate_edge_forwarded_messages_total',
    help: 'Messages an edge forwarded to the central broker and the central broker confirmed (sampled by the plant broker).',
    labels: ['plant'],
  },
  edgeMesWaiting: {
    type: 'gauge',
    name: 'plantgate_edge_mes_waiting_messages',
    help: "MES-bound messages on an edge's plant broker that the plant's MES adapter has not taken yet.",
    labels: ['plant'],
  },
} as const satisfies Record<string, MetricSpec>;

export type MetricKey = keyof typeof CATALOGUE;
export const METRIC_NAMES: readonly string[] = Object.values(CATALOGUE).map((m) => m.name);
