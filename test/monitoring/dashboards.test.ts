import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dashboardFileName, renderDashboard } from '../../dashboards/build';
import { allPanels, DASHBOARDS } from '../../dashboards/panels';
import { CATALOGUE, METRIC_NAMES } from '../../monitoring/metric.catalogue';

const DIR = path.resolve(__dirname, '..', '..', 'dashboards');

/** Every metric name a PromQL expression mentions, with histogram suffixes folded back to the metric. */
export function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\b(plantgate_[a-z_]+)/g)].map((m) => m[1]!.replace(/_(bucket|sum|count)$/, ''));
}

describe('dashboards', () => {
  it.each(DASHBOARDS.map((d) => [d.uid, d] as const))(
    '%s is generated and committed up to date (npm run dashboards)',
    (_uid, spec) => {
      const committed = fs.readFileSync(path.join(DIR, dashboardFileName(spec)), 'utf8');
      expect(committed).toBe(renderDashboard(spec));
    },
  );

  it('reference only metrics the code exports', () => {
    const histograms = Object.values(CATALOGUE)
      .filter((m) => m.type === 'histogram')
      .map((m) => m.name);
    for (const spec of DASHBOARDS) {
      for (const panel of allPanels(spec)) {
        for (const { expr } of panel.queries) {
          const names = metricsIn(expr);
          expect(names.length, `${spec.uid} / ${panel.title}`).toBeGreaterThan(0);
          for (const name of names) expect(METRIC_NAMES, `${spec.uid} / ${panel.title}: ${name}`).toContain(name);
          if (expr.includes('_bucket')) expect(histograms.some((h) => expr.includes(`${h}_bucket`))).toBe(true);
        }
      }
    }
  });

  it('filter every plant-labelled panel by the plant variable, and keep stable uids', () => {
    const plantLabelled = new Set<string>(
      Object.values(CATALOGUE)
        .filter((m) => (m.labels as readonly string[]).includes('plant'))
        .map((m) => m.name),
    );
    for (const spec of DASHBOARDS) {
      const json = JSON.parse(fs.readFileSync(path.join(DIR, dashboardFileName(spec)), 'utf8')) as {
        uid: string;
        templating: { list: { name: string }[] };
      };
      expect(json.uid).toBe(spec.uid);
      expect(json.templating.list.map((v) => v.name)).toContain('plant');
      for (const panel of allPanels(spec)) {
        for (const { expr } of panel.queries) {
          if (metricsIn(expr).some((n) => plantLabelled.has(n)))
            expect(expr, `${spec.uid} / ${panel.title}`).toContain('plant=~"$plant"');
        }
      }
    }
  });
});
