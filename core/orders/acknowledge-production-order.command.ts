import { z } from 'zod';
import { code, isoDateTime, messageId } from '../commands/input-primitives';
import { orderScope, type CommandShape } from '../messages/command-shape';

/** MES acknowledges a released order, naming the routing and spec revisions it will execute. */
export const acknowledgeProductionOrderInput = z.object({
  orderNumber: code,
  plant: code,
  routingRevision: code,
  specRevision: code,
  /** The version of the order MES acknowledges (1, the release, when absent): a change must be acknowledged too. */
  orderVersion: z.number().int().positive('must be greater than 0').nullish(),
  acknowledgedAt: isoDateTime,
  messageId,
});

export type AcknowledgeProductionOrder = z.output<typeof acknowledgeProductionOrderInput>;

export const acknowledgeProductionOrderCommand: CommandShape<'AcknowledgeProductionOrder', AcknowledgeProductionOrder> =
  {
    messageType: 'AcknowledgeProductionOrder',
    webhookSources: ['mes'],
    input: acknowledgeProductionOrderInput,
    scope: orderScope,
    // Each version is acknowledged once; the release's acknowledgement keeps the key it always had.
    businessKey: (p) =>
      p.orderVersion && p.orderVersion > 1 ? [p.plant, p.orderNumber, `v${p.orderVersion}`] : [p.plant, p.orderNumber],
    reads: () => ({}),
  };
