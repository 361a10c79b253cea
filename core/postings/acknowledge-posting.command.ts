import { z } from 'zod';
import { code, isoDateTime, messageId } from '../commands/input-primitives';
import { orderScope, type CommandShape } from '../messages/command-shape';

/** A downstream system (ERP today) confirming that a posting Plantgate requested was booked. */
export const acknowledgePostingInput = z.object({
  plant: code,
  orderNumber: code,
  /** The idempotency key the posting was sent with. */
  postingKey: z.string().trim().min(1, 'must not be empty').max(300),
  documentNumber: code,
  acknowledgedAt: isoDateTime,
  messageId,
});

export type AcknowledgePosting = z.output<typeof acknowledgePostingInput>;

export const acknowledgePostingCommand: CommandShape<'AcknowledgePosting', AcknowledgePosting> = {
  messageType: 'AcknowledgePosting',
  webhookSources: ['erp'],
  input: acknowledgePostingInput,
  scope: orderScope,
  businessKey: (p) => [p.plant, p.postingKey],
  reads: () => ({}),
};
