import type { Disposition, InspectionResult } from '../commands/vocabulary';
import type { RecordInspectionResult } from './record-inspection-result.command';
import type { OrderRecord } from '../orders/order.types';
import { type LotRecord, lotKey } from '../reference/reference.types';
import {
  hold,
  invalid,
  quarantine,
  type Decision,
  type DecisionContext,
  type DecisionInputs,
} from '../workflow/decision';
import { decideFirstArticle } from '../orders/first-article.rules';
import { applyQualityGate, gateDecision } from './quality.gate';

/** Which dispositions a result may carry; anything else is an incomplete or contradictory decision. */
export const DISPOSITIONS_BY_RESULT: Readonly<Record<InspectionResult, readonly Disposition[]>> = {
  PASS: ['ACCEPT', 'CONDITIONAL_RELEASE'],
  FAIL: ['REJECT', 'REWORK', 'SCRAP'],
};

export function decideInspection(
  input: RecordInspectionResult,
  inputs: DecisionInputs,
  ctx: DecisionContext,
): Decision {
  const label = `${input.inspectionType} inspection ${input.inspectionId} (${input.result}/${input.disposition}) for order ${input.orderNumber}`;
  if (!DISPOSITIONS_BY_RESULT[input.result].includes(input.disposition)) {
    return invalid(
      'inspection.result-disposition',
      `${label} refused: a ${input.result} result must carry one of ${DISPOSITIONS_BY_RESULT[input.result].join(', ')}, not ${input.disposition}.`,
    );
  }
  const order = inputs.order;
  if (!order) return hold('inspection.order-released', `${label} arrived before the order was released.`);
  if (['RECEIVED', 'FINANCIALLY_POSTED', 'CANCELLED'].includes(order.state)) {
    return quarantine('SEQUENCE', 'inspection.order-state', `${label} refused: the order is already ${order.state}.`);
  }
  const record = {
    inspectionId: input.inspectionId,
    inspectionType: input.inspectionType,
    lot: input.lot,
    result: input.result,
    disposition: input.disposition,
    inspector: input.inspector,
    decidedAt: input.decidedAt,
  };
  const withInspection: OrderRecord = { ...order, inspections: [...order.inspections, record], updatedAt: ctx.now };
  const lot = inputs.lots.get(lotKey(input.plant, input.lot));
  const lotWithInspection = (l: LotRecord): LotRecord => ({
    ...l,
    inspections: [
      ...l.inspections,
      {
        inspectionId: input.inspectionId,
        orderNumber: input.orderNumber,
        inspectionType: input.inspectionType,
        result: input.result,
        disposition: input.disposition,
        decidedAt: input.decidedAt,
      },
    ],
    updatedAt: ctx.now,
  });

  const firstArticle = decideFirstArticle(input, withInspection, ctx);
  if (firstArticle) {
    return {
      kind: 'apply',
      action: 'inspection.first-article-recorded',
      order: firstArticle.order,
      lots: [],
      outbox: [],
      ...(firstArticle.raise ? { raise: firstArticle.raise } : {}),
    };
  }
  if (input.inspectionType !== 'FINAL') {
    return {
      kind: 'apply',
      action: 'inspection.recorded',
      order: withInspection,
      lots: lot ? [lotWithInspection(lot)] : [],
      outbox: [],
    };
  }
  if (order.completions.length === 0) {
    return hold('inspection.completion', `${label} waits for the production completion it decides on.`);
  }
  if (!order.completions.some((c) => c.lot === input.lot) || !lot) {
    return invalid(
      'inspection.lot',
      `${label} refused: lot ${input.lot} was not produced by the order (produced: ${order.completions.map((c) => c.lot).join(', ')}).`,
    );
  }
  const request = order.inspectionRequests.find(
    (r) => r.inspectionId === input.inspectionId && r.lot === input.lot && r.inspectionType === 'FINAL',
  );
  if (!request) {
    const asked = order.inspectionRequests
      .filter((r) => r.lot === input.lot)
      .map((r) => `${r.inspectionId} (${r.status})`);
    return invalid(
      'inspection.requested',
      `${label} refused: it answers no inspection Plantgate requested${asked.length ? `; QMS was asked for ${asked.join(', ')} on lot ${input.lot}` : ` on lot ${input.lot}`}.`,
    );
  }
  const answered: OrderRecord = {
    ...withInspection,
    inspectionRequests: order.inspectionRequests.map((r) =>
      r === request ? { ...r, status: 'DECIDED' as const, decidedAt: input.decidedAt } : r,
    ),
  };
  return gateDecision(applyQualityGate(answered, lotWithInspection(lot), ctx), 'inspection.final-recorded');
}
