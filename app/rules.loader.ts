import fs from 'node:fs';
import { z } from 'zod';
import { ORDER_STATES } from '../core/orders/order.types';
import { EXCEPTION_TYPES, TRANSACTION_STATUSES } from '../core/ports/records';
import { DEFAULT_RULE_SET, type RuleBook, type RuleSet } from '../core/rules/rule-set';
import { mergeRuleSet, type RuleOverlay } from '../core/rules/rule-merge';
import { ConfigError } from './config';
import { DomainError } from '../core/errors';
import type { RuleParameters } from '../core/rules/rule-change';

const ruleSet = z
  .object({
    version: z.number().int().positive(),
    timestampBucketMs: z.number().int().min(1).max(3_600_000),
    holdWindowMs: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 3_600_000),
    yieldTolerancePct: z.number().min(0).max(100),
    overDeliveryTolerancePct: z.number().min(0).max(100),
    underDeliveryTolerancePct: z.number().min(0).max(100),
    reservationTolerancePct: z.number().min(0).max(1000),
    restrictedLotWorkCenters: z.array(z.string().min(1)),
    firstArticle: z
      .object({
        items: z.array(z.string().min(1)),
        workCenters: z.array(z.string().min(1)),
        quantity: z.number().positive(),
      })
      .partial()
      .strict(),
    requireEnrichment: z.boolean(),
    mappings: z
      .object({
        items: z.record(z.string().min(1), z.string().min(1)),
        uoms: z.record(z.string().min(1), z.string().min(1)),
        workCenters: z.record(z.string().min(1), z.string().min(1)),
        lotPrefix: z.object({ plant: z.string(), canonical: z.string() }).strict(),
      })
      .partial()
      .strict(),
    allowOperationOverlap: z.boolean(),
    openExceptionLimit: z.number().int().min(0),
    stalledAfterSeconds: z
      .object({
        orders: z.partialRecord(z.enum(ORDER_STATES), z.number().int().positive().nullable()).optional(),
        transactions: z.partialRecord(z.enum(TRANSACTION_STATUSES), z.number().int().positive().nullable()).optional(),
      })
      .strict(),
    triageMinutes: z.partialRecord(z.enum(EXCEPTION_TYPES), z.number().int().positive()),
    fourEyesOverrides: z.boolean(),
    autoReplayRules: z.array(z.string().min(1)),
    reconciliation: z
      .object({
        intervalMinutes: z.number().min(0).max(10_080),
        fullSweepEvery: z.number().int().min(1).max(10_000),
        graceSeconds: z.number().int().min(0).max(86_400),
        closureSlaHours: z.number().positive().max(8_760),
        tolerances: z.record(
          z.string(),
          z.object({ absolute: z.number().min(0), percent: z.number().min(0).max(100) }).strict(),
        ),
      })
      .partial()
      .strict(),
  })
  .strict();

const file = z
  .object({
    defaults: ruleSet.partial().extend({ version: z.number().int().positive() }).optional(),
    plants: z.record(z.string(), ruleSet.partial().extend({ version: z.number().int().positive() })).optional(),
  })
  .strict();

/**
 * The rule book: built-in defaults, overridden by RULES_FILE (JSON) when given. Every plant entry carries its own
 * version, which decisions record; a plant entry starts from the defaults and changes only what it names.
 *
 * { "defaults": { "version": 2, "holdWindowMs": 600000 },
 *   "plants": { "P2": { "version": 5, "allowOperationOverlap": true, "yieldTolerancePct": 2 } } }
 */
export function loadRuleBook(path: string | undefined): RuleBook {
  if (!path) return { defaults: DEFAULT_RULE_SET, plants: {} };
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError('RULES_FILE', `cannot be read as JSON: ${(error as Error).message}`, path);
  }
  const parsed = file.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError('RULES_FILE', `${issue.path.join('.') || 'file'} ${issue.message}`, path);
  }
  const merge = (base: RuleSet, over: z.output<typeof file>['defaults']) => mergeRuleSet(base, over as RuleOverlay);
  const defaults = merge(DEFAULT_RULE_SET, parsed.data.defaults);
  const plants = Object.fromEntries(
    Object.entries(parsed.data.plants ?? {}).map(([plant, rules]) => [plant, merge(defaults, rules)]),
  );
  return { defaults, plants };
}

/** What a rule change may set, checked as the file is: every parameter but the version, nested ones in part. */
const changeParameters = ruleSet.omit({ version: true }).partial().strict();

/** A rule change's parameters, checked as RULES_FILE's are; INVALID_INPUT naming the first wrong parameter. */
export function parseRuleParameters(raw: unknown): RuleParameters {
  const parsed = changeParameters.safeParse(raw ?? {});
  if (parsed.success) return parsed.data as RuleParameters;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.join('.');
  const field = path.startsWith('mappings') ? path : `parameters${path ? `.${path}` : ''}`;
  throw new DomainError('INVALID_INPUT', `${field} ${issue.message}`, { field });
}
