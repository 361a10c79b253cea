import { ORDER_STATES } from '../orders/order.types';
import { TRANSACTION_STATUSES } from '../ports/records';
import type { Store } from '../ports/store.port';
import { ruleSetFor, type RuleBook } from '../rules/rule-set';
import { stalledThreshold, type StalledItem } from './stall-thresholds';

type Reads = Pick<Store, 'listOrdersInStateSince' | 'listTransactionsInStatusSince'>;

export interface StalledQuery {
  /** Only these plants (a principal's scope, or the one asked for); absent: every plant. */
  plants?: readonly string[];
  /** One cut-off for every state instead of the plants' thresholds. */
  olderThanSeconds?: number;
  /** At most this many items of each state. */
  limitPerState?: number;
}

/**
 * Orders and transactions sitting in one state longer than their plant's threshold for it. Candidates are read
 * with the smallest threshold any plant has for the state, then each is held against its own plant's.
 */
export async function findStalled(
  store: Reads,
  rules: RuleBook,
  now: Date,
  query: StalledQuery = {},
): Promise<StalledItem[]> {
  const limit = query.limitPerState ?? 500;
  const ruleSets = [rules.defaults, ...Object.values(rules.plants)];
  const smallest = (kind: 'order' | 'transaction', state: string) =>
    Math.min(
      ...ruleSets.map((r) => stalledThreshold(r.stalledAfterSeconds, kind, state, query.olderThanSeconds) ?? Infinity),
    );
  const cutoff = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();
  const age = (since: string) => Math.floor((now.getTime() - Date.parse(since)) / 1000);
  const items: StalledItem[] = [];

  for (const state of ORDER_STATES) {
    const min = smallest('order', state);
    if (!Number.isFinite(min)) continue;
    for (const o of await store.listOrdersInStateSince(state, cutoff(min), query.plants, limit)) {
      const threshold = stalledThreshold(
        ruleSetFor(rules, o.plant).stalledAfterSeconds,
        'order',
        state,
        query.olderThanSeconds,
      );
      if (threshold === null || age(o.stateSince) < threshold) continue;
      items.push({
        kind: 'order',
        plant: o.plant,
        orderNumber: o.orderNumber,
        correlationId: null,
        messageType: null,
        state,
        since: o.stateSince,
        ageSeconds: age(o.stateSince),
        thresholdSeconds: threshold,
        detail: null,
      });
    }
  }
  for (const status of TRANSACTION_STATUSES) {
    const min = smallest('transaction', status);
    if (!Number.isFinite(min)) continue;
    for (const t of await store.listTransactionsInStatusSince(status, cutoff(min), query.plants, limit)) {
      const { scope, correlationId, command } = t.envelope;
      const threshold = stalledThreshold(
        ruleSetFor(rules, scope.plant).stalledAfterSeconds,
        'transaction',
        status,
        query.olderThanSeconds,
      );
      if (threshold === null || age(t.updatedAt) < threshold) continue;
      items.push({
        kind: 'transaction',
        plant: scope.plant,
        orderNumber: scope.orderNumber,
        correlationId,
        messageType: command.messageType,
        state: status,
        since: t.updatedAt,
        ageSeconds: age(t.updatedAt),
        thresholdSeconds: threshold,
        detail: t.lastError,
      });
    }
  }
  return items.sort((a, b) => b.ageSeconds - a.ageSeconds);
}
