import { inPlantScope } from '../auth/permissions';
import { hasRefusedEvent } from '../exceptions/exception.policy';
import type { Principal } from '../auth/principal';
import { DomainError } from '../errors';
import { parseInput } from '../messages/input-shape';
import { sliceOf, type Command, type MessageType } from '../messages/message.registry';
import type { Logger } from '../ports/logger.port';
import type { CommandPublishPort } from '../ports/publish.port';
import type { ExceptionStatus } from '../ports/records';
import type { TransactionRecord } from '../ports/transaction.record';
import type { Store } from '../ports/store.port';
import { ruleSetFor, type RuleBook } from '../rules/rule-set';
import { quarantineUnit } from '../workflow/unit-of-work.builders';
import { createEnvelope, type Envelope, type Origin } from './envelope';

export interface SubmitOutcome {
  correlationId: string;
  status: 'ACCEPTED' | 'DUPLICATE';
  /** On a DUPLICATE of an event that was refused: the exception it is parked in, so the sender knows. */
  exception?: { id: string; status: ExceptionStatus } | null;
}

/** How a submission takes over from a refused one: the workbench's replays and overrides pass it. */
export interface SubmitOptions {
  /** The correlation ID of the refused transaction whose business key passes to this submission. */
  supersedes?: string;
}

export type SubmissionOutcomeLabel = 'accepted' | 'duplicate' | 'conflict' | 'rejected' | 'backlog_full';

/** What the intake reports; monitoring implements it. */
export interface IntakeObserver {
  submitted(plant: string, messageType: string, outcome: SubmissionOutcomeLabel): void;
  /** A recorded submission published late, because the process that recorded it died before the broker confirmed. */
  republished(trigger: 'sweep' | 'duplicate'): void;
}

/**
 * Instants a crash test stops the process at. Production passes none; a test's entry point passes a hook that
 * kills the process, so the crash happens exactly there rather than by lucky timing.
 */
export interface IntakeHooks {
  afterRecord?(envelope: Envelope): void | Promise<void>;
  afterConfirm?(envelope: Envelope): void | Promise<void>;
}

export interface SubmissionServiceDeps {
  store: Pick<
    Store,
    | 'recordSubmission'
    | 'markSubmissionPublished'
    | 'claimStrandedSubmissions'
    | 'getTransaction'
    | 'commit'
    | 'getException'
  >;
  publisher: CommandPublishPort;
  /** The same rule book the workers use: business keys depend on each plant's timestamp bucket. */
  rules: RuleBook;
  now: () => Date;
  logger: Logger;
  observer?: IntakeObserver;
  hooks?: IntakeHooks;
  /** The plants this intake serves (an edge gateway serves its own plant only); every plant when unset. */
  servesPlants?: readonly string[];
  /**
   * Asked before anything of a new submission is recorded; throws to refuse it (an edge whose backlog is full).
   * A refused submission leaves nothing behind: resending it later is a first submission.
   */
  admit?: (plant: string) => void;
}

export interface SubmissionService {
  /**
   * Checks the input's shape, records the command under its business key, publishes it with a broker confirm and
   * answers ACCEPTED; or DUPLICATE with the original correlation ID for an event accepted before (publishing that
   * original first if the broker never confirmed it). Throws DomainError: INVALID_INPUT naming the field,
   * DUPLICATE_CONFLICT for the same key with other content, BROKER_UNAVAILABLE or STORE_UNAVAILABLE.
   */
  submit(
    messageType: MessageType,
    input: unknown,
    origin: Origin & { logger?: Logger },
    options?: SubmitOptions,
  ): Promise<SubmitOutcome>;
  /**
   * Publishes submissions recorded more than `graceMs` ago that the broker never confirmed (their process died in
   * between). Safe in several processes at once: each claims a lease. Returns how many it published.
   */
  publishStranded(graceMs: number, limit?: number): Promise<number>;
}

const STRANDED_LEASE_MS = 15_000;

/** Fields every submit input accepts that belong to the intake, not to the message's payload. */
export const INTAKE_INPUT_FIELDS: readonly string[] = ['correctsException'];

/** The one submission service: GraphQL, webhooks, the worker's own re-submissions and replays all enter here. */
export function createSubmissionService(deps: SubmissionServiceDeps): SubmissionService {
  const { store, publisher } = deps;

  async function publishRecorded(envelope: Envelope, log: Logger) {
    await publisher.publish(envelope);
    await deps.hooks?.afterConfirm?.(envelope);
    // Only a hint for the sweeper: failing to record it must not fail a confirmed submission.
    await store.markSubmissionPublished(envelope.correlationId).catch((error: unknown) => {
      log.warn(
        { correlationId: envelope.correlationId, err: (error as Error).message },
        'could not mark submission published',
      );
    });
  }

  async function refuseConflict(transaction: TransactionRecord, originalCorrelationId: string): Promise<never> {
    const { envelope } = transaction;
    const ctx = {
      now: transaction.updatedAt,
      correlationId: envelope.correlationId,
      rules: ruleSetFor(deps.rules, envelope.scope.plant),
    };
    const reason = `Business event ${envelope.businessKey} was already accepted as ${originalCorrelationId} with different content; this message is not applied.`;
    const unit = quarantineUnit({ envelope, attempt: 0 }, transaction, ctx, {
      kind: 'quarantine',
      type: 'DUPLICATE_CONFLICT',
      rule: 'idempotency.business-key',
      reason,
    });
    await store.commit(unit);
    throw new DomainError('DUPLICATE_CONFLICT', reason, {
      details: {
        originalCorrelationId,
        correlationId: envelope.correlationId,
        exceptionId: unit.transaction.exceptionId,
      },
    });
  }

  async function answerDuplicate(correlationId: string, published: boolean, log: Logger): Promise<SubmitOutcome> {
    const original = await store.getTransaction(correlationId);
    if (!published && original?.status === 'RECEIVED') {
      // Its process died between record and confirm: this answer must not stand for an event never published.
      await publishRecorded(original.envelope, log).catch((error: unknown) => unavailable(error, correlationId));
      deps.observer?.republished('duplicate');
      log.warn({ correlationId }, 'duplicate of a submission the broker never confirmed: original published now');
    }
    // A resend of a refused event: it is parked in an exception, not applied, and the sender should know. (An applied
    // event whose posting failed also has an exception, but it was applied: that is not the sender's to know here.)
    const refused = original?.status === 'QUARANTINED' || original?.status === 'FAILED';
    const exception = refused && original.exceptionId ? await store.getException(original.exceptionId) : null;
    return {
      correlationId,
      status: 'DUPLICATE',
      ...(exception ? { exception: { id: exception.id, status: exception.status } } : {}),
    };
  }

  /** An integrator's corrected event names the exception it corrects: it takes over that event's business key. */
  async function correctionOf(exceptionId: unknown, messageType: MessageType, plant: string, principal: Principal) {
    if (exceptionId === undefined || exceptionId === null) return null;
    const exception = typeof exceptionId === 'string' ? await store.getException(exceptionId) : null;
    if (!exception || !inPlantScope(principal, exception.plant)) {
      throw new DomainError(
        'INVALID_INPUT',
        `correctsException names no exception ${String(exceptionId)} you can see`,
        {
          field: 'correctsException',
        },
      );
    }
    if (exception.messageType !== messageType || exception.plant !== plant) {
      throw new DomainError(
        'INVALID_INPUT',
        `correctsException ${exception.id} is about a ${exception.messageType} in plant ${exception.plant}; a correction must be the same kind of event in the same plant`,
        { field: 'correctsException' },
      );
    }
    if (!hasRefusedEvent(exception)) {
      throw new DomainError(
        'ILLEGAL_TRANSITION',
        `Exception ${exception.id} (${exception.type}, ${exception.rule}) is not about a refused event: nothing to correct. Work it in the exception workbench`,
        { details: { exceptionId: exception.id } },
      );
    }
    if (exception.status !== 'OPEN') {
      throw new DomainError(
        'ILLEGAL_TRANSITION',
        `Exception ${exception.id} is ${exception.status}; only an OPEN exception can be corrected`,
        { details: { exceptionId: exception.id, status: exception.status } },
      );
    }
    return exception;
  }

  return {
    async submit(messageType, input, origin, options = {}) {
      const log = origin.logger ?? deps.logger;
      const slice = sliceOf(messageType);
      const { correctsException, ...content } = (input ?? {}) as Record<string, unknown>;
      const payload = parseInput(slice.input, content) as Command['payload'] & { messageId?: string | null };
      const plant = slice.scope(payload).plant;
      const plantsTouched = slice.plantsTouched?.(payload) ?? [plant];
      if (deps.servesPlants) refuseUnserved(deps.servesPlants, plantsTouched, messageType);
      refuseOutsideScope(origin.principal, plantsTouched, messageType);
      const corrected = await correctionOf(correctsException, messageType, plant, origin.principal);
      const command = { messageType, payload } as Command;
      const now = deps.now().toISOString();
      const envelope = createEnvelope(
        command,
        {
          ...origin,
          messageId: payload.messageId ?? origin.messageId,
          ...(corrected
            ? { replayOf: corrected.correlationId, workbench: { exceptionId: corrected.id, action: 'CORRECTION' } }
            : {}),
        },
        now,
        ruleSetFor(deps.rules, plant, now).timestampBucketMs,
      );
      const supersedes = options.supersedes ?? corrected?.correlationId;
      const transaction: TransactionRecord = {
        envelope,
        status: 'RECEIVED',
        attempts: 0,
        exceptionId: null,
        appliedVersion: null,
        lastError: null,
        updatedAt: now,
      };
      try {
        deps.admit?.(plant);
      } catch (error) {
        deps.observer?.submitted(plant, messageType, 'backlog_full');
        throw error;
      }
      const recorded = await store.recordSubmission(transaction, supersedes ? { supersedes } : undefined);

      if (recorded.outcome === 'duplicate') {
        const outcome = await answerDuplicate(recorded.correlationId, recorded.published, log);
        deps.observer?.submitted(plant, messageType, 'duplicate');
        // Every submission is counted in plantgate_gateway_commands_submitted_total: per-event lines are debug only,
        // so that a busy gateway does not spend its time writing them.
        log.debug({ correlationId: recorded.correlationId, businessKey: envelope.businessKey }, 'duplicate submission');
        return outcome;
      }
      if (recorded.outcome === 'conflict') {
        deps.observer?.submitted(plant, messageType, 'conflict');
        log.info(
          { correlationId: envelope.correlationId, original: recorded.originalCorrelationId },
          'conflicting duplicate refused',
        );
        return refuseConflict(transaction, recorded.originalCorrelationId);
      }
      await deps.hooks?.afterRecord?.(envelope);
      try {
        await publishRecorded(envelope, log);
      } catch (error) {
        deps.observer?.submitted(plant, messageType, 'rejected');
        log.error(
          { correlationId: envelope.correlationId, err: (error as Error).message },
          'publish not confirmed; the sweeper publishes the recorded submission',
        );
        return unavailable(error, envelope.correlationId);
      }
      deps.observer?.submitted(plant, messageType, 'accepted');
      log.debug({ correlationId: envelope.correlationId, messageType }, 'command accepted');
      return { correlationId: envelope.correlationId, status: 'ACCEPTED' };
    },

    async publishStranded(graceMs, limit = 100) {
      const before = new Date(deps.now().getTime() - graceMs).toISOString();
      const stranded = await store.claimStrandedSubmissions(before, limit, STRANDED_LEASE_MS);
      for (const { envelope } of stranded) {
        await publishRecorded(envelope, deps.logger);
        deps.observer?.republished('sweep');
        deps.logger.warn(
          { correlationId: envelope.correlationId, receivedAt: envelope.receivedAt },
          'stranded submission published by the sweeper',
        );
      }
      return stranded.length;
    },
  };
}

/** Nothing of a submission outside the principal's plants is recorded or published. */
function refuseOutsideScope(principal: Principal, plants: readonly string[], messageType: MessageType): void {
  const outside = [
    ...new Set(plants.filter((p) => (p === '*' ? principal.plants !== '*' : !inPlantScope(principal, p)))),
  ];
  if (outside.length === 0) return;
  const scope = principal.plants === '*' ? 'every plant' : `plants ${principal.plants.join(', ')}`;
  const what = outside.map((p) => (p === '*' ? 'master data shared by every plant' : `plant ${p}`)).join(' and ');
  throw new DomainError(
    'FORBIDDEN',
    `${principal.name} may submit only for ${scope}; this ${messageType} is for ${what}. Nothing was recorded.`,
    { details: { plants: outside } },
  );
}

/** An edge gateway takes its own plant's events only: another plant's go to that plant's edge or the central one. */
function refuseUnserved(served: readonly string[], plants: readonly string[], messageType: MessageType): void {
  const outside = [...new Set(plants.filter((p) => !served.includes(p)))];
  if (outside.length === 0) return;
  throw new DomainError(
    'FORBIDDEN',
    `This gateway serves plant ${served.join(', ')} only; this ${messageType} is for ${outside
      .map((p) => (p === '*' ? 'master data shared by every plant' : `plant ${p}`))
      .join(' and ')}. Submit it to that plant's edge or to the central gateway. Nothing was recorded.`,
    { details: { plants: outside, served } },
  );
}

/** The broker did not confirm: the submission stays recorded and is published later, so a resend is safe. */
function unavailable(error: unknown, correlationId: string): never {
  throw new DomainError(
    'BROKER_UNAVAILABLE',
    `The message is recorded as ${correlationId} but the broker has not confirmed it yet; it will be published when the broker is back. A resend is answered DUPLICATE with this correlation ID.`,
    { retryable: true, details: { correlationId }, cause: error },
  );
}
