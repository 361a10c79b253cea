import { z } from 'zod';
import { code, isoDateTime, nonNegative, positive } from '../commands/input-primitives';
import { LOT_STATUSES } from '../commands/vocabulary';
import type { CommandShape, Scope } from '../messages/command-shape';

const listOf = <T extends z.ZodType>(element: T) =>
  z
    .array(element)
    .nullish()
    .transform((v): z.output<T>[] => v ?? []);

/** Master data: plants, work centers, items with their revisions and unit conversions, lots. */
export const upsertReferenceDataInput = z
  .object({
    plants: listOf(
      z.object({
        code,
        name: z.string().trim().min(1, 'must not be empty').max(200),
        erpPlant: code.nullish(),
        settlementReceiver: code.nullish(),
      }),
    ),
    workCenters: listOf(z.object({ plant: code, code, costCenter: code.nullish(), activityType: code.nullish() })),
    items: listOf(
      z.object({
        number: code,
        revision: code,
        baseUom: code,
        lotControlled: z.boolean(),
        serialized: z.boolean().nullish(),
        uomConversions: listOf(z.object({ fromUom: code, toUom: code, factor: positive })),
      }),
    ),
    lots: listOf(
      z.object({
        lotNumber: code,
        item: code,
        plant: code,
        status: z.enum(LOT_STATUSES),
        expiresAt: isoDateTime.nullish().transform((v) => v ?? null),
        quantity: nonNegative,
        uom: code,
      }),
    ),
  })
  .superRefine((input, ctx) => {
    if (input.plants.length + input.workCenters.length + input.items.length + input.lots.length === 0) {
      ctx.addIssue({ code: 'custom', path: [], message: 'must name at least one plant, work center, item or lot' });
    }
    input.items.forEach((item, i) =>
      item.uomConversions.forEach((c, j) => {
        if (c.fromUom !== item.baseUom && c.toUom !== item.baseUom) {
          ctx.addIssue({
            code: 'custom',
            path: ['items', i, 'uomConversions', j],
            message: `must convert to or from the base unit ${item.baseUom}`,
          });
        }
      }),
    );
  });

export type UpsertReferenceData = z.output<typeof upsertReferenceDataInput>;

/** Reference data is not about one order; all of it travels in one scope so that upserts apply in order. */
export const REFERENCE_DATA_SCOPE: Scope = { plant: '*', orderNumber: '' };

export const upsertReferenceDataCommand: CommandShape<'UpsertReferenceData', UpsertReferenceData> = {
  messageType: 'UpsertReferenceData',
  webhookSources: [],
  input: upsertReferenceDataInput,
  scope: () => REFERENCE_DATA_SCOPE,
  plantsTouched: (p) => [
    ...p.plants.map((pl) => pl.code),
    ...p.workCenters.map((wc) => wc.plant),
    ...p.lots.map((l) => l.plant),
    ...(p.items.length ? ['*'] : []),
  ],
  // Master data has no event identity of its own: the same content is the same upsert.
  businessKey: (_p, key) => [key.fingerprint()],
  reads: (p) => ({
    lots: p.lots.map((l) => [l.plant, l.lotNumber] as const),
    items: p.lots.map((l) => l.item),
    plants: [...p.lots.map((l) => l.plant), ...p.workCenters.map((wc) => wc.plant)],
  }),
};
