import fs from 'node:fs';
import path from 'node:path';
import { dashboardFileName, renderDashboard } from './build';
import { DASHBOARDS } from './panels';

/** `npm run dashboards`: writes dashboards/*.json from the panel specs and the metric catalogue. */
for (const spec of DASHBOARDS) {
  const file = path.join(__dirname, dashboardFileName(spec));
  fs.writeFileSync(file, renderDashboard(spec));
  console.log(`wrote ${path.relative(process.cwd(), file)} (${spec.panels.length} panels)`);
}
