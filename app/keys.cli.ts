import os from 'node:os';
import { parseArgs } from 'node:util';
import { createApiKeyService } from '../core/auth/api-key.service';
import type { Principal } from '../core/auth/principal';
import { DomainError } from '../core/errors';
import { ConfigError, loadConfig } from './config';
import { createStore } from './store.factory';

const USAGE =
  'Usage: npm run keys -- create --name NAME --roles ROLE,ROLE --plants P1,P2 [--expires ISO-DATE] [--config] | list | revoke ID';

/**
 * `npm run keys -- create --name NAME --roles ROLE,ROLE --plants P1,P2 [--expires ISO-DATE]` (prints the new key
 * alone on its first line: it is shown once), `npm run keys -- list`, `npm run keys -- revoke ID`. Works on the store
 * the environment configures, as the machine's administrator. With `--config`, create stores nothing and prints,
 * after the key, its entry for API_KEYS (the secret only as its hash), for installations configured by environment.
 */
async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      roles: { type: 'string' },
      plants: { type: 'string' },
      expires: { type: 'string' },
      config: { type: 'boolean' },
    },
  });
  const [command, id] = positionals;
  const list = (value: string | undefined) =>
    (value ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  const admin: Principal = {
    id: `cli:${os.userInfo().username}`,
    name: `npm run keys (${os.userInfo().username})`,
    kind: 'SYSTEM',
    roles: ['ADMIN'],
    plants: '*',
  };
  const input = {
    name: values.name,
    roles: list(values.roles).map((r) => r.toUpperCase()),
    plants: list(values.plants),
    expiresAt: values.expires ?? null,
  };

  if (command === 'create' && values.config) {
    const { key, apiKey } = createApiKeyService(noStore).prepare(admin, input);
    const { id: keyId, name, roles, plants, secretHash, expiresAt } = apiKey;
    console.log(key);
    console.log(
      `API_KEYS entry (add it to the JSON array; the key is shown only now): ${JSON.stringify({ id: keyId, name, roles, plants, secretHash, expiresAt })}`,
    );
    return;
  }
  if (!['create', 'list', 'revoke'].includes(command ?? '')) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const store = await createStore(loadConfig());
  const keys = createApiKeyService(store);
  try {
    if (command === 'create') {
      const { key, apiKey } = await keys.create(admin, input);
      console.log(key);
      console.log(
        `Created API key ${apiKey.id} "${apiKey.name}": roles ${apiKey.roles.join(', ')}; plants ${apiKey.plants === '*' ? 'all' : apiKey.plants.join(', ')}; ${apiKey.expiresAt ? `expires ${apiKey.expiresAt}` : 'no expiry'}. The key is shown only now.`,
      );
    } else if (command === 'list') {
      for (const k of await keys.list(admin)) {
        const state = k.revokedAt
          ? `revoked ${k.revokedAt} by ${k.revokedBy}`
          : k.expiresAt
            ? `expires ${k.expiresAt}`
            : 'active';
        console.log(
          `${k.id}  ${k.name}  roles=${k.roles.join(',')}  plants=${k.plants === '*' ? '*' : k.plants.join(',')}  ${state}`,
        );
      }
    } else {
      const revoked = await keys.revoke(admin, id ?? '');
      console.log(
        `Revoked API key ${revoked.id} "${revoked.name}" at ${revoked.revokedAt}; gateways refuse it within AUTH_CACHE_MS (at most 5 s).`,
      );
    }
  } finally {
    await store.close();
  }
}

/** `create --config` touches no store. */
const noStore = {
  insertApiKey: () => Promise.reject(new Error('no store')),
  getApiKey: () => Promise.resolve(null),
  listApiKeys: () => Promise.resolve([]),
  revokeApiKey: () => Promise.reject(new Error('no store')),
};

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else if (error instanceof DomainError) console.error(`keys: ${error.message}`);
  else
    console.error(
      `keys: ${(error as Error).message}${(error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? `\n${USAGE}` : ''}`,
    );
  process.exit(
    error instanceof ConfigError ||
      (error instanceof DomainError && error.code === 'INVALID_INPUT') ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
      ? 2
      : 1,
  );
});
