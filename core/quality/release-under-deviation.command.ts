import { z } from 'zod';
import { code, text } from '../commands/input-primitives';
import { orderScope, type CommandShape } from '../messages/command-shape';

const principalId = z.string().trim().min(1).max(300);

/**
 * Quality releases a held lot under deviation: an approved override of its quality hold. Submitted only by the
 * exception workbench after a second principal approved it (four eyes); no mutation or webhook carries it.
 */
export const releaseUnderDeviationInput = z.object({
  plant: code,
  orderNumber: code,
  lot: code,
  exceptionId: z.string().trim().min(1).max(300),
  reason: text,
  requestedBy: principalId,
  approvedBy: principalId,
});

export type ReleaseUnderDeviation = z.output<typeof releaseUnderDeviationInput>;

export const releaseUnderDeviationCommand: CommandShape<'ReleaseUnderDeviation', ReleaseUnderDeviation> = {
  messageType: 'ReleaseUnderDeviation',
  webhookSources: [],
  input: releaseUnderDeviationInput,
  scope: orderScope,
  businessKey: (p) => [p.plant, p.orderNumber, p.lot, p.exceptionId],
  reads: (p) => ({ lots: [[p.plant, p.lot]] }),
};
