import { z } from 'zod';
import { code, isoDateTime, messageId } from '../commands/input-primitives';
import { orderScope, type CommandShape } from '../messages/command-shape';

/** MES acknowledges a released order, naming the routing and spec revisions it will execute. */
export const acknowledgeProductionOrderInput = z.object({
  orderNumber: code,
  plant: code,
  routingRevision: code,
  specRevision: code,
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
    businessKey: (p) => [p.plant, p.orderNumber],
    reads: () => ({}),
  };
