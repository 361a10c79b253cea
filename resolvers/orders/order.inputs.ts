import { z } from 'zod';

import { code, isoDateTime, messageId, positive, text } from '../input-primitives';

/** Shape rules of order messages. Reference data is checked later, by the workers. */

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
      .array(z.object({ sequence: z.number().int().positive('must be greater than 0'), workCenter: code, description: text }))
      .min(1, 'must list at least one operation'),
    components: z.array(z.object({ item: code, quantity: positive, uom: code, operationSequence: z.number().int() })),
    messageId: messageId.nullish(),
  })
  .superRefine((input, ctx) => {
    const sequences = input.operations.map((op) => op.sequence);
    sequences.forEach((sequence, index) => {
      if (sequences.indexOf(sequence) !== index) {
        ctx.addIssue({ code: 'custom', path: ['operations', index, 'sequence'], message: `repeats operation sequence ${sequence}` });
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

export const acknowledgeProductionOrderInput = z.object({
  orderNumber: code,
  plant: code,
  routingRevision: code,
  specRevision: code,
  acknowledgedAt: isoDateTime,
  messageId,
});

export const reportProductionCompletionInput = z.object({
  orderNumber: code,
  plant: code,
  lot: code,
  quantity: positive,
  uom: code,
  occurredAt: isoDateTime,
  messageId,
});
