import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { completion, consumption, inspection, operationEvent } from './event.fixture';
import { launchBrowser, offlineContext } from './browser';
import { createTestInstallation } from './harness';
import { referenceData, seedReferenceData } from './reference.fixture';
import { acknowledgedOrder, inspectedOrder, operationStep, submitAndSettle, TOOK_EFFECT } from './workflow-client';

/** One screenshot: its file, and the text the page showed when it was taken (for checks of content, not pixels). */
export interface Shot {
  name: string;
  file: string;
  text: string;
}

/**
 * Takes the README's screenshots of the workbench and the IDE against a throw-away installation (its own topology
 * prefix and SQLite file, the embedded reference systems) with a small scenario: a refused consumption, a quality
 * hold, a genealogy. Writes PNGs at 1280×800 into `outDir`. `npm run screenshots` refreshes docs/screenshots;
 * the tests write theirs to a temporary folder.
 */
export async function takeScreenshots(outDir: string): Promise<Shot[]> {
  fs.mkdirSync(outDir, { recursive: true });
  const installation = createTestInstallation('screenshots', { SIMULATORS: 'embedded' });
  const browser = await launchBrowser();
  try {
    const url = (await installation.start('all')).url!;
    await scenario(url);
    const { context } = await offlineContext(browser);
    const page = await context.newPage();
    const shots: Shot[] = [];
    const shoot = async (name: string, region: string) => {
      const file = path.join(outDir, `${name}.png`);
      await page.getByRole('region', { name: region }).first().waitFor();
      await page.waitForTimeout(300);
      await page.screenshot({ path: file });
      shots.push({ name, file, text: await page.locator('body').innerText() });
    };
    await page.goto(`${url}/workbench`);
    await page.getByRole('button', { name: 'P100 / PO-S-1' }).first().click();
    await shoot('workbench-exception', 'Exception');
    await page.goto(`${url}/workbench#/order/P100/PO-S-3`);
    await shoot('workbench-order', 'Order PO-S-3');
    await page.goto(`${url}/workbench#/monitor`);
    await page.getByText('ReportMaterialConsumption').first().waitFor();
    await shoot('workbench-monitor', 'Interface monitor');
    await page.goto(`${url}/workbench#/lot/P100/L-RM7-OK`);
    await page.getByText('FG-S-3').first().waitFor();
    await shoot('workbench-genealogy', 'Lot L-RM7-OK');
    await page.goto(`${url}/graphql`);
    await ideShot(page, outDir, shots);
    return shots;
  } finally {
    await browser.close();
    await installation.cleanup();
  }
}

async function ideShot(page: Page, outDir: string, shots: Shot[]) {
  await page.locator('.graphiql-container').waitFor();
  await page.locator('.graphiql-execute-button').click();
  await page.getByText('Local developer').first().waitFor();
  await page.getByLabel('Show Documentation Explorer').click();
  await page.waitForTimeout(300);
  const file = path.join(outDir, 'graphql-ide.png');
  await page.screenshot({ path: file });
  shots.push({ name: 'graphql-ide', file, text: await page.locator('body').innerText() });
}

/** A refused consumption (expired lot), a lot QMS failed, and an order that made a lot from a component lot. */
async function scenario(url: string) {
  await seedReferenceData(url, referenceData(['P100']));
  await acknowledgedOrder(url, { orderNumber: 'PO-S-1' });
  await submitAndSettle(url, 'reportOperationEvent', operationEvent({ orderNumber: 'PO-S-1' }), TOOK_EFFECT);
  await submitAndSettle(url, 'reportMaterialConsumption', consumption({ orderNumber: 'PO-S-1', lot: 'L-RM7-EXPIRED' }));
  await inspectedOrder(url, 'FG-S-2', 'FAIL', { orderNumber: 'PO-S-2' });
  await acknowledgedOrder(url, { orderNumber: 'PO-S-3' });
  await operationStep(url, 'PO-S-3', 10, 'START');
  await submitAndSettle(url, 'reportMaterialConsumption', consumption({ orderNumber: 'PO-S-3' }), TOOK_EFFECT);
  await operationStep(url, 'PO-S-3', 10, 'COMPLETE', 50, '2026-12-01T08:10:00.000Z');
  await operationStep(url, 'PO-S-3', 20, 'START', 0, '2026-12-01T08:20:00.000Z');
  await operationStep(url, 'PO-S-3', 20, 'COMPLETE', 50, '2026-12-01T08:30:00.000Z');
  await submitAndSettle(
    url,
    'reportProductionCompletion',
    completion({ orderNumber: 'PO-S-3', lot: 'FG-S-3' }),
    TOOK_EFFECT,
  );
  await submitAndSettle(
    url,
    'recordInspectionResult',
    inspection({ orderNumber: 'PO-S-3', lot: 'FG-S-3' }),
    TOOK_EFFECT,
  );
}
