import { z } from 'zod';
import { code, isoDateTime, messageId, text } from '../commands/input-primitives';
import { orderScope, type CommandShape } from '../messages/command-shape';

/** ERP closes an order short: what was produced is all there will be. */
export const closeProductionOrderInput = z.object({
  orderNumber: code,
  plant: code,
  reason: text,
  closedAt: isoDateTime,
  messageId: messageId.nullish(),
});

export type CloseProductionOrder = z.output<typeof closeProductionOrderInput>;

export const closeProductionOrderCommand: CommandShape<'CloseProductionOrder', CloseProductionOrder> = {
  messageType: 'CloseProductionOrder',
  webhookSources: ['erp'],
  input: closeProductionOrderInput,
  scope: orderScope,
  // An order is closed once.
  businessKey: (p) => [p.plant, p.orderNumber],
  reads: () => ({}),
};
