import { createRouter, type SimRequest, type SimResponse } from './http-kit';
import { startReferenceServer } from './reference-server';
import { createTokenIssuer } from './oauth';
import { openSimStore } from './sim-store';

type StockStatus = 'UNRESTRICTED' | 'RESTRICTED' | 'BLOCKED';

interface ErpLot {
  plant: string;
  lotNumber: string;
  item: string;
  stock: Record<StockStatus, number>;
  expiresAt: string | null;
}

interface ErpOrder {
  plant: string;
  orderNumber: string;
  item: string | null;
  quantity: number | null;
  status: 'RELEASED' | 'IN_PROCESS' | 'RECEIVED' | 'SETTLED';
  confirmedYield: number;
  operationYield: Record<number, number>;
  scrap: number;
  goodsIssued: number;
  goodsReceived: number;
  receiptStockStatus: StockStatus | null;
  /** Issued to the order per lot. */
  goodsIssuedByLot: Record<string, number>;
}

/** A direct edit in ERP that bypasses Plantgate (POST /admin/drift). */
export type ErpDrift =
  | { kind: 'lot-stock'; plant: string; lot: string; quantity: number; status?: StockStatus }
  | {
      kind: 'drop-confirmation' | 'duplicate-confirmation';
      plant: string;
      orderNumber: string;
      operationSequence: number;
      quantity: number;
    };

export interface JournalEntry {
  documentNumber: string;
  idempotencyKey: string;
  postingType: string;
  plant: string;
  orderNumber: string;
  payload: Record<string, unknown>;
  at: number;
  /** What the caller said about where the posting comes from (Plantgate's trace, correlation ID and principal). */
  origin: { traceparent: string | null; correlationId: string | null; principal: string | null };
}

export interface ErpSimulatorOptions {
  port?: number;
  host?: string;
  /** The SQLite file ERP keeps its state in (journal, idempotency keys, stock, orders); in memory when absent. */
  dataFile?: string | null;
  clientId?: string;
  clientSecret?: string;
  tokenTtlSeconds?: number;
}

/**
 * The reference ERP: master data, orders, lot stock by status, and a posting journal that applies each
 * idempotency key once (a replay answers the original document) and never lets stock go negative.
 */
export async function startErpSimulator(options: ErpSimulatorOptions = {}) {
  const tokens = createTokenIssuer({
    clientId: options.clientId ?? 'plantgate',
    clientSecret: options.clientSecret ?? 'plantgate-secret',
    ttlSeconds: options.tokenTtlSeconds ?? 3600,
  });
  const sim = openSimStore(options.dataFile ?? null);
  const lots = sim.map<ErpLot>('lots');
  const items = sim.map<Record<string, unknown>>('items');
  const orders = sim.map<ErpOrder>('orders');
  /** The journal by idempotency key: a posting whose key was booked is answered with its original document. */
  const byKey = sim.map<JournalEntry>('journal');
  const journal: JournalEntry[] = [...byKey.values()];
  let documentSeq = journal.reduce((max, j) => Math.max(max, Number(j.documentNumber)), 5_000_000);

  const orderKey = (plant: string, orderNumber: string) => `${plant}|${orderNumber}`;
  const orderOf = (plant: string, orderNumber: string): ErpOrder => {
    const key = orderKey(plant, orderNumber);
    let order = orders.get(key);
    if (!order) {
      order = {
        plant,
        orderNumber,
        item: null,
        quantity: null,
        status: 'RELEASED',
        confirmedYield: 0,
        operationYield: {},
        scrap: 0,
        goodsIssued: 0,
        goodsReceived: 0,
        receiptStockStatus: null,
        goodsIssuedByLot: {},
      };
      orders.set(key, order);
    }
    return order;
  };
  /** Authenticated, and applied as one write: what a call changes is kept entirely or not at all. */
  const authed =
    (handler: (req: SimRequest, params: Record<string, string>) => SimResponse) =>
    (req: SimRequest, params: Record<string, string>) =>
      tokens.check(req) ?? sim.transaction(() => handler(req, params));

  function post(req: SimRequest): SimResponse {
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || !key) return { status: 400, body: { error: 'Idempotency-Key header is required' } };
    const replay = byKey.get(key);
    if (replay) return { status: 200, body: { documentNumber: replay.documentNumber, replayed: true } };
    const p = req.body as Record<string, unknown>;
    const postingType = String(p.postingType ?? '');
    const plant = String(p.plant ?? '');
    const orderNumber = String(p.orderNumber ?? '');
    if (!plant || !orderNumber) return { status: 422, body: { error: 'plant and orderNumber are required' } };
    const order = orderOf(plant, orderNumber);
    switch (postingType) {
      case 'OperationConfirmation': {
        const sequence = Number(p.operationSequence);
        order.status = order.status === 'RECEIVED' || order.status === 'SETTLED' ? order.status : 'IN_PROCESS';
        order.operationYield[sequence] = (order.operationYield[sequence] ?? 0) + Number(p.yieldQuantity ?? 0);
        order.scrap += Number(p.scrapQuantity ?? 0);
        // What the order has yielded so far is what its furthest operation confirmed.
        order.confirmedYield = order.operationYield[Math.max(...Object.keys(order.operationYield).map(Number))] ?? 0;
        orders.set(orderKey(plant, orderNumber), order);
        break;
      }
      case 'GoodsIssue': {
        const lot = lots.get(`${plant}|${String(p.lot)}`);
        const quantity = Number(p.quantity);
        if (!lot) return { status: 422, body: { error: `lot ${String(p.lot)} is not stocked in plant ${plant}` } };
        const available = lot.stock.UNRESTRICTED;
        if (quantity > available)
          return {
            status: 422,
            body: {
              error: `goods issue of ${quantity} would take lot ${lot.lotNumber} negative (unrestricted ${available})`,
            },
          };
        lot.stock.UNRESTRICTED -= quantity;
        order.goodsIssued += quantity;
        order.goodsIssuedByLot = {
          ...order.goodsIssuedByLot,
          [lot.lotNumber]: (order.goodsIssuedByLot?.[lot.lotNumber] ?? 0) + quantity,
        };
        lots.set(`${plant}|${lot.lotNumber}`, lot);
        orders.set(orderKey(plant, orderNumber), order);
        break;
      }
      case 'GoodsReceipt': {
        const status = String(p.stockStatus) as StockStatus;
        if (!['UNRESTRICTED', 'RESTRICTED'].includes(status))
          return { status: 422, body: { error: `stock status ${status} cannot be received` } };
        const lotKey = `${plant}|${String(p.lot)}`;
        const lot = lots.get(lotKey) ?? {
          plant,
          lotNumber: String(p.lot),
          item: String(p.item),
          stock: { UNRESTRICTED: 0, RESTRICTED: 0, BLOCKED: 0 },
          expiresAt: null,
        };
        lot.stock[status] += Number(p.quantity);
        lots.set(lotKey, lot);
        order.goodsReceived += Number(p.quantity);
        order.receiptStockStatus = status;
        order.status = 'RECEIVED';
        orders.set(orderKey(plant, orderNumber), order);
        break;
      }
      case 'OrderSettlement':
        if (order.status !== 'RECEIVED')
          return { status: 422, body: { error: `order ${orderNumber} cannot be settled before its goods receipt` } };
        order.status = 'SETTLED';
        orders.set(orderKey(plant, orderNumber), order);
        break;
      case 'MasterData':
        return { status: 422, body: { error: 'master data goes to /api/master-data' } };
      default:
        return { status: 422, body: { error: `unknown posting type ${postingType}` } };
    }
    const header = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : null);
    const origin = {
      traceparent: header('traceparent'),
      correlationId: header('x-plantgate-correlation-id'),
      principal: header('x-plantgate-principal'),
    };
    const entry: JournalEntry = {
      documentNumber: String(++documentSeq),
      idempotencyKey: key,
      postingType,
      plant,
      orderNumber,
      payload: p,
      at: Date.now(),
      origin,
    };
    journal.push(entry);
    byKey.set(key, entry);
    return { status: 201, body: { documentNumber: entry.documentNumber } };
  }

  function masterData(req: SimRequest): SimResponse {
    const body = req.body as {
      items?: Record<string, unknown>[];
      lots?: {
        plant: string;
        lotNumber: string;
        item: string;
        status: StockStatus;
        quantity: number;
        expiresAt: string | null;
      }[];
    };
    for (const item of body.items ?? []) items.set(`${String(item.number)}|${String(item.revision)}`, item);
    for (const lot of body.lots ?? []) {
      lots.set(`${lot.plant}|${lot.lotNumber}`, {
        plant: lot.plant,
        lotNumber: lot.lotNumber,
        item: lot.item,
        stock: { UNRESTRICTED: 0, RESTRICTED: 0, BLOCKED: 0, [lot.status]: lot.quantity },
        expiresAt: lot.expiresAt,
      });
    }
    return { status: 200, body: { items: body.items?.length ?? 0, lots: body.lots?.length ?? 0 } };
  }

  const router = createRouter({
    'POST /oauth/token': (req) => tokens.issue(req),
    'POST /api/postings': authed(post),
    'POST /api/master-data': authed(masterData),
    'POST /api/orders': authed((req) => {
      const p = req.body as { plant: string; orderNumber: string; item: string; quantity: number };
      orders.set(
        orderKey(p.plant, p.orderNumber),
        Object.assign(orderOf(p.plant, p.orderNumber), { item: p.item, quantity: p.quantity }),
      );
      return { status: 201, body: { ok: true } };
    }),
    'GET /api/orders': authed((req) => {
      const refs = (req.query.get('refs') ?? '').split(',').filter(Boolean);
      return { status: 200, body: { orders: refs.map((ref) => orders.get(ref.replace(':', '|')) ?? null) } };
    }),
    'GET /api/lots': authed((req) => {
      const plant = req.query.get('plant') ?? '';
      const wanted = (req.query.get('lots') ?? '').split(',').filter(Boolean);
      return { status: 200, body: { lots: wanted.map((lot) => lots.get(`${plant}|${lot}`) ?? null) } };
    }),
    'GET /api/lots/:plant/:lot': authed((_req, p) => {
      const lot = lots.get(`${p.plant}|${p.lot}`);
      return lot ? { status: 200, body: lot } : { status: 404, body: { error: 'no such lot' } };
    }),
    'GET /api/items/:number': authed((_req, p) => ({
      status: 200,
      body: { revisions: [...items.values()].filter((i) => i.number === p.number) },
    })),
    'GET /admin/journal': () => ({ status: 200, body: { journal } }),
    // Edits made in ERP directly, bypassing Plantgate: what reconciliation exists to find.
    'POST /admin/drift': (req) => sim.transaction(() => drift(req.body as ErpDrift)),
    'GET /admin/integrity': () => ({ status: 200, body: integrity() }),
  });

  function drift(edit: ErpDrift): SimResponse {
    if (edit.kind === 'lot-stock') {
      const lot = lots.get(`${edit.plant}|${edit.lot}`);
      if (!lot) return { status: 404, body: { error: `no lot ${edit.lot}` } };
      lot.stock[edit.status ?? 'UNRESTRICTED'] = edit.quantity;
      lots.set(`${edit.plant}|${edit.lot}`, lot);
      return { status: 200, body: lot };
    }
    const order = orders.get(orderKey(edit.plant, edit.orderNumber));
    if (!order) return { status: 404, body: { error: `no order ${edit.orderNumber}` } };
    // A confirmation dropped (reversed by hand) or booked twice: the operation's yield changes by `quantity`.
    const delta = edit.kind === 'drop-confirmation' ? -edit.quantity : edit.quantity;
    const sequence = edit.operationSequence;
    order.operationYield = { ...order.operationYield, [sequence]: (order.operationYield[sequence] ?? 0) + delta };
    order.confirmedYield = order.operationYield[Math.max(...Object.keys(order.operationYield).map(Number))] ?? 0;
    orders.set(orderKey(edit.plant, edit.orderNumber), order);
    return { status: 200, body: order };
  }

  function integrity() {
    const negative = [...lots.values()]
      .filter((l) => Object.values(l.stock).some((q) => q < 0))
      .map((l) => l.lotNumber);
    const keys = journal.map((j) => j.idempotencyKey);
    return {
      negativeStockLots: negative,
      duplicatePostings: keys.length - new Set(keys).size,
      postings: journal.length,
    };
  }

  const reference = await startReferenceServer({
    router,
    port: options.port,
    host: options.host,
    admin: (req) => {
      if (req.method !== 'POST' || req.path !== '/admin/token-ttl') return null;
      tokens.ttlSeconds = Number((req.body as { seconds: number }).seconds);
      return { status: 200, body: { ttlSeconds: tokens.ttlSeconds } };
    },
  });
  const { url, calls, setFaults, close } = reference.controls;

  return {
    url,
    journal,
    calls,
    tokens,
    lots,
    orders,
    setFaults,
    integrity,
    /** ERP's own record of an order it releases (the demo plays ERP's release through Plantgate). */
    registerOrder: (plant: string, orderNumber: string, item: string, quantity: number) =>
      orders.set(orderKey(plant, orderNumber), Object.assign(orderOf(plant, orderNumber), { item, quantity })),
    async close() {
      await close();
      sim.close();
    },
  };
}

export type ErpSimulator = Awaited<ReturnType<typeof startErpSimulator>>;
