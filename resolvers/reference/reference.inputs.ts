import { z } from 'zod';
import { LOT_STATUSES } from '../../core/commands/command.types';
import { code, isoDateTime, nonNegative, positive } from '../input-primitives';

export const upsertReferenceDataInput = z
  .object({
    plants: z.array(z.object({ code, name: z.string().trim().min(1, 'must not be empty').max(200) })).nullish().transform((v) => v ?? []),
    workCenters: z.array(z.object({ plant: code, code })).nullish().transform((v) => v ?? []),
    items: z
      .array(
        z.object({
          number: code,
          revision: code,
          baseUom: code,
          lotControlled: z.boolean(),
          uomConversions: z.array(z.object({ fromUom: code, toUom: code, factor: positive })).nullish().transform((v) => v ?? []),
        }),
      )
      .nullish()
      .transform((v) => v ?? []),
    lots: z
      .array(z.object({ lotNumber: code, item: code, plant: code, status: z.enum(LOT_STATUSES), expiresAt: isoDateTime.nullish().transform((v) => v ?? null), quantity: nonNegative, uom: code }))
      .nullish()
      .transform((v) => v ?? []),
  })
  .superRefine((input, ctx) => {
    if (input.plants.length + input.workCenters.length + input.items.length + input.lots.length === 0) {
      ctx.addIssue({ code: 'custom', path: [], message: 'must name at least one plant, work center, item or lot' });
    }
    input.items.forEach((item, i) =>
      item.uomConversions.forEach((c, j) => {
        if (c.fromUom !== item.baseUom && c.toUom !== item.baseUom) {
          ctx.addIssue({ code: 'custom', path: ['items', i, 'uomConversions', j], message: `must convert to or from the base unit ${item.baseUom}` });
        }
      }),
    );
  });
