import type { Gauge } from 'prom-client';
import type { Store } from '../core/ports/store.port';
import { ruleSetFor, type RuleBook } from '../core/rules/rule-set';
import type { PlantgateMetrics } from './metrics';
import { collectAtScrape, onePerScrape } from './scrape-collect';

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
  // One read per scrape for all five gauges.
  const read = onePerScrape(
    async () => ({
      summary: await sources.store.reconciliationSummary(),
      plants: (await sources.store.listPlants()).map((p) => p.code),
    }),
    1000,
  );
  const now = () => sources.now().getTime();
  const params = (plant: string) => ruleSetFor(sources.rules, plant).reconciliation;
  const perPlant = (value: (plant: string) => number) => async () =>
    (await read()).plants.map((plant) => ({ labels: { plant }, value: value(plant) }));
  collectAtScrape(m.driftsOpen as Gauge, async () =>
    (await read()).summary.drifts.map(({ plant, system, field, count }) => ({
      labels: { plant, system, field },
      value: count,
    })),
  );
  collectAtScrape(m.driftOldestAge as Gauge, async () =>
    (await read()).summary.drifts.map(({ plant, system, field, oldestFirstSeenAt }) => ({
      labels: { plant, system, field },
      value: Math.max(0, (now() - Date.parse(oldestFirstSeenAt)) / 1000),
    })),
  );
  collectAtScrape(m.reconciliationLastSuccess as Gauge, async () => {
    const { summary, plants } = await read();
    return plants.map((plant) => {
      const last = summary.lastSuccess.find((s) => s.plant === plant)?.finishedAt;
      return { labels: { plant }, value: (last ? Date.parse(last) : sources.startedAt.getTime()) / 1000 };
    });
  });
  collectAtScrape(
    m.reconciliationInterval as Gauge,
    perPlant((plant) => params(plant).intervalMinutes * 60),
  );
  collectAtScrape(
    m.driftClosureSla as Gauge,
    perPlant((plant) => params(plant).closureSlaHours * 3600),
  );
}
