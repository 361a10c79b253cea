import { z } from 'zod';
import { code, isoDateTime, messageId, nonNegative, sequence } from '../commands/input-primitives';
import { OPERATION_EVENT_TYPES } from '../commands/vocabulary';
import { orderScope, type CommandShape } from '../messages/command-shape';

/** MES reports what happened on an operation: start, pause, resume, confirmation of quantities, completion. */
export const reportOperationEventInput = z
  .object({
    orderNumber: code,
    plant: code,
    operationSequence: sequence,
    eventType: z.enum(OPERATION_EVENT_TYPES),
    yieldQuantity: nonNegative.nullish().transform((v) => v ?? 0),
    scrapQuantity: nonNegative.nullish().transform((v) => v ?? 0),
    scrapReason: z
      .string()
      .trim()
      .max(200)
      .nullish()
      .transform((v) => v || null),
    workCenter: code,
    equipment: code,
    operator: code,
    occurredAt: isoDateTime,
    messageId,
  })
  .superRefine((input, ctx) => {
    if (input.scrapQuantity > 0 && !input.scrapReason)
      ctx.addIssue({ code: 'custom', path: ['scrapReason'], message: 'is required when scrapQuantity is above zero' });
    if (!['CONFIRM', 'COMPLETE'].includes(input.eventType) && (input.yieldQuantity > 0 || input.scrapQuantity > 0)) {
      ctx.addIssue({
        code: 'custom',
        path: ['yieldQuantity'],
        message: `must be 0 for ${input.eventType}: only CONFIRM and COMPLETE report quantities`,
      });
    }
  });

export type ReportOperationEvent = z.output<typeof reportOperationEventInput>;

export const reportOperationEventCommand: CommandShape<'ReportOperationEvent', ReportOperationEvent> = {
  messageType: 'ReportOperationEvent',
  webhookSources: ['mes'],
  input: reportOperationEventInput,
  scope: orderScope,
  businessKey: (p, key) => [
    p.plant,
    p.orderNumber,
    String(p.operationSequence),
    p.eventType,
    p.equipment,
    key.bucket(p.occurredAt),
  ],
  reads: (p) => ({ workCentersOf: p.plant }),
};
