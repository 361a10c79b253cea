import { z } from 'zod';
import { code, isoDateTime, messageId, positive, sequence } from '../input-primitives';

export const reportMaterialConsumptionInput = z.object({
  orderNumber: code,
  plant: code,
  operationSequence: sequence,
  item: code,
  lot: code,
  quantity: positive,
  uom: code,
  occurredAt: isoDateTime,
  messageId,
});
