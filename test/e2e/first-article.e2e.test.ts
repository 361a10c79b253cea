import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../app/runtime';
import { inspection, operationEvent } from '../support/event.fixture';
import { gqlOk } from '../support/graphql-client';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { seedReferenceData } from '../support/reference.fixture';
import { writeRulesFile } from '../support/rules-file';
import { waitFor } from '../support/wait';
import { startedOrder, settled, submit, submitAndSettle, TOOK_EFFECT } from '../support/workflow-client';

/** A hold window far shorter than the test, so that an ordinary held event would expire during it. */
const HOLD_WINDOW_MS = 1500;

/**
 * First-article gating as the plant's rules say (the cutting work centre needs one; one piece may be confirmed
 * before it passes), through HTTP, broker, store and the reference QMS.
 */
describe('first-article gating', () => {
  let installation: TestInstallation;
  let runtime: Runtime;
  let url: string;
  const rules = writeRulesFile({
    defaults: { version: 3, holdWindowMs: HOLD_WINDOW_MS, firstArticle: { workCenters: ['WC-CUT'], quantity: 1 } },
  });

  beforeAll(async () => {
    installation = createTestInstallation('first-article', {
      SIMULATORS: 'embedded',
      RULES_FILE: rules.file,
      HOLD_SWEEP_MS: '100',
    });
    runtime = await installation.start('all');
    url = runtime.url!;
    await seedReferenceData(url);
  });
  afterAll(async () => {
    await installation.cleanup();
    rules.remove();
  });

  const confirm = (orderNumber: string, yieldQuantity: number, minute: number) =>
    submit(
      url,
      'reportOperationEvent',
      operationEvent({
        orderNumber,
        eventType: 'CONFIRM',
        yieldQuantity,
        occurredAt: new Date(Date.parse('2026-12-01T08:00:00Z') + minute * 60_000).toISOString(),
      }),
    );
  const firstArticle = (orderNumber: string, pass: boolean, minute = 0) =>
    submitAndSettle(
      url,
      'recordInspectionResult',
      inspection({
        orderNumber,
        inspectionId: `FA-P100-${orderNumber}-10`,
        lot: `${orderNumber}-10-FA`,
        inspectionType: 'FIRST_ARTICLE',
        result: pass ? 'PASS' : 'FAIL',
        disposition: pass ? 'ACCEPT' : 'REWORK',
        decidedAt: new Date(Date.parse('2026-12-01T09:00:00Z') + minute * 60_000).toISOString(),
      }),
      TOOK_EFFECT,
    );

  it('asks QMS at the start, holds confirmations beyond the first piece without expiring, and lets them go when it passes', async () => {
    const orderNumber = 'PO-FA-1';
    await startedOrder(url, { orderNumber });
    const request = await waitFor(
      () =>
        [...runtime.referenceSystems!.qms!.inspections.values()].find(
          (i) => i.orderNumber === orderNumber && i.inspectionType === 'FIRST_ARTICLE',
        ),
      { what: 'QMS asked for the first article' },
    );
    expect(request.inspectionId).toBe(`FA-P100-${orderNumber}-10`);
    // The first piece may be confirmed; more waits for the inspection.
    expect((await settled(url, (await confirm(orderNumber, 1, 1)).correlationId)).status).toMatch(/APPLIED|POSTED/);
    const beyond = await confirm(orderNumber, 9, 2);
    expect((await settled(url, beyond.correlationId, ['HELD'])).status).toBe('HELD');
    // Several hold windows later it still waits: the inspection has no deadline of the hold window's.
    await new Promise((resolve) => setTimeout(resolve, HOLD_WINDOW_MS * 3));
    expect((await settled(url, beyond.correlationId, ['HELD', 'QUARANTINED'])).status).toBe('HELD');
    await firstArticle(orderNumber, true);
    await settled(url, beyond.correlationId, TOOK_EFFECT);
    const order = await gqlOk<{ productionOrder: { operations: { sequence: number; yieldQuantity: number }[] } }>(
      url,
      `{ productionOrder(orderNumber: "${orderNumber}", plant: "P100") { operations { sequence yieldQuantity } } }`,
    );
    expect(order.productionOrder.operations[0]).toEqual({ sequence: 10, yieldQuantity: 10 });
  });

  it('stops the operation with a DEPENDENCY exception for QUALITY when the first article fails', async () => {
    const orderNumber = 'PO-FA-2';
    await startedOrder(url, { orderNumber });
    const failed = await firstArticle(orderNumber, false);
    expect(failed.status).toMatch(/APPLIED|POSTED/);
    const exceptions = await gqlOk<{
      exceptions: { nodes: { rule: string; type: string; owner: string; reason: string }[] };
    }>(url, `{ exceptions(filter: { orderNumber: "${orderNumber}" }) { nodes { rule type owner reason } } }`);
    expect(exceptions.exceptions.nodes).toEqual([
      expect.objectContaining({ rule: 'operation.first-article', type: 'DEPENDENCY', owner: 'QUALITY' }),
    ]);
    const refused = await settled(url, (await confirm(orderNumber, 5, 1)).correlationId);
    expect(refused).toMatchObject({
      status: 'QUARANTINED',
      exception: { type: 'DEPENDENCY', rule: 'operation.first-article' },
    });
    expect(refused.exception!.reason).toContain('failed');
    // Reworked, and a new first article passes: the refused confirmation is sent again and the floor goes on.
    await firstArticle(orderNumber, true, 30);
    await gqlOk(
      url,
      'mutation R($id: ID!) { replayException(id: $id, input: { note: "first article passed" }) { id } }',
      {
        id: refused.exception!.id,
      },
    );
    await waitFor(
      async () =>
        (
          await gqlOk<{ productionOrder: { operations: { yieldQuantity: number }[] } }>(
            url,
            `{ productionOrder(orderNumber: "${orderNumber}", plant: "P100") { operations { yieldQuantity } } }`,
          )
        ).productionOrder.operations[0]!.yieldQuantity === 5,
      { what: 'the replayed confirmation applied' },
    );
    expect((await settled(url, (await confirm(orderNumber, 5, 40)).correlationId)).status).toMatch(/APPLIED|POSTED/);
  });
});
