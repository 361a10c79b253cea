import type { GenealogyLink } from '../../core/genealogy/genealogy';
import type { LotRecord } from '../../core/reference/reference.types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completion, consumption, inspection } from '../support/event.fixture';
import { gql, gqlOk, LOT } from '../support/graphql-client';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { releaseInput } from '../support/order.fixture';
import { seedReferenceData } from '../support/reference.fixture';
import { waitFor } from '../support/wait';
import { acknowledgeInput } from '../support/order.fixture';
import { operationStep, submitAndSettle, TOOK_EFFECT } from '../support/workflow-client';

const LINKS = 'links { depth fromLot toLot orderNumber quantity uom lot { item status } } truncated';

interface Links {
  links: (Omit<GenealogyLink, 'lot'> & { lot: Pick<LotRecord, 'item' | 'status'> })[];
  truncated: boolean;
}

const edges = (genealogy: Links) =>
  genealogy.links.map((l) => [l.depth, l.fromLot, l.toLot, l.orderNumber, l.quantity]);

/**
 * Lot genealogy at depth, by lot and by serial number, through HTTP, broker, store and the reference ERP and QMS:
 * raw material RM-8 → sub-assembly SUB-1 → assembly ASM-1 → serialised finished good FG-S, each made by its own
 * order and released by quality before the next level consumes it.
 */
describe('genealogy', () => {
  let installation: TestInstallation;
  let url: string;

  beforeAll(async () => {
    installation = createTestInstallation('genealogy', { SIMULATORS: 'embedded' });
    url = (await installation.start('all')).url!;
    await seedReferenceData(url);
    const item = (number: string, serialized = false) => ({
      number,
      revision: 'A',
      baseUom: 'EA',
      lotControlled: true,
      serialized,
      uomConversions: [],
    });
    await seedReferenceData(url, {
      plants: [],
      workCenters: [],
      items: [item('SUB-1'), item('ASM-1'), item('FG-S', true)],
      lots: [],
    });
    await makeLot('PO-G-1', 'SUB-1', { item: 'RM-8', lot: 'L-RM8-OK', quantity: 40, uom: 'KG' }, 'SUB-LOT', 4);
    await makeLot('PO-G-2', 'ASM-1', { item: 'SUB-1', lot: 'SUB-LOT', quantity: 4, uom: 'EA' }, 'ASM-LOT', 2);
    await makeLot('PO-G-3', 'FG-S', { item: 'ASM-1', lot: 'ASM-LOT', quantity: 2, uom: 'EA' }, 'FG-LOT', 2, [
      'SN-001',
      'SN-002',
    ]);
  });
  afterAll(() => installation.cleanup());

  /** One order of one operation: release, acknowledge, run, consume, complete, and quality passes the lot. */
  async function makeLot(
    orderNumber: string,
    item: string,
    component: { item: string; lot: string; quantity: number; uom: string },
    lot: string,
    quantity: number,
    serialNumbers?: string[],
  ) {
    const release = releaseInput({
      orderNumber,
      item,
      quantity,
      operations: [{ sequence: 10, workCenter: 'WC-CUT', description: 'Make' }],
      components: [{ item: component.item, quantity: component.quantity, uom: component.uom, operationSequence: 10 }],
    });
    await submitAndSettle(url, 'releaseProductionOrder', release, TOOK_EFFECT);
    await submitAndSettle(url, 'acknowledgeProductionOrder', acknowledgeInput(release), TOOK_EFFECT);
    await operationStep(url, orderNumber, 10, 'START');
    await submitAndSettle(
      url,
      'reportMaterialConsumption',
      consumption({
        orderNumber,
        item: component.item,
        lot: component.lot,
        quantity: component.quantity,
        uom: component.uom,
      }),
      TOOK_EFFECT,
    );
    await operationStep(url, orderNumber, 10, 'COMPLETE', quantity, '2026-12-01T09:00:00.000Z');
    await submitAndSettle(
      url,
      'reportProductionCompletion',
      completion({ orderNumber, lot, quantity, serialNumbers }),
      TOOK_EFFECT,
    );
    await submitAndSettle(url, 'recordInspectionResult', inspection({ orderNumber, lot }), TOOK_EFFECT);
    await waitFor(
      async () =>
        (await gqlOk<{ lot: { status: string } }>(url, LOT, { lotNumber: lot, plant: 'P100' })).lot.status ===
        'UNRESTRICTED',
      {
        what: `${lot} released by quality`,
      },
    );
  }

  it('answers where a raw-material lot went, through three levels, with quantities', async () => {
    const { lot } = await gqlOk<{ lot: { whereUsed: Links } }>(
      url,
      `{ lot(lotNumber: "L-RM8-OK", plant: "P100") { whereUsed { ${LINKS} } } }`,
    );
    expect(edges(lot.whereUsed)).toEqual([
      [1, 'L-RM8-OK', 'SUB-LOT', 'PO-G-1', 40],
      [2, 'SUB-LOT', 'ASM-LOT', 'PO-G-2', 4],
      [3, 'ASM-LOT', 'FG-LOT', 'PO-G-3', 2],
    ]);
    expect(lot.whereUsed.links.map((l) => l.lot.item)).toEqual(['SUB-1', 'ASM-1', 'FG-S']);
    expect(lot.whereUsed.truncated).toBe(false);
    // Depth is the caller's to limit.
    const shallow = await gqlOk<{ lot: { whereUsed: Links } }>(
      url,
      `{ lot(lotNumber: "L-RM8-OK", plant: "P100") { whereUsed(maxDepth: 1) { ${LINKS} } } }`,
    );
    expect(edges(shallow.lot.whereUsed)).toHaveLength(1);
  });

  it('answers where a finished lot came from, down to raw material, and the same for a serial number', async () => {
    const expected = [
      [1, 'ASM-LOT', 'FG-LOT', 'PO-G-3', 2],
      [2, 'SUB-LOT', 'ASM-LOT', 'PO-G-2', 4],
      [3, 'L-RM8-OK', 'SUB-LOT', 'PO-G-1', 40],
    ];
    const { lot } = await gqlOk<{ lot: { serialNumbers: string[]; whereFrom: Links } }>(
      url,
      `{ lot(lotNumber: "FG-LOT", plant: "P100") { serialNumbers whereFrom { ${LINKS} } } }`,
    );
    expect(edges(lot.whereFrom)).toEqual(expected);
    expect(lot.whereFrom.links.at(-1)!.uom).toBe('KG');
    expect(lot.serialNumbers).toEqual(['SN-001', 'SN-002']);
    const { serial } = await gqlOk<{ serial: { item: string; lot: { lotNumber: string; whereFrom: Links } } }>(
      url,
      `{ serial(serialNumber: "SN-002", plant: "P100") { item lot { lotNumber whereFrom { ${LINKS} } } } }`,
    );
    expect(serial.item).toBe('FG-S');
    expect(serial.lot.lotNumber).toBe('FG-LOT');
    expect(edges(serial.lot.whereFrom)).toEqual(expected);
    expect(
      (await gqlOk<{ serial: null }>(url, '{ serial(serialNumber: "SN-999", plant: "P100") { item } }')).serial,
    ).toBeNull();
  });

  it('refuses a serial number the plant already produced for the item, on another order', async () => {
    const release = releaseInput({
      orderNumber: 'PO-G-4',
      item: 'FG-S',
      quantity: 1,
      operations: [{ sequence: 10, workCenter: 'WC-CUT', description: 'Make' }],
      components: [],
    });
    await submitAndSettle(url, 'releaseProductionOrder', release, TOOK_EFFECT);
    await submitAndSettle(url, 'acknowledgeProductionOrder', acknowledgeInput(release), TOOK_EFFECT);
    await operationStep(url, 'PO-G-4', 10, 'START');
    await operationStep(url, 'PO-G-4', 10, 'COMPLETE', 1, '2026-12-01T09:00:00.000Z');
    const reused = await submitAndSettle(
      url,
      'reportProductionCompletion',
      completion({ orderNumber: 'PO-G-4', lot: 'FG-LOT-4', quantity: 1, serialNumbers: ['SN-001'] }),
    );
    expect(reused).toMatchObject({
      status: 'QUARANTINED',
      exception: { type: 'VALIDATION', rule: 'completion.serials' },
    });
    expect(reused.exception!.reason).toContain('SN-001 are already used');
  });

  it('answers a recall in one query: the finished lots that contain a component lot, and where they are now', async () => {
    const { recall } = await gqlOk<{
      recall: {
        affected: unknown[];
        finishedLots: {
          toLot: string;
          depth: number;
          lot: { status: string; quantity: number; producedBy: { orderNumber: string } };
        }[];
      };
    }>(
      url,
      '{ recall(lotNumber: "SUB-LOT", plant: "P100") { affected { toLot } finishedLots { toLot depth lot { status quantity producedBy { orderNumber } } } } }',
    );
    expect(recall.affected).toHaveLength(2);
    expect(recall.finishedLots).toEqual([
      {
        toLot: 'FG-LOT',
        depth: 2,
        lot: { status: 'UNRESTRICTED', quantity: 2, producedBy: { orderNumber: 'PO-G-3' } },
      },
    ]);
    const tooDeep = await gql(url, '{ recall(lotNumber: "SUB-LOT", plant: "P100", maxDepth: 50) { truncated } }');
    expect(tooDeep.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
