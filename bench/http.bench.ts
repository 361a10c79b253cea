import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { createLogger } from '../app/logger';
import { generateApiKey } from '../core/auth/api-key';
import { startRuntime } from '../app/runtime';
import { freshInstallation } from './installation';
import { benchNodeArgs, cpuTimeMs, runLoad, startProcess } from './processes';
import { percentile, sleep } from './stats';
import { planPlantDay } from './scorecard/plant-day';

/**
 * Submits/s through GraphQL over HTTP into a gateway process (publishing to the broker, recording each key): in the
 * open local mode, or authenticated with an API key (given by API_KEYS, the lookup of a production key). The rate
 * limit is lifted in both: this measures what authentication costs, not the limit.
 */
export async function ingestion(
  seconds: number,
  auth: 'open' | 'api-key' = 'open',
): Promise<{ rps: number; non2xx: number; cpuMsPerRequest: number }> {
  const install = await freshInstallation();
  const key = generateApiKey();
  const keys: Record<string, string> =
    auth === 'api-key'
      ? {
          API_KEYS: JSON.stringify([
            { id: key.id, name: 'bench integrator', roles: ['INTEGRATOR'], plants: '*', secretHash: key.secretHash },
          ]),
        }
      : {};
  const gateway = await startProcess(
    'app/main.ts',
    ['gateway'],
    { ...install.env, PORT: '0', RATE_LIMIT_PER_S: '1000000', ...keys },
    /GraphQL (http:\/\/[^/]+)\/graphql/,
    benchNodeArgs(),
  );
  try {
    const authorization = auth === 'api-key' ? `Bearer ${key.key}` : undefined;
    // The gateway's CPU from here on: what requests cost, not what starting the process cost.
    const cpuBefore = cpuTimeMs(gateway.child.pid!);
    const result = await runLoad({
      url: gateway.match[1]!,
      kind: 'release',
      connections: 10,
      seconds,
      prefix: `ING-${randomUUID().slice(0, 6)}`,
      authorization,
    });
    const cpuMs = cpuTimeMs(gateway.child.pid!) - cpuBefore;
    if (result.non2xx > 0) throw new Error(`ingestion (${auth}): ${result.non2xx} requests refused`);
    return { rps: result.rps, non2xx: result.non2xx, cpuMsPerRequest: cpuMs / Math.max(1, result.requests) };
  } finally {
    await gateway.stop();
    await install.cleanup();
  }
}

/** The same mutation against a bare @apollo/server that does nothing. */
export async function bareApollo(seconds: number): Promise<number> {
  const server = await startProcess('bench/load/bare-apollo.server.ts', ['0'], {}, /bare apollo at (http:\/\/\S+)/);
  try {
    return (await runLoad({ url: server.match[1]!, kind: 'bare', connections: 10, seconds, prefix: 'BARE' })).rps;
  } finally {
    await server.stop();
  }
}

/**
 * Submit→applied latency at a fixed rate: releases through GraphQL into a process running gateway and workers;
 * the gateway stamps acceptance, the worker stamps its commit, both on this machine's clock.
 */
export async function submitToApplied(
  rate: number,
  seconds: number,
): Promise<{ p50: number; p99: number; applied: number }> {
  const install = await freshInstallation();
  const plant = await startProcess(
    'app/main.ts',
    ['all'],
    { ...install.env, PORT: '0' },
    /GraphQL (http:\/\/[^/]+)\/graphql/,
  );
  try {
    await seedReference(plant.match[1]!, install.config.SQLITE_FILE);
    const result = await runLoad({
      url: plant.match[1]!,
      kind: 'release',
      connections: 10,
      seconds,
      rate,
      prefix: `LAT-${randomUUID().slice(0, 6)}`,
    });
    const db = new Database(install.config.SQLITE_FILE, { readonly: true });
    const query = db.prepare(
      "SELECT received_at AS r, updated_at AS u, status FROM transactions WHERE message_type = 'ReleaseProductionOrder'",
    );
    let rows: { r: string; u: string; status: string }[] = [];
    for (let i = 0; i < 100; i++) {
      rows = query.all() as typeof rows;
      if (rows.length >= result.requests - result.non2xx && rows.every((row) => row.status !== 'RECEIVED')) break;
      await sleep(100);
    }
    db.close();
    const latencies = rows
      .filter((row) => row.status === 'APPLIED')
      .map((row) => Date.parse(row.u) - Date.parse(row.r));
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), applied: latencies.length };
  } finally {
    await plant.stop();
    await install.cleanup();
  }
}

/** Reference data for the releases the load generator sends, applied before the measurement starts. */
export async function seedReference(url: string, file: string) {
  const reference = planPlantDay(1, { faultRate: 0 }).reference;
  await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation($i: UpsertReferenceDataInput!) { upsertReferenceData(input: $i) { correlationId } }',
      variables: { i: reference },
    }),
  });
  const db = new Database(file, { readonly: true });
  try {
    while (
      !db.prepare("SELECT 1 FROM transactions WHERE message_type = 'UpsertReferenceData' AND status = 'APPLIED'").get()
    )
      await sleep(50);
  } finally {
    db.close();
  }
}

/**
 * The read path: productionOrders(first: 50) with the live erp, mes and quality views, against the embedded
 * reference systems, counting the calls each system received per request.
 */
export async function readPath(
  seconds: number,
): Promise<{ rps: number; localRps: number; callsPerSystemPerRequest: Record<string, number> }> {
  // No rate limit: the local page is served faster than the default 500 requests a second.
  const install = await freshInstallation({ SIMULATORS: 'embedded', RATE_LIMIT_PER_S: '1000000' });
  const runtime = await startRuntime(install.config, { role: 'all', logger: createLogger('silent') });
  try {
    const day = planPlantDay(100, { faultRate: 0, seed: 9, floorChanges: false });
    const submit = (query: string, variables: object) =>
      fetch(`${runtime.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
    await submit('mutation($i: UpsertReferenceDataInput!) { upsertReferenceData(input: $i) { correlationId } }', {
      i: day.reference,
    });
    await sleep(500);
    for (const order of day.orders)
      await submit(
        'mutation($i: ReleaseProductionOrderInput!) { releaseProductionOrder(input: $i) { correlationId } }',
        { i: order.release },
      );
    while ((await runtime.store.listOrders({ plant: 'P1' }, { first: 1 })).totalCount < 50) await sleep(50);
    const systems = runtime.referenceSystems!;
    const reads = () => ({
      erp: systems.erp!.calls.filter((c) => c.method === 'GET').length,
      mes: systems.mes!.calls.filter((c) => c.method === 'GET').length,
      qms: systems.qms!.calls.filter((c) => c.method === 'GET').length,
    });
    const local = await runLoad({ url: runtime.url!, kind: 'read-local', connections: 10, seconds, prefix: 'READ' });
    const before = reads();
    const result = await runLoad({ url: runtime.url!, kind: 'read', connections: 10, seconds, prefix: 'READ' });
    const after = reads();
    const served = result.requests - result.non2xx;
    const perRequest = Object.fromEntries(
      Object.entries(after).map(([s, n]) => [
        s,
        Math.round(((n - before[s as keyof typeof before]) / Math.max(1, served)) * 100) / 100,
      ]),
    );
    const servedPerSecond = (r: typeof result) => (r.requests - r.non2xx) / seconds;
    return { rps: servedPerSecond(result), localRps: servedPerSecond(local), callsPerSystemPerRequest: perRequest };
  } finally {
    await runtime.stop();
    await install.cleanup();
  }
}
