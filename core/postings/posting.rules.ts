import type { AcknowledgePosting } from './acknowledge-posting.command';
import { followLots } from '../orders/completion-lots';
import { transition } from '../orders/order.rules';
import type { OrderRecord } from '../orders/order.types';
import { isCorrectionPosting } from '../reconciliation/drift.types';
import {
  hold,
  invalid,
  quarantine,
  type Decision,
  type DecisionContext,
  type DecisionInputs,
} from '../workflow/decision';

/**
 * ERP confirms a posting Plantgate requested. A confirmed goods receipt of the order's last lot makes the order
 * RECEIVED and asks ERP to settle the order; a confirmed settlement makes it FINANCIALLY_POSTED. The transaction
 * that asked for the posting becomes POSTED. A reconciliation correction's posting is only marked POSTED: the order's lifecycle is past it.
 */
export function decidePostingAcknowledgement(
  input: AcknowledgePosting,
  inputs: DecisionInputs,
  ctx: DecisionContext,
): Decision {
  const order = inputs.order;
  if (!order)
    return hold(
      'posting.order',
      `Acknowledgement of posting ${input.postingKey} arrived before order ${input.orderNumber} was released.`,
    );
  const posting = order.postings.find((p) => p.postingKey === input.postingKey);
  if (!posting) {
    return invalid(
      'posting.known',
      `ERP acknowledged posting ${input.postingKey}, which Plantgate never requested for order ${input.orderNumber}.`,
    );
  }
  if (posting.status === 'POSTED') {
    return quarantine(
      'DUPLICATE_CONFLICT',
      'posting.once',
      `Posting ${input.postingKey} was already acknowledged as ${posting.documentNumber}.`,
    );
  }
  let next: OrderRecord = {
    ...order,
    postings: order.postings.map((p) =>
      p.postingKey === input.postingKey
        ? { ...p, status: 'POSTED' as const, postedAt: input.acknowledgedAt, documentNumber: input.documentNumber }
        : p,
    ),
    goodsReceipts: order.goodsReceipts.map((r) =>
      r.postingKey === input.postingKey ? { ...r, status: 'POSTED' as const, postedAt: input.acknowledgedAt } : r,
    ),
    updatedAt: ctx.now,
  };
  const outbox = [];
  const moves = !isCorrectionPosting(posting.postingKey);
  if (moves && posting.postingType === 'GoodsReceipt') {
    // A lot received; the order is RECEIVED (and ERP asked to settle it) once production is complete and every lot
    // is received. A lot received while production goes on leaves the order in production.
    const followed = followLots(next, ctx);
    next = followed.order;
    outbox.push(...followed.outbox);
  }
  if (moves && posting.postingType === 'OrderSettlement') {
    const settled = transition(next, 'FINANCIALLY_POSTED', ctx, `order settled by ERP as ${input.documentNumber}`);
    if (!settled)
      return quarantine(
        'SEQUENCE',
        'posting.settlement-state',
        `Settlement ${input.postingKey} acknowledged while the order is ${order.state}.`,
      );
    next = settled;
  }
  return {
    kind: 'apply',
    action: 'posting.acknowledged',
    order: next,
    outbox,
    postedCorrelationIds: [posting.correlationId],
  };
}
