import { z } from 'zod';
import { OPERATION_EVENT_TYPES } from '../../core/commands/command.types';
import { code, isoDateTime, messageId, nonNegative, sequence } from '../input-primitives';

export const reportOperationEventInput = z
  .object({
    orderNumber: code,
    plant: code,
    operationSequence: sequence,
    eventType: z.enum(OPERATION_EVENT_TYPES),
    yieldQuantity: nonNegative.nullish().transform((v) => v ?? 0),
    scrapQuantity: nonNegative.nullish().transform((v) => v ?? 0),
    scrapReason: z.string().trim().max(200).nullish().transform((v) => v || null),
    workCenter: code,
    equipment: code,
    operator: code,
    occurredAt: isoDateTime,
    messageId,
  })
  .superRefine((input, ctx) => {
    if (input.scrapQuantity > 0 && !input.scrapReason) ctx.addIssue({ code: 'custom', path: ['scrapReason'], message: 'is required when scrapQuantity is above zero' });
    if (!['CONFIRM', 'COMPLETE'].includes(input.eventType) && (input.yieldQuantity > 0 || input.scrapQuantity > 0)) {
      ctx.addIssue({ code: 'custom', path: ['yieldQuantity'], message: `must be 0 for ${input.eventType}: only CONFIRM and COMPLETE report quantities` });
    }
  });
