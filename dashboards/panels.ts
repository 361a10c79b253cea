import { CATALOGUE } from '../monitoring/metric.catalogue';

/** A panel as data: the generator turns these into Grafana panels, the tests check their queries. */
export interface PanelSpec {
  title: string;
  description: string;
  kind: 'timeseries' | 'stat';
  unit: string;
  /** PromQL, with {P} where the plant filter goes. */
  queries: { expr: string; legend: string }[];
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  panels: PanelSpec[];
  /** Rows of panels below the dashboard's own, each under its title (a row a reader can fold away). */
  rows?: { title: string; panels: PanelSpec[] }[];
}

/** Every panel of a dashboard, in its rows too: what the tests check. */
export function allPanels(spec: DashboardSpec): PanelSpec[] {
  return [...spec.panels, ...(spec.rows ?? []).flatMap((row) => row.panels)];
}

const c = CATALOGUE;
/** The plant filter of the dashboard variable. */
const P = 'plant=~"$plant"';
const rate = (name: string, by: string, filter = P) => `sum by (${by}) (rate(${name}{${filter}}[$__rate_interval]))`;
const quantile = (q: number, name: string, by: string, filter = P) =>
  `histogram_quantile(${q}, sum by (le${by ? `, ${by}` : ''}) (rate(${name.replace(/_seconds$/, '_seconds_bucket')}{${filter}}[$__rate_interval])))`;
const ts = (title: string, description: string, unit: string, ...queries: [string, string][]): PanelSpec => ({
  title,
  description,
  kind: 'timeseries',
  unit,
  queries: queries.map(([expr, legend]) => ({ expr, legend })),
});
const stat = (title: string, description: string, unit: string, expr: string): PanelSpec => ({
  title,
  description,
  kind: 'stat',
  unit,
  queries: [{ expr, legend: title }],
});

/** The plants' edge gateways: each one's link, what it holds for the central plane, and how fast that drains. */
const EDGE_PANELS: PanelSpec[] = [
  ts(
    'Edge link',
    "1 while an edge's link to the central broker is up; how long it has been down otherwise (alert past 5 min).",
    'short',
    [`max by (plant) (${c.edgeLinkUp.name}{${P}})`, '{{plant}} up'],
    [`max by (plant) (${c.edgeLinkDown.name}{${P}}) / 60`, '{{plant}} minutes down'],
  ),
  ts(
    'Edge backlog',
    'Messages each edge holds for the central plane, against its limit (alert past 80 %; 503 BACKLOG_FULL past 100 %).',
    'short',
    [`max by (plant) (${c.edgeBacklog.name}{${P}})`, '{{plant}} backlog'],
    [`max by (plant) (${c.edgeBacklogLimit.name}{${P}})`, '{{plant}} limit'],
  ),
  ts('Edge backlog age', 'Age of the oldest message each edge still holds.', 's', [
    `max by (plant) (${c.edgeBacklogOldestAge.name}{${P}})`,
    '{{plant}}',
  ]),
  ts(
    'Edge forwarding',
    'Messages forwarded to the central broker per second, and MES-bound messages waiting at the plant for its adapter.',
    'short',
    [rate(c.edgeForwarded.name, 'plant'), '{{plant}} forwarded/s'],
    [`max by (plant) (${c.edgeMesWaiting.name}{${P}})`, '{{plant}} waiting for MES'],
  ),
];

export const DASHBOARDS: DashboardSpec[] = [
  {
    uid: 'plantgate-overview',
    title: 'Plantgate / Overview',
    description: 'How much flows, how fast, what is retried, stuck or waiting in the exception workbench.',
    panels: [
      ts('Commands received', 'Submissions through GraphQL and webhooks, by outcome.', 'reqps', [
        rate(c.commandsSubmitted.name, 'outcome'),
        '{{outcome}}',
      ]),
      ts('Commands processed', 'Worker outcomes: APPLIED, HELD, DUPLICATE, QUARANTINED, FAILED.', 'ops', [
        rate(c.commandsProcessed.name, 'outcome'),
        '{{outcome}}',
      ]),
      ts(
        'Accepted → applied latency',
        'From the gateway accepting a command to its outcome committed.',
        's',
        [quantile(0.5, c.acceptedToAppliedSeconds.name, ''), 'p50'],
        [quantile(0.95, c.acceptedToAppliedSeconds.name, ''), 'p95'],
        [quantile(0.99, c.acceptedToAppliedSeconds.name, ''), 'p99'],
      ),
      ts('Error ratio', 'Share of processed commands refused (QUARANTINED) or failed.', 'percentunit', [
        `sum(rate(${c.commandsProcessed.name}{${P}, outcome=~"QUARANTINED|FAILED"}[$__rate_interval])) / clamp_min(sum(rate(${c.commandsProcessed.name}{${P}}[$__rate_interval])), 1e-9)`,
        'error ratio',
      ]),
      ts(
        'Retries and dead letters',
        'Commands retried through the broker and dead-lettered after their budget (all plants).',
        'ops',
        [`sum by (reason) (rate(${c.retries.name}[$__rate_interval]))`, 'retry {{reason}}'],
        [`sum(rate(${c.deadLettered.name}[$__rate_interval]))`, 'dead-lettered'],
      ),
      ts('Stalled by plant', 'Orders and transactions older than their state threshold.', 'short', [
        `max by (plant, kind, state) (${c.stalled.name}{${P}})`,
        '{{plant}} {{kind}} {{state}}',
      ]),
      stat(
        'Open exceptions',
        'Exceptions waiting in the workbench.',
        'short',
        `sum(max by (plant, type, owner) (${c.openExceptions.name}{${P}}))`,
      ),
      ts('Open exceptions by type', 'Exception workbench backlog by type.', 'short', [
        `sum by (type) (max by (plant, type, owner) (${c.openExceptions.name}{${P}}))`,
        '{{type}}',
      ]),
    ],
    rows: [{ title: 'Edge', panels: EDGE_PANELS }],
  },
  {
    uid: 'plantgate-interfaces',
    title: 'Plantgate / Interfaces',
    description:
      'ERP, MES and QMS: calls, latency, errors, circuit and rate limiting. System-wide panels are not split by plant.',
    panels: [
      ts('Calls by system', 'HTTP calls to each external system (all plants).', 'reqps', [
        `sum by (system) (rate(${c.downstreamSeconds.name}_count[$__rate_interval]))`,
        '{{system}}',
      ]),
      ts('Call latency p95', 'Per system (all plants).', 's', [
        `histogram_quantile(0.95, sum by (le, system) (rate(${c.downstreamSeconds.name}_bucket[$__rate_interval])))`,
        '{{system}}',
      ]),
      ts('Call errors by status class', 'Non-2xx answers and network failures (all plants).', 'reqps', [
        `sum by (system, status_class) (rate(${c.downstreamSeconds.name}_count{status_class!="2xx"}[$__rate_interval]))`,
        '{{system}} {{status_class}}',
      ]),
      ts('Circuit state', '0 closed, 1 half-open, 2 open (system-wide).', 'short', [
        `max by (system) (${c.circuitState.name})`,
        '{{system}}',
      ]),
      ts('Rate limited (429)', 'Answers asking Plantgate to slow down (system-wide).', 'reqps', [
        `sum by (system) (rate(${c.rateLimited.name}[$__rate_interval]))`,
        '{{system}}',
      ]),
      ts(
        'Delivery retries and dead letters',
        'Outbound deliveries retried through the broker or given up (system-wide).',
        'ops',
        [`sum by (system, reason) (rate(${c.deliveryRetries.name}[$__rate_interval]))`, 'retry {{system}} {{reason}}'],
        [`sum by (system) (rate(${c.deliveryFailures.name}[$__rate_interval]))`, 'dead-lettered {{system}}'],
      ),
      ts(
        'Applied → delivered latency p95',
        'From a state change to the external system accepting it (system-wide).',
        's',
        [
          `histogram_quantile(0.95, sum by (le, system) (rate(${c.appliedToPostedSeconds.name}_bucket[$__rate_interval])))`,
          '{{system}}',
        ],
      ),
      ts(
        'GraphQL latency p95 and errors',
        'Gateway operations (system-wide).',
        's',
        [
          `histogram_quantile(0.95, sum by (le, operation) (rate(${c.graphqlSeconds.name}_bucket[$__rate_interval])))`,
          '{{operation}}',
        ],
        [`sum by (operation) (rate(${c.graphqlErrors.name}[$__rate_interval]))`, 'errors {{operation}}'],
      ),
      ts(
        'Refused requests by reason',
        'Bad or missing credentials, webhook signatures, missing roles or plants, rate limit (system-wide).',
        'reqps',
        [`sum by (reason) (rate(${c.authRefusals.name}[$__rate_interval]))`, '{{reason}}'],
      ),
    ],
  },
  {
    uid: 'plantgate-controls',
    title: 'Plantgate / Workflow controls and quality gating',
    description: 'What the controls refused, held and prevented, and where orders stand in their lifecycle.',
    panels: [
      ts('Refusals by rule', 'Messages refused into exceptions, by the rule that refused them.', 'ops', [
        rate(c.refusals.name, 'type, rule'),
        '{{type}} {{rule}}',
      ]),
      ts(
        'Rule set in force and pending changes',
        "Each plant's rule-set version in force, and the changes waiting for approval (ruleChanges, approveRuleChange).",
        'short',
        [`max by (plant) (${c.rulesVersionInForce.name}{${P}})`, '{{plant}} version'],
        [`max by (plant) (${c.rulesChangesPending.name}{${P}})`, '{{plant}} pending'],
      ),
      ts(
        'Canary: refusals and holds per plant',
        "Refusal and hold rates per plant: a plant's rate before and after its version changed (the panel above) is the canary's comparison with itself and with the plants still on the old version.",
        'ops',
        [rate(c.refusals.name, 'plant'), '{{plant}} refused'],
        [rate(c.held.name, 'plant'), '{{plant}} held'],
      ),
      ts('Held events', 'Events that arrived before their predecessor, by rule.', 'ops', [
        rate(c.held.name, 'rule'),
        '{{rule}}',
      ]),
      ts('Held right now', 'Events waiting for their predecessor.', 'short', [
        `max by (plant) (${c.heldNow.name}{${P}})`,
        '{{plant}}',
      ]),
      ts('Duplicates prevented', 'Resubmissions caught at the gateway and at the workers.', 'ops', [
        rate(c.duplicatesPrevented.name, 'stage'),
        '{{stage}}',
      ]),
      ts('Orders by lifecycle state', 'Production orders per state.', 'short', [
        `max by (state) (${c.ordersByState.name}{${P}})`,
        '{{state}}',
      ]),
      stat(
        'Quality holds',
        'Orders held by a failed inspection or an open nonconformance.',
        'short',
        `sum(max by (plant) (${c.ordersByState.name}{${P}, state="QUALITY_HOLD"}))`,
      ),
    ],
  },
  {
    uid: 'plantgate-broker-outbox',
    title: 'Plantgate / Broker and outbox',
    description: 'Queue depths and consumers read from RabbitMQ, and the transactional outbox (system-wide).',
    panels: [
      ts('Queue depth', 'Messages ready per queue.', 'short', [
        `max by (queue) (${c.queueMessages.name})`,
        '{{queue}}',
      ]),
      ts('Consumers per queue', 'Work queues need at least one.', 'short', [
        `max by (queue) (${c.queueConsumers.name})`,
        '{{queue}}',
      ]),
      ts(
        'Partitions held per worker',
        'Command partition queues each worker process consumes: even shares mean the load is spread; a worker at 0 with others alive is waiting for its share.',
        'short',
        [`max by (instance) (${c.partitionsHeld.name}{kind="held"})`, '{{instance}}'],
      ),
      ts('Outbox backlog', 'Entries committed but not yet published.', 'short', [
        `max(${c.outboxBacklog.name})`,
        'backlog',
      ]),
      ts('Oldest outbox entry', 'Age of the oldest unpublished entry.', 's', [`max(${c.outboxOldestAge.name})`, 'age']),
      ts('Outbox published', 'Entries relayed per destination system.', 'ops', [
        `sum by (system) (rate(${c.outboxPublished.name}[$__rate_interval]))`,
        '{{system}}',
      ]),
      ts(
        'Stranded submissions published late',
        'Recorded submissions whose process died before the broker confirmed them, published by a sweeper or when a resend found them (any rate above 0 means a gateway or worker died mid-submit).',
        'ops',
        [`sum by (trigger) (rate(${c.strandedPublished.name}[$__rate_interval]))`, '{{trigger}}'],
      ),
      ts('Processing duration p95', 'Time to apply the controls and commit one message.', 's', [
        `histogram_quantile(0.95, sum by (le, message_type) (rate(${c.processingSeconds.name}_bucket[$__rate_interval])))`,
        '{{message_type}}',
      ]),
    ],
  },
  {
    uid: 'plantgate-workbench',
    title: 'Plantgate / Workbench',
    description:
      'The exception workbench: what waits for whom, for how long, what breached its triage deadline, and how exceptions end.',
    panels: [
      stat(
        'Past triage deadline',
        'Exceptions still needing a person after their dueAt (SLA breaches).',
        'short',
        `sum(max by (plant, type, owner) (${c.exceptionsPastDue.name}{${P}}))`,
      ),
      ts(
        'Open by owner',
        'Exceptions needing a person (OPEN or AWAITING_APPROVAL), by the role that owns them.',
        'short',
        [`sum by (owner) (max by (plant, type, owner) (${c.openExceptions.name}{${P}}))`, '{{owner}}'],
      ),
      ts('Open by plant and type', 'The backlog per plant and exception type.', 'short', [
        `sum by (plant, type) (max by (plant, type, owner) (${c.openExceptions.name}{${P}}))`,
        '{{plant}} {{type}}',
      ]),
      ts('Past deadline by owner', 'SLA breaches by the owning role.', 'short', [
        `sum by (owner) (max by (plant, type, owner) (${c.exceptionsPastDue.name}{${P}}))`,
        '{{owner}}',
      ]),
      ts('Oldest open exception', 'Age of the oldest exception needing a person, by type.', 's', [
        `max by (type) (${c.oldestOpenExceptionAge.name}{${P}})`,
        '{{type}}',
      ]),
      ts(
        'Actions',
        'Workbench actions per minute: assign, replay, override, approve, resolve, discard, and how replays end.',
        'ops',
        [`sum by (action) (rate(${c.exceptionActions.name}{${P}}[$__rate_interval]))`, '{{action}}'],
      ),
      ts(
        'Time to resolution p50 and p90',
        'From opening to closing, by type and the action that closed it (all plants).',
        's',
        [
          `histogram_quantile(0.5, sum by (le, type, action) (rate(${c.exceptionResolutionSeconds.name}_bucket[$__rate_interval])))`,
          'p50 {{type}} {{action}}',
        ],
        [
          `histogram_quantile(0.9, sum by (le, type, action) (rate(${c.exceptionResolutionSeconds.name}_bucket[$__rate_interval])))`,
          'p90 {{type}} {{action}}',
        ],
      ),
    ],
  },
  {
    uid: 'plantgate-reconciliation',
    title: 'Plantgate / Reconciliation',
    description:
      'Whether Plantgate, ERP, MES and QMS agree: drifts open and their age, runs and their outcome, and how fresh each plant is.',
    panels: [
      stat(
        'Drifts open',
        'Drifts beyond tolerance not closed yet (OPEN, CORRECTION_PROPOSED, CORRECTED).',
        'short',
        `sum(max by (plant, system, field) (${c.driftsOpen.name}{${P}}))`,
      ),
      ts('Drifts open by system and field', 'Which system disagrees with Plantgate, on what.', 'short', [
        `sum by (system, field) (max by (plant, system, field) (${c.driftsOpen.name}{${P}}))`,
        '{{system}} {{field}}',
      ]),
      ts(
        'Oldest drift',
        "Age of the oldest drift not closed, against the plant's closure SLA.",
        's',
        [`max by (plant, system) (${c.driftOldestAge.name}{${P}})`, '{{plant}} {{system}}'],
        [`max by (plant) (${c.driftClosureSla.name}{${P}})`, 'SLA {{plant}}'],
      ),
      ts(
        'Since the last successful run',
        "Time since each plant was last reconciled, against two of its intervals (the alert's threshold).",
        's',
        [`time() - max by (plant) (${c.reconciliationLastSuccess.name}{${P}})`, '{{plant}}'],
        [`2 * max by (plant) (${c.reconciliationInterval.name}{${P}})`, 'alert {{plant}}'],
      ),
      ts('Runs by outcome', 'Runs that ended per hour, by scope and outcome.', 'short', [
        `sum by (scope, outcome) (increase(${c.reconciliationRuns.name}{${P}}[1h]))`,
        '{{scope}} {{outcome}}',
      ]),
      ts('Run duration p90', 'How long runs take, by plant and scope.', 's', [
        quantile(0.9, c.reconciliationRunSeconds.name, 'plant, scope'),
        '{{plant}} {{scope}}',
      ]),
      ts(
        'Checked per second',
        'Orders and lots compared per second: a run in progress shows here page by page.',
        'ops',
        [rate(c.reconciliationChecked.name, 'plant, kind'), '{{plant}} {{kind}}'],
      ),
    ],
  },
];
