import { afterEach, describe, expect, it } from 'vitest';
import { createEdgeSite, EDGE_PLANT, type EdgeSite } from '../support/edge-site';
import { edgeHealth, submitWithKey } from '../support/edge-client';
import { drainQueue } from '../support/broker';
import { orderEventAt } from '../support/order.fixture';
import { waitForStart, type PlantgateProcess } from '../support/process';
import { freePort } from '../support/tcp-proxy';
import { waitFor } from '../support/wait';

const ORDERS = Array.from({ length: 20 }, (_, i) => `PO-SF${String(i).padStart(2, '0')}`);
const EVENTS_PER_ORDER = 50;
const CUT_AT_LEAST_MS = 10_000;

/** What the integrators were answered: per order, the correlation ID of each event by its place in the order. */
type Answers = Map<string, string[]>;

/**
 * One integrator per order, sending its order's events one after the other as a MES adapter does: an event is sent
 * again until the edge answers ACCEPTED or DUPLICATE (while the edge restarts, its port refuses; a full backlog or an
 * unconfirmed publish is a 503 to retry). Any other answer fails the test.
 */
async function sendEvents(url: string, key: string, from: number, to: number, answers: Answers, onAnswer: () => void) {
  await Promise.all(
    ORDERS.map(async (orderNumber) => {
      for (let index = from; index < to; index++) {
        const [mutation, input] = orderEventAt(orderNumber, index);
        for (;;) {
          const answer = await submitWithKey(url, key, mutation, input).catch(() => null);
          if (answer?.result) {
            answers.get(orderNumber)![index] = answer.result.correlationId;
            onAnswer();
            break;
          }
          if (answer && answer.status !== 503 && answer.error?.extensions?.code !== 'SERVICE_UNAVAILABLE') {
            throw new Error(`${orderNumber} #${index} refused: ${JSON.stringify(answer.error)}`);
          }
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    }),
  );
}

describe('edge store-and-forward', () => {
  let site: EdgeSite;
  const procs: PlantgateProcess[] = [];
  afterEach(async () => {
    for (const p of procs.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await site?.cleanup();
  });

  it('applies 1,000 events of 20 orders accepted at the edge exactly once and in order, through a 10 s cut and an edge SIGKILL', async () => {
    site = await createEdgeSite('edge-sf');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const spawn = async () => {
      const proc = site.spawnEdge({ PORT: String(port) });
      procs.push(proc);
      await waitForStart(proc, 60_000);
      return proc;
    };
    let edge = await spawn();
    const answers: Answers = new Map(ORDERS.map((o) => [o, []]));
    const key = site.keys.integrator;

    // Link up: the first 15 events of every order.
    await sendEvents(url, key, 0, 15, answers, () => undefined);

    // Link cut: 20 more of every order; a third of the way in, the edge is killed and started again.
    site.proxy.cut(10 * 60_000);
    const cutAt = Date.now();
    await waitFor(async () => (await edgeHealth(url)).edge.state === 'down', { what: 'the link to be down' });
    let answeredDuringCut = 0;
    let answeredBeforeKill = -1;
    const killed = (async () => {
      await waitFor(() => answeredDuringCut >= 130, { what: 'events accepted during the cut', timeoutMs: 60_000 });
      edge.child.kill('SIGKILL');
      answeredBeforeKill = answeredDuringCut;
      await edge.exited;
      edge = await spawn();
    })();
    await sendEvents(url, key, 15, 35, answers, () => (answeredDuringCut += 1));
    await killed;
    // Everything answered before the kill is still waiting on the plant broker: the kill lost none of it. (Read as
    // ready messages: a shovel retrying the link holds some unacknowledged for a moment, then returns them.)
    expect(answeredBeforeKill).toBeGreaterThanOrEqual(130);
    const afterRestart = await waitFor(async () => {
      const h = await edgeHealth(url);
      return h.edge.backlog.messages >= answeredBeforeKill ? h : undefined;
    });
    expect(afterRestart.edge.state).toBe('down');
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, cutAt + CUT_AT_LEAST_MS - Date.now())));
    site.proxy.restore();

    // Link back: the rest.
    await sendEvents(url, key, 35, EVENTS_PER_ORDER, answers, () => undefined);

    const store = site.centralRuntime.store;
    for (const orderNumber of ORDERS) {
      const ids = answers.get(orderNumber)!;
      expect(ids).toHaveLength(EVENTS_PER_ORDER);
      const transactions = await waitFor(
        async () => {
          const all = await store.listTransactionsByOrder(EDGE_PLANT, orderNumber);
          return all.length >= EVENTS_PER_ORDER && all.every((t) => t.status === 'APPLIED') ? all : undefined;
        },
        { what: `the ${EVENTS_PER_ORDER} events of ${orderNumber} applied centrally`, timeoutMs: 120_000 },
      );
      // Exactly once: one transaction per event, each the one the edge answered for, none a duplicate.
      expect(transactions.map((t) => t.envelope.correlationId).sort()).toEqual([...ids].sort());
      // In order: the versions they produced follow the order in which the edge accepted them.
      const byVersion = [...transactions].sort((a, b) => a.appliedVersion! - b.appliedVersion!);
      expect(byVersion.map((t) => ids.indexOf(t.envelope.correlationId))).toEqual(ids.map((_, i) => i));
    }
    const health = await waitFor(async () => {
      const h = await edgeHealth(url);
      return h.edge.state === 'up' && h.edge.backlog.messages === 0 ? h : undefined;
    });
    expect(health.edge.backlog.messages).toBe(0);
    // The plant's MES got each release once, by the one path through the plant broker.
    const toMes = await drainQueue(site.edgeTopology.names.mes, site.edgeAmqpUrl);
    const released = toMes.filter((m) => m.type === 'OrderReleased');
    expect(released).toHaveLength(ORDERS.length);
    expect(new Set(released.map((m) => (m.body as { orderNumber: string }).orderNumber))).toEqual(new Set(ORDERS));
  }, 300_000);
});
