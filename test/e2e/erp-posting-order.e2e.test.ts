import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../app/runtime';
import type { ErpSimulator } from '../../simulators/erp.simulator';
import { consumption, operationEvent } from '../support/event.fixture';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { seedReferenceData } from '../support/reference.fixture';
import { waitFor } from '../support/wait';
import { acknowledgedOrder, submitAndSettle, TOOK_EFFECT } from '../support/workflow-client';

/**
 * An order's ERP postings reach ERP in the order Plantgate decided them, through injected 503s, 429s with
 * Retry-After and an outage, while different orders go in parallel.
 */
describe('ERP postings in decision order', () => {
  let installation: TestInstallation;
  let runtime: Runtime;
  let erp: ErpSimulator;

  beforeAll(async () => {
    installation = createTestInstallation('erp-order', {
      SIMULATORS: 'embedded',
      OUTBOUND_PARTITIONS: '2',
      OUTBOUND_RETRY_DELAYS_MS: '50,100,200',
      OUTBOUND_RETRY_BUDGET: '200',
      CONNECTOR_MAX_ATTEMPTS: '1',
      BREAKER_THRESHOLD: '3',
      BREAKER_HALF_OPEN_MS: '200',
    });
    runtime = await installation.start('all');
    erp = runtime.referenceSystems!.erp!;
    await seedReferenceData(runtime.url!);
    await waitFor(() => erp.lots.has('P100|L-RM7-OK'), { what: 'master data in ERP' });
  });
  afterAll(() => installation.cleanup());

  /** Release to the last confirmation: four ERP postings (a goods issue and three confirmations), in this order. */
  async function runOrder(orderNumber: string) {
    const url = runtime.url!;
    await acknowledgedOrder(url, { orderNumber });
    const ref = { orderNumber };
    const steps = [
      operationEvent({ ...ref, eventType: 'START' }),
      consumption({ ...ref, quantity: 10, occurredAt: '2026-12-01T07:10:00Z' }),
      operationEvent({ ...ref, eventType: 'CONFIRM', yieldQuantity: 10, occurredAt: '2026-12-01T07:20:00Z' }),
      operationEvent({ ...ref, eventType: 'CONFIRM', yieldQuantity: 15, occurredAt: '2026-12-01T07:40:00Z' }),
      operationEvent({ ...ref, eventType: 'COMPLETE', yieldQuantity: 20, occurredAt: '2026-12-01T08:00:00Z' }),
    ];
    for (const step of steps)
      await submitAndSettle(
        url,
        'lot' in step ? 'reportMaterialConsumption' : 'reportOperationEvent',
        step,
        TOOK_EFFECT,
      );
  }

  it('keeps every order in sequence under 503s, 429s and an outage, and posts each once', async () => {
    erp.setFaults({ errorRate: 0.25, burst429: { remaining: 6, retryAfterSeconds: 1 } });
    const orders = Array.from({ length: 8 }, (_, i) => `PO-SEQ-${i}`);
    const running = orders.map(runOrder);
    setTimeout(() => erp.setFaults({ outageMs: 1500 }), 300).unref();
    await Promise.all(running);

    const postingsOf = async (orderNumber: string) => (await runtime.store.getOrder('P100', orderNumber))!.postings;
    await waitFor(
      async () => {
        for (const orderNumber of orders)
          if ((await postingsOf(orderNumber)).some((p) => p.status !== 'POSTED')) return false;
        return true;
      },
      { what: 'every posting confirmed by ERP', timeoutMs: 60_000 },
    );
    erp.setFaults({ errorRate: 0 });

    // The faults really happened: ERP refused calls with 503 and 429.
    expect(erp.calls.filter((c) => c.path === '/api/postings' && c.status === 503).length).toBeGreaterThan(3);
    expect(erp.calls.filter((c) => c.status === 429).length).toBe(6);
    expect(erp.integrity()).toMatchObject({ duplicatePostings: 0, negativeStockLots: [] });
    for (const orderNumber of orders) {
      const decided = (await postingsOf(orderNumber)).map((p) => p.postingKey);
      expect(decided.map((key) => key.split('|')[1])).toEqual([
        'goods-issue',
        'confirmation',
        'confirmation',
        'confirmation',
      ]);
      const booked = erp.journal.filter((j) => j.orderNumber === orderNumber).map((j) => j.idempotencyKey);
      expect(booked, `${orderNumber}: ERP's journal in decision order`).toEqual(decided);
    }
  });
});
