import { DomainError } from './errors';

/** What an attempt answers when the store refused its write because another writer changed the record first. */
export const LOST_RACE = Symbol('lost-race');

/**
 * Optimistic concurrency for people's and connectors' actions: an attempt reads, decides and writes at the version it
 * read; when another writer got there first it reads again and tries again, a few times, before telling the caller
 * to retry (CONCURRENT_MODIFICATION, with `giveUp` saying what kept changing).
 */
export async function untilWritten<T>(attempt: () => Promise<T | typeof LOST_RACE>, giveUp: string, rounds = 10) {
  for (let round = 0; round < rounds; round++) {
    const outcome = await attempt();
    if (outcome !== LOST_RACE) return outcome;
  }
  throw new DomainError('CONCURRENT_MODIFICATION', giveUp, { retryable: true });
}
