import { z } from 'zod';
import { code, isoDateTime, messageId, positive, sequence } from '../commands/input-primitives';
import { orderScope, type CommandShape } from '../messages/command-shape';

/** MES reports a component lot consumed on an operation. */
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

export type ReportMaterialConsumption = z.output<typeof reportMaterialConsumptionInput>;

export const reportMaterialConsumptionCommand: CommandShape<'ReportMaterialConsumption', ReportMaterialConsumption> = {
  messageType: 'ReportMaterialConsumption',
  webhookSources: ['mes'],
  input: reportMaterialConsumptionInput,
  scope: orderScope,
  businessKey: (p, key) => [
    p.plant,
    p.orderNumber,
    String(p.operationSequence),
    p.item,
    p.lot,
    key.bucket(p.occurredAt),
  ],
  // Work centres: the goods issue carries its operation's cost centre (enrichment).
  reads: (p) => ({ items: [p.item], lots: [[p.plant, p.lot]], workCentersOf: p.plant }),
};
