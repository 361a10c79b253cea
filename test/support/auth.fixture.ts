import { createApiKeyService } from '../../core/auth/api-key.service';
import type { Principal, Role } from '../../core/auth/principal';
import type { Store } from '../../core/ports/store.port';

const TEST_ADMIN: Principal = {
  id: 'test:admin',
  name: 'Test administrator',
  kind: 'SYSTEM',
  roles: ['ADMIN'],
  plants: '*',
};

/** Creates an API key straight in the store, as `npm run keys -- create` does, and returns the key. */
export async function createKey(
  store: Store,
  roles: Role[],
  plants: string[] | '*' = '*',
  extra: { name?: string; expiresAt?: string | null } = {},
): Promise<{ key: string; id: string }> {
  const { key, apiKey } = await createApiKeyService(store).create(TEST_ADMIN, {
    name: extra.name ?? `${roles.join('+')} of ${plants === '*' ? 'all' : plants.join(',')}`,
    roles,
    plants: plants === '*' ? ['*'] : plants,
    expiresAt: extra.expiresAt ?? null,
  });
  return { key, id: apiKey.id };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
