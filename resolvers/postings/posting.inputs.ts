import { z } from 'zod';
import { code, isoDateTime, messageId } from '../input-primitives';

export const acknowledgePostingInput = z.object({
  plant: code,
  orderNumber: code,
  postingKey: z.string().trim().min(1, 'must not be empty').max(300),
  documentNumber: code,
  acknowledgedAt: isoDateTime,
  messageId,
});
