import { describe, expect, it } from 'vitest';
import { decideCancel } from '../../core/orders/cancel.rules';
import { DEFAULT_RULE_SET } from '../../core/rules/rule-set';
import { anOrder } from '../support/records.fixture';
import { decisionInputs } from '../support/reference.fixture';

const ctx = { now: '2026-12-01T08:00:00.000Z', correlationId: 'corr-1', rules: DEFAULT_RULE_SET };
const cancel = { orderNumber: 'PO-1', plant: 'P1', reason: 'withdrawn', cancelledAt: '2026-12-01T08:00:00Z' };

describe('cancellation of an order with lots', () => {
  it('refuses once a lot of the order was received while production went on, naming the lot', () => {
    const receipt = {
      lot: 'FG-A',
      quantity: 5,
      uom: 'EA',
      stockStatus: 'UNRESTRICTED' as const,
      status: 'POSTED' as const,
      postingKey: 'k',
      requestedAt: ctx.now,
      postedAt: ctx.now,
    };
    const order = anOrder({ state: 'PARTIALLY_CONFIRMED', goodsReceipts: [receipt] });
    const refused = decideCancel(cancel, decisionInputs({ order }), ctx);
    expect(refused).toMatchObject({ kind: 'quarantine', type: 'VALIDATION', rule: 'order.cancel-output' });
    expect(refused.kind === 'quarantine' && refused.reason).toContain('lot FG-A of it was already received');
    // Without a receipt the same order is only a DEPENDENCY for OPERATIONS to override.
    expect(decideCancel(cancel, decisionInputs({ order: { ...order, goodsReceipts: [] } }), ctx)).toMatchObject({
      type: 'DEPENDENCY',
      rule: 'order.cancel-started',
    });
  });
});
