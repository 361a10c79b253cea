import { useCallback, useState } from 'react';
import { usePolling } from './polling';
import { LotLink, Table, time } from './table';
import { graphqlPartial, type Partial } from './api';

const ORDER = `query O($orderNumber: String!, $plant: String!) {
  productionOrder(orderNumber: $orderNumber, plant: $plant) {
    orderNumber plant state stateSince waitingFor item itemRevision routingRevision orderVersion quantity uom
    producedQuantity scrapQuantity
    operations { sequence workCenter state yieldQuantity scrapQuantity }
    materialConsumptions { item lot quantity uom }
    completionLots { lot quantity uom qualityStatus goodsReceipt { stockStatus status } }
    inspections { inspectionId inspectionType lot result disposition }
    postings { postingType status documentNumber }
    timeline { at state cause }
    erp { status confirmedYield goodsIssued goodsReceived }
    mes { acknowledged operations { sequence state yieldQuantity } }
    quality { inspections { inspectionId result disposition } nonconformances { nonconformanceId status } }
  }
}`;

interface Order {
  orderNumber: string;
  plant: string;
  state: string;
  stateSince: string;
  waitingFor: string | null;
  item: string;
  itemRevision: string;
  routingRevision: string;
  orderVersion: number;
  quantity: number;
  uom: string;
  producedQuantity: number;
  scrapQuantity: number;
  operations: { sequence: number; workCenter: string; state: string; yieldQuantity: number; scrapQuantity: number }[];
  materialConsumptions: { item: string; lot: string; quantity: number; uom: string }[];
  completionLots: {
    lot: string;
    quantity: number;
    uom: string;
    qualityStatus: string;
    goodsReceipt: { stockStatus: string; status: string } | null;
  }[];
  inspections: { inspectionId: string; inspectionType: string; lot: string; result: string; disposition: string }[];
  postings: { postingType: string; status: string; documentNumber: string | null }[];
  timeline: { at: string; state: string; cause: string }[];
  erp: unknown;
  mes: unknown;
  quality: unknown;
}

const SYSTEMS = [
  ['erp', 'ERP'],
  ['mes', 'MES'],
  ['quality', 'QMS'],
] as const;

/** An order: its state, timeline, operations, material, lots, inspections, postings, and what ERP, MES and QMS say. */
export function OrderPage(props: { plant: string; orderNumber: string }) {
  const { plant, orderNumber } = props;
  const [answer, setAnswer] = useState<Partial<{ productionOrder: Order | null }> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setAnswer(await graphqlPartial<{ productionOrder: Order | null }>(ORDER, { plant, orderNumber }));
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [plant, orderNumber]);
  usePolling(load);
  if (error) return <p role="alert">{error}</p>;
  const order = answer?.data.productionOrder;
  if (!answer) return <p>Loading…</p>;
  if (!order)
    return (
      <p>
        No order {props.orderNumber} in plant {props.plant} that you may see.
      </p>
    );
  const unanswered = (field: string) => answer.failed.find((f) => f.path === `productionOrder.${field}`);
  return (
    <section aria-label={`Order ${order.orderNumber}`} className="order">
      <h2>
        {order.plant} / {order.orderNumber}: {order.state}
      </h2>
      <p>
        {order.item} rev {order.itemRevision}, routing {order.routingRevision}, version {order.orderVersion} ·{' '}
        {order.producedQuantity} of {order.quantity} {order.uom} produced, {order.scrapQuantity} {order.uom} scrap ·
        since {time(order.stateSince)}
        {order.waitingFor ? ` · waiting for ${order.waitingFor}` : ''}
      </p>
      <Table
        caption="Operations"
        head={['Operation', 'Work centre', 'State', 'Yield', 'Scrap']}
        rows={order.operations.map((o) => [
          o.sequence,
          o.workCenter,
          o.state,
          `${o.yieldQuantity} ${order.uom}`,
          `${o.scrapQuantity} ${order.uom}`,
        ])}
      />
      <Table
        caption="Material consumed"
        head={['Item', 'Lot', 'Quantity']}
        rows={order.materialConsumptions.map((c) => [
          c.item,
          <LotLink key={c.lot} plant={order.plant} lot={c.lot} />,
          `${c.quantity} ${c.uom}`,
        ])}
      />
      <Table
        caption="Completion lots"
        head={['Lot', 'Quantity', 'Quality', 'Receipt']}
        rows={order.completionLots.map((l) => [
          <LotLink key={l.lot} plant={order.plant} lot={l.lot} />,
          `${l.quantity} ${l.uom}`,
          l.qualityStatus,
          l.goodsReceipt ? `${l.goodsReceipt.stockStatus}, ${l.goodsReceipt.status}` : '—',
        ])}
      />
      <Table
        caption="Inspections"
        head={['Inspection', 'Type', 'Lot', 'Result', 'Disposition']}
        rows={order.inspections.map((i) => [i.inspectionId, i.inspectionType, i.lot, i.result, i.disposition])}
      />
      <Table
        caption="Postings"
        head={['Posting', 'Status', 'Document']}
        rows={order.postings.map((p) => [p.postingType, p.status, p.documentNumber ?? '—'])}
      />
      <h3>Live from the systems</h3>
      <ul className="systems">
        {SYSTEMS.map(([field, name]) => {
          const failed = unanswered(field);
          return (
            <li key={field} className={failed ? 'unanswered' : ''}>
              <strong>{name}</strong>:{' '}
              {failed ? `did not answer (${failed.message})` : <code>{JSON.stringify(order[field])}</code>}
            </li>
          );
        })}
      </ul>
      <Table
        caption="Timeline"
        head={['At', 'State', 'Cause']}
        rows={order.timeline.map((t) => [time(t.at), t.state, t.cause])}
      />
    </section>
  );
}
