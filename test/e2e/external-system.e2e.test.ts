import { afterAll, describe, expect, it } from 'vitest';
import { startErpSimulator, type ErpSimulator } from '../../simulators/erp.simulator';
import { operationEvent } from '../support/event.fixture';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { seedReferenceData } from '../support/reference.fixture';
import { waitFor } from '../support/wait';
import { acknowledgedOrder, submitAndSettle } from '../support/workflow-client';

describe('one system pointed elsewhere by configuration', () => {
  let erp: ErpSimulator;
  let installation: TestInstallation;
  afterAll(async () => {
    await installation?.cleanup();
    await erp?.close();
  });

  it('posts to an ERP given by ERP_URL with its OAuth2 client, while MES and QMS stay embedded', async () => {
    erp = await startErpSimulator({ clientId: 'plant-7', clientSecret: 'not-the-default' });
    installation = createTestInstallation('external', {
      SIMULATORS: 'embedded',
      ERP_URL: erp.url,
      ERP_CLIENT_ID: 'plant-7',
      ERP_CLIENT_SECRET: 'not-the-default',
    });
    const runtime = await installation.start('all');
    expect(runtime.endpoints.erp?.url).toBe(erp.url);
    expect(runtime.referenceSystems?.erp).toBeNull();
    expect(runtime.referenceSystems?.mes).not.toBeNull();
    await seedReferenceData(runtime.url!);
    await acknowledgedOrder(runtime.url!, { orderNumber: 'PO-EXT' });
    await submitAndSettle(runtime.url!, 'reportOperationEvent', operationEvent({ orderNumber: 'PO-EXT' }));
    await submitAndSettle(
      runtime.url!,
      'reportOperationEvent',
      operationEvent({ orderNumber: 'PO-EXT', eventType: 'CONFIRM', yieldQuantity: 7 }),
    );
    await waitFor(
      () => erp.journal.some((j) => j.orderNumber === 'PO-EXT' && j.postingType === 'OperationConfirmation'),
      { what: 'the posting in the external ERP' },
    );
    expect(erp.tokens.issued).toBeGreaterThanOrEqual(1);
    expect(erp.lots.has('P100|L-RM7-OK')).toBe(true);
  });
});
