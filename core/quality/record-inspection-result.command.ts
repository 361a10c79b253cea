import { z } from 'zod';
import { code, isoDateTime, messageId } from '../commands/input-primitives';
import { DISPOSITIONS, INSPECTION_RESULTS, INSPECTION_TYPES } from '../commands/vocabulary';
import { orderScope, type CommandShape } from '../messages/command-shape';

/** QMS records an inspection's result and disposition for a lot. */
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

export type RecordInspectionResult = z.output<typeof recordInspectionResultInput>;

export const recordInspectionResultCommand: CommandShape<'RecordInspectionResult', RecordInspectionResult> = {
  messageType: 'RecordInspectionResult',
  webhookSources: ['qms'],
  input: recordInspectionResultInput,
  scope: orderScope,
  businessKey: (p, key) => [p.plant, p.inspectionId, key.bucket(p.decidedAt)],
  reads: (p) => ({ lots: [[p.plant, p.lot]] }),
};
