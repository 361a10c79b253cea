import { z } from 'zod';
import { code, isoDateTime, messageId, text } from '../commands/input-primitives';
import { orderScope, type CommandShape } from '../messages/command-shape';

/** ERP cancels a production order: nothing more is to be made on it. */
export const cancelProductionOrderInput = z.object({
  orderNumber: code,
  plant: code,
  reason: text,
  cancelledAt: isoDateTime,
  messageId: messageId.optional(),
});

export type CancelProductionOrder = z.output<typeof cancelProductionOrderInput>;

export const cancelProductionOrderCommand: CommandShape<'CancelProductionOrder', CancelProductionOrder> = {
  messageType: 'CancelProductionOrder',
  webhookSources: ['erp'],
  input: cancelProductionOrderInput,
  scope: orderScope,
  // An order is cancelled once.
  businessKey: (p) => [p.plant, p.orderNumber],
  reads: () => ({}),
};
