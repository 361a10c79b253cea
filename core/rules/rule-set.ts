import type { ExceptionType } from '../ports/records';
import { DEFAULT_STALL_THRESHOLDS_SECONDS, type StallThresholds } from '../stalled/stall-thresholds';

/**
 * The parameters of the workflow controls, per plant. Every decision records the version of the rule set that
 * made it, so that an auditor can tell which parameters applied.
 */
export interface RuleSet {
  /** Changes whenever a parameter changes. */
  version: number;
  /** Width of the timestamp bucket in business keys: events of one key within it are the same event. */
  timestampBucketMs: number;
  /** How long an event waits for its predecessor before it becomes a SEQUENCE exception. */
  holdWindowMs: number;
  /** How far (percent) an operation's confirmed yield may exceed its predecessor's. */
  yieldTolerancePct: number;
  /** How far (percent) completed quantity may exceed the order quantity. */
  overDeliveryTolerancePct: number;
  /** How far (percent) completed quantity may stay below the order quantity for the order to count as complete. */
  underDeliveryTolerancePct: number;
  /** How far (percent) a component's consumption may exceed its reservation for the operation. */
  reservationTolerancePct: number;
  /** Work centres at which RESTRICTED lots may be consumed; '*' for all, none by default. */
  restrictedLotWorkCenters: readonly string[];
  /**
   * First-article inspection: required for operations of these items or at these work centres; confirmations beyond
   * `quantity` wait until it passes.
   */
  firstArticle: { items: readonly string[]; workCenters: readonly string[]; quantity: number };
  /** Whether every ERP posting must carry the ERP plant, cost object and activity type (else it is not sent). */
  requireEnrichment: boolean;
  /** Whether operation N may complete before operation N−1 has. */
  allowOperationOverlap: boolean;
  /** Open exceptions a plant may have before operations are alerted. */
  openExceptionLimit: number;
  /** Seconds an order may sit in a state, or a transaction in a status, before it counts as stalled. */
  stalledAfterSeconds: StallThresholds;
  /** Minutes within which an exception of each type must be triaged (its `dueAt`). */
  triageMinutes: Record<ExceptionType, number>;
  /** Whether every override needs a second principal's approval (quality releases under deviation always do). */
  fourEyesOverrides: boolean;
  /**
   * Rules whose exceptions are replayed by themselves: master data rules when the data they name is supplied or
   * corrected, `downstream.<system>.unavailable` when the system's circuit closes again.
   */
  autoReplayRules: readonly string[];
  /** The plant's own item, unit, work centre and lot codes, mapped at intake and on the way out. */
  mappings: CodeMappings;
  /** How this plant's records are compared with ERP, MES and QMS; supply chain owns these thresholds. */
  reconciliation: ReconciliationParameters;
}

/**
 * A plant's own codes: plant code → canonical code per kind. Without a table for a kind its codes are the canonical
 * ones; with one, a code it does not name is refused. Lot numbers map by prefix.
 */
export interface CodeMappings {
  items?: Record<string, string>;
  uoms?: Record<string, string>;
  workCenters?: Record<string, string>;
  /** The plant's lot numbers start with `plant` where the canonical ones start with `canonical`. */
  lotPrefix?: { plant: string; canonical: string };
}

/** A difference of at most `absolute`, or of at most `percent` of Plantgate's value, is within tolerance. */
export interface Tolerance {
  absolute: number;
  percent: number;
}

export interface ReconciliationParameters {
  /** Minutes between scheduled INCREMENTAL runs; 0 runs only on demand. */
  intervalMinutes: number;
  /** Every how many scheduled runs one is FULL (the rolling full sweep). */
  fullSweepEvery: number;
  /** A posting younger than this may still be on its way: its fields are not compared yet. */
  graceSeconds: number;
  /** Hours within which a drift must be closed (alerted past it). */
  closureSlaHours: number;
  /** Per field kind (goodsIssued, operationYield, scrap, goodsReceived, lotBalance, …); absent: exact. */
  tolerances: Record<string, Tolerance>;
}

export const DEFAULT_RECONCILIATION: ReconciliationParameters = {
  intervalMinutes: 60,
  fullSweepEvery: 24,
  graceSeconds: 300,
  closureSlaHours: 24,
  tolerances: {},
};

/** A plant running around the clock triages what stops the line first, and reconciliation drift within a day. */
export const DEFAULT_TRIAGE_MINUTES: Record<ExceptionType, number> = {
  VALIDATION: 240,
  SEQUENCE: 120,
  DEPENDENCY: 480,
  REVISION_MISMATCH: 60,
  DUPLICATE_CONFLICT: 240,
  DOWNSTREAM: 60,
  RECONCILIATION: 1440,
  PROCESSING: 60,
};

export const DEFAULT_RULE_SET: RuleSet = {
  version: 1,
  timestampBucketMs: 1000,
  holdWindowMs: 15 * 60 * 1000,
  yieldTolerancePct: 0,
  overDeliveryTolerancePct: 5,
  underDeliveryTolerancePct: 0,
  reservationTolerancePct: 0,
  restrictedLotWorkCenters: [],
  firstArticle: { items: [], workCenters: [], quantity: 1 },
  requireEnrichment: false,
  allowOperationOverlap: false,
  openExceptionLimit: 25,
  stalledAfterSeconds: DEFAULT_STALL_THRESHOLDS_SECONDS,
  triageMinutes: DEFAULT_TRIAGE_MINUTES,
  fourEyesOverrides: false,
  autoReplayRules: [
    'reference.plant',
    'reference.item',
    'reference.item-revision',
    'reference.work-center',
    'reference.uom-conversion',
    'reference.enrichment',
    'consumption.lot-known',
    'consumption.lot-item',
    'consumption.lot-status',
    'consumption.lot-expiry',
    'downstream.erp.unavailable',
    'downstream.mes.unavailable',
    'downstream.qms.unavailable',
  ],
  mappings: {},
  reconciliation: DEFAULT_RECONCILIATION,
};

/** One version of a plant's rule set and when it took (or takes) effect. */
export interface RuleVersion {
  version: number;
  effectiveAt: string;
  ruleSet: RuleSet;
}

/**
 * Defaults for every plant, and whole rule sets for plants that differ (RULES_FILE: each plant's version 1, or the
 * version the file names); then each plant's approved changes, in the order they take effect (rule governance).
 */
export interface RuleBook {
  defaults: RuleSet;
  plants: Record<string, RuleSet>;
  /** Approved versions after the file's, per plant, by effectiveAt; kept current by every process. */
  history?: Record<string, readonly RuleVersion[]>;
}

/**
 * The plant's rule set in force at `at` (an ISO instant; now when absent): an event is judged by the version in
 * force when it was received, whenever it is decided.
 */
export function ruleSetFor(book: RuleBook, plant: string, at?: string): RuleSet {
  const seed = book.plants[plant] ?? book.defaults;
  const versions = book.history?.[plant];
  if (!versions?.length) return seed;
  const when = at ?? new Date().toISOString();
  let inForce = seed;
  for (const v of versions) if (v.effectiveAt <= when) inForce = v.ruleSet;
  return inForce;
}
