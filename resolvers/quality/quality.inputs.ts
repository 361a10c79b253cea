import { z } from 'zod';
import { DISPOSITIONS, INSPECTION_RESULTS, INSPECTION_TYPES, NONCONFORMANCE_STATUSES } from '../../core/commands/command.types';
import { code, isoDateTime, messageId, text } from '../input-primitives';

export const recordInspectionResultInput = z.object({
  inspectionId: code,
  orderNumber: code,
  plant: code,
  lot: code,
  inspectionType: z.enum(INSPECTION_TYPES),
  result: z.enum(INSPECTION_RESULTS),
  disposition: z.enum(DISPOSITIONS),
  inspector: code,
  decidedAt: isoDateTime,
  messageId,
});

export const reportNonconformanceInput = z.object({
  nonconformanceId: code,
  plant: code,
  orderNumber: code,
  lot: code,
  status: z.enum(NONCONFORMANCE_STATUSES),
  severity: code,
  description: text,
  occurredAt: isoDateTime,
  messageId,
});
