import { randomUUID } from 'node:crypto';
import { createRouter, type SimRequest } from './http-kit';
import { startReferenceServer } from './reference-server';
import { openSimStore } from './sim-store';
import type { WebhookMessage } from './webhook.sender';

interface MesOperation {
  sequence: number;
  workCenter: string;
  state: string;
  yieldQuantity: number;
  scrapQuantity: number;
}

interface MesOrder {
  plant: string;
  orderNumber: string;
  routingRevision: string;
  specRevision: string;
  quantity: number;
  /** ERP's version of the order MES holds (1, the release, until a change arrives). */
  orderVersion?: number;
  acknowledged: boolean;
  /** Set when the order is cancelled, or closed short by ERP. */
  status?: 'CANCELLED' | 'CLOSED';
  /** Staged material to send back, from a cancellation: what remained reserved. */
  releasedReservations?: { item: string; operationSequence: number; quantity: number; uom: string }[];
  operations: MesOperation[];
  components: { item: string; quantity: number; uom: string; operationSequence: number }[];
}

export interface MesAutomation {
  /** Acknowledge every released order (off by default: the reference MES only records what it is sent). */
  acknowledge: boolean;
  /** After acknowledging, run the order on the floor and report its events. */
  execute: boolean;
  /** Pause between generated events, ms. */
  stepDelayMs: number;
  /** Share of operations that report scrap, 0..1. */
  scrapRate: number;
  /** Lot to consume for a component, by "plant|item". */
  componentLots: Record<string, string>;
  /** Orders whose output the floor reports in two completion lots, the first while the last operation runs. */
  splitLots: readonly string[];
  /** Orders the floor acknowledges but does not start until ERP's change arrives (then it runs the new version). */
  holdUntilChanged: readonly string[];
}

export interface MesSimulatorOptions {
  port?: number;
  host?: string;
  /** The SQLite file MES keeps its orders and received idempotency keys in; in memory when absent. */
  dataFile?: string | null;
  webhookUrl?: string | null;
  webhookSecret?: string;
  automation?: Partial<MesAutomation>;
  random?: () => number;
}

/** The reference MES: receives released orders; in the demo, acknowledges them and reports the floor's events. */
export async function startMesSimulator(options: MesSimulatorOptions = {}) {
  const random = options.random ?? Math.random;
  const sim = openSimStore(options.dataFile ?? null);
  const orders = sim.map<MesOrder>('orders');
  /** Idempotency keys of what MES took in, with the order they created. */
  const received = sim.map<string>('received');
  let automation: MesAutomation = {
    acknowledge: false,
    execute: false,
    stepDelayMs: 20,
    scrapRate: 0,
    componentLots: {},
    splitLots: [],
    holdUntilChanged: [],
    ...options.automation,
  };

  const router = createRouter({
    'POST /api/orders': (req: SimRequest) =>
      sim.transaction(() => {
        const key = String(req.headers['idempotency-key'] ?? '');
        const p = req.body as Omit<MesOrder, 'acknowledged' | 'operations'> & {
          operations: { sequence: number; workCenter: string }[];
        };
        if (key && received.has(key)) return { status: 200, body: { replayed: true } };
        if (key) received.set(key, `${p.plant}|${p.orderNumber}`);
        const order: MesOrder = {
          plant: p.plant,
          orderNumber: p.orderNumber,
          routingRevision: p.routingRevision,
          specRevision: p.specRevision,
          quantity: p.quantity,
          acknowledged: false,
          components: p.components ?? [],
          operations: p.operations.map((op) => ({
            sequence: op.sequence,
            workCenter: op.workCenter,
            state: 'PENDING',
            yieldQuantity: 0,
            scrapQuantity: 0,
          })),
        };
        orders.set(`${p.plant}|${p.orderNumber}`, order);
        if (automation.acknowledge) reference.track(run(order));
        return { status: 201, body: { received: true } };
      }),
    // ERP changed the order through Plantgate: the floor takes the new version and must acknowledge it.
    'POST /api/orders/change': (req: SimRequest) =>
      sim.transaction(() => {
        const key = String(req.headers['idempotency-key'] ?? '');
        const p = req.body as Omit<MesOrder, 'acknowledged' | 'operations'> & {
          operations: { sequence: number; workCenter: string }[];
        };
        const order = orders.get(`${p.plant}|${p.orderNumber}`);
        if (!order) return { status: 404, body: { error: `no order ${p.orderNumber}` } };
        if (key && received.has(key)) return { status: 200, body: { replayed: true } };
        if (key) received.set(key, `${p.plant}|${p.orderNumber}`);
        const changed: MesOrder = {
          ...order,
          routingRevision: p.routingRevision,
          specRevision: p.specRevision,
          quantity: p.quantity,
          orderVersion: p.orderVersion,
          acknowledged: false,
          components: p.components ?? [],
          operations: p.operations.map(
            (op) =>
              order.operations.find((before) => before.sequence === op.sequence) ?? {
                sequence: op.sequence,
                workCenter: op.workCenter,
                state: 'PENDING',
                yieldQuantity: 0,
                scrapQuantity: 0,
              },
          ),
        };
        orders.set(`${p.plant}|${p.orderNumber}`, changed);
        // An order the floor held for this change runs now, on the new version; any other only acknowledges it.
        const held = automation.execute && automation.holdUntilChanged.includes(changed.orderNumber);
        if (automation.acknowledge) reference.track(held ? run(changed) : acknowledgeChange(changed));
        return { status: 200, body: { changed: true } };
      }),
    // ERP cancelled the order through Plantgate: the floor stops it (or never starts it).
    'POST /api/orders/cancel': (req: SimRequest) =>
      sim.transaction(() => {
        const p = req.body as Pick<MesOrder, 'plant' | 'orderNumber' | 'releasedReservations'>;
        const order = orders.get(`${p.plant}|${p.orderNumber}`);
        if (!order) return { status: 404, body: { error: `no order ${p.orderNumber}` } };
        const releasedReservations = p.releasedReservations ?? [];
        orders.set(`${p.plant}|${p.orderNumber}`, { ...order, status: 'CANCELLED', releasedReservations });
        return { status: 200, body: { cancelled: true } };
      }),
    // ERP closed the order short through Plantgate: nothing more is made on it.
    'POST /api/orders/close': (req: SimRequest) =>
      sim.transaction(() => {
        const p = req.body as { plant: string; orderNumber: string };
        const order = orders.get(`${p.plant}|${p.orderNumber}`);
        if (!order) return { status: 404, body: { error: `no order ${p.orderNumber}` } };
        orders.set(`${p.plant}|${p.orderNumber}`, { ...order, status: 'CLOSED' });
        return { status: 200, body: { closed: true } };
      }),
    // Edits made on the floor directly, bypassing Plantgate: an order cancelled in MES, or lost from it.
    'POST /admin/drift': (req) =>
      sim.transaction(() => {
        const edit = req.body as { kind: 'cancel-order' | 'forget-order'; plant: string; orderNumber: string };
        const key = `${edit.plant}|${edit.orderNumber}`;
        const order = orders.get(key);
        if (!order) return { status: 404, body: { error: `no order ${edit.orderNumber}` } };
        if (edit.kind === 'forget-order') return (orders.delete(key), { status: 200, body: { forgotten: key } });
        if (edit.kind !== 'cancel-order') return { status: 400, body: { error: `no edit ${String(edit.kind)}` } };
        order.status = 'CANCELLED';
        orders.set(key, order);
        return { status: 200, body: order };
      }),
    'GET /api/orders': (req) => {
      const refs = (req.query.get('refs') ?? '').split(',').filter(Boolean);
      return { status: 200, body: { orders: refs.map((ref) => orders.get(ref.replace(':', '|')) ?? null) } };
    },
  });
  const reference = await startReferenceServer({
    router,
    port: options.port,
    host: options.host,
    random,
    webhookUrl: options.webhookUrl,
    webhookSecret: options.webhookSecret,
  });

  function acknowledgementOf(order: MesOrder, acknowledgedAt: string): WebhookMessage {
    return {
      messageType: 'AcknowledgeProductionOrder',
      payload: {
        plant: order.plant,
        orderNumber: order.orderNumber,
        routingRevision: order.routingRevision,
        specRevision: order.specRevision,
        orderVersion: order.orderVersion ?? 1,
        acknowledgedAt,
        messageId: randomUUID(),
      },
    };
  }

  /** A changed order: the floor acknowledges the new version, and goes on with what it was doing. */
  async function acknowledgeChange(order: MesOrder) {
    await new Promise((resolve) => setTimeout(resolve, automation.stepDelayMs));
    orders.set(`${order.plant}|${order.orderNumber}`, { ...order, acknowledged: true });
    await reference.webhook.sendSequence([acknowledgementOf(order, new Date().toISOString())]);
  }

  /** Plays the order on the floor: acknowledgement, then each operation with consumptions, then completion. */
  async function run(order: MesOrder) {
    const at = (() => {
      let t = Date.now();
      return () => new Date((t += 1000)).toISOString();
    })();
    const ref = { plant: order.plant, orderNumber: order.orderNumber };
    const events: WebhookMessage[] = [acknowledgementOf(order, at())];
    const waitsForChange = automation.holdUntilChanged.includes(order.orderNumber) && (order.orderVersion ?? 1) === 1;
    const split = automation.splitLots.includes(order.orderNumber) && order.quantity >= 2;
    const completion = (lot: string, quantity: number): WebhookMessage => ({
      messageType: 'ReportProductionCompletion',
      payload: { ...ref, lot, quantity, uom: 'EA', occurredAt: at(), messageId: randomUUID() },
    });
    if (automation.execute && !waitsForChange) {
      let good = order.quantity;
      let firstLot = 0;
      for (const op of order.operations) {
        const base = {
          ...ref,
          operationSequence: op.sequence,
          workCenter: op.workCenter,
          equipment: `EQ-${op.workCenter}`,
          operator: 'mes-sim',
        };
        events.push({
          messageType: 'ReportOperationEvent',
          payload: {
            ...base,
            eventType: 'START',
            yieldQuantity: 0,
            scrapQuantity: 0,
            occurredAt: at(),
            messageId: randomUUID(),
          },
        });
        for (const component of order.components.filter((c) => c.operationSequence === op.sequence)) {
          const lot = automation.componentLots[`${order.plant}|${component.item}`];
          if (!lot) continue;
          events.push({
            messageType: 'ReportMaterialConsumption',
            payload: {
              ...ref,
              operationSequence: op.sequence,
              item: component.item,
              lot,
              quantity: component.quantity,
              uom: component.uom,
              occurredAt: at(),
              messageId: randomUUID(),
            },
          });
        }
        events.push({
          messageType: 'ReportOperationEvent',
          payload: {
            ...base,
            eventType: 'PAUSE',
            yieldQuantity: 0,
            scrapQuantity: 0,
            occurredAt: at(),
            messageId: randomUUID(),
          },
        });
        events.push({
          messageType: 'ReportOperationEvent',
          payload: {
            ...base,
            eventType: 'RESUME',
            yieldQuantity: 0,
            scrapQuantity: 0,
            occurredAt: at(),
            messageId: randomUUID(),
          },
        });
        const scrap = random() < automation.scrapRate ? 1 : 0;
        good -= scrap;
        // Two lots: half the good pieces confirmed and completed into a first lot while the last operation runs.
        if (split && op === order.operations.at(-1)) {
          firstLot = Math.floor(good / 2);
          events.push({
            messageType: 'ReportOperationEvent',
            payload: {
              ...base,
              eventType: 'CONFIRM',
              yieldQuantity: firstLot,
              scrapQuantity: 0,
              occurredAt: at(),
              messageId: randomUUID(),
            },
          });
          events.push(completion(`${order.orderNumber}-FG1`, firstLot));
        }
        events.push({
          messageType: 'ReportOperationEvent',
          payload: {
            ...base,
            eventType: 'COMPLETE',
            yieldQuantity: good - (op === order.operations.at(-1) ? firstLot : 0),
            scrapQuantity: scrap,
            scrapReason: scrap ? 'damaged' : null,
            occurredAt: at(),
            messageId: randomUUID(),
          },
        });
        Object.assign(op, { state: 'COMPLETED', yieldQuantity: good, scrapQuantity: scrap });
      }
      orders.set(`${order.plant}|${order.orderNumber}`, order);
      events.push(completion(split ? `${order.orderNumber}-FG2` : `${order.orderNumber}-FG`, good - firstLot));
    }
    order.acknowledged = true;
    orders.set(`${order.plant}|${order.orderNumber}`, order);
    await new Promise((resolve) => setTimeout(resolve, automation.stepDelayMs));
    await reference.webhook.sendSequence(events);
  }

  return {
    ...reference.controls,
    async close() {
      await reference.controls.close();
      sim.close();
    },
    orders,
    setAutomation: (patch: Partial<MesAutomation>) => (automation = { ...automation, ...patch }),
  };
}

export type MesSimulator = Awaited<ReturnType<typeof startMesSimulator>>;
