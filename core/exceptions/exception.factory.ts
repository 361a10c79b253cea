import type { ExceptionRecord } from '../ports/records';
import type { RuleSet } from '../rules/rule-set';
import { ownerOf } from './exception.policy';

/** What a refusal knows about the exception it opens; the workbench fields follow from its rule and plant. */
export type ExceptionDraft = Pick<
  ExceptionRecord,
  | 'id'
  | 'type'
  | 'reason'
  | 'plant'
  | 'orderNumber'
  | 'correlationId'
  | 'messageType'
  | 'payload'
  | 'rule'
  | 'createdAt'
> & { replayOf?: string | null };

/** An OPEN exception with its owner (from its rule) and triage deadline (from the plant's rules for its type). */
export function openException(draft: ExceptionDraft, rules: RuleSet): ExceptionRecord {
  return {
    ...draft,
    status: 'OPEN',
    ruleSetVersion: rules.version,
    owner: ownerOf(draft.type, draft.rule),
    dueAt: new Date(Date.parse(draft.createdAt) + rules.triageMinutes[draft.type] * 60_000).toISOString(),
    assignee: null,
    actions: [],
    replayOf: draft.replayOf ?? null,
    replayedAs: null,
    pendingOverride: null,
    closedAt: null,
    version: 1,
  };
}
