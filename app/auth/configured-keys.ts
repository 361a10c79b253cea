import { z } from 'zod';
import type { ApiKeyRecord } from '../../core/auth/api-key';
import { ROLES } from '../../core/auth/principal';
import { ConfigError } from '../config';

const configuredKey = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{12}$/, 'must be the 12-character id of a key'),
  name: z.string().min(1),
  roles: z.array(z.enum(ROLES)).min(1),
  plants: z.union([z.literal('*'), z.array(z.string().min(1)).min(1)]),
  secretHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be the SHA-256 hex of the secret'),
  expiresAt: z.string().datetime({ offset: true }).nullish(),
});

/**
 * API_KEYS: keys given by configuration, as `npm run keys -- create --config` prints them (a JSON array; secrets
 * only as hashes, so the variable is no secret itself). They cannot be revoked through the API: remove them here.
 */
export function parseConfiguredKeys(value: string | undefined): ApiKeyRecord[] {
  if (!value) return [];
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new ConfigError(
      'API_KEYS',
      'must be a JSON array of keys as `npm run keys -- create --config` prints them',
      undefined,
    );
  }
  const parsed = z.array(configuredKey).safeParse(Array.isArray(json) ? json : [json]);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const [index, ...field] = issue.path;
    throw new ConfigError(
      'API_KEYS',
      `entry ${String(index)}: ${field.join('.') || 'the entry'} ${issue.message}`,
      undefined,
    );
  }
  return parsed.data.map((k) => ({
    ...k,
    plants: k.plants === '*' || k.plants.includes('*') ? '*' : k.plants,
    expiresAt: k.expiresAt ?? null,
    createdAt: new Date(0).toISOString(),
    createdBy: 'configuration (API_KEYS)',
    revokedAt: null,
    revokedBy: null,
  }));
}
