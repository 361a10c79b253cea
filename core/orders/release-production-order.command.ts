import { z } from 'zod';
import { code, isoDateTime, messageId, positive, text } from '../commands/input-primitives';
import { orderScope, type CommandShape } from '../messages/command-shape';

/** ERP releases a production order with its routing (operations) and component reservations. */
export const releaseProductionOrderInput = z
  .object({
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
  })
  .superRefine((input, ctx) => {
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
  });

export type ReleaseProductionOrder = z.output<typeof releaseProductionOrderInput>;

export const releaseProductionOrderCommand: CommandShape<'ReleaseProductionOrder', ReleaseProductionOrder> = {
  messageType: 'ReleaseProductionOrder',
  webhookSources: [],
  input: releaseProductionOrderInput,
  scope: orderScope,
  businessKey: (p) => [p.plant, p.orderNumber],
  reads: (p) => ({ items: [p.item, ...p.components.map((c) => c.item)], workCentersOf: p.plant, plants: [p.plant] }),
};
