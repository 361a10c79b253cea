import type { WorkbenchLink } from '../intake/envelope';
import {
  ACTIVE_EXCEPTION_STATUSES,
  type AuditDraft,
  type ExceptionActionKind,
  type ExceptionRecord,
} from '../ports/records';
import type { ExceptionUpdate } from '../ports/store.port';
import type { TransactionRecord } from '../ports/transaction.record';
import { concernsOf } from '../workflow/audit-concerns';

/** One change to an exception: the record after it and the audit entry that records it, committed together. */
export interface ExceptionChange {
  update: ExceptionUpdate;
  audit: AuditDraft;
  action: ExceptionActionKind;
}

export function isActive(exception: Pick<ExceptionRecord, 'status'>): boolean {
  return ACTIVE_EXCEPTION_STATUSES.includes(exception.status);
}

/**
 * An exception after an action: its history grows by one step, its version by one, and the audit entry (in the
 * order's hash chain) carries who, when, why, and the status and assignee before and after.
 */
export function changeException(
  exception: ExceptionRecord,
  step: { action: ExceptionActionKind; actor: string; at: string; note: string; correlationId?: string },
  patch: Partial<
    Pick<ExceptionRecord, 'status' | 'assignee' | 'replayedAs' | 'pendingOverride' | 'closedAt' | 'reason' | 'rule'>
  >,
): ExceptionChange {
  const closing = patch.status !== undefined && !ACTIVE_EXCEPTION_STATUSES.includes(patch.status);
  const record: ExceptionRecord = {
    ...exception,
    ...patch,
    closedAt: closing ? step.at : (patch.closedAt ?? exception.closedAt),
    // In the order they happened: a submission recorded after the worker already closed the exception reads first.
    actions: [...exception.actions, { action: step.action, actor: step.actor, at: step.at, note: step.note }].sort(
      (a, b) => a.at.localeCompare(b.at),
    ),
    version: exception.version + 1,
  };
  return {
    action: step.action,
    update: { record, expectedVersion: exception.version },
    audit: {
      at: step.at,
      subject: exception.orderNumber ? `order:${exception.plant}:${exception.orderNumber}` : 'exceptions',
      action: `exception.${step.action.toLowerCase().replace(/_/g, '-')}`,
      actor: step.actor,
      correlationId: step.correlationId ?? exception.correlationId,
      detail: {
        exceptionId: exception.id,
        type: exception.type,
        rule: exception.rule,
        note: step.note,
        before: { status: exception.status, assignee: exception.assignee },
        after: { status: record.status, assignee: record.assignee, replayedAs: record.replayedAs },
        concerns: concernsOf(exception.payload),
      },
    },
  };
}

const CLOSING_STATUS: Record<WorkbenchLink['action'], 'REPLAYED' | 'OVERRIDDEN' | 'RESOLVED'> = {
  REPLAY: 'REPLAYED',
  OVERRIDE: 'OVERRIDDEN',
  CORRECTION: 'RESOLVED',
};

/**
 * What a worker's decision on a replay, override or correction means for the exception it answers: applied, the
 * exception closes (REPLAYED, OVERRIDDEN or RESOLVED) linked to it; refused again by another control, it closes
 * as REPLAYED and the new exception (whose replayOf links back) carries the problem on; a duplicate of an event
 * already applied resolves it. Held: nothing yet. Null when the exception is no longer active.
 */
export function closeByDecision(
  exception: ExceptionRecord,
  link: WorkbenchLink,
  decided: Pick<TransactionRecord, 'status' | 'exceptionId'> & { correlationId: string; actor: string; at: string },
): ExceptionChange | null {
  if (!isActive(exception) || decided.status === 'HELD' || decided.status === 'RECEIVED') return null;
  const step = { actor: decided.actor, at: decided.at, correlationId: decided.correlationId };
  const replayedAs = decided.correlationId;
  if (decided.status === 'APPLIED' || decided.status === 'POSTED') {
    const status = CLOSING_STATUS[link.action];
    const how = link.action === 'OVERRIDE' ? ` past rule ${link.overrideRule}` : '';
    return changeException(
      exception,
      { ...step, action: status, note: `Applied${how} as ${decided.correlationId}` },
      { status, replayedAs, pendingOverride: null },
    );
  }
  if (decided.status === 'DUPLICATE') {
    return changeException(
      exception,
      { ...step, action: 'RESOLVED', note: `The event was already applied; ${decided.correlationId} was a duplicate` },
      { status: 'RESOLVED', replayedAs, pendingOverride: null },
    );
  }
  return changeException(
    exception,
    {
      ...step,
      action: 'REFUSED_AGAIN',
      note: `${decided.correlationId} was refused again: exception ${decided.exceptionId ?? 'none'} carries it on`,
    },
    { status: 'REPLAYED', replayedAs, pendingOverride: null },
  );
}
