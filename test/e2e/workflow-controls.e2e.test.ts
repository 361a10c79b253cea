import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../app/runtime';
import type { Store } from '../../core/ports/store.port';
import { completion, consumption, inspection, nonconformance, operationEvent } from '../support/event.fixture';
import { gql, gqlOk, LOT, ORDER } from '../support/graphql-client';
import { submitMutationDocument } from '../../resolvers/submit-mutation';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { acknowledgeInput, releaseInput } from '../support/order.fixture';
import { referenceData, seedReferenceData } from '../support/reference.fixture';
import {
  acknowledgedOrder,
  completedOrder,
  executedOrder,
  settled,
  submit,
  submitAndSettle,
  type TransactionView,
} from '../support/workflow-client';

type OrderView = {
  state: string;
  version: number;
  operations: { sequence: number; state: string; yieldQuantity: number }[];
  goodsReceipts: { stockStatus: string; status: string }[];
  postings: { postingType: string }[];
  exceptions: { type: string; rule: string }[];
  timeline: { state: string }[];
  materialConsumptions: unknown[];
};

describe('workflow controls, each refusing what it must, through the real path', () => {
  let installation: TestInstallation;
  let runtime: Runtime;
  let store: Store;
  let url: string;
  let rulesDir: string;
  const order = async (orderNumber: string, plant = 'P100') =>
    (await gqlOk<{ productionOrder: OrderView }>(url, ORDER, { orderNumber, plant })).productionOrder;
  /** Nothing downstream: the refused message wrote no outbox entry at all. */
  const postedNothing = async (t: TransactionView) =>
    expect(await store.listOutbox({ correlationId: t.correlationId })).toEqual([]);

  beforeAll(async () => {
    rulesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'plantgate-rules-'));
    const rulesFile = path.join(rulesDir, 'rules.json');
    // Plant PS waits only a second for a missing predecessor, so that an expiry can be watched.
    fs.writeFileSync(rulesFile, JSON.stringify({ plants: { PS: { version: 7, holdWindowMs: 1000 } } }));
    installation = createTestInstallation('controls', { RULES_FILE: rulesFile, HOLD_SWEEP_MS: '100' });
    runtime = await installation.start('all');
    store = runtime.store;
    url = runtime.url!;
    await seedReferenceData(url, referenceData(['P100', 'PS']));
  });
  afterAll(async () => {
    await installation.cleanup();
    fs.rmSync(rulesDir, { recursive: true, force: true });
  });

  it('answers a resend with a new messageId as DUPLICATE with the original correlationId, and changes nothing', async () => {
    const release = await acknowledgedOrder(url, { orderNumber: 'PO-DUP' });
    const start = operationEvent({ orderNumber: release.orderNumber, messageId: 'mes-1' });
    const first = await submit(url, 'reportOperationEvent', start);
    const resend = await submit(url, 'reportOperationEvent', {
      ...start,
      messageId: 'mes-2',
      occurredAt: '2026-12-01T07:00:00.400Z',
    });
    expect(resend).toEqual({ correlationId: first.correlationId, status: 'DUPLICATE' });
    await settled(url, first.correlationId);
    const o = await order('PO-DUP');
    expect(o.timeline.map((t) => t.state)).toEqual(['RELEASED', 'ACKNOWLEDGED', 'IN_PROCESS']);
    expect(o.version).toBe(3);
  });

  it('refuses the same business key with another quantity as DUPLICATE_CONFLICT at once and posts it nowhere', async () => {
    const release = await acknowledgedOrder(url, { orderNumber: 'PO-CONFLICT' });
    const ref = { orderNumber: release.orderNumber };
    await submitAndSettle(url, 'reportOperationEvent', operationEvent({ ...ref, eventType: 'START' }));
    const confirm = operationEvent({
      ...ref,
      eventType: 'CONFIRM',
      yieldQuantity: 10,
      occurredAt: '2026-12-01T07:30:00Z',
    });
    const applied = await submitAndSettle(url, 'reportOperationEvent', confirm);
    expect(applied.status).toBe('APPLIED');
    const refusal = await gql(url, submitMutationDocument('reportOperationEvent'), {
      input: { ...confirm, yieldQuantity: 12, messageId: 'mes-other' },
    });
    expect(refusal.errors?.[0]?.extensions).toMatchObject({
      code: 'DUPLICATE_CONFLICT',
      originalCorrelationId: applied.correlationId,
    });
    const conflicting = await settled(url, String(refusal.errors![0]!.extensions!.correlationId));
    expect(conflicting).toMatchObject({
      status: 'QUARANTINED',
      attempts: 0,
      exception: { type: 'DUPLICATE_CONFLICT', rule: 'idempotency.business-key' },
    });
    await postedNothing(conflicting);
    const o = await order('PO-CONFLICT');
    expect(o.operations[0]!.yieldQuantity).toBe(10);
    expect(o.postings.filter((p) => p.postingType === 'OperationConfirmation')).toHaveLength(1);
    expect(o.exceptions).toEqual([expect.objectContaining({ type: 'DUPLICATE_CONFLICT' })]);
  });

  it('holds events that arrive before their predecessor and applies them in order when it comes', async () => {
    const release = releaseInput({ orderNumber: 'PO-OOO' });
    const ref = { orderNumber: release.orderNumber };
    // MES acknowledges and confirms before ERP's release and before the operation's start arrived.
    const ack = await submit(url, 'acknowledgeProductionOrder', acknowledgeInput(release));
    expect((await settled(url, ack.correlationId, ['HELD'])).status).toBe('HELD');
    const confirm = await submit(
      url,
      'reportOperationEvent',
      operationEvent({ ...ref, eventType: 'CONFIRM', yieldQuantity: 5, occurredAt: '2026-12-01T07:20:00Z' }),
    );
    expect((await settled(url, confirm.correlationId, ['HELD'])).status).toBe('HELD');
    await submitAndSettle(url, 'releaseProductionOrder', release);
    expect((await settled(url, ack.correlationId)).status).toBe('APPLIED');
    expect(await transactionStatus(confirm.correlationId)).toBe('HELD');
    await submitAndSettle(url, 'reportOperationEvent', operationEvent({ ...ref, eventType: 'START' }));
    expect((await settled(url, confirm.correlationId)).status).toBe('APPLIED');
    const o = await order('PO-OOO');
    expect(o.timeline.map((t) => t.state)).toEqual(['RELEASED', 'ACKNOWLEDGED', 'IN_PROCESS', 'PARTIALLY_CONFIRMED']);
    expect(o.operations[0]).toMatchObject({ state: 'CONFIRMED', yieldQuantity: 5 });
  });
  const transactionStatus = async (correlationId: string) => (await store.getTransaction(correlationId))?.status;

  it.each<[string, Partial<ReturnType<typeof consumption>>, string, string]>([
    ['an expired lot', { lot: 'L-RM7-EXPIRED' }, 'consumption.lot-expiry', 'expired at 2026-06-30'],
    ['a BLOCKED lot', { lot: 'L-RM7-BLOCKED' }, 'consumption.lot-status', 'BLOCKED'],
    [
      'an unreserved component',
      { item: 'RM-8', lot: 'L-RM8-OK', uom: 'KG' },
      'consumption.reserved-component',
      'not a component reserved',
    ],
    ['a UoM without conversion', { uom: 'PAL' }, 'reference.uom-conversion', 'PAL has no conversion'],
  ])(
    'refuses the consumption of %s as VALIDATION, posts no goods issue and leaves the lot as it was',
    async (label, overrides, rule, text) => {
      const orderNumber = `PO-LOT-${rule}`;
      await acknowledgedOrder(url, { orderNumber });
      const lotBefore = (await store.getLot('P100', overrides.lot ?? 'L-RM7-OK'))!;
      const refused = await submitAndSettle(
        url,
        'reportMaterialConsumption',
        consumption({ orderNumber, ...overrides }),
      );
      expect(refused, label).toMatchObject({
        status: 'QUARANTINED',
        exception: { type: 'VALIDATION', rule, ruleSetVersion: 1 },
      });
      expect(refused.exception!.reason).toContain(text);
      await postedNothing(refused);
      expect((await store.getLot('P100', lotBefore.lotNumber))?.quantity).toBe(lotBefore.quantity);
      expect((await order(orderNumber)).materialConsumptions).toEqual([]);
      const [exception] = (await store.listExceptions({ orderNumber, plant: 'P100' }, { first: 5 })).items;
      expect(exception).toMatchObject({
        correlationId: refused.correlationId,
        messageType: 'ReportMaterialConsumption',
        payload: expect.objectContaining({ lot: overrides.lot ?? 'L-RM7-OK' }),
      });
    },
  );

  it('refuses an acknowledgement with another routing revision as REVISION_MISMATCH; the order stays RELEASED', async () => {
    const release = releaseInput({ orderNumber: 'PO-REV' });
    await submitAndSettle(url, 'releaseProductionOrder', release);
    const refused = await submitAndSettle(
      url,
      'acknowledgeProductionOrder',
      acknowledgeInput(release, { routingRevision: 'R2' }),
    );
    expect(refused).toMatchObject({ status: 'QUARANTINED', exception: { type: 'REVISION_MISMATCH' } });
    expect(refused.exception!.reason).toContain('routingRevision R2 (released: R3)');
    expect((await order('PO-REV')).state).toBe('RELEASED');
    // And the floor cannot execute it: a start waits for an acknowledgement that matches.
    const start = await submitAndSettle(url, 'reportOperationEvent', operationEvent({ orderNumber: 'PO-REV' }), [
      'HELD',
    ]);
    expect(start.status).toBe('HELD');
  });

  it('holds a completion reported before the last operation completed, then makes it a SEQUENCE exception when the window ends', async () => {
    const release = await acknowledgedOrder(url, { orderNumber: 'PO-EARLY', plant: 'PS' });
    const ref = { orderNumber: release.orderNumber, plant: 'PS' };
    await submitAndSettle(url, 'reportOperationEvent', operationEvent({ ...ref, eventType: 'START' }));
    const early = await submit(url, 'reportProductionCompletion', completion({ ...ref, lot: 'FG-EARLY' }));
    expect((await settled(url, early.correlationId, ['HELD'])).status).toBe('HELD');
    const expired = await settled(url, early.correlationId, ['QUARANTINED']);
    expect(expired.exception).toMatchObject({ type: 'SEQUENCE', rule: 'completion.last-operation', ruleSetVersion: 7 });
    expect(expired.exception!.reason).toContain('waits for the last operation 20');
    await postedNothing(expired);
    expect((await order('PO-EARLY', 'PS')).state).toBe('IN_PROCESS');
    expect(await store.getLot('PS', 'FG-EARLY')).toBeNull();
  });

  it('puts the order in QUALITY_HOLD on a failed final inspection and receives nothing', async () => {
    await completedOrder(url, 'FG-FAIL', { orderNumber: 'PO-FAIL' });
    const failed = await submitAndSettle(
      url,
      'recordInspectionResult',
      inspection({ orderNumber: 'PO-FAIL', lot: 'FG-FAIL', result: 'FAIL', disposition: 'REJECT' }),
    );
    expect(failed.status).toBe('APPLIED');
    await postedNothing(failed);
    const o = await order('PO-FAIL');
    expect(o.state).toBe('QUALITY_HOLD');
    expect(o.goodsReceipts).toEqual([]);
    expect(
      (await gqlOk<{ lot: { status: string } }>(url, LOT, { lotNumber: 'FG-FAIL', plant: 'P100' })).lot.status,
    ).toBe('BLOCKED');
  });

  it('receives a conditionally released lot as RESTRICTED stock', async () => {
    await completedOrder(url, 'FG-COND', { orderNumber: 'PO-COND' });
    const decided = await submitAndSettle(
      url,
      'recordInspectionResult',
      inspection({ orderNumber: 'PO-COND', lot: 'FG-COND', disposition: 'CONDITIONAL_RELEASE' }),
    );
    const [request] = await store.listOutbox({ correlationId: decided.correlationId });
    expect(request).toMatchObject({
      destination: 'erp',
      messageType: 'GoodsReceipt',
      payload: expect.objectContaining({ stockStatus: 'RESTRICTED', quantity: 50 }),
    });
    expect((await order('PO-COND')).goodsReceipts).toEqual([
      expect.objectContaining({ stockStatus: 'RESTRICTED', status: 'REQUESTED' }),
    ]);
    expect((await store.getLot('P100', 'FG-COND'))?.status).toBe('RESTRICTED');
  });

  it('lets an open nonconformance block the receipt of a passed lot until it is closed', async () => {
    await completedOrder(url, 'FG-NC', { orderNumber: 'PO-NC' });
    const ref = { orderNumber: 'PO-NC', lot: 'FG-NC' };
    await submitAndSettle(url, 'reportNonconformance', nonconformance({ ...ref, nonconformanceId: 'NC-9' }));
    const passed = await submitAndSettle(url, 'recordInspectionResult', inspection({ ...ref }));
    await postedNothing(passed);
    expect((await order('PO-NC')).state).toBe('QUALITY_HOLD');
    await submitAndSettle(
      url,
      'reportNonconformance',
      nonconformance({ ...ref, nonconformanceId: 'NC-9', status: 'UNDER_REVIEW', occurredAt: '2026-12-01T10:40:00Z' }),
    );
    expect((await order('PO-NC')).goodsReceipts).toEqual([]);
    const closed = await submitAndSettle(
      url,
      'reportNonconformance',
      nonconformance({ ...ref, nonconformanceId: 'NC-9', status: 'CLOSED', occurredAt: '2026-12-01T11:30:00Z' }),
    );
    expect(await store.listOutbox({ correlationId: closed.correlationId })).toEqual([
      expect.objectContaining({
        messageType: 'GoodsReceipt',
        payload: expect.objectContaining({ stockStatus: 'UNRESTRICTED' }),
      }),
    ]);
    const o = await order('PO-NC');
    expect(o.state).toBe('QUALITY_PENDING');
    expect(o.timeline.slice(-3).map((t) => t.state)).toEqual(['QUALITY_PENDING', 'QUALITY_HOLD', 'QUALITY_PENDING']);
  });

  it('refuses a completion above the over-delivery tolerance', async () => {
    await executedOrder(url, { orderNumber: 'PO-OVER' });
    const refused = await submitAndSettle(
      url,
      'reportProductionCompletion',
      completion({ orderNumber: 'PO-OVER', lot: 'FG-OVER', quantity: 60 }),
    );
    expect(refused.exception).toMatchObject({ type: 'VALIDATION', rule: 'completion.over-delivery' });
    await postedNothing(refused);
  });

  it('lists refusals through exceptions(filter) with reason, rule and original payload', async () => {
    const result = await gqlOk<{
      exceptions: {
        totalCount: number;
        nodes: { type: string; rule: string; ruleSetVersion: number; payload: unknown; reason: string }[];
      };
    }>(
      url,
      `{ exceptions(filter: { plant: "P100", type: VALIDATION }, first: 50) { totalCount nodes { type rule ruleSetVersion reason payload } } }`,
    );
    expect(result.exceptions.totalCount).toBeGreaterThanOrEqual(5);
    expect(
      result.exceptions.nodes.every(
        (e) => e.type === 'VALIDATION' && e.reason.length > 20 && e.payload !== null && e.ruleSetVersion === 1,
      ),
    ).toBe(true);
  });
});
