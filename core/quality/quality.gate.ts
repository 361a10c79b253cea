import type { LotStatus } from '../commands/vocabulary';
import { requestErpPosting, transition } from '../orders/order.rules';
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
  /** Why the order went into QUALITY_HOLD now: a DEPENDENCY exception owned by QUALITY opens next to the hold. */
  held?: string;
  /** The order left QUALITY_HOLD (a passing disposition, or the nonconformance closed): its hold exceptions resolve. */
  lifted?: boolean;
}

/** The rule of a quality hold's exception; overriding it is a release under deviation. */
export const QUALITY_HOLD_RULE = 'quality.release-hold';

/**
 * The quality release dependency: goods are received only after a passing FINAL disposition and while no
 * nonconformance on the lot is open. ACCEPT releases the lot as UNRESTRICTED stock, CONDITIONAL_RELEASE as
 * RESTRICTED; a failing disposition or an open nonconformance puts the order in QUALITY_HOLD and posts nothing.
 */
export function applyQualityGate(order: OrderRecord, lot: LotRecord, ctx: DecisionContext): GateOutcome {
  if (!['QUALITY_PENDING', 'QUALITY_HOLD'].includes(order.state)) return { order, lot, outbox: [] };
  const finals = order.inspections.filter((i) => i.inspectionType === 'FINAL' && i.lot === lot.lotNumber);
  const latest = finals.at(-1);
  const openNc = hasOpenNonconformance(lot);
  const passing =
    latest?.result === 'PASS' && (latest.disposition === 'ACCEPT' || latest.disposition === 'CONDITIONAL_RELEASE');
  const receiptRequested = order.goodsReceipts.some((r) => r.lot === lot.lotNumber);

  if (openNc) {
    return holdFor(
      order,
      lot,
      ctx,
      `nonconformance ${openNc.nonconformanceId} is ${openNc.status} on lot ${lot.lotNumber}`,
    );
  }
  if (latest && !passing) {
    return holdFor(order, lot, ctx, `final inspection ${latest.inspectionId} ${latest.result}/${latest.disposition}`);
  }
  if (!latest) {
    const waiting =
      order.state === 'QUALITY_HOLD'
        ? transition(order, 'QUALITY_PENDING', ctx, 'hold lifted; awaiting final inspection')
        : null;
    return { order: waiting ?? order, lot, outbox: [], lifted: waiting !== null };
  }
  if (receiptRequested) return { order, lot, outbox: [] };

  const stockStatus: LotStatus = latest.disposition === 'ACCEPT' ? 'UNRESTRICTED' : 'RESTRICTED';
  const released =
    order.state === 'QUALITY_HOLD'
      ? (transition(order, 'QUALITY_PENDING', ctx, `quality released: ${latest.disposition}`) ?? order)
      : order;
  return { ...requestReceipt(released, lot, stockStatus, latest.inspectionId, ctx), lifted: released !== order };
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
    ...(gate.lifted ? { liftsQualityHold: true } : {}),
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

/** Puts the order in QUALITY_HOLD; `held` says why when it was not held before (one exception per hold). */
function holdFor(order: OrderRecord, lot: LotRecord, ctx: DecisionContext, cause: string): GateOutcome {
  if (order.state === 'QUALITY_HOLD') return { order, lot, outbox: [] };
  const held = transition(order, 'QUALITY_HOLD', ctx, `quality hold: ${cause}`);
  if (!held) return { order, lot, outbox: [] };
  return {
    order: held,
    lot,
    outbox: [],
    held: `Order ${order.orderNumber} is on quality hold for lot ${lot.lotNumber}: ${cause}. Nothing is received until QMS passes it, the nonconformance closes, or quality releases it under deviation (RESTRICTED stock only, four eyes).`,
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
  if (!order || order.state !== 'QUALITY_HOLD') {
    return quarantine(
      'SEQUENCE',
      'quality.deviation-state',
      `${label} refused: the order is ${order?.state ?? 'not released'}, not QUALITY_HOLD.`,
    );
  }
  const lot = inputs.lots.get(lotKey(input.plant, input.lot));
  if (!lot || !order.completions.some((c) => c.lot === input.lot)) {
    return invalid('quality.deviation-lot', `${label} refused: the order did not produce lot ${input.lot}.`);
  }
  if (order.goodsReceipts.some((r) => r.lot === input.lot)) {
    return quarantine('SEQUENCE', 'quality.deviation-state', `${label} refused: its receipt was already asked for.`);
  }
  const cause = `released under deviation (RESTRICTED): ${input.reason}; asked by ${input.requestedBy}, approved by ${input.approvedBy}`;
  const released = transition(order, 'QUALITY_PENDING', ctx, cause) ?? order;
  const gate = requestReceipt(released, lot, 'RESTRICTED', null, ctx);
  return gateDecision({ ...gate, lifted: true }, 'quality.released-under-deviation');
}
