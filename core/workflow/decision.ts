import type { ExceptionType, OutboxDraft } from '../ports/records';
import type { OrderRecord } from '../orders/order.types';

/** What the rules decided for one message, before it is turned into a unit of work. */
export type Decision =
  | { kind: 'apply'; order: OrderRecord; action: string; outbox: Omit<OutboxDraft, 'id' | 'correlationId' | 'createdAt'>[] }
  | { kind: 'quarantine'; type: ExceptionType; rule: string; reason: string };

/** Facts a rule needs besides the command and the stored order. */
export interface DecisionContext {
  now: string;
  correlationId: string;
  ruleSetVersion: number;
}

export function quarantine(type: ExceptionType, rule: string, reason: string): Decision {
  return { kind: 'quarantine', type, rule, reason };
}
