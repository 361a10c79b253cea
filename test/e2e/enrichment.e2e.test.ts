import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../app/runtime';
import { operationEvent } from '../support/event.fixture';
import { gqlOk } from '../support/graphql-client';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { referenceData, seedReferenceData } from '../support/reference.fixture';
import { writeRulesFile } from '../support/rules-file';
import { waitFor } from '../support/wait';
import { startedOrder, submitAndSettle } from '../support/workflow-client';

/**
 * ERP postings enriched from reference data, through HTTP, broker, store and the reference ERP: P100 is set up with
 * the minimum and does not require enrichment; P200 requires it.
 */
describe('enrichment of ERP postings', () => {
  let installation: TestInstallation;
  let runtime: Runtime;
  let url: string;
  const rules = writeRulesFile({ plants: { P200: { version: 4, requireEnrichment: true } } });

  beforeAll(async () => {
    installation = createTestInstallation('enrichment', { SIMULATORS: 'embedded', RULES_FILE: rules.file });
    runtime = await installation.start('all');
    url = runtime.url!;
    await seedReferenceData(url, referenceData(['P100', 'P200']));
  });
  afterAll(async () => {
    await installation.cleanup();
    rules.remove();
  });

  const confirmationsOf = (plant: string, orderNumber: string) =>
    runtime.referenceSystems!.erp!.journal.filter(
      (j) => j.postingType === 'OperationConfirmation' && j.plant === plant && j.orderNumber === orderNumber,
    );
  const confirm = (plant: string, orderNumber: string) =>
    submitAndSettle(
      url,
      'reportOperationEvent',
      operationEvent({
        plant,
        orderNumber,
        eventType: 'CONFIRM',
        yieldQuantity: 5,
        occurredAt: '2026-12-01T08:30:00Z',
      }),
    );

  it('posts without enrichment where the plant does not require it, and with what is known', async () => {
    await startedOrder(url, { plant: 'P100', orderNumber: 'PO-E-1' });
    expect((await confirm('P100', 'PO-E-1')).status).toMatch(/APPLIED|POSTED/);
    const [posting] = await waitFor(
      () => (confirmationsOf('P100', 'PO-E-1').length ? confirmationsOf('P100', 'PO-E-1') : undefined),
      {
        what: 'the confirmation in ERP',
      },
    );
    expect(posting!.payload).toMatchObject({ erpPlant: null, costObject: null, activityType: null });
  });

  it('holds back a posting it cannot enrich where the plant requires it, and sends it filled once the data arrives', async () => {
    await startedOrder(url, { plant: 'P200', orderNumber: 'PO-E-2' });
    const refused = await confirm('P200', 'PO-E-2');
    expect(refused).toMatchObject({
      status: 'QUARANTINED',
      exception: { type: 'VALIDATION', rule: 'reference.enrichment', ruleSetVersion: 4 },
    });
    expect(refused.exception!.reason).toContain('plant P200 has no erpPlant');
    expect(refused.exception!.reason).toContain('work centre WC-CUT has no activityType');
    expect(confirmationsOf('P200', 'PO-E-2')).toEqual([]);

    await seedReferenceData(url, {
      plants: [{ code: 'P200', name: 'Plant P200', erpPlant: '2000', settlementReceiver: 'MAT-FG-100' }],
      workCenters: [
        { plant: 'P200', code: 'WC-CUT', costCenter: 'CC-4711', activityType: 'LAB-CUT' },
        { plant: 'P200', code: 'WC-ASSY', costCenter: 'CC-4712', activityType: 'LAB-ASSY' },
      ],
      items: [],
      lots: [],
    });
    // Replayed by itself once the data arrived: applied, and ERP gets the posting filled in.
    const [posting] = await waitFor(
      () => (confirmationsOf('P200', 'PO-E-2').length ? confirmationsOf('P200', 'PO-E-2') : undefined),
      {
        what: 'the enriched confirmation in ERP',
      },
    );
    expect(posting!.payload).toMatchObject({
      erpPlant: '2000',
      costObject: { kind: 'COST_CENTER', id: 'CC-4711' },
      activityType: 'LAB-CUT',
    });
    const worked = await gqlOk<{ exception: { status: string; actions: { actor: string }[] } }>(
      url,
      'query E($id: ID!) { exception(id: $id) { status actions { actor } } }',
      { id: refused.exception!.id },
    );
    expect(worked.exception.status).toBe('REPLAYED');
    expect(worked.exception.actions.map((a) => a.actor)).toContain('system:auto-replay');
  });
});
