import type { Gauge } from 'prom-client';

export type GaugeRows = { labels: Record<string, string>; value: number }[];

/**
 * Fills a gauge at scrape time from `read`: prom-client calls collect() before each scrape. A read that fails (store
 * or broker unreachable, which /readyz says) leaves the last values and never fails the scrape.
 */
export function collectAtScrape(gauge: Gauge, read: () => Promise<GaugeRows>): void {
  (gauge as unknown as { collect: () => Promise<void> }).collect = async () => {
    try {
      const rows = await read();
      gauge.reset();
      for (const row of rows) gauge.set(row.labels, row.value);
    } catch {
      // The metric keeps its last values.
    }
  };
}

/** Shares one read among the collectors of a scrape: the same promise while it runs and for a moment after. */
export function onePerScrape<T>(read: () => Promise<T>, windowMs = 250): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | null = null;
  return () => {
    if (!last || Date.now() - last.at > windowMs) last = { at: Date.now(), value: read() };
    return last.value;
  };
}
