import type { Connection, Envelope, PublisherProps } from 'rabbitmq-client';
import { DomainError } from '../core/errors';

/** How long a publish may wait for the broker's confirm, and a subscription for its set-up, unless configured. */
export const DEFAULT_BROKER_TIMEOUT_MS = 10_000;

/**
 * Bounds a wait on the broker. rabbitmq-client can leave a publish waiting for ever when the broker restarts in the
 * middle of it (seen in the chaos suite: a publisher re-declaring its topology while quorum queues recover); an
 * unbounded wait there stops a whole partition. Past the bound the caller gets BROKER_UNAVAILABLE (retryable) and
 * does what it does for any broker failure; if the late publish still lands, business keys make it harmless.
 */
export function bounded<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new DomainError('BROKER_UNAVAILABLE', `${what}: no answer from the broker within ${ms} ms`, {
            retryable: true,
          }),
        ),
      ms,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** A confirming publisher whose every send is bounded: it confirms, fails, or times out. */
export function createBoundedPublisher(
  connection: Connection,
  props: PublisherProps,
  what: string,
  timeoutMs = DEFAULT_BROKER_TIMEOUT_MS,
) {
  const publisher = connection.createPublisher({ confirm: true, maxAttempts: 3, ...props });
  return {
    send: (envelope: Envelope, body: unknown) => bounded(publisher.send(envelope, body), timeoutMs, what),
    close: () => publisher.close(),
  };
}
