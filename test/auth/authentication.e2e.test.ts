import { exportSPKI, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../app/runtime';
import { generateApiKey } from '../../core/auth/api-key';
import type { Logger } from '../../core/ports/logger.port';
import { bearer, createKey } from '../support/auth.fixture';
import { gql } from '../support/graphql-client';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { spawnPlantgate } from '../support/process';

const WHOAMI = '{ whoami { id name kind roles plants openLocalMode } }';
const ISSUER = 'https://idp.plant.test';
const AUDIENCE = 'plantgate';

/** A logger that keeps every line, to check that no secret is ever written. */
function recordingLogger(lines: string[]): Logger {
  const make = (bindings: object): Logger => {
    const write = (fields: object, message?: string) =>
      void lines.push(JSON.stringify({ ...bindings, ...fields, message }));
    return { debug: write, info: write, warn: write, error: write, child: (more) => make({ ...bindings, ...more }) };
  };
  return make({});
}

describe('authentication', () => {
  describe('with an identity provider and API keys', () => {
    let installation: TestInstallation;
    let runtime: Runtime;
    let url: string;
    let privateKey: KeyLike;
    const lines: string[] = [];

    const token = (
      claims: Record<string, unknown> = {},
      options: { issuer?: string; audience?: string; expiresIn?: string | number; key?: KeyLike } = {},
    ) =>
      new SignJWT({ roles: ['quality', 'viewer'], plants: ['P1'], name: 'Quality Engineer', ...claims })
        .setProtectedHeader({ alg: 'RS256' })
        .setSubject('q-engineer-7')
        .setIssuer(options.issuer ?? ISSUER)
        .setAudience(options.audience ?? AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '5m')
        .sign(options.key ?? privateKey);

    beforeAll(async () => {
      const pair = await generateKeyPair('RS256', { extractable: true });
      privateKey = pair.privateKey as KeyLike;
      installation = createTestInstallation('authn', {
        JWT_PUBLIC_KEY: await exportSPKI(pair.publicKey),
        JWT_ISSUER: ISSUER,
        JWT_AUDIENCE: AUDIENCE,
        JWT_ALGORITHMS: 'RS256',
        AUTH_CACHE_MS: '2000',
      });
      runtime = await installation.start('gateway', { logger: recordingLogger(lines) });
      url = runtime.url!;
    });
    afterAll(() => installation.cleanup());

    it("takes a person's roles and plants from the configured claims of a verified JWT", async () => {
      const answer = await gql(url, WHOAMI, {}, bearer(await token()));
      expect(answer.data).toEqual({
        whoami: {
          id: 'user:q-engineer-7',
          name: 'Quality Engineer',
          kind: 'USER',
          roles: ['QUALITY', 'VIEWER'],
          plants: ['P1'],
          openLocalMode: false,
        },
      });
    });

    it.each([
      ['no credentials at all', async () => ({}), 'missing_credentials'],
      [
        'an expired JWT',
        async () => bearer(await token({}, { expiresIn: Math.floor(Date.now() / 1000) - 60 })),
        'invalid_jwt',
      ],
      ['a JWT of another issuer', async () => bearer(await token({}, { issuer: 'https://evil.test' })), 'invalid_jwt'],
      ['a JWT for another audience', async () => bearer(await token({}, { audience: 'someone-else' })), 'invalid_jwt'],
      [
        'a JWT signed by another key',
        async () => bearer(await token({}, { key: (await generateKeyPair('RS256')).privateKey as KeyLike })),
        'invalid_jwt',
      ],
      [
        'an unsigned JWT (alg none)',
        async () =>
          bearer(
            `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'x', iss: ISSUER, aud: AUDIENCE, roles: ['ADMIN'], plants: ['*'], exp: 9_999_999_999 })}.`,
          ),
        'invalid_jwt',
      ],
      ['a JWT with a tampered payload', async () => bearer(tamper(await token())), 'invalid_jwt'],
      ['a made-up API key', async () => bearer(`pgk_${'A'.repeat(12)}_${'B'.repeat(43)}`), 'unknown_key'],
      ['a header that is not a bearer token', async () => ({ authorization: 'Basic dXNlcjpwYXNz' }), 'malformed_token'],
    ])(
      'refuses %s with 401 UNAUTHENTICATED and a WWW-Authenticate header, and counts it',
      async (_what, headers, reason) => {
        const response = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(await headers()) },
          body: JSON.stringify({ query: WHOAMI }),
        });
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="plantgate"/);
        const body = (await response.json()) as { errors: { extensions: { code: string } }[]; data?: unknown };
        expect(body.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
        expect(body.data).toBeUndefined();
        const metrics = await (await fetch(`${url}/metrics`)).text();
        expect(
          Number(new RegExp(`plantgate_auth_refusals_total\\{reason="${reason}"\\} (\\d+)`).exec(metrics)?.[1] ?? 0),
        ).toBeGreaterThan(0);
      },
    );

    it('stops accepting a revoked key within 5 seconds, whatever is cached', async () => {
      const admin = await createKey(runtime.store, ['ADMIN'], '*');
      const doomed = await createKey(runtime.store, ['VIEWER'], ['P1']);
      expect((await gql(url, WHOAMI, {}, bearer(doomed.key))).data).toBeTruthy();
      const revoked = await gql(
        url,
        `mutation { revokeApiKey(id: "${doomed.id}") { revokedAt revokedBy } }`,
        {},
        bearer(admin.key),
      );
      expect(revoked.data).toMatchObject({ revokeApiKey: { revokedBy: `key:${admin.id}` } });
      const since = Date.now();
      while (
        (
          await fetch(`${url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...bearer(doomed.key) },
            body: JSON.stringify({ query: WHOAMI }),
          })
        ).status !== 401
      ) {
        expect(Date.now() - since).toBeLessThan(5000);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });

    it('refuses a key once it expired', async () => {
      const shortLived = await createKey(runtime.store, ['VIEWER'], ['P1'], {
        expiresAt: new Date(Date.now() + 1500).toISOString(),
      });
      expect((await gql(url, WHOAMI, {}, bearer(shortLived.key))).data).toBeTruthy();
      await new Promise((resolve) => setTimeout(resolve, 1600));
      expect((await gql(url, WHOAMI, {}, bearer(shortLived.key))).status).toBe(401);
    });

    it('creates a key shown once and kept only as a hash, and never writes a secret to the log', async () => {
      const admin = await createKey(runtime.store, ['ADMIN'], '*');
      const created = await gql<{
        createApiKey: { key: string; apiKey: { id: string; roles: string[]; plants: string[] } };
      }>(
        url,
        'mutation { createApiKey(input: { name: "MES adapter P1", roles: [INTEGRATOR], plants: ["P1"] }) { key apiKey { id roles plants } } }',
        {},
        bearer(admin.key),
      );
      const { key, apiKey } = created.data!.createApiKey;
      expect(apiKey).toMatchObject({ roles: ['INTEGRATOR'], plants: ['P1'] });
      expect((await gql(url, WHOAMI, {}, bearer(key))).data).toMatchObject({
        whoami: { id: `key:${apiKey.id}`, roles: ['INTEGRATOR'] },
      });
      const stored = await runtime.store.getApiKey(apiKey.id);
      expect(JSON.stringify(stored)).not.toContain(key.split('_').at(-1)!);
      const secrets = [key.slice(-43), admin.key.slice(-43), (await token()).split('.')[2]!];
      for (const line of lines) for (const secret of secrets) expect(line).not.toContain(secret);
      expect(lines.some((l) => l.includes('API key created') && l.includes(`key:${admin.id}`))).toBe(true);
    });
  });

  describe('public endpoints', () => {
    let installation: TestInstallation;
    afterAll(() => installation.cleanup());

    it('serves health, readiness and the IDE page without a token, and metrics only with METRICS_TOKEN when set', async () => {
      installation = createTestInstallation('public', { METRICS_TOKEN: 'a-metrics-token-for-tests' });
      const runtime = await installation.start('gateway');
      await createKey(runtime.store, ['ADMIN'], '*');
      const url = runtime.url!;
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      const page = await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      // The page is public; an operation through it is not.
      expect(
        (
          await fetch(`${url}/graphql?query=${encodeURIComponent(WHOAMI)}`, {
            headers: { accept: 'text/html', 'apollo-require-preflight': 'true' },
          })
        ).status,
      ).toBe(401);
      const scrape = await fetch(`${url}/metrics`);
      expect(scrape.status).toBe(401);
      expect(scrape.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const allowed = await fetch(`${url}/metrics`, { headers: bearer('a-metrics-token-for-tests') });
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toMatch(/plantgate_auth_refusals_total\{reason="metrics_token"\} 1/);
    });
  });

  describe('the open local mode', () => {
    let installation: TestInstallation;
    afterAll(() => installation.cleanup());

    it('lets requests without a token in as the local developer until the first key exists', async () => {
      installation = createTestInstallation('open-mode');
      const runtime = await installation.start('gateway');
      expect(runtime.openLocalMode).toBe(true);
      const unsignedWebhook = await fetch(`${runtime.url!}/webhooks/mes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ messageType: 'Nope', payload: {} }),
      });
      expect(unsignedWebhook.status).toBe(400); // let in unsigned, then refused for its content
      expect((await gql(runtime.url!, WHOAMI)).data).toEqual({
        whoami: {
          id: 'local-developer',
          name: 'Local developer (open local mode)',
          kind: 'LOCAL',
          roles: ['INTEGRATOR', 'OPERATIONS', 'QUALITY', 'SUPPLY_CHAIN', 'ADMIN', 'VIEWER', 'EDGE'],
          plants: ['*'],
          openLocalMode: true,
        },
      });
      const created = await gql<{ createApiKey: { key: string } }>(
        runtime.url!,
        'mutation { createApiKey(input: { name: "first", roles: [ADMIN], plants: ["*"] }) { key } }',
      );
      // Ended at once, for everything that needs a token, unsigned webhooks included.
      const anonymous = await gql(runtime.url!, WHOAMI);
      expect(anonymous.status).toBe(401);
      const unsigned = await fetch(`${runtime.url!}/webhooks/mes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(unsigned.status).toBe(401);
      expect((await gql(runtime.url!, WHOAMI, {}, bearer(created.data!.createApiKey.key))).data).toMatchObject({
        whoami: { kind: 'API_KEY', openLocalMode: false },
      });
    });
  });

  describe('listening beyond loopback', () => {
    it('refuses to start with nobody able to sign in, naming what to set', async () => {
      const installation = createTestInstallation('not-loopback');
      try {
        const proc = spawnPlantgate('gateway', { ...installation.env, HOST: '0.0.0.0' });
        expect(await proc.exited).toBe(2);
        const lines = proc.output().stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/HOST 0\.0\.0\.0.*JWT_JWKS_URL or JWT_PUBLIC_KEY.*API_KEYS.*npm run keys -- create/);
      } finally {
        await installation.cleanup();
      }
    });

    it('starts on any address with a key given by configuration', async () => {
      const installation = createTestInstallation('configured-key');
      try {
        const { id, key, secretHash } = generateApiKey();
        const runtime = await installation.start('gateway', {
          env: {
            HOST: '0.0.0.0',
            API_KEYS: JSON.stringify([{ id, name: 'compose admin', roles: ['ADMIN'], plants: '*', secretHash }]),
          },
        });
        const local = runtime.url!.replace('0.0.0.0', '127.0.0.1');
        expect((await gql(local, WHOAMI)).status).toBe(401);
        expect((await gql(local, WHOAMI, {}, bearer(key))).data).toMatchObject({
          whoami: { name: 'compose admin', kind: 'API_KEY', roles: ['ADMIN'] },
        });
      } finally {
        await installation.cleanup();
      }
    });
  });
});

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The same signature over another payload: grants itself ADMIN in every plant. */
function tamper(jwt: string): string {
  const [header, payload, signature] = jwt.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  return `${header}.${b64({ ...claims, roles: ['ADMIN'], plants: ['*'] })}.${signature}`;
}
