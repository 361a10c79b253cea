import type { RecordInspectionResult } from '../quality/record-inspection-result.command';
import type { RuleSet } from '../rules/rule-set';
import { quarantine, type Decision, type DecisionContext, type OutboxRequest } from '../workflow/decision';
import type { OperationRecord, OrderRecord } from './order.types';

/** The rule a confirmation waits under while its operation's first article is undecided, and is refused after a fail. */
export const FIRST_ARTICLE_RULE = 'operation.first-article';

/** Whether the plant's rules ask for a first-article inspection of this order's item or this operation's work centre. */
export function firstArticleRequired(order: OrderRecord, operation: OperationRecord, rules: RuleSet): boolean {
  const { items, workCenters } = rules.firstArticle;
  return items.includes(order.item) || workCenters.includes(operation.workCenter);
}

/** The inspection ID QMS decides the first article of an operation under. */
export function firstArticleId(order: OrderRecord, operation: OperationRecord): string {
  return `FA-${order.plant}-${order.orderNumber}-${operation.sequence}`;
}

/** First pieces are not a lot yet: QMS is told which order and operation they come from instead. */
function firstArticleLot(order: OrderRecord, operation: OperationRecord): string {
  return `${order.orderNumber}-${operation.sequence}-FA`;
}

/**
 * At an operation's first start, when the plant's rules require it: QMS is asked for its first-article inspection,
 * and the operation remembers it is waiting for one.
 */
export function requestFirstArticle(
  order: OrderRecord,
  operation: OperationRecord,
  ctx: DecisionContext,
): { order: OrderRecord; outbox: OutboxRequest[] } {
  if (operation.firstArticle || !firstArticleRequired(order, operation, ctx.rules)) return { order, outbox: [] };
  const inspectionId = firstArticleId(order, operation);
  const lot = firstArticleLot(order, operation);
  const requested: OrderRecord = {
    ...order,
    operations: order.operations.map((op) =>
      op.sequence === operation.sequence ? { ...op, firstArticle: { inspectionId, status: 'REQUESTED' as const } } : op,
    ),
    inspectionRequests: [
      ...order.inspectionRequests,
      {
        inspectionId,
        inspectionType: 'FIRST_ARTICLE',
        lot,
        status: 'REQUESTED',
        requestedAt: ctx.now,
        decidedAt: null,
      },
    ],
  };
  return {
    order: requested,
    outbox: [
      {
        destination: 'qms',
        messageType: 'InspectionRequested',
        idempotencyKey: `qms|first-article|${order.plant}|${order.orderNumber}|${operation.sequence}`,
        payload: {
          inspectionId,
          plant: order.plant,
          orderNumber: order.orderNumber,
          item: order.item,
          itemRevision: order.itemRevision,
          specRevision: order.specRevision,
          lot,
          quantity: ctx.rules.firstArticle.quantity,
          uom: order.uom,
          inspectionType: 'FIRST_ARTICLE',
          operationSequence: operation.sequence,
          workCenter: operation.workCenter,
        },
      },
    ],
  };
}

/**
 * Confirmations beyond the first-article quantity wait while the first article is undecided (without expiring: the
 * inspection is what they wait for), and are refused as DEPENDENCY once it failed, until a new one passes.
 */
export function firstArticleGate(
  operation: OperationRecord,
  yieldTotal: number,
  label: string,
  ctx: DecisionContext,
): Decision | null {
  const firstArticle = operation.firstArticle;
  const allowed = ctx.rules.firstArticle.quantity;
  if (!firstArticle || firstArticle.status === 'PASSED' || yieldTotal <= allowed) return null;
  if (firstArticle.status === 'FAILED') {
    return quarantine(
      'DEPENDENCY',
      FIRST_ARTICLE_RULE,
      `${label} refused: the first article of operation ${operation.sequence} failed (${firstArticle.inspectionId}); the operation is stopped beyond ${allowed} until a new first article passes.`,
    );
  }
  return {
    kind: 'hold',
    rule: FIRST_ARTICLE_RULE,
    reason: `${label} waits for first-article inspection ${firstArticle.inspectionId}: only ${allowed} may be confirmed before it passes.`,
    untilDecided: true,
  };
}

/**
 * QMS decided an operation's first article: a pass lets its held confirmations go on; a fail stops the operation and
 * opens a DEPENDENCY exception for QUALITY. Null when the result answers no first article Plantgate asked for.
 */
export function decideFirstArticle(
  input: RecordInspectionResult,
  order: OrderRecord,
  ctx: DecisionContext,
): { order: OrderRecord; raise?: { type: 'DEPENDENCY'; rule: string; reason: string }[] } | null {
  const operation = order.operations.find((op) => op.firstArticle?.inspectionId === input.inspectionId);
  if (input.inspectionType !== 'FIRST_ARTICLE' || !operation) return null;
  const passed = input.result === 'PASS';
  const decided: OrderRecord = {
    ...order,
    operations: order.operations.map((op) =>
      op === operation
        ? { ...op, firstArticle: { inspectionId: input.inspectionId, status: passed ? 'PASSED' : 'FAILED' } }
        : op,
    ),
    inspectionRequests: order.inspectionRequests.map((r) =>
      r.inspectionId === input.inspectionId ? { ...r, status: 'DECIDED' as const, decidedAt: input.decidedAt } : r,
    ),
  };
  if (passed) return { order: decided };
  return {
    order: decided,
    raise: [
      {
        type: 'DEPENDENCY',
        rule: FIRST_ARTICLE_RULE,
        reason: `First article ${input.inspectionId} of operation ${operation.sequence} on order ${order.orderNumber} failed (${input.result}/${input.disposition}): the operation is stopped beyond ${ctx.rules.firstArticle.quantity} until a new first article passes.`,
      },
    ],
  };
}
