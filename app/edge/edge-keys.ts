import type { ApiKeyRecord } from '../../core/auth/api-key';
import { hasAnyRole, inPlantScope } from '../../core/auth/permissions';
import type { Principal } from '../../core/auth/principal';
import type { Logger } from '../../core/ports/logger.port';
import type { Store } from '../../core/ports/store.port';

/** What an edge must agree on with the central installation: where an order's messages go, and its business keys. */
export interface EdgeAgreement {
  partitions: number;
  timestampBucketMs: number;
}

/**
 * The central route `GET /edge/keys?plant=P`: the API keys that act in plant P, as hashes, for that plant's edge (the
 * keys created through the API and those given by configuration alike), and what the edge must agree on.
 */
export function edgeKeysRoute(
  store: Pick<Store, 'listApiKeys'>,
  configuredKeys: readonly ApiKeyRecord[],
  agreementOf: (plant: string) => EdgeAgreement,
) {
  return async (principal: Principal, query: URLSearchParams): Promise<{ status: number; body: unknown }> => {
    const plant = query.get('plant');
    if (!plant) return { status: 400, body: { error: 'plant is required: /edge/keys?plant=P1', code: 'BAD_REQUEST' } };
    if (!hasAnyRole(principal, ['EDGE', 'ADMIN']) || !inPlantScope(principal, plant)) {
      return {
        status: 403,
        body: {
          error: `${principal.name} may not copy the API keys of plant ${plant}: that needs role EDGE (or ADMIN) in plant ${plant}`,
          code: 'FORBIDDEN',
        },
      };
    }
    // Secrets are never stored, only their SHA-256; revoked keys are sent too, so that a revocation reaches the edge.
    const keys = [...configuredKeys, ...(await store.listApiKeys())].filter(
      (k) => k.plants === '*' || k.plants.includes('*') || k.plants.includes(plant),
    );
    return { status: 200, body: { plant, keys, ...agreementOf(plant) } };
  };
}

export interface KeySyncReport {
  lastSyncAt: string | null;
  keys: number;
  error?: string;
  /** What this edge does not agree on with the central installation, when it does not (a misconfiguration). */
  disagreement?: string;
}

/** Names what differs, or null: a different partition count would send an order's messages to another queue. */
export function disagreementOf(here: EdgeAgreement, central: Partial<EdgeAgreement>): string | null {
  const differs = (Object.keys(here) as (keyof EdgeAgreement)[]).filter(
    (key) => central[key] !== undefined && central[key] !== here[key],
  );
  if (differs.length === 0) return null;
  const name = { partitions: 'PARTITIONS', timestampBucketMs: 'the rule parameter timestampBucketMs' };
  return differs.map((key) => `${name[key]} is ${here[key]} here and ${central[key]} centrally`).join('; ');
}

/**
 * Copies the central gateway's API keys of the edge's plant into the edge's store while the link is up, so that
 * the edge keeps authenticating the same machines and people when it is down. New keys are added, revocations
 * applied; the secrets themselves never travel (only their hashes do).
 */
export function createKeySync(deps: {
  plant: string;
  centralUrl: string;
  apiKey: string | undefined;
  timeoutMs: number;
  store: Pick<Store, 'getApiKey' | 'insertApiKey' | 'revokeApiKey'>;
  logger: Logger;
  now: () => Date;
  /** This edge's settings, compared with the central installation's on every copy. */
  agreement: EdgeAgreement;
}) {
  let report: KeySyncReport = { lastSyncAt: null, keys: 0 };

  async function fetchKeys(): Promise<{ keys: ApiKeyRecord[] } & Partial<EdgeAgreement>> {
    const response = await fetch(`${deps.centralUrl}/edge/keys?plant=${encodeURIComponent(deps.plant)}`, {
      headers: deps.apiKey ? { authorization: `Bearer ${deps.apiKey}` } : {},
      signal: AbortSignal.timeout(deps.timeoutMs),
    });
    const body = (await response.json().catch(() => ({}))) as Partial<EdgeAgreement> & {
      keys?: ApiKeyRecord[];
      error?: string;
    };
    if (!response.ok || !body.keys) throw new Error(`central gateway answered ${response.status}: ${body.error ?? ''}`);
    return { ...body, keys: body.keys };
  }

  async function apply(key: ApiKeyRecord): Promise<void> {
    const local = await deps.store.getApiKey(key.id);
    if (!local) return deps.store.insertApiKey(key);
    if (key.revokedAt && !local.revokedAt) {
      await deps.store.revokeApiKey(key.id, key.revokedAt, key.revokedBy ?? 'central');
    }
  }

  return {
    async sync(): Promise<KeySyncReport> {
      try {
        const { keys, ...central } = await fetchKeys();
        for (const key of keys) await apply(key);
        const disagreement = disagreementOf(deps.agreement, central);
        if (disagreement) deps.logger.error({ disagreement }, 'this edge does not agree with the central installation');
        report = { lastSyncAt: deps.now().toISOString(), keys: keys.length, ...(disagreement ? { disagreement } : {}) };
      } catch (error) {
        report = { ...report, error: (error as Error).message };
        deps.logger.warn({ err: (error as Error).message }, 'could not copy API keys from the central gateway');
      }
      return report;
    },
    report: () => report,
  };
}
