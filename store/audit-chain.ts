import { createHash } from 'node:crypto';
import { canonicalJson } from '../core/idempotency/business-key';
import type { AuditDraft } from '../core/ports/records';

/** The hash before a subject's first audit entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Chains a subject's audit entries: each hash covers the entry and the previous hash, so that an edited or
 * removed entry breaks every hash after it.
 */
export function chainHash(prevHash: string, entry: AuditDraft): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(entry)).digest('hex');
}
