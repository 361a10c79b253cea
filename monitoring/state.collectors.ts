import type { Gauge } from 'prom-client';
import type { Store } from '../core/ports/store.port';
import type { StalledItem } from '../core/stalled/stall-thresholds';
import type { PlantgateMetrics } from './metrics';
import { collectAtScrape, onePerScrape } from './scrape-collect';

export interface StateSources {
  store: Pick<Store, 'countOrdersByState' | 'countOpenExceptions' | 'countHeld' | 'outboxBacklog'>;
  stalled: () => Promise<StalledItem[]>;
  queues: () => Promise<{ queue: string; messages: number; consumers: number }[]>;
  /** The open-exception limit of a plant. */
  exceptionLimit: (plant: string) => number;
  /** Plants with a rule set of their own. */
  configuredPlants: string[];
}

/**
 * Gauges read at scrape time from the store and the broker: orders by state, open exceptions, held messages,
 * stalled items, outbox backlog and queue depths. Every process exports the same values; dashboards and alerts
 * aggregate them with max, so several replicas do not add up.
 */
export function registerStateCollectors(metrics: PlantgateMetrics, sources: StateSources) {
  const m = metrics.raw;
  // Several gauges read the same source; one scrape asks each source once.
  const ordersByState = onePerScrape(() => sources.store.countOrdersByState());
  const outboxBacklog = onePerScrape(() => sources.store.outboxBacklog());
  const queues = onePerScrape(sources.queues);
  collectAtScrape(m.ordersByState as Gauge, async () =>
    (await ordersByState()).map((r) => ({ labels: { plant: r.plant, state: r.state }, value: r.count })),
  );
  const openExceptions = onePerScrape(() => sources.store.countOpenExceptions(new Date().toISOString()));
  collectAtScrape(m.openExceptions as Gauge, async () =>
    (await openExceptions()).map((r) => ({ labels: { plant: r.plant, type: r.type, owner: r.owner }, value: r.count })),
  );
  collectAtScrape(m.exceptionsPastDue as Gauge, async () =>
    (await openExceptions()).map((r) => ({
      labels: { plant: r.plant, type: r.type, owner: r.owner },
      value: r.pastDue,
    })),
  );
  collectAtScrape(m.oldestOpenExceptionAge as Gauge, async () => {
    const oldest = new Map<string, { plant: string; type: string; at: number }>();
    for (const r of await openExceptions()) {
      const key = `${r.plant}|${r.type}`;
      const at = Date.parse(r.oldestCreatedAt);
      if (!oldest.has(key) || at < oldest.get(key)!.at) oldest.set(key, { plant: r.plant, type: r.type, at });
    }
    return [...oldest.values()].map((o) => ({
      labels: { plant: o.plant, type: o.type },
      value: Math.max(0, (Date.now() - o.at) / 1000),
    }));
  });
  collectAtScrape(m.openExceptionLimit as Gauge, async () => {
    const plants = new Set([...sources.configuredPlants, ...(await ordersByState()).map((r) => r.plant)]);
    return [...plants].map((plant) => ({ labels: { plant }, value: sources.exceptionLimit(plant) }));
  });
  // Zero for every known plant with nothing held, so that "nothing waits" is a value, not a missing series.
  collectAtScrape(m.heldNow as Gauge, async () => {
    const held = new Map((await sources.store.countHeld()).map((r) => [r.plant, r.count]));
    const plants = new Set([...held.keys(), ...(await ordersByState()).map((r) => r.plant)]);
    return [...plants].map((plant) => ({ labels: { plant }, value: held.get(plant) ?? 0 }));
  });
  collectAtScrape(m.outboxBacklog as Gauge, async () => [{ labels: {}, value: (await outboxBacklog()).count }]);
  collectAtScrape(m.outboxOldestAge as Gauge, async () => {
    const { oldestCreatedAt } = await outboxBacklog();
    return [
      { labels: {}, value: oldestCreatedAt ? Math.max(0, (Date.now() - Date.parse(oldestCreatedAt)) / 1000) : 0 },
    ];
  });
  collectAtScrape(m.stalled as Gauge, async () => {
    const counts = new Map<string, { labels: Record<string, string>; value: number }>();
    for (const item of await sources.stalled()) {
      const key = `${item.plant}|${item.kind}|${item.state}`;
      const entry = counts.get(key) ?? { labels: { plant: item.plant, kind: item.kind, state: item.state }, value: 0 };
      entry.value += 1;
      counts.set(key, entry);
    }
    return [...counts.values()];
  });
  collectAtScrape(m.queueMessages as Gauge, async () =>
    (await queues()).map((q) => ({ labels: { queue: q.queue }, value: q.messages })),
  );
  collectAtScrape(m.queueConsumers as Gauge, async () =>
    (await queues()).map((q) => ({ labels: { queue: q.queue }, value: q.consumers })),
  );
}
