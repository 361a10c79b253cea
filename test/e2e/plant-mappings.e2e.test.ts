import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../app/runtime';
import { startMesSimulator, type MesSimulator } from '../../simulators/mes.simulator';
import { completion, consumption, inspection, operationEvent } from '../support/event.fixture';
import { gqlOk } from '../support/graphql-client';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { acknowledgeInput, releaseInput } from '../support/order.fixture';
import { referenceData, seedReferenceData } from '../support/reference.fixture';
import { writeRulesFile } from '../support/rules-file';
import { waitFor } from '../support/wait';
import { submitAndSettle, TOOK_EFFECT } from '../support/workflow-client';

/** Plant P2's own codes, plant code → canonical code: its MES names items, units, work centres and lots its own way. */
const P2_MAPPINGS = {
  items: { 'X-FG100': 'FG-100', 'X-RM7': 'RM-7' },
  uoms: { ST: 'EA' },
  workCenters: { SAEGE: 'WC-CUT', MONTAGE: 'WC-ASSY' },
  lotPrefix: { plant: 'B2-', canonical: 'L-' },
};

/**
 * A second plant onboarded purely by configuration, through HTTP, broker, store and the reference systems: P2 has
 * its own MES endpoint (PLANT_MES_URLS) and its own code set (its rule set's mappings); P100 keeps the shared MES and
 * the canonical codes.
 */
describe('a plant with its own MES and its own codes', () => {
  let installation: TestInstallation;
  let runtime: Runtime;
  let url: string;
  let p2Mes: MesSimulator;
  const rules = writeRulesFile({ plants: { P2: { version: 5, mappings: P2_MAPPINGS } } });

  beforeAll(async () => {
    p2Mes = await startMesSimulator({ host: '127.0.0.1' });
    installation = createTestInstallation('plant-mappings', {
      SIMULATORS: 'embedded',
      RULES_FILE: rules.file,
      PLANT_MES_URLS: `P2=${p2Mes.url}`,
    });
    runtime = await installation.start('all');
    url = runtime.url!;
    await seedReferenceData(url, referenceData(['P100', 'P2']));
  });
  afterAll(async () => {
    await installation.cleanup();
    await p2Mes.close();
    rules.remove();
  });

  const p2 = { plant: 'P2' };
  const stateOf = async (orderNumber: string) =>
    (
      await gqlOk<{ productionOrder: { state: string } }>(
        url,
        `{ productionOrder(orderNumber: "${orderNumber}", plant: "P2") { state } }`,
      )
    ).productionOrder.state;

  it('runs the whole happy path: P2 MES gets its codes, Plantgate and ERP keep the canonical ones', async () => {
    const release = releaseInput({ ...p2, orderNumber: 'PO-P2-1' });
    await submitAndSettle(url, 'releaseProductionOrder', release, TOOK_EFFECT);
    // The release went to P2's own MES, in P2's codes; the shared MES never saw it.
    const onTheFloor = await waitFor(() => p2Mes.orders.get('P2|PO-P2-1'), { what: "P2's MES receiving the order" });
    expect(onTheFloor.operations.map((op) => op.workCenter)).toEqual(['SAEGE', 'MONTAGE']);
    expect(onTheFloor.components).toEqual([{ item: 'X-RM7', quantity: 100, uom: 'ST', operationSequence: 10 }]);
    expect(runtime.referenceSystems!.mes!.orders.has('P2|PO-P2-1')).toBe(false);

    // P2's MES and QMS report in P2's codes.
    const ref = { ...p2, orderNumber: 'PO-P2-1' };
    await submitAndSettle(url, 'acknowledgeProductionOrder', acknowledgeInput(release), TOOK_EFFECT);
    const event = (sequence: number, workCenter: string, eventType: 'START' | 'COMPLETE', minute: number) =>
      submitAndSettle(
        url,
        'reportOperationEvent',
        operationEvent({
          ...ref,
          operationSequence: sequence,
          workCenter,
          eventType,
          yieldQuantity: eventType === 'COMPLETE' ? 50 : 0,
          occurredAt: `2026-12-01T08:0${minute}:00.000Z`,
        }),
        TOOK_EFFECT,
      );
    await event(10, 'SAEGE', 'START', 0);
    const issued = await submitAndSettle(
      url,
      'reportMaterialConsumption',
      consumption({ ...ref, item: 'X-RM7', lot: 'B2-RM7-OK', uom: 'ST' }),
      TOOK_EFFECT,
    );
    expect(issued.status).toMatch(/APPLIED|POSTED/);
    await event(10, 'SAEGE', 'COMPLETE', 1);
    await event(20, 'MONTAGE', 'START', 2);
    await event(20, 'MONTAGE', 'COMPLETE', 3);
    await submitAndSettle(
      url,
      'reportProductionCompletion',
      completion({ ...ref, lot: 'B2-FG-P2-1', uom: 'ST' }),
      TOOK_EFFECT,
    );
    // Plantgate asked QMS in P2's codes, under the canonical lot's inspection ID.
    const asked = await waitFor(
      () => [...runtime.referenceSystems!.qms!.inspections.values()].find((i) => i.orderNumber === 'PO-P2-1'),
      { what: 'QMS asked for the final inspection' },
    );
    expect([asked.inspectionId, asked.lot]).toEqual(['FINAL-L-FG-P2-1', 'B2-FG-P2-1']);
    await submitAndSettle(
      url,
      'recordInspectionResult',
      inspection({ ...ref, lot: 'B2-FG-P2-1', inspectionId: asked.inspectionId }),
      TOOK_EFFECT,
    );
    await waitFor(async () => (await stateOf('PO-P2-1')) === 'FINANCIALLY_POSTED', { what: 'PO-P2-1 settled' });

    // ERP and the genealogy speak canonical codes.
    const journal = runtime.referenceSystems!.erp!.journal.filter((j) => j.orderNumber === 'PO-P2-1');
    expect(journal.find((j) => j.postingType === 'GoodsIssue')!.payload).toMatchObject({
      item: 'RM-7',
      lot: 'L-RM7-OK',
      uom: 'EA',
    });
    expect(journal.find((j) => j.postingType === 'GoodsReceipt')!.payload).toMatchObject({
      lot: 'L-FG-P2-1',
      item: 'FG-100',
    });
    const lot = await gqlOk<{ lot: { item: string; whereFrom: { links: { fromLot: string }[] } } }>(
      url,
      '{ lot(lotNumber: "L-FG-P2-1", plant: "P2") { item whereFrom { links { fromLot } } } }',
    );
    expect(lot.lot).toEqual({ item: 'FG-100', whereFrom: { links: [{ fromLot: 'L-RM7-OK' }] } });
  });

  it('refuses a code the plant has no mapping for, naming the code and the table; other plants keep canonical codes', async () => {
    const release = releaseInput({ ...p2, orderNumber: 'PO-P2-2' });
    await submitAndSettle(url, 'releaseProductionOrder', release, TOOK_EFFECT);
    await submitAndSettle(url, 'acknowledgeProductionOrder', acknowledgeInput(release), TOOK_EFFECT);
    const ref = { ...p2, orderNumber: 'PO-P2-2' };
    const refused = await submitAndSettle(
      url,
      'reportOperationEvent',
      operationEvent({ ...ref, workCenter: 'FRAESE' }),
    );
    expect(refused).toMatchObject({
      status: 'QUARANTINED',
      exception: { type: 'VALIDATION', rule: 'mapping.workCenters', ruleSetVersion: 5 },
    });
    expect(refused.exception!.reason).toContain(
      "Work centre FRAESE (a plant's code) has no entry in plant P2's workCenters mapping",
    );
    // P100 has no mapping tables: its codes are the canonical ones, and it still uses the shared MES.
    const p100 = releaseInput({ orderNumber: 'PO-P100-M' });
    await submitAndSettle(url, 'releaseProductionOrder', p100, TOOK_EFFECT);
    await waitFor(() => runtime.referenceSystems!.mes!.orders.get('P100|PO-P100-M'), {
      what: 'the shared MES receiving the P100 order',
    });
    expect(p2Mes.orders.has('P100|PO-P100-M')).toBe(false);
  });
});
