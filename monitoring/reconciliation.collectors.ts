import type { Gauge } from 'prom-client';
import type { Store } from '../core/ports/store.port';
import { ruleSetFor, type RuleBook } from '../core/rules/rule-set';
import type { PlantgateMetrics } from './metrics';

export interface ReconciliationSources {
  store: Pick<Store, 'reconciliationSummary' | 'listPlants'>;
  rules: RuleBook;
  /** When this process started: a plant never reconciled counts as reconciled then, so the alert gives it time. */
  startedAt: Date;
  now: () => Date;
}

/**
 * Reconciliation's gauges, read at scrape time: drifts not closed and the age of the oldest per plant, system and
 * field kind; each plant's last successful run, its interval and its closure SLA, for the alerts to compare.
 */
export function registerReconciliationCollectors(metrics: PlantgateMetrics, sources: ReconciliationSources) {
  const m = metrics.raw;
  let pending: Promise<Awaited<ReturnType<typeof read>>> | null = null;
  const read = async () => ({
    summary: await sources.store.reconciliationSummary(),
    plants: (await sources.store.listPlants()).map((p) => p.code),
  });
  // One read per scrape for all five gauges.
  const once = () => {
    pending ??= read().finally(() => setTimeout(() => (pending = null), 1000).unref());
    return pending;
  };
  const collect = (
    gauge: Gauge,
    rows: (data: Awaited<ReturnType<typeof read>>) => [Record<string, string>, number][],
  ) => {
    (gauge as unknown as { collect: () => Promise<void> }).collect = async () => {
      const data = await once().catch(() => null);
      if (!data) return;
      gauge.reset();
      for (const [labels, value] of rows(data)) gauge.set(labels, value);
    };
  };
  const now = () => sources.now().getTime();
  const params = (plant: string) => ruleSetFor(sources.rules, plant).reconciliation;
  collect(m.driftsOpen as Gauge, ({ summary }) =>
    summary.drifts.map(({ plant, system, field, count }) => [{ plant, system, field }, count]),
  );
  collect(m.driftOldestAge as Gauge, ({ summary }) =>
    summary.drifts.map(({ plant, system, field, oldestFirstSeenAt }) => [
      { plant, system, field },
      Math.max(0, (now() - Date.parse(oldestFirstSeenAt)) / 1000),
    ]),
  );
  collect(m.reconciliationLastSuccess as Gauge, ({ summary, plants }) =>
    plants.map((plant) => {
      const last = summary.lastSuccess.find((s) => s.plant === plant)?.finishedAt;
      return [{ plant }, (last ? Date.parse(last) : sources.startedAt.getTime()) / 1000];
    }),
  );
  collect(m.reconciliationInterval as Gauge, ({ plants }) =>
    plants.map((plant) => [{ plant }, params(plant).intervalMinutes * 60]),
  );
  collect(m.driftClosureSla as Gauge, ({ plants }) =>
    plants.map((plant) => [{ plant }, params(plant).closureSlaHours * 3600]),
  );
}
