import type { OrderRecord } from '../orders/order.types';
import {
  invalid,
  type Decision,
  type DecisionContext,
  type DecisionInputs,
  type OutboxRequest,
} from '../workflow/decision';

/** The rule a decision is refused under when the plant requires enrichment its reference data cannot give. */
export const ENRICHMENT_RULE = 'reference.enrichment';

/** Postings of one operation: they carry the work centre's cost centre; confirmations also its activity type. */
const OPERATION_POSTINGS = ['OperationConfirmation', 'GoodsIssue'];

interface Enriched {
  erpPlant: string | null;
  costObject: { kind: 'COST_CENTER' | 'SETTLEMENT_RECEIVER'; id: string } | null;
  activityType?: string | null;
}

/** What one ERP posting should carry from reference data, and what of it is missing, in words. */
function enrichmentFor(
  request: OutboxRequest,
  order: OrderRecord | undefined,
  inputs: DecisionInputs,
): { fields: Enriched; missing: string[] } {
  const payload = request.payload as { operationSequence?: number };
  const plantCode = inputs.plant?.code ?? order?.plant ?? '?';
  const missing: string[] = [];
  const erpPlant = inputs.plant?.erpPlant ?? null;
  if (!erpPlant) missing.push(`plant ${plantCode} has no erpPlant`);
  if (!OPERATION_POSTINGS.includes(request.messageType)) {
    const receiver = inputs.plant?.settlementReceiver ?? null;
    if (!receiver) missing.push(`plant ${plantCode} has no settlementReceiver`);
    return {
      fields: { erpPlant, costObject: receiver ? { kind: 'SETTLEMENT_RECEIVER', id: receiver } : null },
      missing,
    };
  }
  const workCenter = order?.operations.find((op) => op.sequence === payload.operationSequence)?.workCenter;
  const center = inputs.workCenterRecords?.find((wc) => wc.code === workCenter);
  const costCenter = center?.costCenter ?? null;
  if (!costCenter) missing.push(`work centre ${workCenter ?? '?'} has no costCenter`);
  const fields: Enriched = { erpPlant, costObject: costCenter ? { kind: 'COST_CENTER', id: costCenter } : null };
  if (request.messageType === 'OperationConfirmation') {
    fields.activityType = center?.activityType ?? null;
    if (!fields.activityType) missing.push(`work centre ${workCenter ?? '?'} has no activityType`);
  }
  return { fields, missing };
}

/**
 * Every ERP posting a decision asks for carries the ERP plant, its cost object (the work centre's cost centre for an
 * operation's postings, the plant's settlement receiver for the order's) and a confirmation's activity type, from
 * reference data. Where the plant's rules require enrichment, a decision whose postings cannot be enriched is refused
 * as VALIDATION `reference.enrichment` naming what is missing, so nothing half-filled is sent; it is replayed by
 * itself when the plant or work centre data arrives. Where they do not (the default), what is known goes along.
 */
export function enrichErpPostings(decision: Decision, inputs: DecisionInputs, ctx: DecisionContext): Decision {
  if (decision.kind !== 'apply' || !decision.outbox.some((o) => o.destination === 'erp')) return decision;
  const order = decision.order ?? inputs.order ?? undefined;
  const missing = new Set<string>();
  const outbox = decision.outbox.map((request) => {
    if (request.destination !== 'erp') return request;
    const enrichment = enrichmentFor(request, order, inputs);
    enrichment.missing.forEach((m) => missing.add(m));
    return { ...request, payload: { ...(request.payload as object), ...enrichment.fields } };
  });
  if (ctx.rules.requireEnrichment && missing.size > 0) {
    return invalid(
      ENRICHMENT_RULE,
      `Its ERP postings (${decision.outbox
        .filter((o) => o.destination === 'erp')
        .map((o) => o.messageType)
        .join(
          ', ',
        )}) cannot be enriched: ${[...missing].join('; ')}. Nothing is sent half-filled; it is replayed by itself once upsertReferenceData supplies them.`,
    );
  }
  return { ...decision, outbox };
}
