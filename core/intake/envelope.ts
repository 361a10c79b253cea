import { randomUUID } from 'node:crypto';
import { principalRef, type Principal, type PrincipalRef } from '../auth/principal';
import { businessKeyOf, fingerprintOf } from '../idempotency/business-key';
import type { Scope } from '../messages/command-shape';
import { scopeOf, type Command } from '../messages/message.registry';
import { childTraceparent } from './trace-context';

/** Bumped when the envelope or a payload changes incompatibly; workers refuse versions they do not know. */
export const SCHEMA_VERSION = 2;

/**
 * One message's identity, built once at intake and carried unchanged through the broker, the worker, held
 * messages, the transaction record, outbox entries and connector calls (design convention 13).
 */
export interface Envelope {
  schemaVersion: number;
  command: Command;
  /** The sender's transport ID (or one given at intake); never used for idempotency. */
  messageId: string;
  /** Plantgate's ID of this submission: answered to the sender, on every log line, audit entry and posting. */
  correlationId: string;
  /** The business event's identity (core/idempotency). */
  businessKey: string;
  /** Digest of the business content: tells a resend from a conflicting event under the same key. */
  fingerprint: string;
  scope: Scope;
  /** W3C trace context of the intake's span, continuing the caller's trace. */
  traceparent: string;
  /** Who submitted it. */
  principal: PrincipalRef;
  /** When Plantgate accepted it. */
  receivedAt: string;
  /** The correlation ID of the transaction this one replays, for replays from the workbench. */
  replayOf: string | null;
  /** The exception this message works off: a replay, an approved override, or an integrator's correction. */
  workbench?: WorkbenchLink | null;
}

/** How a message answers an exception; the worker closes the exception in the same commit as its decision. */
export interface WorkbenchLink {
  exceptionId: string;
  action: 'REPLAY' | 'OVERRIDE' | 'CORRECTION';
  /** For an override: the one rule the decision may pass, and who approved it (null when no approval was needed). */
  overrideRule?: string;
  approvedBy?: string | null;
}

/** Where a submission comes from: who, in which trace, and whether it replays an earlier transaction. */
export interface Origin {
  /** With its roles and plants: the intake refuses a submission outside the principal's plants. */
  principal: Principal;
  /** The caller's traceparent (or the span of the request that carries the submission). */
  traceparent?: string | null;
  /** The sender's transport ID. */
  messageId?: string | null;
  replayOf?: string | null;
  workbench?: WorkbenchLink | null;
}

/** Builds the envelope of a command accepted now. */
export function createEnvelope(
  command: Command,
  origin: Origin,
  receivedAt: string,
  timestampBucketMs: number,
): Envelope {
  return {
    schemaVersion: SCHEMA_VERSION,
    command,
    messageId: origin.messageId ?? randomUUID(),
    correlationId: randomUUID(),
    businessKey: businessKeyOf(command, timestampBucketMs),
    fingerprint: fingerprintOf(command),
    scope: scopeOf(command),
    traceparent: childTraceparent(origin.traceparent ?? undefined),
    principal: principalRef(origin.principal),
    receivedAt,
    replayOf: origin.replayOf ?? null,
    ...(origin.workbench ? { workbench: origin.workbench } : {}),
  };
}
