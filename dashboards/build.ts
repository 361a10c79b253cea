import {
  DashboardBuilder,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  RowBuilder,
  VariableRefresh,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { CATALOGUE } from '../monitoring/metric.catalogue';
import type { DashboardSpec, PanelSpec } from './panels';

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

/** A dashboard spec as Grafana JSON, built with the Grafana Foundation SDK. Deterministic: same spec, same JSON. */
export function buildDashboard(spec: DashboardSpec): object {
  const builder = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(['plantgate', 'generated'])
    .refresh('30s')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser')
    .withVariable(new DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'))
    .withVariable(
      new QueryVariableBuilder('plant')
        .label('Plant')
        .datasource(DATASOURCE)
        .query(`label_values(${CATALOGUE.ordersByState.name}, plant)`)
        .definition(`label_values(${CATALOGUE.ordersByState.name}, plant)`)
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .multi(true)
        .includeAll(true)
        .allValue('.*'),
    );
  spec.panels.forEach((panel, index) => builder.withPanel(buildPanel(panel, index, 0)));
  let y = Math.ceil(spec.panels.length / 2) * 8;
  for (const row of spec.rows ?? []) {
    builder.withRow(new RowBuilder(row.title).gridPos({ x: 0, y, w: 24, h: 1 }));
    row.panels.forEach((panel, index) => builder.withPanel(buildPanel(panel, index, y + 1)));
    y += 1 + Math.ceil(row.panels.length / 2) * 8;
  }
  return builder.build();
}

/** Two panels a line, 8 high, from line `top` down. */
function buildPanel(panel: PanelSpec, index: number, top: number) {
  const gridPos = { x: (index % 2) * 12, y: top + Math.floor(index / 2) * 8, w: 12, h: 8 };
  const targets = panel.queries.map((q, i) =>
    new DataqueryBuilder()
      .expr(q.expr)
      .legendFormat(q.legend)
      .refId(String.fromCharCode(65 + i)),
  );
  const base = panel.kind === 'stat' ? new StatPanelBuilder() : new TimeseriesPanelBuilder();
  base.title(panel.title).description(panel.description).datasource(DATASOURCE).unit(panel.unit).gridPos(gridPos);
  targets.forEach((t) => base.withTarget(t));
  return base;
}

export function dashboardFileName(spec: DashboardSpec): string {
  return `${spec.uid}.json`;
}

export function renderDashboard(spec: DashboardSpec): string {
  return `${JSON.stringify(buildDashboard(spec), null, 2)}\n`;
}
