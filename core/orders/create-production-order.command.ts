import type { CommandShape } from '../messages/command-shape';
import { orderScope } from '../messages/command-shape';
import {
  releaseProductionOrderCommand,
  releaseProductionOrderInput,
  type ReleaseProductionOrder,
} from './release-production-order.command';

/** ERP announces an order before it releases it: the same content as a release, and nothing goes to MES yet. */
export type CreateProductionOrder = ReleaseProductionOrder;

export const createProductionOrderCommand: CommandShape<'CreateProductionOrder', CreateProductionOrder> = {
  messageType: 'CreateProductionOrder',
  webhookSources: [],
  input: releaseProductionOrderInput,
  scope: orderScope,
  // An order is announced once; its release is another business event.
  businessKey: (p) => [p.plant, p.orderNumber],
  reads: releaseProductionOrderCommand.reads,
};
