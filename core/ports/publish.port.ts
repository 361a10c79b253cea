import type { Envelope } from '../intake/envelope';

/** Publishes accepted commands to the broker; messaging implements it. */
export interface CommandPublishPort {
  /**
   * Sends the envelope to its order's partition and resolves only once the broker confirmed it.
   * Throws DomainError BROKER_UNAVAILABLE (retryable) when it did not.
   */
  publish(envelope: Envelope): Promise<void>;
}
