import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../app/runtime';
import { gql } from '../support/graphql-client';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { acknowledgedOrder } from '../support/workflow-client';
import { seedReferenceData } from '../support/reference.fixture';
import { waitFor } from '../support/wait';

describe('live reads, each system within its own budget', () => {
  let installation: TestInstallation;
  let runtime: Runtime;

  beforeAll(async () => {
    installation = createTestInstallation('read-timeouts', {
      SIMULATORS: 'embedded',
      READ_TIMEOUT_MS: '5000',
      QMS_READ_TIMEOUT_MS: '300',
    });
    runtime = await installation.start('all');
    await seedReferenceData(runtime.url!);
    await acknowledgedOrder(runtime.url!, { orderNumber: 'PO-RT-1' });
    const mes = runtime.referenceSystems!.mes!;
    await waitFor(() => mes.orders.has('P100|PO-RT-1'), { what: 'MES to have the released order' });
  });
  afterAll(() => installation.cleanup());

  it("gives up on a slow QMS at QMS's budget while a slower-than-that MES still answers within its own", async () => {
    const { mes, qms } = runtime.referenceSystems!;
    mes!.setFaults({ latencyMs: 800 });
    qms!.setFaults({ latencyMs: 2000 });
    const result = await gql<{ productionOrder: { mes: { acknowledged: boolean } | null; quality: unknown } }>(
      runtime.url!,
      `{ productionOrder(orderNumber: "PO-RT-1", plant: "P100") { mes { acknowledged } quality { inspections { inspectionId } } } }`,
    );
    // MES took longer than QMS's budget and is there: the budgets are per system, not one for the request.
    expect(result.data!.productionOrder.mes).toEqual({ acknowledged: false });
    expect(result.data!.productionOrder.quality).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]).toMatchObject({
      path: ['productionOrder', 'quality'],
      extensions: { source: 'qms' },
    });
  });
});
