import type { Connection } from 'rabbitmq-client';
import { DomainError } from '../core/errors';
import type { Logger } from '../core/ports/logger.port';
import type { BrokerApi, ShovelStatus } from './broker-api';
import type { EdgeTopology } from './edge.topology';

/** What the edge's health answers about its link to the central plane. */
export interface EdgeLinkReport {
  plant: string;
  /** up: the forward shovel is running (the central broker confirms what it is sent); down otherwise. */
  state: 'up' | 'down' | 'unknown';
  since: string;
  shovels: Record<string, ShovelStatus | null>;
  /**
   * messages: ready on the plant broker (exact; what the limit counts, as the broker's own max-length does);
   * inFlight: taken by the forward shovel and not yet confirmed by the central broker (sampled by the broker).
   */
  backlog: { messages: number; inFlight: number; limit: number; oldestAgeSeconds: number | null };
  /** MES-bound messages on the plant broker waiting for the plant's MES adapter. */
  mesWaiting: number;
  checkedAt: string | null;
  /** Why the last check could not read the broker, when it could not. */
  error?: string;
}

/** What the link reports to monitoring; the metrics module implements it. */
export interface EdgeLinkObserver {
  linkChecked(plant: string, report: EdgeLinkReport, downSeconds: number): void;
  forwarded(plant: string, count: number): void;
}

export interface EdgeLinkDeps {
  plant: string;
  vhost: string;
  topology: EdgeTopology;
  connection: Connection;
  api: BrokerApi;
  backlogLimit: number;
  now: () => Date;
  logger: Logger;
  observer?: EdgeLinkObserver;
}

/**
 * Watches the link (the shovels' state), the backlog (the forward queue's depth and the age of its head) and what
 * waits for the plant's MES, and admits a submission only while the backlog has room for it.
 */
export function createEdgeLink(deps: EdgeLinkDeps) {
  const { names } = deps.topology;
  const log = deps.logger.child({ component: 'edge-link' });
  let report: EdgeLinkReport = {
    plant: deps.plant,
    state: 'unknown',
    since: deps.now().toISOString(),
    shovels: {},
    backlog: { messages: 0, inFlight: 0, limit: deps.backlogLimit, oldestAgeSeconds: null },
    mesWaiting: 0,
    checkedAt: null,
  };
  // Admitted since the last depth reading: counted against the limit until the next reading includes them.
  let admittedSinceCheck = 0;
  let acknowledgedSeen: number | null = null;

  async function depthOf(queue: string): Promise<number> {
    return (await deps.connection.queueDeclare({ queue, passive: true })).messageCount;
  }

  function countForwarded(acknowledged: number) {
    if (acknowledgedSeen !== null && acknowledged > acknowledgedSeen) {
      deps.observer?.forwarded(deps.plant, acknowledged - acknowledgedSeen);
    }
    acknowledgedSeen = acknowledged;
  }

  async function check(): Promise<EdgeLinkReport> {
    const now = deps.now();
    const admittedBefore = admittedSinceCheck;
    try {
      const [statuses, messages, mesWaiting, info] = await Promise.all([
        deps.api.shovelStatuses(deps.vhost),
        depthOf(names.forward),
        depthOf(names.mes),
        deps.api.queueInfo(deps.vhost, names.forward),
      ]);
      const shovels = Object.fromEntries(
        [names.forwardShovel, names.mesShovel].map((name) => [name, statuses.find((s) => s.name === name) ?? null]),
      );
      const state = shovels[names.forwardShovel]?.state === 'running' ? 'up' : 'down';
      if (state !== report.state) log.warn({ plant: deps.plant, from: report.state, to: state }, 'edge link changed');
      const inFlight = info?.unacknowledged ?? 0;
      const head = messages + inFlight > 0 ? (info?.headMessageTimestamp ?? null) : null;
      report = {
        plant: deps.plant,
        state,
        since: sinceOf(report, state, now),
        shovels,
        backlog: {
          messages,
          inFlight,
          limit: deps.backlogLimit,
          oldestAgeSeconds: head === null ? null : Math.max(0, now.getTime() / 1000 - head),
        },
        mesWaiting,
        checkedAt: now.toISOString(),
      };
      admittedSinceCheck = Math.max(0, admittedSinceCheck - admittedBefore);
      if (info) countForwarded(info.acknowledged);
    } catch (error) {
      const since = sinceOf(report, 'unknown', now);
      report = { ...report, state: 'unknown', since, checkedAt: now.toISOString(), error: (error as Error).message };
      log.warn({ err: (error as Error).message }, 'edge link check failed');
    }
    const downSeconds = report.state === 'up' ? 0 : (now.getTime() - Date.parse(report.since)) / 1000;
    deps.observer?.linkChecked(deps.plant, report, downSeconds);
    return report;
  }

  return {
    check,
    report: () => report,
    /**
     * Refuses a new submission, before anything of it is recorded, once the backlog holds its limit. The broker
     * refuses past the limit too (reject-publish): this answer is the clear one, that is the guarantee.
     */
    admit(): void {
      const held = report.backlog.messages + admittedSinceCheck;
      if (held >= deps.backlogLimit) {
        throw new DomainError(
          'BACKLOG_FULL',
          `The edge backlog of plant ${deps.plant} is full (${held} of ${deps.backlogLimit} messages waiting for the link to the central plane, which is ${report.state}); nothing was recorded. Retry when the backlog drains.`,
          {
            retryable: true,
            details: {
              backlog: { messages: held, limit: deps.backlogLimit },
              link: report.state,
              retryAfterSeconds: 5,
            },
          },
        );
      }
      admittedSinceCheck += 1;
    },
  };
}

export type EdgeLink = ReturnType<typeof createEdgeLink>;

/**
 * When the link entered the state it is in after this check: unchanged while the state holds, now when it changes.
 * A check that cannot read the broker is a state of its own (unknown), so that a link up for hours is not reported
 * as down for hours by one failed reading.
 */
export function sinceOf(previous: Pick<EdgeLinkReport, 'state' | 'since'>, state: EdgeLinkReport['state'], now: Date) {
  return state === previous.state ? previous.since : now.toISOString();
}
