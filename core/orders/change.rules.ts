import { overridden } from '../exceptions/exception.policy';
import type { ComponentInput } from '../commands/vocabulary';
import {
  hold,
  invalid,
  quarantine,
  type Decision,
  type DecisionContext,
  type DecisionInputs,
} from '../workflow/decision';
import type { ChangeProductionOrder } from './change-production-order.command';
import { reservationsOf } from '../materials/reservations';
import { checkOrderContent, currentRevision, noteOnTimeline, orderVersionOf, transition } from './order.rules';
import type { OperationRecord, OrderRecord, OrderState, OrderVersionRecord, ReservationRecord } from './order.types';

/** The rule a change touching started work is refused under; OPERATIONS may override it. */
export const CHANGE_STARTED_RULE = 'order.change-started';

/** An order can change until its output exists. */
const CHANGEABLE: readonly OrderState[] = ['CREATED', 'RELEASED', 'ACKNOWLEDGED', 'IN_PROCESS', 'PARTIALLY_CONFIRMED'];

/**
 * ERP sends a new version of an order. Before execution starts it simply becomes the order's content and MES must
 * acknowledge it (an ACKNOWLEDGED order goes back to RELEASED). Once an operation started, a change that touches
 * started work (its item or spec revision, a started operation's work centre or components, a quantity below what was
 * already produced) is refused as a DEPENDENCY exception unless OPERATIONS overrides it; a change that leaves started
 * work alone applies, and the floor's events wait until MES acknowledged the new version.
 */
export function decideChange(input: ChangeProductionOrder, inputs: DecisionInputs, ctx: DecisionContext): Decision {
  const order = inputs.order;
  const label = `Change of order ${input.orderNumber} to version ${input.orderVersion}`;
  if (!order) return hold('order.change-released', `${label} arrived before the order was released.`);
  if (!CHANGEABLE.includes(order.state)) {
    return invalid(
      'order.change-state',
      `${label} refused: the order is ${order.state}; its output exists or it is cancelled, so it no longer changes.`,
    );
  }
  if (input.orderVersion <= order.orderVersion) {
    return quarantine(
      'SEQUENCE',
      'order.change-version',
      `${label} refused: the order is already at version ${order.orderVersion}; a change must carry a later version.`,
    );
  }
  if (input.item !== order.item) {
    return invalid(
      'order.change-item',
      `${label} refused: it names item ${input.item}, the order makes ${order.item}; another product is another order.`,
    );
  }
  const checked = checkOrderContent(input, inputs);
  if ('refused' in checked) return checked.refused;
  const version = orderVersionOf(input, input.orderVersion, checked.item, ctx, input.reason ?? null);
  const touched = startedWorkTouched(order, version);
  if (touched.length > 0 && !overridden(ctx, CHANGE_STARTED_RULE)) {
    return quarantine(
      'DEPENDENCY',
      CHANGE_STARTED_RULE,
      `${label} refused: it touches work started on the floor (${touched.join('; ')}). OPERATIONS may override it.`,
    );
  }
  const changed = asVersion(
    order,
    version,
    reservationsOf(version.components, (n) => currentRevision(inputs, n)),
  );
  const cause = `changed by ERP to version ${input.orderVersion}${input.reason ? `: ${input.reason}` : ''}`;
  const next =
    order.state === 'ACKNOWLEDGED' ? transition(changed, 'RELEASED', ctx, cause)! : noteOnTimeline(changed, ctx, cause);
  // An order only announced (CREATED) never reached MES: nothing to tell it or wait for.
  if (order.state === 'CREATED') return { kind: 'apply', action: 'order.changed', order: next, outbox: [] };
  const { messageId: _transportId, ...content } = input;
  return {
    kind: 'apply',
    action: 'order.changed',
    order: { ...next, awaitingAcknowledgement: input.orderVersion },
    outbox: [
      {
        destination: 'mes',
        messageType: 'OrderChanged',
        idempotencyKey: `mes|change|${input.plant}|${input.orderNumber}|v${input.orderVersion}`,
        payload: content,
      },
    ],
  };
}

/** The order with a new version's content; operations keep what the floor reported on them. */
function asVersion(order: OrderRecord, version: OrderVersionRecord, reservations: ReservationRecord[]): OrderRecord {
  const operations: OperationRecord[] = version.operations
    .map((op) => {
      const before = order.operations.find((o) => o.sequence === op.sequence);
      return before
        ? { ...before, workCenter: op.workCenter, description: op.description }
        : { ...op, state: 'PENDING' as const, yieldQuantity: 0, scrapQuantity: 0 };
    })
    .sort((a, b) => a.sequence - b.sequence);
  return {
    ...order,
    itemRevision: version.itemRevision,
    routingRevision: version.routingRevision,
    specRevision: version.specRevision,
    quantity: version.quantity,
    uom: version.uom,
    dueAt: version.dueAt,
    orderVersion: version.orderVersion,
    versions: [...order.versions, version],
    operations,
    components: version.components,
    reservations,
  };
}

/** What of the work already started on the floor a new version would change, in words; empty when nothing. */
export function startedWorkTouched(order: OrderRecord, version: OrderVersionRecord): string[] {
  const started = order.operations.filter((op) => op.state !== 'PENDING');
  if (started.length === 0) return [];
  const touched: string[] = [];
  if (version.itemRevision !== order.itemRevision)
    touched.push(`item revision ${order.itemRevision} → ${version.itemRevision}`);
  if (version.specRevision !== order.specRevision)
    touched.push(`spec revision ${order.specRevision} → ${version.specRevision}`);
  for (const op of started) {
    const next = version.operations.find((o) => o.sequence === op.sequence);
    if (!next) {
      touched.push(`operation ${op.sequence} (${op.state}) removed`);
      continue;
    }
    if (next.workCenter !== op.workCenter)
      touched.push(`operation ${op.sequence} (${op.state}) moved from ${op.workCenter} to ${next.workCenter}`);
    if (componentsAt(order.components, op.sequence) !== componentsAt(version.components, op.sequence))
      touched.push(`components of operation ${op.sequence} (${op.state}) changed`);
  }
  if (version.quantity < order.producedQuantity)
    touched.push(`quantity ${version.quantity} ${version.uom} below the ${order.producedQuantity} already produced`);
  return touched;
}

function componentsAt(components: readonly ComponentInput[], sequence: number): string {
  return JSON.stringify(
    components
      .filter((c) => c.operationSequence === sequence)
      .map((c) => [c.item, c.quantity, c.uom])
      .sort(),
  );
}
