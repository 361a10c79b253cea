import { z } from 'zod';
import { code } from '../commands/input-primitives';
import { DomainError } from '../errors';
import { parseInput } from '../messages/input-shape';
import type { Store } from '../ports/store.port';
import { generateApiKey, type ApiKeyRecord } from './api-key';
import { inPlantScope } from './permissions';
import { ROLES, type Principal } from './principal';

export const createApiKeyInput = z.object({
  name: z
    .string({ message: 'must be given' })
    .trim()
    .min(1, 'must not be empty')
    .max(100, 'must be at most 100 characters'),
  roles: z
    .array(z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` }))
    .min(1, 'must name at least one role'),
  plants: z.array(z.union([code, z.literal('*')])).min(1, 'must name at least one plant, or *'),
  expiresAt: z
    .string()
    .refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO-8601 date-time')
    .nullish(),
});

type Keys = Pick<Store, 'insertApiKey' | 'getApiKey' | 'listApiKeys' | 'revokeApiKey'>;

/**
 * Key management, the same for the GraphQL mutations and `npm run keys`: a key is created within the creator's own
 * plants, shown once, and stored only as a hash; revoking it takes effect within the gateways' cache time.
 */
export function createApiKeyService(store: Keys, now: () => Date = () => new Date()) {
  const visibleTo = (principal: Principal, key: ApiKeyRecord) =>
    principal.plants === '*' || (key.plants !== '*' && key.plants.every((p) => inPlantScope(principal, p)));

  /** A new key within the principal's plants, not yet stored: for the store (create) or for API_KEYS. */
  function prepare(principal: Principal, input: unknown): { key: string; apiKey: ApiKeyRecord } {
    const parsed = parseInput(createApiKeyInput, input);
    const plants: ApiKeyRecord['plants'] = parsed.plants.includes('*') ? '*' : [...new Set(parsed.plants)];
    if (plants === '*' ? principal.plants !== '*' : !plants.every((p) => inPlantScope(principal, p))) {
      throw new DomainError(
        'FORBIDDEN',
        `${principal.name} may create keys only for its own plants (${principal.plants === '*' ? 'all' : principal.plants.join(', ')}).`,
      );
    }
    if (parsed.expiresAt && Date.parse(parsed.expiresAt) <= now().getTime()) {
      throw new DomainError('INVALID_INPUT', 'expiresAt must be in the future', {
        field: 'expiresAt',
        details: { issues: [{ field: 'expiresAt', message: 'must be in the future' }] },
      });
    }
    const generated = generateApiKey();
    const apiKey: ApiKeyRecord = {
      id: generated.id,
      name: parsed.name,
      roles: [...new Set(parsed.roles)],
      plants,
      secretHash: generated.secretHash,
      createdAt: now().toISOString(),
      createdBy: principal.id,
      expiresAt: parsed.expiresAt ? new Date(parsed.expiresAt).toISOString() : null,
      revokedAt: null,
      revokedBy: null,
    };
    return { key: generated.key, apiKey };
  }

  return {
    prepare,
    async create(principal: Principal, input: unknown): Promise<{ key: string; apiKey: ApiKeyRecord }> {
      const created = prepare(principal, input);
      await store.insertApiKey(created.apiKey);
      return created;
    },
    async list(principal: Principal): Promise<ApiKeyRecord[]> {
      return (await store.listApiKeys()).filter((k) => visibleTo(principal, k));
    },
    /** Revokes a key the principal may see; true when it was active until now. */
    async revoke(principal: Principal, id: string): Promise<ApiKeyRecord> {
      const key = await store.getApiKey(id);
      if (!key || !visibleTo(principal, key))
        throw new DomainError('NOT_FOUND', `No API key ${id}`, { field: 'id', details: { argument: 'id' } });
      if (key.revokedAt === null) await store.revokeApiKey(id, now().toISOString(), principal.id);
      return (await store.getApiKey(id))!;
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
