import { z } from 'zod';
import { text } from '../commands/input-primitives';
import { orderScope, type CommandShape } from '../messages/command-shape';
import {
  checkOrderContent,
  orderContentFields,
  releaseProductionOrderCommand,
} from './release-production-order.command';

/**
 * ERP sends a new version of a released order: the whole content as it now is (revisions, quantity, due date,
 * routing, components), the version number it changes to, and why.
 */
export const changeProductionOrderInput = z
  .object({
    ...orderContentFields,
    orderVersion: z.number().int().min(2, 'must be at least 2: version 1 is the release'),
    reason: text.nullish(),
  })
  .superRefine(checkOrderContent);

export type ChangeProductionOrder = z.output<typeof changeProductionOrderInput>;

export const changeProductionOrderCommand: CommandShape<'ChangeProductionOrder', ChangeProductionOrder> = {
  messageType: 'ChangeProductionOrder',
  webhookSources: [],
  input: changeProductionOrderInput,
  scope: orderScope,
  // Each version is its own business event: a second change is not a conflicting resend of the first.
  businessKey: (p) => [p.plant, p.orderNumber, `v${p.orderVersion}`],
  reads: releaseProductionOrderCommand.reads,
};
