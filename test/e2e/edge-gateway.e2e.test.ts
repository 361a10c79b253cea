import { afterEach, describe, expect, it } from 'vitest';
import { createApiKeyService } from '../../core/auth/api-key.service';
import { systemPrincipal } from '../../core/auth/principal';
import { createKey, bearer } from '../support/auth.fixture';
import { drainQueue, queueDepth, queuesDepth } from '../support/broker';
import { createEdgeSite, EDGE_PLANT, type EdgeSite } from '../support/edge-site';
import { edgeHealth, submitWithKey, transactionStatus } from '../support/edge-client';
import { gql } from '../support/graphql-client';
import { acknowledgeInput, releaseInput } from '../support/order.fixture';
import { WEBHOOK_HEADERS, webhookSignature } from '../../core/auth/webhook-signature';
import { freePort, startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { spawnEntry } from '../support/process';
import { waitFor } from '../support/wait';

const APPLIED = ['APPLIED', 'POSTED'];
const HOOK_SECRET = 'a-plant-mes-webhook-secret';

describe('an edge gateway', () => {
  let site: EdgeSite;
  afterEach(async () => site?.cleanup());

  it('forwards what it accepts to the central plane, answers a resend DUPLICATE, and reports the state from there', async () => {
    site = await createEdgeSite('edge-fwd');
    const edge = await site.startEdge();
    const key = site.keys.integrator;

    const first = await submitWithKey(edge.url, key, 'releaseProductionOrder', releaseInput({ orderNumber: 'PO-E1' }));
    expect(first.result).toEqual({ correlationId: expect.any(String), status: 'ACCEPTED' });
    const again = await submitWithKey(edge.url, key, 'releaseProductionOrder', releaseInput({ orderNumber: 'PO-E1' }));
    expect(again.result).toEqual({ correlationId: first.result!.correlationId, status: 'DUPLICATE' });

    const id = first.result!.correlationId;
    const applied = await waitFor(
      async () => {
        const t = await site.centralRuntime.store.getTransaction(id);
        return t && APPLIED.includes(t.status) ? t : undefined;
      },
      { what: 'the central plane to apply the release accepted at the edge', timeoutMs: 30_000 },
    );
    expect(applied.envelope.scope).toMatchObject({ plant: EDGE_PLANT, orderNumber: 'PO-E1' });
    // Once: the resend was answered at the edge and never reached the central plane.
    expect(await site.centralRuntime.store.listTransactionsByOrder(EDGE_PLANT, 'PO-E1')).toHaveLength(1);
    expect(APPLIED).toContain(await transactionStatus(edge.url, key, id));
    const health = await waitFor(async () => {
      const h = await edgeHealth(edge.url);
      return h.edge.state === 'up' ? h : undefined;
    });
    expect(health.edge).toMatchObject({ state: 'up', backlog: { messages: 0, limit: 100_000 } });
  });

  it('keeps accepting while the link is down, answers QUEUED_AT_EDGE, refuses past its backlog with 503, and loses nothing', async () => {
    site = await createEdgeSite('edge-backlog', {
      edge: { EDGE_BACKLOG_LIMIT: '10', MES_WEBHOOK_SECRET: HOOK_SECRET },
    });
    const edge = await site.startEdge();
    const key = site.keys.integrator;
    site.proxy.cut(120_000);
    await waitFor(async () => (await edgeHealth(edge.url)).edge.state === 'down', { what: 'the link to be down' });

    const accepted: string[] = [];
    for (let i = 0; i < 10; i++) {
      const answer = await submitWithKey(
        edge.url,
        key,
        'releaseProductionOrder',
        releaseInput({ orderNumber: `PO-B${i}` }),
      );
      expect(answer.result?.status).toBe('ACCEPTED');
      accepted.push(answer.result!.correlationId);
    }
    const refused = await submitWithKey(
      edge.url,
      key,
      'releaseProductionOrder',
      releaseInput({ orderNumber: 'PO-B10' }),
    );
    expect(refused.status).toBe(503);
    expect(refused.error?.extensions).toMatchObject({ code: 'BACKLOG_FULL', backlog: { limit: 10 }, link: 'down' });
    expect(refused.error?.message).toMatch(/edge backlog of plant P100 is full/);
    expect(await edge.store.listTransactionsByOrder(EDGE_PLANT, 'PO-B10')).toEqual([]);
    // The plant's MES webhooks meet the same limit, in their own format.
    const raw = JSON.stringify({
      messageType: 'AcknowledgeProductionOrder',
      payload: acknowledgeInput(releaseInput({ orderNumber: 'PO-B0' })),
    });
    const at = String(Math.floor(Date.now() / 1000));
    const hook = await fetch(`${edge.url}/webhooks/mes`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [WEBHOOK_HEADERS.timestamp]: at,
        [WEBHOOK_HEADERS.signature]: webhookSignature(HOOK_SECRET, at, raw),
      },
      body: raw,
    });
    expect(hook.status).toBe(503);
    expect(hook.headers.get('retry-after')).toBe('5');
    expect(await hook.json()).toMatchObject({ code: 'BACKLOG_FULL', backlog: { limit: 10 } });

    expect(await transactionStatus(edge.url, key, accepted[0]!)).toBe('QUEUED_AT_EDGE');
    const health = await waitFor(async () => {
      const h = await edgeHealth(edge.url);
      return h.edge.backlog.messages === 10 ? h : undefined;
    });
    expect(health.edge).toMatchObject({ state: 'down', backlog: { messages: 10, limit: 10 } });
    const metrics = await (await fetch(`${edge.url}/metrics`)).text();
    expect(metrics).toMatch(/plantgate_edge_link_up\{plant="P100"\} 0/);
    expect(metrics).toMatch(/plantgate_edge_backlog_messages\{plant="P100"\} 10/);
    expect(metrics).toMatch(/plantgate_gateway_commands_submitted_total\{[^}]*outcome="backlog_full"[^}]*\} 1/);

    site.proxy.restore();
    for (const id of accepted) {
      await waitFor(async () => APPLIED.includes((await site.centralRuntime.store.getTransaction(id))?.status ?? ''), {
        what: `${id} applied centrally after the link returned`,
        timeoutMs: 30_000,
      });
    }
    expect(APPLIED).toContain(await transactionStatus(edge.url, key, accepted[0]!));
    await waitFor(async () => (await edgeHealth(edge.url)).edge.backlog.messages === 0, {
      what: 'the backlog to drain',
    });
    const later = await submitWithKey(edge.url, key, 'releaseProductionOrder', releaseInput({ orderNumber: 'PO-B10' }));
    expect(later.result?.status).toBe('ACCEPTED');
  });

  it('brings MES-bound messages to the plant broker once the link returns, and the central MES connector sends none', async () => {
    site = await createEdgeSite('edge-mes');
    const edge = await site.startEdge();
    const { names } = site.edgeTopology;
    site.proxy.cut(120_000);
    await waitFor(async () => (await edgeHealth(edge.url)).edge.state === 'down', { what: 'the link to be down' });

    const orders = ['PO-M1', 'PO-M2', 'PO-M3'];
    for (const orderNumber of orders) {
      const answer = await submitWithKey(
        site.centralUrl,
        site.keys.integrator,
        'releaseProductionOrder',
        releaseInput({ orderNumber }),
      );
      await waitFor(
        async () =>
          APPLIED.includes(
            (await site.centralRuntime.store.getTransaction(answer.result!.correlationId))?.status ?? '',
          ),
        { what: `${orderNumber} applied centrally` },
      );
    }
    const centralMes = `${site.central.env.TOPOLOGY_PREFIX}.edge.${EDGE_PLANT}.mes`;
    await waitFor(async () => (await queueDepth(centralMes, site.centralAmqpUrl)) === 3, {
      what: 'the releases to wait centrally for the link',
    });
    expect(await queuesDepth(site.centralRuntime.topology.outboundQueues('mes'), site.centralAmqpUrl)).toBe(0);
    expect(await queueDepth(names.mes, site.edgeAmqpUrl)).toBe(0);

    site.proxy.restore();
    await waitFor(async () => (await queueDepth(names.mes, site.edgeAmqpUrl)) === 3, {
      what: 'the releases to reach the plant broker',
      timeoutMs: 30_000,
    });
    await waitFor(async () => (await edgeHealth(edge.url)).edge.mesWaiting === 3, { what: 'health to count them' });
    const delivered = await drainQueue(names.mes, site.edgeAmqpUrl);
    expect(delivered.map((m) => (m.body as { orderNumber: string }).orderNumber).sort()).toEqual(orders);
    expect(delivered.every((m) => typeof m.headers['x-idempotency-key'] === 'string')).toBe(true);
    expect(await queueDepth(centralMes, site.centralAmqpUrl)).toBe(0);
  });

  it('serves only its own plant and what it holds, with the keys copied from the central gateway', async () => {
    site = await createEdgeSite('edge-scope', { edge: { AUTH_CACHE_MS: '0' } });
    const everywhere = await createKey(site.centralRuntime.store, ['INTEGRATOR'], '*', { name: 'group integrator' });
    const edge = await site.startEdge();

    const otherPlant = await submitWithKey(
      edge.url,
      everywhere.key,
      'releaseProductionOrder',
      releaseInput({ orderNumber: 'PO-S1', plant: 'P200' }),
    );
    expect(otherPlant.error?.extensions?.code).toBe('FORBIDDEN');
    expect(otherPlant.error?.message).toMatch(/serves plant P100 only.*plant P200/);
    expect(await edge.store.listTransactionsByOrder('P200', 'PO-S1')).toEqual([]);
    const own = await submitWithKey(
      edge.url,
      everywhere.key,
      'releaseProductionOrder',
      releaseInput({ orderNumber: 'PO-S1' }),
    );
    expect(own.result?.status).toBe('ACCEPTED');

    const unserved = await gql(
      edge.url,
      '{ productionOrder(orderNumber: "PO-S1", plant: "P100") { state } }',
      {},
      bearer(everywhere.key),
    );
    expect(unserved.errors?.[0]?.extensions).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      reason: 'EDGE_UNSERVED_FIELD',
      field: 'productionOrder',
    });
    expect(unserved.errors?.[0]?.message).toMatch(/edge gateway of plant P100.*Ask the central gateway/);
    expect((await gql(edge.url, '{ whoami { id } }')).status).toBe(401);

    await createApiKeyService(site.centralRuntime.store).revoke(systemPrincipal('test', 'test'), everywhere.id);
    await edge.syncKeys();
    const revoked = await gql(edge.url, '{ whoami { id } }', {}, bearer(everywhere.key));
    expect(revoked.status).toBe(401);
    expect((await gql(edge.url, '{ whoami { id } }', {}, bearer(site.keys.integrator))).status).toBe(200);
  });
});

describe("an edge's link report", () => {
  let site: EdgeSite;
  let apiProxy: TcpProxy | undefined;
  afterEach(async () => {
    await apiProxy?.close();
    await site?.cleanup();
  });

  it('reports a reading it could not take as unknown from then, not as a link down since it was last up', async () => {
    site = await createEdgeSite('edge-unknown');
    apiProxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(site.edgeEnv.BROKER_API_URL!).port) });
    const edge = await site.startEdge({ BROKER_API_URL: `http://127.0.0.1:${apiProxy.port}` });
    await waitFor(async () => (await edgeHealth(edge.url)).edge.state === 'up', { what: 'the link up' });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    apiProxy.cut(120_000);
    const health = await waitFor(async () => {
      const h = await edgeHealth(edge.url);
      return h.edge.state === 'unknown' ? h : undefined;
    });
    expect(health.edge).toMatchObject({ error: expect.stringMatching(/management API does not answer/) });
    const metrics = await (await fetch(`${edge.url}/metrics`)).text();
    const downSeconds = Number(/plantgate_edge_link_down_seconds\{plant="P100"\} ([\d.]+)/.exec(metrics)?.[1]);
    expect(metrics).toMatch(/plantgate_edge_link_up\{plant="P100"\} 0/);
    // Seconds since the readings failed, not the three seconds and more since the link came up.
    expect(downSeconds).toBeLessThan(2);
  });
});

describe('an edge installation removed', () => {
  let site: EdgeSite;
  afterEach(async () => site?.cleanup());

  it('with npm run topology -- delete: its shovels, queues and exchange, refused while it holds messages', async () => {
    site = await createEdgeSite('edge-delete');
    const edge = await site.startEdge();
    site.proxy.cut(120_000);
    await waitFor(async () => (await edgeHealth(edge.url)).edge.state === 'down', { what: 'the link to be down' });
    await submitWithKey(
      edge.url,
      site.keys.integrator,
      'releaseProductionOrder',
      releaseInput({ orderNumber: 'PO-D1' }),
    );
    await edge.stop();
    const run = async (...flags: string[]) => {
      const cli = spawnEntry('app/topology.cli.ts', ['delete', ...flags], site.edgeEnv);
      const code = await cli.exited;
      return { code, ...cli.output() };
    };
    const refused = await run();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/edge\.forward \(\d consumers, 1 messages\)/);
    const deleted = await run('--force');
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toMatch(/Deleted 2 queues \(and the exchanges and shovels\)/);
    await expect(queueDepth(site.edgeTopology.names.forward, site.edgeAmqpUrl)).rejects.toThrow();
    const shovels = (await (
      await fetch(`${site.edgeEnv.BROKER_API_URL}/api/parameters/shovel`, {
        headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` },
      })
    ).json()) as { name: string }[];
    expect(shovels.map((s) => s.name)).not.toContain(site.edgeTopology.names.forwardShovel);
  });
});

describe('an edge gateway starting', () => {
  let site: EdgeSite;
  afterEach(async () => site?.cleanup());

  it('refuses to start without its plant, without a plant broker it can declare shovels on, or disagreeing with the central installation', async () => {
    site = await createEdgeSite('edge-start');
    await expect(site.startEdge({ EDGE_PLANT: '' })).rejects.toThrow(
      'Invalid configuration: EDGE_PLANT is required for the edge role',
    );
    await expect(site.startEdge({ PARTITIONS: '8' })).rejects.toThrow(
      'This edge does not agree with the central installation: PARTITIONS is 8 here and 4 centrally',
    );
    const nobody = `http://127.0.0.1:${await freePort()}`;
    await expect(site.startEdge({ BROKER_API_URL: nobody })).rejects.toThrow(
      new RegExp(
        `management API does not answer at ${nobody}.*rabbitmq-plugins enable rabbitmq_management rabbitmq_shovel`,
      ),
    );
  });
});
