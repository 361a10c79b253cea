import { z } from 'zod';
import { code, isoDateTime, messageId, positive } from '../commands/input-primitives';
import { orderScope, type CommandShape } from '../messages/command-shape';

/** MES reports finished goods produced into a lot. */
export const reportProductionCompletionInput = z.object({
  orderNumber: code,
  plant: code,
  lot: code,
  quantity: positive,
  uom: code,
  /** One per piece, for serialised items. */
  serialNumbers: z.array(code).max(10_000, 'must list at most 10000 serial numbers').nullish(),
  occurredAt: isoDateTime,
  messageId,
});

export type ReportProductionCompletion = z.output<typeof reportProductionCompletionInput>;

export const reportProductionCompletionCommand: CommandShape<'ReportProductionCompletion', ReportProductionCompletion> =
  {
    messageType: 'ReportProductionCompletion',
    webhookSources: ['mes'],
    input: reportProductionCompletionInput,
    scope: orderScope,
    businessKey: (p, key) => [p.plant, p.orderNumber, p.lot, key.bucket(p.occurredAt)],
    // The produced item is the order's.
    reads: (p, order) => ({
      items: order ? [order.item] : [],
      lots: [[p.plant, p.lot]],
      ...(order && p.serialNumbers?.length
        ? { serials: { plant: p.plant, item: order.item, numbers: p.serialNumbers } }
        : {}),
    }),
  };
