import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { scopeOf, type Command } from '../core/commands/command.types';
import { businessKeyOf, fingerprintOf } from '../core/idempotency/business-key';
import type { TransactionRecord } from '../core/ports/records';
import { ruleSetFor, type RuleBook } from '../core/rules/rule-set';
import type { Store } from '../core/ports/store.port';
import type { CommandPublisher } from '../messaging/command.publisher';
import type { GatewayContext } from './context';

export interface SubmitResult {
  correlationId: string;
  status: 'ACCEPTED' | 'DUPLICATE';
}

export interface CommandSubmitterDeps {
  store: Pick<Store, 'recordSubmission' | 'markSubmissionPublished' | 'withdrawSubmission' | 'getTransaction'>;
  publisher: Pick<CommandPublisher, 'publish'>;
  now: () => Date;
  /** The same rule book the workers use: business keys depend on each plant's timestamp bucket. */
  rules: RuleBook;
  onSubmitted?: (plant: string, messageType: string, outcome: 'accepted' | 'duplicate' | 'rejected') => void;
  /**
   * A duplicate whose original was recorded but never confirmed by the broker this long ago is published again
   * (its gateway died between the two); the worker's business-key check keeps that safe.
   */
  unpublishedGraceMs?: number;
}

export type CommandSubmitter = (command: Command, messageId: string | null | undefined, ctx: GatewayContext) => Promise<SubmitResult>;

/**
 * Records a command under its business key, publishes it with a broker confirm, and answers ACCEPTED, or
 * DUPLICATE with the original correlationId when the same business event was accepted before.
 */
export function createCommandSubmitter(deps: CommandSubmitterDeps): CommandSubmitter {
  const grace = deps.unpublishedGraceMs ?? 30_000;

  async function publish(transaction: TransactionRecord, command: Command, fingerprint: string, ctx: GatewayContext) {
    await deps.publisher.publish({
      command,
      messageId: transaction.messageId,
      correlationId: transaction.correlationId,
      businessKey: transaction.businessKey,
      fingerprint,
      traceparent: ctx.traceparent,
      receivedAt: transaction.receivedAt,
      actor: ctx.principal.id,
    });
    // Only a hint for the republish-after-grace rule: failing to record it must not fail a confirmed submission.
    await deps.store.markSubmissionPublished(transaction.correlationId).catch((error: unknown) => {
      ctx.logger.warn({ correlationId: transaction.correlationId, err: (error as Error).message }, 'could not mark submission published');
    });
  }

  return async function submit(command, messageId, ctx) {
    const now = deps.now().toISOString();
    const fingerprint = fingerprintOf(command);
    const { plant, orderNumber } = scopeOf(command);
    const transaction: TransactionRecord = {
      correlationId: randomUUID(),
      messageId: messageId ?? randomUUID(),
      messageType: command.messageType,
      businessKey: businessKeyOf(command, ruleSetFor(deps.rules, plant).timestampBucketMs),
      plant,
      orderNumber,
      status: 'RECEIVED',
      attempts: 0,
      exceptionId: null,
      appliedVersion: null,
      lastError: null,
      payload: command.payload,
      receivedAt: now,
      updatedAt: now,
    };
    const outcome = await deps.store.recordSubmission({ transaction, fingerprint });

    if (outcome.outcome === 'duplicate') {
      if (!outcome.published && Date.parse(now) - Date.parse(outcome.receivedAt) > grace) {
        const original = await deps.store.getTransaction(outcome.correlationId);
        if (original) await publish(original, { messageType: original.messageType, payload: original.payload } as Command, fingerprint, ctx);
      }
      deps.onSubmitted?.(plant, command.messageType, 'duplicate');
      ctx.logger.info({ correlationId: outcome.correlationId, businessKey: transaction.businessKey }, 'duplicate submission');
      return { correlationId: outcome.correlationId, status: 'DUPLICATE' };
    }

    try {
      await publish(transaction, command, fingerprint, ctx);
    } catch (error) {
      await deps.store.withdrawSubmission(transaction.correlationId).catch(() => undefined);
      deps.onSubmitted?.(plant, command.messageType, 'rejected');
      ctx.logger.error({ correlationId: transaction.correlationId, err: (error as Error).message }, 'publish failed; submission withdrawn');
      throw new GraphQLError('The message could not be queued; nothing was accepted. Retry the submission.', {
        extensions: { code: 'SERVICE_UNAVAILABLE', correlationId: transaction.correlationId },
      });
    }
    deps.onSubmitted?.(plant, command.messageType, 'accepted');
    ctx.logger.info({ correlationId: transaction.correlationId, messageType: command.messageType }, 'command accepted');
    return { correlationId: transaction.correlationId, status: 'ACCEPTED' };
  };
}
