import { z } from 'zod';
import { code, isoDateTime, messageId, text } from '../commands/input-primitives';
import { NONCONFORMANCE_STATUSES } from '../commands/vocabulary';
import { orderScope, type CommandShape } from '../messages/command-shape';

/** QMS reports a nonconformance on a lot, or a change of its status. */
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

export type ReportNonconformance = z.output<typeof reportNonconformanceInput>;

export const reportNonconformanceCommand: CommandShape<'ReportNonconformance', ReportNonconformance> = {
  messageType: 'ReportNonconformance',
  webhookSources: ['qms'],
  input: reportNonconformanceInput,
  scope: orderScope,
  businessKey: (p) => [p.plant, p.nonconformanceId, p.status],
  reads: (p) => ({ lots: [[p.plant, p.lot]] }),
};
