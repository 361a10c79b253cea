import type { UpsertReferenceData } from '../reference/upsert-reference-data.command';
import type { OrderRecord } from '../orders/order.types';
import type { ExceptionType, OutboxDraft } from '../ports/records';
import type { ItemRecord, LotRecord, PlantRecord, WorkCenterRecord } from '../reference/reference.types';
import type { RuleSet } from '../rules/rule-set';

export type OutboxRequest = Omit<
  OutboxDraft,
  'id' | 'correlationId' | 'scope' | 'createdAt' | 'traceparent' | 'principal'
>;

/** What the rules decided for one message, before it is turned into a unit of work. */
export type Decision =
  | {
      kind: 'apply';
      action: string;
      /** The order after the change, when it changed. */
      order?: OrderRecord;
      /** Lots after the change, when any changed. */
      lots?: LotRecord[];
      reference?: Pick<UpsertReferenceData, 'plants' | 'workCenters' | 'items'>;
      outbox: OutboxRequest[];
      /** Earlier transactions whose downstream posting this message confirms. */
      postedCorrelationIds?: string[];
      /** Exceptions the applied change opens for a person (a quality hold: DEPENDENCY, owned by QUALITY). */
      raise?: { type: ExceptionType; rule: string; reason: string }[];
      /** This lot's quality hold was lifted: the exceptions of its hold resolve by themselves. */
      liftsQualityHoldOf?: string;
    }
  /** The message arrived before something it depends on: keep it and try again when the order changes. */
  | {
      kind: 'hold';
      rule: string;
      reason: string;
      /** It waits for a decision that has no deadline of its own (an inspection): the hold window does not expire it. */
      untilDecided?: boolean;
    }
  | { kind: 'quarantine'; type: ExceptionType; rule: string; reason: string };

export type ApplyDecision = Extract<Decision, { kind: 'apply' }>;

/** Facts a rule needs besides the command and the stored state. */
export interface DecisionContext {
  now: string;
  correlationId: string;
  rules: RuleSet;
  /** The one rule an approved override lets this message pass (core/exceptions/exception.policy). */
  overrideRule?: string | null;
}

/** The stored state a decision reads, loaded before the pure rules run. */
export interface DecisionInputs {
  order: OrderRecord | null;
  /** By lotKey(plant, lotNumber). */
  lots: Map<string, LotRecord>;
  /** Revisions known for each item number, oldest first. */
  items: Map<string, ItemRecord[]>;
  /** Work center codes known in the command's plant. */
  workCenters: Set<string>;
  /** Those work centres' records, with what ERP postings of them carry (enrichment). */
  workCenterRecords?: readonly WorkCenterRecord[];
  /** Of the serial numbers the command names, those its plant already produced for the item. */
  usedSerials?: ReadonlySet<string>;
  /** The command's plant record, with what its ERP postings carry (enrichment); null when unknown. */
  plant?: PlantRecord | null;
  plantKnown: boolean;
  /** Plant codes a reference-data upsert refers to that the store already knows. */
  knownPlants: Set<string>;
}

export function quarantine(type: ExceptionType, rule: string, reason: string): Decision {
  return { kind: 'quarantine', type, rule, reason };
}

export function hold(rule: string, reason: string): Decision {
  return { kind: 'hold', rule, reason };
}

export function invalid(rule: string, reason: string): Decision {
  return { kind: 'quarantine', type: 'VALIDATION', rule, reason };
}
