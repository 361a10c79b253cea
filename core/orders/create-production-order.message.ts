import { defineMessage } from '../messages/message-slice';
import { quarantine, type Decision, type DecisionContext, type DecisionInputs } from '../workflow/decision';
import { createProductionOrderCommand, type CreateProductionOrder } from './create-production-order.command';
import { decideRelease } from './order.rules';

/**
 * An order announced by ERP is checked like a release (plant, item revision, units, work centres, components) and
 * kept CREATED: MES learns of it only when ERP releases it, and its release keeps its history.
 */
export function decideCreate(input: CreateProductionOrder, inputs: DecisionInputs, ctx: DecisionContext): Decision {
  if (inputs.order) {
    return quarantine(
      'DUPLICATE_CONFLICT',
      'order.create.unique',
      `Order ${input.orderNumber} in plant ${input.plant} already exists (state ${inputs.order.state}); it is not created again.`,
    );
  }
  const checked = decideRelease(input, inputs, ctx);
  if (checked.kind !== 'apply' || !checked.order) return checked;
  return {
    kind: 'apply',
    action: 'order.created',
    order: {
      ...checked.order,
      state: 'CREATED',
      timeline: [{ at: ctx.now, state: 'CREATED', correlationId: ctx.correlationId, cause: 'announced by ERP' }],
    },
    outbox: [],
  };
}

export const createProductionOrder = defineMessage({ ...createProductionOrderCommand, decide: decideCreate });
