import { z } from 'zod';
import { code, isoDateTime, messageId, positive, text } from '../commands/input-primitives';
import { orderScope, type CommandShape } from '../messages/command-shape';

/** What ERP says an order is: item, revisions, quantity, routing (operations) and component reservations. */
export const orderContentFields = {
  orderNumber: code,
  plant: code,
  item: code,
  itemRevision: code,
  routingRevision: code,
  specRevision: code,
  quantity: positive,
  uom: code,
  dueAt: isoDateTime,
  operations: z
    .array(
      z.object({
        sequence: z.number().int().positive('must be greater than 0'),
        workCenter: code,
        description: text,
      }),
    )
    .min(1, 'must list at least one operation'),
  components: z.array(z.object({ item: code, quantity: positive, uom: code, operationSequence: z.number().int() })),
  messageId: messageId.nullish(),
};

type OrderContent = z.output<z.ZodObject<typeof orderContentFields>>;

/** A routing names each operation once, and every component is reserved for one of its operations. */
export function checkOrderContent(input: OrderContent, ctx: z.RefinementCtx): void {
  const sequences = input.operations.map((op) => op.sequence);
  sequences.forEach((sequence, index) => {
    if (sequences.indexOf(sequence) !== index) {
      ctx.addIssue({
        code: 'custom',
        path: ['operations', index, 'sequence'],
        message: `repeats operation sequence ${sequence}`,
      });
    }
  });
  input.components.forEach((component, index) => {
    if (!sequences.includes(component.operationSequence)) {
      ctx.addIssue({
        code: 'custom',
        path: ['components', index, 'operationSequence'],
        message: `refers to operation ${component.operationSequence}, which the order does not have`,
      });
    }
  });
}

/** ERP releases a production order with its routing (operations) and component reservations. */
export const releaseProductionOrderInput = z.object(orderContentFields).superRefine(checkOrderContent);

export type ReleaseProductionOrder = z.output<typeof releaseProductionOrderInput>;

export const releaseProductionOrderCommand: CommandShape<'ReleaseProductionOrder', ReleaseProductionOrder> = {
  messageType: 'ReleaseProductionOrder',
  webhookSources: [],
  input: releaseProductionOrderInput,
  scope: orderScope,
  businessKey: (p) => [p.plant, p.orderNumber],
  reads: (p) => ({ items: [p.item, ...p.components.map((c) => c.item)], workCentersOf: p.plant, plants: [p.plant] }),
};
