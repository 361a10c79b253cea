import { hasAnyRole, inPlantScope, requireOwnerOrAdmin } from '../auth/permissions';
import type { Principal } from '../auth/principal';
import { DomainError } from '../errors';
import type { SubmissionService, SubmitOutcome } from '../intake/submission.service';
import type { WorkbenchLink } from '../intake/envelope';
import { parseInput } from '../messages/input-shape';
import { isMessageType, sliceOf, type MessageType } from '../messages/message.registry';
import { FINAL_TRANSACTION_STATUSES, type ExceptionActionKind, type ExceptionRecord } from '../ports/records';
import type { ExceptionFilter, Store } from '../ports/store.port';
import { ruleSetFor, type RuleBook } from '../rules/rule-set';
import { observeAction, type ExceptionObserver } from './exception.observer';
import { QUALITY_HOLD_RULE } from '../quality/quality.gate';
import { deliveryRetried, deliveryRetryPending, outboxIdOf } from './downstream-retry';
import { hasRefusedEvent, overridePolicy } from './exception.policy';
import { changeException, isActive, type ExceptionChange } from './exception.transitions';
import { noteOf } from './required-note';
import { LOST_RACE, untilWritten } from '../write-races';

export interface WorkbenchDeps {
  store: Pick<Store, 'getException' | 'updateExceptions' | 'getTransaction' | 'listExceptions' | 'listOutbox'>;
  intake: Pick<SubmissionService, 'submit'>;
  rules: RuleBook;
  now: () => Date;
  observer?: ExceptionObserver;
}

export interface BulkReplayResult {
  replayed: ExceptionRecord[];
  skipped: { id: string; reason: string }[];
}

/** Most exceptions a bulk replay takes at once: it publishes one by one, each confirmed by the broker. */
export const BULK_REPLAY_LIMIT = 500;

/**
 * The exception workbench: people act on what the controls stopped. Each action is checked (plant, role, status),
 * recorded on the exception at its version (two people acting at once: one wins, the other is told) and appended to
 * the order's audit chain. Replays and overrides go through the one submission service, taking over the refused
 * event's business key; the worker that decides them closes the exception in the same commit.
 */
export function createWorkbench(deps: WorkbenchDeps) {
  const { store } = deps;
  const now = () => deps.now().toISOString();

  async function load(principal: Principal, id: string): Promise<ExceptionRecord> {
    const exception = await store.getException(id);
    // Outside the principal's plants an exception does not exist for them.
    if (!exception || !inPlantScope(principal, exception.plant)) {
      throw new DomainError('NOT_FOUND', `No exception ${id}`, { details: { exceptionId: id } });
    }
    return exception;
  }

  /** The exception's owner role, or ADMIN, may work it (assign, replay, resolve, discard). */
  function requireOwner(principal: Principal, exception: ExceptionRecord, what: string) {
    requireOwnerOrAdmin(principal, exception.owner, `${what} exception ${exception.id}`);
  }

  async function requireActive(exception: ExceptionRecord, what: string, statuses = ['OPEN']) {
    if (!statuses.includes(exception.status)) {
      throw new DomainError(
        'ILLEGAL_TRANSITION',
        `Exception ${exception.id} is ${exception.status}; only ${statuses.join(' or ')} exceptions can be ${what}`,
        { details: { exceptionId: exception.id, status: exception.status } },
      );
    }
    if (deliveryRetryPending(exception)) {
      throw new DomainError(
        'ILLEGAL_TRANSITION',
        `Exception ${exception.id} waits for its posting, sent again; act again once the system has taken or refused it`,
        { details: { exceptionId: exception.id } },
      );
    }
    // A replay or override submitted but not yet decided: acting again would race it.
    const inFlight = exception.replayedAs ? await store.getTransaction(exception.replayedAs) : null;
    if (inFlight && !FINAL_TRANSACTION_STATUSES.includes(inFlight.status)) {
      throw new DomainError(
        'ILLEGAL_TRANSITION',
        `Exception ${exception.id} waits for ${exception.replayedAs} (${inFlight.status}), submitted for it; act again once it is decided`,
        { details: { exceptionId: exception.id, replayedAs: exception.replayedAs } },
      );
    }
  }

  async function save(change: ExceptionChange, republish: string[] = []): Promise<ExceptionRecord> {
    const result = await store.updateExceptions([change.update], [change.audit], republish);
    if (!result.ok) {
      throw new DomainError(
        'CONCURRENT_MODIFICATION',
        `Exception ${change.update.record.id} was changed by someone else meanwhile; read it again and retry`,
        { retryable: true },
      );
    }
    return reported(change.update.record, change.action, true);
  }

  /**
   * Records what was submitted for an exception. The worker may already have decided the submission and closed the
   * exception (it links it by the envelope, so nothing depends on this write): then the step joins the closed record.
   */
  async function saveSubmitted(
    id: string,
    step: { action: ExceptionActionKind; actor: string; at: string; note: string },
    submitted: SubmitOutcome,
  ): Promise<ExceptionRecord> {
    const { correlationId } = submitted;
    // The worker may close the exception meanwhile, or someone assign it: read it again and add the step.
    return untilWritten(async () => {
      const current = (await store.getException(id))!;
      // Linked to the submission, and back to OPEN from AWAITING_APPROVAL while the worker decides it.
      const next = changeException(
        current,
        { ...step, correlationId },
        {
          replayedAs: current.replayedAs ?? correlationId,
          ...(current.status === 'AWAITING_APPROVAL' ? { status: 'OPEN' as const, pendingOverride: null } : {}),
        },
      );
      if (!(await store.updateExceptions([next.update], [next.audit])).ok) return LOST_RACE;
      return reported(next.update.record, next.action, false);
    }, `Exception ${id} kept changing; its submission stands`);
  }

  /** Counts the action; observes the time to resolution only when this action closed the exception. */
  function reported(record: ExceptionRecord, action: string, mayClose: boolean): ExceptionRecord {
    if (mayClose) observeAction(deps.observer, record, action);
    else deps.observer?.acted(record.plant, action);
    return record;
  }

  /** Submits the exception's event (or its corrected payload) again, taking over the refused one's business key. */
  async function resubmit(
    principal: Principal,
    exception: ExceptionRecord,
    payload: unknown,
    link: WorkbenchLink,
  ): Promise<SubmitOutcome> {
    const messageType = exception.messageType;
    if (!isMessageType(messageType) || !hasRefusedEvent(exception)) {
      throw new DomainError('ILLEGAL_TRANSITION', whyNotReplayable(exception), {
        details: { exceptionId: exception.id },
      });
    }
    requireSameOrder(exception, messageType, payload);
    return submitFor(principal, exception, messageType, payload, link, exception.correlationId);
  }

  /** Submits through the one submission service, linked to the exception; a DUPLICATE means it was done before. */
  async function submitFor(
    principal: Principal,
    exception: ExceptionRecord,
    messageType: MessageType,
    payload: unknown,
    link: WorkbenchLink,
    supersedes?: string,
  ): Promise<SubmitOutcome> {
    const outcome = await deps.intake.submit(
      messageType,
      payload,
      { principal, replayOf: exception.correlationId, workbench: link },
      supersedes ? { supersedes } : {},
    );
    if (outcome.status === 'DUPLICATE') {
      throw new DomainError(
        'ILLEGAL_TRANSITION',
        `This event was already submitted as ${outcome.correlationId}; exception ${exception.id} is not replayed again`,
        { details: { exceptionId: exception.id, correlationId: outcome.correlationId } },
      );
    }
    return outcome;
  }

  async function replay(principal: Principal, id: string, input: { payload?: unknown; note: string }) {
    const exception = await load(principal, id);
    requireOwner(principal, exception, 'replay');
    await requireActive(exception, 'replayed');
    const corrected = input.payload !== undefined && input.payload !== null;
    if (exception.type === 'DOWNSTREAM') return resend(principal, exception, corrected, input.note);
    // A corrected payload keeps the sender's transport ID unless it gives one: it is the same event, corrected.
    const payload = corrected
      ? { ...transportIdOf(exception.payload), ...(input.payload as object) }
      : exception.payload;
    const at = now();
    const outcome = await resubmit(principal, exception, payload, { exceptionId: exception.id, action: 'REPLAY' });
    const note = `${noteOf(input.note)}${corrected ? ' (corrected payload)' : ''}`;
    return saveSubmitted(exception.id, { action: 'REPLAY_SUBMITTED', actor: principal.id, at, note }, outcome);
  }

  /**
   * A posting that did not leave goes to its system again, as it was decided (same idempotency key, so a system that
   * booked it meanwhile answers with its first result). The exception closes REPLAYED when the system takes it.
   */
  async function resend(principal: Principal, exception: ExceptionRecord, corrected: boolean, note: string) {
    if (corrected) {
      throw new DomainError(
        'INVALID_INPUT',
        `Exception ${exception.id} is a posting Plantgate decided: it is sent again as it was. Correct the data in ${exception.rule.split('.')[1]?.toUpperCase()} (or master data) and replay it without a payload`,
        { details: { argument: 'input.payload' } },
      );
    }
    const outboxId = outboxIdOf(exception);
    const entry = (await store.listOutbox({ correlationId: exception.correlationId })).find((o) => o.id === outboxId);
    if (!outboxId || !entry) {
      throw new DomainError('ILLEGAL_TRANSITION', `Exception ${exception.id} has no posting left to send again`, {
        details: { exceptionId: exception.id },
      });
    }
    const why = `${noteOf(note)} (sent to ${entry.destination.toUpperCase()} again: ${entry.idempotencyKey})`;
    return save(deliveryRetried(exception, principal.id, now(), why), [entry.id]);
  }

  async function override(principal: Principal, id: string, reason: string) {
    const exception = await load(principal, id);
    const policy = overridePolicy(exception.rule);
    if (!policy) {
      throw new DomainError(
        'ILLEGAL_TRANSITION',
        `Rule ${exception.rule} cannot be overridden; correct the data and replay, or resolve the exception`,
        { details: { exceptionId: exception.id, rule: exception.rule } },
      );
    }
    if (!hasAnyRole(principal, [policy.role])) {
      throw new DomainError(
        'FORBIDDEN',
        `Only ${policy.role} may override rule ${exception.rule} (${policy.meaning})`,
        {
          details: { requiredRoles: [policy.role] },
        },
      );
    }
    await requireActive(exception, 'overridden');
    const at = now();
    const note = noteOf(reason);
    if (policy.alwaysFourEyes || ruleSetFor(deps.rules, exception.plant).fourEyesOverrides) {
      return save(
        changeException(
          exception,
          { action: 'OVERRIDE_REQUESTED', actor: principal.id, at, note },
          {
            status: 'AWAITING_APPROVAL',
            pendingOverride: { rule: exception.rule, reason: note, requestedBy: principal.id, requestedAt: at },
          },
        ),
      );
    }
    return submitOverride(principal, exception, note, null);
  }

  async function approveOverride(principal: Principal, id: string) {
    const exception = await load(principal, id);
    await requireActive(exception, 'approved', ['AWAITING_APPROVAL']);
    const pending = exception.pendingOverride!;
    const policy = overridePolicy(pending.rule)!;
    if (pending.requestedBy === principal.id) {
      throw new DomainError(
        'FORBIDDEN',
        `${principal.name} asked for this override; a second person must approve it (four eyes)`,
        { details: { exceptionId: exception.id, requestedBy: pending.requestedBy } },
      );
    }
    if (!hasAnyRole(principal, [policy.role])) {
      throw new DomainError('FORBIDDEN', `Only ${policy.role} may approve an override of rule ${pending.rule}`, {
        details: { requiredRoles: [policy.role] },
      });
    }
    return submitOverride(principal, exception, pending.reason, principal.id);
  }

  async function submitOverride(
    principal: Principal,
    exception: ExceptionRecord,
    reason: string,
    approvedBy: string | null,
  ) {
    const at = now();
    const link = { exceptionId: exception.id, action: 'OVERRIDE' as const, overrideRule: exception.rule, approvedBy };
    const outcome =
      exception.rule === QUALITY_HOLD_RULE
        ? await submitFor(
            principal,
            exception,
            'ReleaseUnderDeviation',
            deviationOf(exception, reason, approvedBy),
            link,
          )
        : await resubmit(principal, exception, exception.payload, link);
    const note = approvedBy
      ? `Approved override of ${exception.rule} asked by ${exception.pendingOverride?.requestedBy}: ${reason}`
      : reason;
    const action = approvedBy ? 'OVERRIDE_APPROVED' : 'OVERRIDE_SUBMITTED';
    return saveSubmitted(exception.id, { action, actor: principal.id, at, note }, outcome);
  }

  async function close(principal: Principal, id: string, status: 'RESOLVED' | 'DISCARDED', note: string) {
    const exception = await load(principal, id);
    requireOwner(principal, exception, status === 'RESOLVED' ? 'resolve' : 'discard');
    await requireActive(exception, status.toLowerCase(), ['OPEN', 'AWAITING_APPROVAL']);
    // A drift is decided in one place, on the drift: closing its exception alone would leave the drift standing.
    if (exception.type === 'RECONCILIATION') {
      throw new DomainError('ILLEGAL_TRANSITION', whyNotReplayable(exception), {
        details: { exceptionId: exception.id, driftId: (exception.payload as { driftId?: string }).driftId },
      });
    }
    return save(
      changeException(
        exception,
        { action: status, actor: principal.id, at: now(), note: noteOf(note) },
        { status, pendingOverride: null },
      ),
    );
  }

  async function assign(principal: Principal, id: string, assignee: string) {
    const exception = await load(principal, id);
    requireOwner(principal, exception, 'assign');
    if (!isActive(exception)) await requireActive(exception, 'assigned', ['OPEN', 'AWAITING_APPROVAL']);
    const who = assignee.trim();
    if (!who)
      throw new DomainError('INVALID_INPUT', 'assignee must not be empty', { details: { argument: 'assignee' } });
    return save(
      changeException(
        exception,
        { action: 'ASSIGNED', actor: principal.id, at: now(), note: `Assigned to ${who}` },
        { assignee: who },
      ),
    );
  }

  /**
   * Replays every OPEN exception the filter selects in the principal's plants, oldest first: each order's exceptions
   * are submitted in the order they were raised, and its partition keeps that order. One that cannot be replayed is
   * skipped with its reason; the others go on.
   */
  async function replayMany(principal: Principal, filter: ExceptionFilter, note: string): Promise<BulkReplayResult> {
    const page = await store.listExceptions(
      { ...filter, status: 'OPEN', plants: principal.plants === '*' ? filter.plants : principal.plants },
      { first: BULK_REPLAY_LIMIT },
    );
    const result: BulkReplayResult = { replayed: [], skipped: [] };
    const ordered = [...page.items].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    for (const exception of ordered) {
      try {
        result.replayed.push(await replay(principal, exception.id, { note }));
      } catch (error) {
        if (!(error instanceof DomainError) || error.retryable) throw error;
        result.skipped.push({ id: exception.id, reason: error.message });
      }
    }
    return result;
  }

  return {
    replay,
    override,
    approveOverride,
    resolve: (principal: Principal, id: string, note: string) => close(principal, id, 'RESOLVED', note),
    discard: (principal: Principal, id: string, reason: string) => close(principal, id, 'DISCARDED', reason),
    assign,
    replayMany,
  };
}

export type Workbench = ReturnType<typeof createWorkbench>;

/** The release under deviation an approved override of a quality hold submits: the held lot, who asked, who approved. */
function deviationOf(exception: ExceptionRecord, reason: string, approvedBy: string | null) {
  const lot = (exception.payload as { lot?: unknown } | null)?.lot;
  return {
    plant: exception.plant,
    orderNumber: exception.orderNumber,
    lot: typeof lot === 'string' ? lot : '',
    exceptionId: exception.id,
    reason,
    requestedBy: exception.pendingOverride?.requestedBy ?? '',
    approvedBy: approvedBy ?? '',
  };
}

/** A corrected payload may change the event's content, never which order it is about: that would be a new event. */
function requireSameOrder(exception: ExceptionRecord, messageType: MessageType, payload: unknown) {
  const slice = sliceOf(messageType);
  const scope = slice.scope(parseInput(slice.input, payload ?? {}));
  if (scope.plant !== exception.plant || scope.orderNumber !== exception.orderNumber) {
    throw new DomainError(
      'INVALID_INPUT',
      `a replay must stay on plant ${exception.plant} order ${exception.orderNumber || '(none)'}; this payload is for plant ${scope.plant} order ${scope.orderNumber || '(none)'}`,
      { field: 'payload', details: { argument: 'input.payload' } },
    );
  }
}

/** Why an exception has no refused event to replay, and what to do instead. */
function whyNotReplayable(exception: ExceptionRecord): string {
  if (exception.type === 'DUPLICATE_CONFLICT') {
    return `Exception ${exception.id} is a conflicting resend: its business key belongs to an applied event. Send a new event for a new business fact, then resolve or discard this one`;
  }
  if (exception.type === 'RECONCILIATION') {
    return `Exception ${exception.id} is a drift between Plantgate and another system: approve or reject its correction (approveCorrection, rejectCorrection), or fix it in the system and let the next reconciliation run close it`;
  }
  if (exception.rule === QUALITY_HOLD_RULE) {
    return `Exception ${exception.id} is a quality hold: its event was applied. QMS lifts it (a passing disposition, the nonconformance closed), or QUALITY releases the lot under deviation (overrideException, four eyes)`;
  }
  return `Exception ${exception.id} (${exception.type}, rule ${exception.rule}) has no submitted event to replay; resolve it once fixed, or discard it`;
}

function transportIdOf(payload: unknown): { messageId?: string } {
  const messageId = (payload as { messageId?: unknown } | null)?.messageId;
  return typeof messageId === 'string' ? { messageId } : {};
}
