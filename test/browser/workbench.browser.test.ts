import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Runtime } from '../../app/runtime';
import { createKey, bearer } from '../support/auth.fixture';
import { launchBrowser, offlineContext } from '../support/browser';
import { completion, consumption } from '../support/event.fixture';
import { gqlOk } from '../support/graphql-client';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { referenceData, seedReferenceData } from '../support/reference.fixture';
import { waitFor } from '../support/wait';
import {
  acknowledgedOrder,
  startedOrder,
  inspectedOrder,
  operationStep,
  submitAndSettle,
  TOOK_EFFECT,
} from '../support/workflow-client';

/**
 * The workbench in a real browser against a running Plantgate: a consumption of an expired lot was refused; supply
 * chain corrects and replays it (seeing the change as a diff first), a viewer sees every action disabled with the
 * role it needs. The page reaches nothing but the machine.
 */
describe('the workbench', () => {
  let installation: TestInstallation;
  let runtime: Runtime;
  let url: string;
  let browser: Browser;
  let supplyChain: string;
  let viewer: string;
  let exceptionId: string;
  let openExceptionId: string;
  let quality: string;
  let secondQuality: string;

  beforeAll(async () => {
    installation = createTestInstallation('workbench-ui', { SIMULATORS: 'embedded' });
    runtime = await installation.start('all');
    url = runtime.url!;
    // Set up in the open local mode, before the first key ends it.
    await seedReferenceData(url, referenceData(['P100', 'P200']));
    exceptionId = await refusedConsumption('PO-W-1');
    openExceptionId = await refusedConsumption('PO-W-2');
    // A lot QMS failed: the order is on quality hold, with an exception for QUALITY.
    await inspectedOrder(url, 'FG-W-3', 'FAIL', { orderNumber: 'PO-W-3' });
    // An order that consumed a component lot into its own finished lot: a genealogy to walk.
    await acknowledgedOrder(url, { orderNumber: 'PO-W-4' });
    await operationStep(url, 'PO-W-4', 10, 'START');
    await submitAndSettle(
      url,
      'reportMaterialConsumption',
      consumption({ orderNumber: 'PO-W-4', quantity: 40 }),
      TOOK_EFFECT,
    );
    await operationStep(url, 'PO-W-4', 10, 'COMPLETE', 50, '2026-12-01T08:10:00.000Z');
    await operationStep(url, 'PO-W-4', 20, 'START', 0, '2026-12-01T08:20:00.000Z');
    await operationStep(url, 'PO-W-4', 20, 'COMPLETE', 50, '2026-12-01T08:30:00.000Z');
    await submitAndSettle(
      url,
      'reportProductionCompletion',
      completion({ orderNumber: 'PO-W-4', lot: 'FG-W-4' }),
      TOOK_EFFECT,
    );
    // And one of another plant, which P100's people must never see.
    await refusedConsumption('PO-W-9', 'P200');
    supplyChain = (await createKey(runtime.store, ['SUPPLY_CHAIN'], ['P100'], { name: 'Sam Supply' })).key;
    viewer = (await createKey(runtime.store, ['VIEWER'], ['P100'], { name: 'Vic Viewer' })).key;
    quality = (await createKey(runtime.store, ['QUALITY'], ['P100'], { name: 'Quinn Quality' })).key;
    secondQuality = (await createKey(runtime.store, ['QUALITY'], ['P100'], { name: 'Kim Quality' })).key;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await installation.cleanup();
  });

  /** An order on the floor whose consumption of an expired lot was refused: the exception's id. */
  async function refusedConsumption(orderNumber: string, plant = 'P100'): Promise<string> {
    await startedOrder(url, { orderNumber, plant });
    const refused = await submitAndSettle(
      url,
      'reportMaterialConsumption',
      consumption({ orderNumber, plant, lot: 'L-RM7-EXPIRED', quantity: 40 }),
    );
    return refused.exception!.id;
  }

  /** A user signed in with a key, the list filtered on a status, and an order's exception opened when named. */
  async function signedIn(
    key: string,
    orderNumber?: string,
    status = 'OPEN',
  ): Promise<{ page: Page; outside: string[] }> {
    const { context, outside } = await offlineContext(browser);
    const page = await context.newPage();
    await page.goto(`${url}/workbench`);
    await page.getByLabel('API key or token').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Status').selectOption(status);
    if (orderNumber)
      await page
        .getByRole('button', { name: `P100 / ${orderNumber}` })
        .first()
        .click();
    return { page, outside };
  }

  it('lets supply chain correct the refused consumption, shows the change as a diff, and replays it', async () => {
    const { page, outside } = await signedIn(supplyChain, 'PO-W-1');
    const detail = page.getByRole('region', { name: `Exception ${exceptionId}` });
    await expect.poll(() => detail.innerText()).toContain('consumption.lot-expiry');
    // The order's timeline is shown with the refusal.
    await expect.poll(() => detail.innerText()).toContain("The order's timeline (now IN_PROCESS)");
    const payload = detail.getByLabel('Payload to replay');
    await payload.fill((await payload.inputValue()).replace('L-RM7-EXPIRED', 'L-RM7-OK'));
    await detail.getByLabel('note for replay').fill('wrong lot scanned; the good lot was used');
    await detail.getByRole('button', { name: 'Show changes' }).click();
    const diff = await detail.getByLabel('Changes to the payload').innerText();
    expect(diff).toMatch(/^-\s+"lot": "L-RM7-EXPIRED",$/m);
    expect(diff).toMatch(/^\+\s+"lot": "L-RM7-OK",$/m);
    // Only the lot changed.
    expect(diff.split('\n').filter((line) => /^[-+]/.test(line))).toHaveLength(2);
    await detail.getByRole('button', { name: 'Replay', exact: true }).click();
    const exception = () =>
      gqlOk<{ exception: { status: string } }>(
        url,
        'query E($id: ID!) { exception(id: $id) { status } }',
        { id: exceptionId },
        bearer(supplyChain),
      );
    await waitFor(async () => (await exception()).exception.status === 'REPLAYED', { what: 'the replay applied' });
    const order = await gqlOk<{ productionOrder: { materialConsumptions: { lot: string }[] } }>(
      url,
      '{ productionOrder(orderNumber: "PO-W-1", plant: "P100") { materialConsumptions { lot } } }',
      {},
      bearer(supplyChain),
    );
    expect(order.productionOrder.materialConsumptions.map((c) => c.lot)).toEqual(['L-RM7-OK']);
    expect(outside).toEqual([]);
  });

  it('shows a viewer every action disabled, with the role it needs', async () => {
    const { page } = await signedIn(viewer, 'PO-W-2');
    const detail = page.getByRole('region', { name: `Exception ${openExceptionId}` });
    await expect.poll(() => detail.innerText()).toContain('consumption.lot-expiry');
    for (const name of ['Replay', 'Resolve', 'Discard', 'Assign']) {
      expect(await detail.getByRole('button', { name, exact: true }).isDisabled(), name).toBe(true);
    }
    expect(await detail.getByRole('button', { name: 'Override', exact: true }).isDisabled()).toBe(true);
    const text = await detail.innerText();
    expect(text).toContain('needs SUPPLY_CHAIN or ADMIN');
    expect(text).toContain('needs SUPPLY_CHAIN');
  });

  it('lets quality release a held lot under deviation with a second person approving, and the order is received', async () => {
    const { page: first } = await signedIn(quality, 'PO-W-3');
    const detail = first.getByRole('region', { name: /^Exception / });
    await expect.poll(() => detail.innerText()).toContain('quality.release-hold');
    await detail.getByLabel('reason for override').fill('customer accepts the cosmetic defect, deviation D-17');
    await detail.getByRole('button', { name: 'Override', exact: true }).click();
    await expect.poll(() => detail.innerText()).toContain('AWAITING_APPROVAL');
    // The requester may not approve it herself.
    await expect.poll(() => detail.innerText()).toContain('a second person must approve (four eyes)');
    expect(await detail.getByRole('button', { name: 'Approve override' }).isDisabled()).toBe(true);

    const { page: second } = await signedIn(secondQuality, 'PO-W-3', 'AWAITING_APPROVAL');
    const approval = second.getByRole('region', { name: /^Exception / });
    await approval.getByRole('button', { name: 'Approve override' }).click();
    const state = async () =>
      (
        await gqlOk<{ productionOrder: { state: string; goodsReceipts: { stockStatus: string }[] } }>(
          url,
          '{ productionOrder(orderNumber: "PO-W-3", plant: "P100") { state goodsReceipts { stockStatus } } }',
          {},
          bearer(quality),
        )
      ).productionOrder;
    await waitFor(async () => ['RECEIVED', 'FINANCIALLY_POSTED'].includes((await state()).state), {
      what: 'PO-W-3 received under deviation',
    });
    expect((await state()).goodsReceipts).toEqual([{ stockStatus: 'RESTRICTED' }]);
  });

  it("never shows a plant's people another plant's exceptions", async () => {
    const { page } = await signedIn(viewer);
    await page.getByLabel('Status').selectOption('');
    await expect.poll(() => page.locator('table').innerText()).toContain('PO-W-2');
    expect(await page.locator('table').innerText()).not.toContain('P200');
    await page.getByLabel('Plant', { exact: true }).fill('P200');
    await expect.poll(() => page.locator('caption').innerText()).toBe('0 exception(s)');
    // Nor its orders, even asked for by name.
    await page.goto(`${url}/workbench#/order/P200/PO-W-9`);
    await expect
      .poll(() => page.locator('main, section, p').first().innerText())
      .toContain('No order PO-W-9 in plant P200 that you may see.');
  });

  it('opens the order from its exception: state, lots, postings, and each system marked when it did not answer', async () => {
    const { page } = await signedIn(quality, 'PO-W-3', '');
    await page
      .getByRole('region', { name: /^Exception / })
      .getByRole('link', { name: 'P100 / PO-W-3' })
      .click();
    const order = page.getByRole('region', { name: 'Order PO-W-3' });
    await expect.poll(() => order.innerText()).toMatch(/P100 \/ PO-W-3: (RECEIVED|FINANCIALLY_POSTED)/);
    const text = await order.innerText();
    expect(text).toMatch(/FG-W-3\s+50 EA\s+RELEASED\s+RESTRICTED, POSTED/);
    expect(text).toMatch(/ERP: \{"status"/);
    // ERP goes down: the page says so instead of showing nothing.
    runtime.referenceSystems!.erp!.setFaults({ outageMs: 60_000 });
    try {
      await expect.poll(() => order.innerText(), { timeout: 15_000 }).toContain('ERP: did not answer');
    } finally {
      runtime.referenceSystems!.erp!.setFaults({ outageMs: 0 });
    }
  });

  it('shows the interface monitor: each interface with its transactions and open exceptions', async () => {
    const { page } = await signedIn(supplyChain);
    await page.getByRole('link', { name: 'Interface monitor' }).click();
    const monitor = page.getByRole('region', { name: 'Interface monitor' });
    await expect.poll(() => monitor.innerText()).toMatch(/ReportMaterialConsumption\t[^\n]*VALIDATION 1/);
    expect(await monitor.innerText()).not.toContain('P200');
    // Each type's SLA is the plant's triage time (VALIDATION: 240 min): a seconds-old exception is within it.
    expect(await monitor.innerText()).not.toContain('past SLA');
    const { interfaceMonitor } = await gqlOk<{
      interfaceMonitor: { openExceptions: { type: string; triageMinutes: number; pastSla: boolean }[] }[];
    }>(url, '{ interfaceMonitor { openExceptions { type triageMinutes pastSla } } }', {}, bearer(supplyChain));
    expect(interfaceMonitor.flatMap((r) => r.openExceptions)).toContainEqual({
      type: 'VALIDATION',
      triageMinutes: 240,
      pastSla: false,
    });
  });

  it('walks a lot genealogy both ways as trees, from the order page', async () => {
    const { page } = await signedIn(viewer);
    await page.getByLabel('Order plant').fill('P100');
    await page.getByLabel('Order number').fill('PO-W-4');
    await page.getByRole('button', { name: 'Open order' }).click();
    await page.getByRole('region', { name: 'Order PO-W-4' }).getByRole('link', { name: 'L-RM7-OK' }).click();
    const component = page.getByRole('region', { name: 'Lot L-RM7-OK' });
    await expect.poll(() => component.innerText()).toContain('FG-W-4 FG-100, BLOCKED · 40 EA through order PO-W-4');
    await component.getByRole('link', { name: 'FG-W-4' }).click();
    const finished = page.getByRole('region', { name: 'Lot FG-W-4' });
    await expect.poll(() => finished.innerText()).toMatch(/Where it came from\s+L-RM7-OK RM-7, UNRESTRICTED · 40 EA/);
  });

  it('lists what stalls, and the plant reconciliation runs', async () => {
    const { page } = await signedIn(supplyChain);
    await page.getByRole('link', { name: 'Stalled' }).click();
    await page.getByLabel(/Older than/).fill('1');
    const stalled = page.getByRole('region', { name: 'Stalled' });
    await expect.poll(() => stalled.innerText()).toContain('PO-W-2');
    expect(await stalled.innerText()).not.toContain('PO-W-9');

    await gqlOk(url, 'mutation { runReconciliation(plant: "P100", scope: FULL) { id } }', {}, bearer(supplyChain));
    await page.getByRole('link', { name: 'Reconciliation' }).click();
    const reconciliation = page.getByRole('region', { name: 'Reconciliation' });
    await expect.poll(() => reconciliation.innerText(), { timeout: 20_000 }).toMatch(/FULL\s+SUCCEEDED/);
  });
});
