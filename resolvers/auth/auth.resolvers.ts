import type { ApiKeyRecord } from '../../core/auth/api-key';
import type { ApiKeyService } from '../../core/auth/api-key.service';
import type { GatewayContext } from '../context';

export interface IdentityDeps {
  keys: ApiKeyService;
  /** Ends the open local mode at once in this gateway when the first key is created. */
  keyCreated(): void;
  openMode(): Promise<boolean>;
}

/** whoami, the API keys of the caller's plants, and creating and revoking them. Never returns a secret's hash. */
export function authResolvers({ identity }: { identity: IdentityDeps }) {
  const shown = ({ secretHash: _hash, ...key }: ApiKeyRecord) => ({
    ...key,
    plants: key.plants === '*' ? ['*'] : key.plants,
  });
  return {
    Query: {
      whoami: async (_: unknown, __: unknown, ctx: GatewayContext) => ({
        ...ctx.principal,
        plants: ctx.principal.plants === '*' ? ['*'] : ctx.principal.plants,
        openLocalMode: ctx.principal.kind === 'LOCAL' && (await identity.openMode()),
      }),
      apiKeys: async (_: unknown, __: unknown, ctx: GatewayContext) =>
        (await identity.keys.list(ctx.principal)).map(shown),
    },
    Mutation: {
      createApiKey: async (_: unknown, args: { input: unknown }, ctx: GatewayContext) => {
        const created = await identity.keys.create(ctx.principal, args.input);
        identity.keyCreated();
        ctx.logger.info(
          { principal: ctx.principal.id, keyId: created.apiKey.id, roles: created.apiKey.roles },
          'API key created',
        );
        return { key: created.key, apiKey: shown(created.apiKey) };
      },
      revokeApiKey: async (_: unknown, args: { id: string }, ctx: GatewayContext) => {
        const revoked = await identity.keys.revoke(ctx.principal, args.id);
        ctx.logger.info({ principal: ctx.principal.id, keyId: revoked.id }, 'API key revoked');
        return shown(revoked);
      },
    },
  };
}
