import type { NonconformanceStatus } from '../commands/vocabulary';
import type { ReportNonconformance } from './report-nonconformance.command';
import { type LotRecord, lotKey } from '../reference/reference.types';
import {
  hold,
  invalid,
  quarantine,
  type Decision,
  type DecisionContext,
  type DecisionInputs,
} from '../workflow/decision';
import { applyQualityGate, gateDecision } from './quality.gate';

const RANK: Record<NonconformanceStatus, number> = { OPEN: 0, UNDER_REVIEW: 1, CLOSED: 2 };

/**
 * A nonconformance on a lot. While it is OPEN or UNDER_REVIEW the order that produced the lot cannot be received;
 * closing it lets a passing disposition through. A closed nonconformance is not reopened: QMS raises a new one.
 */
export function decideNonconformance(
  input: ReportNonconformance,
  inputs: DecisionInputs,
  ctx: DecisionContext,
): Decision {
  const label = `Nonconformance ${input.nonconformanceId} (${input.status}) on lot ${input.lot}`;
  const order = inputs.order;
  if (!order)
    return hold('nonconformance.order-released', `${label} arrived before order ${input.orderNumber} was released.`);
  const lot = inputs.lots.get(lotKey(input.plant, input.lot));
  if (!lot) {
    if (order.completions.length === 0)
      return hold('nonconformance.lot-known', `${label} waits for lot ${input.lot} to be produced or known.`);
    return invalid(
      'nonconformance.lot-known',
      `${label} refused: lot ${input.lot} is not known in plant ${input.plant}.`,
    );
  }
  const existing = lot.nonconformances.find((nc) => nc.nonconformanceId === input.nonconformanceId);
  if (existing && RANK[input.status] < RANK[existing.status]) {
    return quarantine(
      'SEQUENCE',
      'nonconformance.status',
      `${label} refused: it is already ${existing.status}; a closed nonconformance is not reopened.`,
    );
  }
  const entry = {
    nonconformanceId: input.nonconformanceId,
    orderNumber: input.orderNumber,
    status: input.status,
    severity: input.severity,
    description: input.description,
    occurredAt: input.occurredAt,
  };
  const lotAfter: LotRecord = {
    ...lot,
    nonconformances: existing
      ? lot.nonconformances.map((nc) => (nc.nonconformanceId === input.nonconformanceId ? entry : nc))
      : [...lot.nonconformances, entry],
    updatedAt: ctx.now,
  };
  const producedHere = order.completions.some((c) => c.lot === input.lot);
  if (!producedHere) return { kind: 'apply', action: 'nonconformance.recorded', lots: [lotAfter], outbox: [] };
  return gateDecision(applyQualityGate(order, lotAfter, ctx), 'nonconformance.recorded');
}
