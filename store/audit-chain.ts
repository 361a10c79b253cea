import { createHash } from 'node:crypto';
import { canonicalJson } from '../core/idempotency/business-key';
import type { AuditDraft, AuditEntry } from '../core/ports/records';

/** The hash before a subject's first audit entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Chains a subject's audit entries: each hash covers the entry and the previous hash, so that an edited or
 * removed entry breaks every hash after it.
 */
export function chainHash(prevHash: string, entry: AuditDraft): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(entry)).digest('hex');
}

export interface ChainVerification {
  ok: boolean;
  entriesChecked: number;
  firstBrokenEntry: { seq: number; subject: string; at: string } | null;
}

/**
 * Recomputes every hash of the chains a scan returns (chain by chain, in order): an entry is broken when its hash is
 * not the hash of its content and the previous entry's hash, or when it does not link to the previous entry. Names
 * the first broken entry; an edited entry breaks itself, a removed one breaks the entry after it.
 */
export async function verifyChains(
  scan: (after: string | null) => Promise<{ entries: AuditEntry[]; next: string | null }>,
): Promise<ChainVerification> {
  let entriesChecked = 0;
  let previous: { subject: string; hash: string } | null = null;
  for (let after: string | null = null, first = true; first || after !== null; first = false) {
    const page = await scan(after);
    for (const entry of page.entries) {
      const expectedPrev = previous?.subject === entry.subject ? previous.hash : GENESIS_HASH;
      const { seq: _seq, prevHash, hash, ...draft } = entry;
      entriesChecked++;
      if (prevHash !== expectedPrev || chainHash(prevHash, draft) !== hash) {
        return {
          ok: false,
          entriesChecked,
          firstBrokenEntry: { seq: entry.seq, subject: entry.subject, at: entry.at },
        };
      }
      previous = { subject: entry.subject, hash };
    }
    after = page.next;
  }
  return { ok: true, entriesChecked, firstBrokenEntry: null };
}
