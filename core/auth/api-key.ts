import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from './principal';

/** An API key as stored: never the secret, only its hash. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  roles: Role[];
  plants: string[] | '*';
  /** SHA-256 of the secret, hex. */
  secretHash: string;
  createdAt: string;
  createdBy: string;
  expiresAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

const PREFIX = 'pgk';

/**
 * A new key: `pgk_<id>_<secret>`. The id finds the stored record; the secret (32 random bytes) is shown once and
 * kept only as a hash. Keys are random enough that a fast hash is right: there is nothing to brute-force.
 */
export function generateApiKey(): { id: string; key: string; secretHash: string } {
  const id = randomBytes(9).toString('base64url');
  const secret = randomBytes(32).toString('base64url');
  return { id, key: `${PREFIX}_${id}_${secret}`, secretHash: hashSecret(secret) };
}

/** The id and secret of a presented key, or null when it is not one of ours. */
export function parseApiKey(token: string): { id: string; secret: string } | null {
  const match = /^pgk_([A-Za-z0-9_-]{12})_([A-Za-z0-9_-]{43})$/.exec(token);
  return match ? { id: match[1]!, secret: match[2]! } : null;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Compares in constant time, so that timing tells nothing about how close a guess was. */
export function secretMatches(record: Pick<ApiKeyRecord, 'secretHash'>, secret: string): boolean {
  const expected = Buffer.from(record.secretHash, 'hex');
  const actual = Buffer.from(hashSecret(secret), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Why a stored key does not authenticate now, or null when it does. */
export function keyRefusal(record: ApiKeyRecord, now: Date): 'revoked' | 'expired' | null {
  if (record.revokedAt !== null) return 'revoked';
  if (record.expiresAt !== null && Date.parse(record.expiresAt) <= now.getTime()) return 'expired';
  return null;
}
