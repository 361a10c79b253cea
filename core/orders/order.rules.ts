import type { AcknowledgeProductionOrder } from './acknowledge-production-order.command';
import type { ReleaseProductionOrder } from './release-production-order.command';
import type { ItemRecord } from '../reference/reference.types';
import { toBaseUom } from '../reference/uom';
import {
  hold,
  invalid,
  quarantine,
  type Decision,
  type DecisionContext,
  type DecisionInputs,
  type OutboxRequest,
} from '../workflow/decision';
import { reservationsOf } from '../materials/reservations';
import { canTransition } from './order.lifecycle';
import type { OrderRecord, OrderState, OrderVersionRecord } from './order.types';

/** Moves an order to `to` if the lifecycle table allows it, recording the transition on its timeline. */
export function transition(
  order: OrderRecord,
  to: OrderState,
  ctx: DecisionContext,
  cause: string,
): OrderRecord | null {
  if (!canTransition(order.state, to)) return null;
  return {
    ...order,
    state: to,
    stateSince: order.state !== to ? ctx.now : order.stateSince,
    updatedAt: ctx.now,
    timeline: [...order.timeline, { at: ctx.now, state: to, correlationId: ctx.correlationId, cause }],
  };
}

/** Records an ERP posting request on the order and returns the outbox entry that carries it. */
export function requestErpPosting(
  order: OrderRecord,
  postingType: string,
  postingKey: string,
  payload: object,
  ctx: DecisionContext,
): [OrderRecord, OutboxRequest] {
  const posting = {
    postingKey,
    system: 'erp' as const,
    postingType,
    status: 'REQUESTED' as const,
    correlationId: ctx.correlationId,
    requestedAt: ctx.now,
    postedAt: null,
    documentNumber: null,
  };
  return [
    { ...order, postings: [...order.postings, posting], updatedAt: ctx.now },
    { destination: 'erp', messageType: postingType, idempotencyKey: postingKey, payload: { ...payload, postingKey } },
  ];
}

/** The revision the item master knows last for an item number; components and lots name no revision. */
export function currentRevision(inputs: DecisionInputs, item: string): ItemRecord | undefined {
  return inputs.items.get(item)?.at(-1);
}

/**
 * Checks what ERP says an order is against the reference data: plant, item revision, units, work centres and
 * components. Answers the item master record of its item, or the refusal.
 */
export function checkOrderContent(
  input: ReleaseProductionOrder,
  inputs: DecisionInputs,
): { item: ItemRecord } | { refused: Decision } {
  if (!inputs.plantKnown)
    return { refused: invalid('reference.plant', `Plant ${input.plant} is not in the reference data.`) };
  const item = inputs.items.get(input.item)?.find((r) => r.revision === input.itemRevision);
  if (!item) {
    const known = inputs.items.get(input.item)?.map((r) => r.revision) ?? [];
    return {
      refused: invalid(
        'reference.item-revision',
        known.length
          ? `Item ${input.item} has no revision ${input.itemRevision} in the item master (known: ${known.join(', ')}).`
          : `Item ${input.item} is not in the item master.`,
      ),
    };
  }
  if (toBaseUom(input.quantity, input.uom, item) === null) {
    return {
      refused: invalid(
        'reference.uom-conversion',
        `Order quantity is in ${input.uom}, which item ${item.number} cannot convert to its base unit ${item.baseUom}.`,
      ),
    };
  }
  const unknownCenter = input.operations.find((op) => !inputs.workCenters.has(op.workCenter));
  if (unknownCenter) {
    return {
      refused: invalid(
        'reference.work-center',
        `Operation ${unknownCenter.sequence} names work center ${unknownCenter.workCenter}, which plant ${input.plant} does not have.`,
      ),
    };
  }
  for (const component of input.components) {
    const master = currentRevision(inputs, component.item);
    if (!master)
      return { refused: invalid('reference.item', `Component ${component.item} is not in the item master.`) };
    if (toBaseUom(component.quantity, component.uom, master) === null) {
      return {
        refused: invalid(
          'reference.uom-conversion',
          `Component ${component.item} is reserved in ${component.uom}, which has no conversion to its base unit ${master.baseUom}.`,
        ),
      };
    }
  }
  return { item };
}

/** The version record of what ERP sent, its quantity in the item's base unit. */
export function orderVersionOf(
  input: ReleaseProductionOrder,
  orderVersion: number,
  item: ItemRecord,
  ctx: DecisionContext,
  reason: string | null,
): OrderVersionRecord {
  return {
    orderVersion,
    itemRevision: input.itemRevision,
    routingRevision: input.routingRevision,
    specRevision: input.specRevision,
    quantity: toBaseUom(input.quantity, input.uom, item)!,
    uom: item.baseUom,
    dueAt: input.dueAt,
    operations: input.operations.map(({ sequence, workCenter, description }) => ({
      sequence,
      workCenter,
      description,
    })),
    components: input.components,
    reason,
    at: ctx.now,
    correlationId: ctx.correlationId,
    acknowledgedAt: null,
  };
}

export function decideRelease(input: ReleaseProductionOrder, inputs: DecisionInputs, ctx: DecisionContext): Decision {
  const existing = inputs.order;
  // An order ERP announced (CREATED) is released by its release; any other existing order is not released twice.
  if (existing && existing.state !== 'CREATED') {
    return quarantine(
      'DUPLICATE_CONFLICT',
      'order.release.unique',
      `Order ${input.orderNumber} in plant ${input.plant} was already released (state ${existing.state}); a second release is not applied.`,
    );
  }
  const checked = checkOrderContent(input, inputs);
  if ('refused' in checked) return checked.refused;
  // An announced order ERP changed before releasing it keeps its versions: the release is its current one.
  const orderVersion = existing?.orderVersion ?? 1;
  const version = orderVersionOf(input, orderVersion, checked.item, ctx, null);
  const earlier = (existing?.versions ?? []).filter((v) => v.orderVersion !== orderVersion);
  const order: OrderRecord = {
    plant: input.plant,
    orderNumber: input.orderNumber,
    state: 'RELEASED',
    stateSince: ctx.now,
    version: 1,
    item: input.item,
    itemRevision: input.itemRevision,
    routingRevision: input.routingRevision,
    specRevision: input.specRevision,
    quantity: version.quantity,
    uom: version.uom,
    dueAt: input.dueAt,
    orderVersion,
    versions: [...earlier, version],
    awaitingAcknowledgement: null,
    producedQuantity: 0,
    scrapQuantity: 0,
    operations: input.operations
      .map((op) => ({ ...op, state: 'PENDING' as const, yieldQuantity: 0, scrapQuantity: 0 }))
      .sort((a, b) => a.sequence - b.sequence),
    components: input.components,
    reservations: reservationsOf(input.components, (number) => currentRevision(inputs, number)),
    materialConsumptions: [],
    completions: [],
    inspectionRequests: [],
    inspections: [],
    goodsReceipts: [],
    postings: [],
    timeline: [
      ...(existing?.timeline ?? []),
      { at: ctx.now, state: 'RELEASED', correlationId: ctx.correlationId, cause: 'released by ERP' },
    ],
    createdAt: existing?.createdAt ?? ctx.now,
    updatedAt: ctx.now,
  };
  // The sender's messageId identified the transport, not the order: MES gets the order itself.
  const { messageId: _transportId, ...released } = input;
  return {
    kind: 'apply',
    order,
    action: 'order.released',
    // MES must learn of the order before it can execute it.
    outbox: [
      {
        destination: 'mes',
        messageType: 'OrderReleased',
        idempotencyKey: `mes|release|${input.plant}|${input.orderNumber}`,
        payload: { ...released, orderVersion },
      },
    ],
  };
}

/** Records an event on the order's timeline that does not move its state (a change, its acknowledgement). */
export function noteOnTimeline(order: OrderRecord, ctx: DecisionContext, cause: string): OrderRecord {
  return {
    ...order,
    updatedAt: ctx.now,
    timeline: [...order.timeline, { at: ctx.now, state: order.state, correlationId: ctx.correlationId, cause }],
  };
}

/**
 * The floor's events wait while ERP's latest change is not acknowledged by MES: MES may still be running the
 * version before it. Null when the order's current version is acknowledged.
 */
export function waitForChangeAcknowledgement(order: OrderRecord, label: string): Decision | null {
  if (order.awaitingAcknowledgement === null || order.awaitingAcknowledgement === undefined) return null;
  return hold(
    'order.change-acknowledged',
    `${label} waits: ERP changed the order to version ${order.awaitingAcknowledgement}, which MES has not acknowledged yet.`,
  );
}

/** MES acknowledged an order version ERP has since replaced. */
export const STALE_ACKNOWLEDGEMENT_RULE = 'order.acknowledge.version';

export function decideAcknowledge(
  input: AcknowledgeProductionOrder,
  inputs: DecisionInputs,
  ctx: DecisionContext,
): Decision {
  const order = inputs.order;
  if (!order)
    return hold(
      'order.acknowledge.released',
      `Order ${input.orderNumber} in plant ${input.plant} has not been released yet.`,
    );
  const acknowledged = input.orderVersion ?? 1;
  const current = order.orderVersion ?? 1;
  if (acknowledged < current) {
    return quarantine(
      'REVISION_MISMATCH',
      STALE_ACKNOWLEDGEMENT_RULE,
      `MES acknowledged version ${acknowledged} of order ${input.orderNumber}, but ERP changed it to version ${current}; the floor must acknowledge version ${current} before it executes the order.`,
    );
  }
  if (acknowledged > current) {
    return hold(
      'order.acknowledge.version',
      `MES acknowledged version ${acknowledged} of order ${input.orderNumber}; ERP's change to it has not arrived yet (current version ${current}).`,
    );
  }
  const mismatches = (['routingRevision', 'specRevision'] as const)
    .filter((field) => input[field] !== order[field])
    .map((field) => `${field} ${input[field]} (released: ${order[field]})`);
  if (mismatches.length > 0) {
    return quarantine(
      'REVISION_MISMATCH',
      'order.acknowledge.revision',
      `MES acknowledged order ${input.orderNumber} with ${mismatches.join(' and ')}; the order is not acknowledged and must not be executed.`,
    );
  }
  const versions = (order.versions ?? []).map((v) =>
    v.orderVersion === acknowledged ? { ...v, acknowledgedAt: input.acknowledgedAt } : v,
  );
  if (order.awaitingAcknowledgement === acknowledged && order.state !== 'RELEASED') {
    // A change made while the floor ran the order: the floor's held events may go on.
    const next = noteOnTimeline(order, ctx, `MES acknowledged version ${acknowledged}`);
    return {
      kind: 'apply',
      order: { ...next, versions, awaitingAcknowledgement: null },
      action: 'order.change-acknowledged',
      outbox: [],
    };
  }
  const next = transition(order, 'ACKNOWLEDGED', ctx, 'acknowledged by MES');
  if (!next) {
    return quarantine(
      'SEQUENCE',
      'order.acknowledge.state',
      `Order ${input.orderNumber} is ${order.state} and cannot be acknowledged.`,
    );
  }
  return {
    kind: 'apply',
    order: { ...next, versions, awaitingAcknowledgement: null },
    action: 'order.acknowledged',
    outbox: [],
  };
}
