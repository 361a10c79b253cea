import { afterEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../core/errors';
import type { CommandProcessor } from '../../core/workflow/command.processor';
import { drainQueue, queueDepth } from '../support/broker';
import { gqlOk, RELEASE, TRANSACTION } from '../support/graphql-client';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { releaseInput } from '../support/order.fixture';
import { seedReferenceData } from '../support/reference.fixture';
import { waitFor } from '../support/wait';

type Submit = { releaseProductionOrder: { correlationId: string } };
type Tx = {
  transaction: {
    status: string;
    attempts: number;
    lastError: string | null;
    exception: { type: string; reason: string; rule: string } | null;
  };
};

/**
 * The processor is real; this wrapper only makes processing of chosen orders fail the way a store outage does
 * (a retryable error), and records when each attempt happened.
 */
function failing(orderNumbers: Map<string, number>, attemptsAt: Map<string, number[]>) {
  return (inner: CommandProcessor): CommandProcessor => ({
    ...inner,
    async process(message) {
      const { orderNumber } = message.envelope.scope;
      attemptsAt.set(orderNumber, [...(attemptsAt.get(orderNumber) ?? []), Date.now()]);
      const remaining = orderNumbers.get(orderNumber) ?? 0;
      if (remaining > 0) {
        orderNumbers.set(orderNumber, remaining - 1);
        throw new DomainError('STORE_UNAVAILABLE', 'SQLite store unavailable: database is locked', { retryable: true });
      }
      return inner.process(message);
    },
  });
}

describe('retry with backoff through the broker, then dead letter', () => {
  let installation: TestInstallation;
  afterEach(() => installation.cleanup());

  it('retries a failing message with growing delays, dead-letters it after the budget and opens an exception', async () => {
    installation = createTestInstallation('retry', {
      RETRY_BUDGET: '3',
      RETRY_DELAYS_MS: '150,300',
      IN_PROCESS_RETRIES: '0',
    });
    const attemptsAt = new Map<string, number[]>();
    const runtime = await installation.start('all', {
      decorateProcessor: failing(new Map([['PO-FLAKY', Infinity]]), attemptsAt),
    });
    const url = runtime.url!;
    await seedReferenceData(url);

    const { correlationId } = (await gqlOk<Submit>(url, RELEASE, { input: releaseInput({ orderNumber: 'PO-FLAKY' }) }))
      .releaseProductionOrder;
    const tx = await waitFor(async () => {
      const { transaction } = await gqlOk<Tx>(url, TRANSACTION, { correlationId });
      return transaction.status === 'FAILED' ? transaction : undefined;
    });
    expect(tx.attempts).toBe(3);
    expect(tx.exception).toMatchObject({ type: 'PROCESSING', rule: 'processing.retry-budget' });
    expect(tx.exception!.reason).toContain('database is locked');

    const times = attemptsAt.get('PO-FLAKY')!;
    expect(times).toHaveLength(3);
    // Each retry waited at least its tier's delay in the broker: the first 150 ms, the second 300 ms.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(140);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(290);

    const deadLetters = await waitFor(async () => {
      const messages = await drainQueue(runtime.topology.names.deadLetter);
      return messages.length ? messages : undefined;
    });
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({ correlationId, headers: { 'x-attempt': 3 } });
    expect(String(deadLetters[0]!.headers['x-last-error'])).toContain('database is locked');
    expect(await runtime.store.getOrder('P100', 'PO-FLAKY')).toBeNull();

    const exceptions = await runtime.store.listExceptions({ type: 'PROCESSING' }, { first: 10 });
    expect(exceptions.items.map((e) => e.correlationId)).toEqual([correlationId]);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(
      /plantgate_worker_retries_total\{message_type="ReleaseProductionOrder",reason="store_unavailable"\} 2/,
    );
    expect(metrics).toMatch(
      /plantgate_worker_dead_lettered_total\{message_type="ReleaseProductionOrder",reason="store_unavailable"\} 1/,
    );
  });

  it('applies a message that recovers within its budget, once, counting its attempts', async () => {
    installation = createTestInstallation('recover', {
      RETRY_BUDGET: '4',
      RETRY_DELAYS_MS: '100',
      IN_PROCESS_RETRIES: '0',
    });
    const runtime = await installation.start('all', {
      decorateProcessor: failing(new Map([['PO-RECOVERS', 2]]), new Map()),
    });
    await seedReferenceData(runtime.url!);
    const { correlationId } = (
      await gqlOk<Submit>(runtime.url!, RELEASE, { input: releaseInput({ orderNumber: 'PO-RECOVERS' }) })
    ).releaseProductionOrder;
    const tx = await waitFor(async () => {
      const { transaction } = await gqlOk<Tx>(runtime.url!, TRANSACTION, { correlationId });
      return transaction.status === 'APPLIED' ? transaction : undefined;
    });
    expect(tx.attempts).toBe(3);
    expect((await runtime.store.getOrder('P100', 'PO-RECOVERS'))?.state).toBe('RELEASED');
    expect(await queueDepth(runtime.topology.names.deadLetter)).toBe(0);
    expect((await runtime.store.listAudit('order:P100:PO-RECOVERS')).map((a) => a.action)).toEqual(['order.released']);
  });

  it('rides out a short failure in hand, without the broker round trip that could let later messages overtake it', async () => {
    installation = createTestInstallation('in-hand', { IN_PROCESS_RETRIES: '3' });
    const runtime = await installation.start('all', {
      decorateProcessor: failing(new Map([['PO-BLIP', 2]]), new Map()),
    });
    await seedReferenceData(runtime.url!);
    const { correlationId } = (
      await gqlOk<Submit>(runtime.url!, RELEASE, { input: releaseInput({ orderNumber: 'PO-BLIP' }) })
    ).releaseProductionOrder;
    const tx = await waitFor(async () => {
      const { transaction } = await gqlOk<Tx>(runtime.url!, TRANSACTION, { correlationId });
      return transaction.status === 'APPLIED' ? transaction : undefined;
    });
    expect(tx.attempts).toBe(1);
    const metrics = await (await fetch(`${runtime.url}/metrics`)).text();
    expect(metrics).not.toMatch(/plantgate_worker_retries_total\{/);
  });

  it('dead-letters a message no worker can read, without retrying it', async () => {
    installation = createTestInstallation('unreadable');
    const runtime = await installation.start('all');
    const { Connection } = await import('rabbitmq-client');
    const connection = new Connection({ url: installation.config.AMQP_URL, noDelay: true });
    const publisher = connection.createPublisher({ confirm: true });
    await publisher.send(
      {
        exchange: runtime.topology.names.commands,
        durable: true,
        messageId: 'm-1',
        correlationId: 'c-unreadable',
        // No schema version at all: not a newer release's message (that one waits for a newer worker), just unreadable.
        headers: { 'plantgate-partition': '0', 'x-schema-version': 'none' },
      },
      { messageType: 'ReleaseProductionOrder', payload: {} },
    );
    await publisher.close();
    await connection.close();
    const [dead] = await waitFor(async () => {
      const messages = await drainQueue(runtime.topology.names.deadLetter);
      return messages.length ? messages : undefined;
    });
    expect(dead!.correlationId).toBe('c-unreadable');
    expect(String(dead!.headers['x-last-error'])).toContain('Unsupported schema version none');
    // Not only in a queue: the workbench shows it too.
    expect(await runtime.store.getException('c-unreadable:unreadable')).toMatchObject({
      type: 'VALIDATION',
      rule: 'message.readable',
      correlationId: 'c-unreadable',
      status: 'OPEN',
    });
  });
});
