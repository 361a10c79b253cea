import type { LotStatus } from '../commands/vocabulary';
import type { ExceptionRecord } from '../ports/records';
import { COMPLETE_STATES, followLots, PRODUCING, qualityOf, withLotQuality } from '../orders/completion-lots';
import { noteOnTimeline, requestErpPosting } from '../orders/order.rules';
import type { OrderRecord } from '../orders/order.types';
import { hasOpenNonconformance, lotKey, type LotRecord } from '../reference/reference.types';
import {
  invalid,
  quarantine,
  type ApplyDecision,
  type Decision,
  type DecisionContext,
  type DecisionInputs,
  type OutboxRequest,
} from '../workflow/decision';
import type { ReleaseUnderDeviation } from './release-under-deviation.command';

export interface GateOutcome {
  order: OrderRecord;
  lot: LotRecord;
  outbox: OutboxRequest[];
  /** Why the lot went on quality hold now: a DEPENDENCY exception owned by QUALITY opens next to the hold. */
  held?: string;
  /** The lot's hold was lifted (a passing disposition, or the nonconformance closed): its hold exceptions resolve. */
  lifted?: boolean;
}

/** The rule of a quality hold's exception; overriding it is a release under deviation. */
export const QUALITY_HOLD_RULE = 'quality.release-hold';

/** Whether a quality hold's exception is about `lot`: the refused or applied event it belongs to names the lot. */
export function holdsLot(exception: Pick<ExceptionRecord, 'payload'>, lot: string): boolean {
  const named = (exception.payload as { lot?: unknown } | null)?.lot;
  return named === undefined || named === lot;
}

/** Order states in which a completion lot's quality decides anything: from its completion to the order's receipt. */
const GATED: readonly string[] = [...PRODUCING, ...COMPLETE_STATES];

/**
 * The quality release dependency, per completion lot: a lot is received only after a passing FINAL disposition and
 * while no nonconformance on it is open. ACCEPT releases it as UNRESTRICTED stock, CONDITIONAL_RELEASE as RESTRICTED;
 * a failing disposition or an open nonconformance holds the lot and posts nothing. The order's state follows its
 * lots once production is complete (followLots): QUALITY_HOLD while any lot is held.
 */
export function applyQualityGate(order: OrderRecord, lot: LotRecord, ctx: DecisionContext): GateOutcome {
  const completion = order.completions.find((c) => c.lot === lot.lotNumber);
  if (!GATED.includes(order.state) || !completion) return { order, lot, outbox: [] };
  const before = qualityOf(order, completion);
  const finals = order.inspections.filter((i) => i.inspectionType === 'FINAL' && i.lot === lot.lotNumber);
  const latest = finals.at(-1);
  const openNc = hasOpenNonconformance(lot);
  const passing =
    latest?.result === 'PASS' && (latest.disposition === 'ACCEPT' || latest.disposition === 'CONDITIONAL_RELEASE');

  // A released lot's receipt is asked for already: a later nonconformance is recorded on the lot, not gated here.
  if (before === 'RELEASED') return { order, lot, outbox: [] };
  if (openNc || (latest && !passing)) {
    const cause = openNc
      ? `nonconformance ${openNc.nonconformanceId} is ${openNc.status} on lot ${lot.lotNumber}`
      : `final inspection ${latest!.inspectionId} ${latest!.result}/${latest!.disposition}`;
    return holdLot(order, lot, ctx, cause, before === 'HELD');
  }
  if (!latest) {
    if (before !== 'HELD') return { order, lot, outbox: [] };
    const waiting = followLots(withLotQuality(order, lot.lotNumber, 'PENDING'), ctx);
    return { order: waiting.order, lot, outbox: waiting.outbox, lifted: true };
  }
  const stockStatus: LotStatus = latest.disposition === 'ACCEPT' ? 'UNRESTRICTED' : 'RESTRICTED';
  return releaseLot(order, lot, stockStatus, latest.inspectionId, ctx, before === 'HELD');
}

/** Releases a lot for receipt into `stockStatus`: ERP is asked for its goods receipt, the order follows its lots. */
function releaseLot(
  order: OrderRecord,
  lot: LotRecord,
  stockStatus: LotStatus,
  inspectionId: string | null,
  ctx: DecisionContext,
  wasHeld: boolean,
): GateOutcome {
  const receipt = requestReceipt(withLotQuality(order, lot.lotNumber, 'RELEASED'), lot, stockStatus, inspectionId, ctx);
  const followed = followLots(receipt.order, ctx);
  return { ...receipt, order: followed.order, outbox: [...receipt.outbox, ...followed.outbox], lifted: wasHeld };
}

/**
 * The decision a gate outcome makes, with what it means for the workbench: a hold's exception to open, or a hold's
 * exceptions to resolve.
 */
export function gateDecision(gate: GateOutcome, action: string): ApplyDecision {
  return {
    kind: 'apply',
    action,
    order: gate.order,
    lots: [gate.lot],
    outbox: gate.outbox,
    ...(gate.held ? { raise: [{ type: 'DEPENDENCY' as const, rule: QUALITY_HOLD_RULE, reason: gate.held }] } : {}),
    ...(gate.lifted ? { liftsQualityHoldOf: gate.lot.lotNumber } : {}),
  };
}

/** Asks ERP for the goods receipt of a released lot, into `stockStatus`, and marks the lot so. */
function requestReceipt(
  order: OrderRecord,
  lot: LotRecord,
  stockStatus: LotStatus,
  inspectionId: string | null,
  ctx: DecisionContext,
): GateOutcome {
  const postingKey = `erp|goods-receipt|${order.plant}|${order.orderNumber}|${lot.lotNumber}`;
  const quantity = lot.producedBy?.quantity ?? lot.quantity;
  const [withPosting, request] = requestErpPosting(
    order,
    'GoodsReceipt',
    postingKey,
    {
      plant: order.plant,
      orderNumber: order.orderNumber,
      item: order.item,
      lot: lot.lotNumber,
      quantity,
      uom: order.uom,
      stockStatus,
      inspectionId,
    },
    ctx,
  );
  const receipt = {
    lot: lot.lotNumber,
    quantity,
    uom: order.uom,
    stockStatus,
    status: 'REQUESTED' as const,
    postingKey,
    requestedAt: ctx.now,
    postedAt: null,
  };
  return {
    order: { ...withPosting, goodsReceipts: [...withPosting.goodsReceipts, receipt] },
    lot: { ...lot, status: stockStatus, updatedAt: ctx.now },
    outbox: [request],
  };
}

/** Holds the lot (and a complete order with it); `held` says why when the lot was not held before: one exception per hold. */
function holdLot(
  order: OrderRecord,
  lot: LotRecord,
  ctx: DecisionContext,
  cause: string,
  alreadyHeld: boolean,
): GateOutcome {
  if (alreadyHeld) return { order, lot, outbox: [] };
  const followed = followLots(withLotQuality(order, lot.lotNumber, 'HELD'), ctx);
  return {
    order: followed.order,
    lot,
    outbox: followed.outbox,
    held: `Lot ${lot.lotNumber} of order ${order.orderNumber} is on quality hold: ${cause}. Nothing of it is received until QMS passes it, the nonconformance closes, or quality releases it under deviation (RESTRICTED stock only, four eyes).`,
  };
}

/**
 * An approved release under deviation: the held lot is received as RESTRICTED stock, never UNRESTRICTED, whatever
 * its dispositions say. Only while the order is on quality hold and nothing was asked of ERP for the lot yet.
 */
export function decideReleaseUnderDeviation(
  input: ReleaseUnderDeviation,
  inputs: DecisionInputs,
  ctx: DecisionContext,
): Decision {
  const order = inputs.order;
  const label = `Release under deviation of lot ${input.lot} on order ${input.orderNumber}`;
  const completion = order?.completions.find((c) => c.lot === input.lot);
  const lot = inputs.lots.get(lotKey(input.plant, input.lot));
  if (!order || !completion || !lot) {
    return invalid('quality.deviation-lot', `${label} refused: the order did not produce lot ${input.lot}.`);
  }
  if (qualityOf(order, completion) !== 'HELD' || !GATED.includes(order.state)) {
    return quarantine(
      'SEQUENCE',
      'quality.deviation-state',
      `${label} refused: the lot is ${qualityOf(order, completion)} and the order ${order.state}; only a held lot is released under deviation.`,
    );
  }
  if (order.goodsReceipts.some((r) => r.lot === input.lot)) {
    return quarantine('SEQUENCE', 'quality.deviation-state', `${label} refused: its receipt was already asked for.`);
  }
  const cause = `lot ${input.lot} released under deviation (RESTRICTED): ${input.reason}; asked by ${input.requestedBy}, approved by ${input.approvedBy}`;
  const gate = releaseLot(noteOnTimeline(order, ctx, cause), lot, 'RESTRICTED', null, ctx, true);
  return gateDecision(gate, 'quality.released-under-deviation');
}
