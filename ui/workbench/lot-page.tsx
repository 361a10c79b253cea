import { useCallback, useState } from 'react';
import type { GenealogyLink } from '../../core/genealogy/genealogy';
import type { LotRecord } from '../../core/reference/reference.types';
import { graphql } from './api';
import { usePolling } from './polling';

const LINK = 'depth fromLot toLot orderNumber quantity uom lot { item status }';
const LOT = `query L($lotNumber: String!, $plant: String!) {
  lot(lotNumber: $lotNumber, plant: $plant) {
    lotNumber item status quantity uom producedBy { orderNumber }
    whereUsed { truncated links { ${LINK} } }
    whereFrom { truncated links { ${LINK} } }
  }
}`;

/** A genealogy link as the page asks for it: the lot it reaches with only its item and status. */
type Link = Omit<GenealogyLink, 'lot'> & { lot: Pick<LotRecord, 'item' | 'status'> };

interface Lot {
  lotNumber: string;
  item: string;
  status: string;
  quantity: number;
  uom: string;
  producedBy: { orderNumber: string } | null;
  whereUsed: { truncated: boolean; links: Link[] };
  whereFrom: { truncated: boolean; links: Link[] };
}

/** A lot and its genealogy both ways, as trees: what was made from it, and what it was made from. */
export function LotPage(props: { plant: string; lotNumber: string }) {
  const { plant, lotNumber } = props;
  const [lot, setLot] = useState<Lot | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setLot((await graphql<{ lot: Lot | null }>(LOT, { plant, lotNumber })).lot);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [plant, lotNumber]);
  usePolling(load);
  if (error) return <p role="alert">{error}</p>;
  if (lot === undefined) return <p>Loading…</p>;
  if (lot === null)
    return (
      <p>
        No lot {lotNumber} in plant {plant} that you may see.
      </p>
    );
  return (
    <section aria-label={`Lot ${lot.lotNumber}`} className="lot">
      <h2>
        {plant} / lot {lot.lotNumber}: {lot.item}, {lot.status}, {lot.quantity} {lot.uom} on hand
        {lot.producedBy ? `, made by order ${lot.producedBy.orderNumber}` : ''}
      </h2>
      <h3>Where it went</h3>
      <Tree
        plant={plant}
        root={lot.lotNumber}
        links={lot.whereUsed.links}
        next={(l) => l.toLot}
        parent={(l) => l.fromLot}
      />
      {lot.whereUsed.truncated ? <p>… cut at 1000 links</p> : null}
      <h3>Where it came from</h3>
      <Tree
        plant={plant}
        root={lot.lotNumber}
        links={lot.whereFrom.links}
        next={(l) => l.fromLot}
        parent={(l) => l.toLot}
      />
      {lot.whereFrom.truncated ? <p>… cut at 1000 links</p> : null}
    </section>
  );
}

function Tree(props: {
  plant: string;
  root: string;
  links: Link[];
  next: (link: Link) => string;
  parent: (link: Link) => string;
}) {
  const children = (lot: string, seen: Set<string>): Link[] =>
    seen.has(lot) ? [] : props.links.filter((l) => props.parent(l) === lot);
  const render = (lot: string, seen: Set<string>) => {
    const below = children(lot, seen);
    if (below.length === 0) return null;
    const path = new Set(seen).add(lot);
    return (
      <ul role="group">
        {below.map((link) => (
          <li key={`${link.fromLot}>${link.toLot}`} role="treeitem" aria-level={link.depth}>
            <a href={`#/lot/${encodeURIComponent(props.plant)}/${encodeURIComponent(props.next(link))}`}>
              {props.next(link)}
            </a>{' '}
            {link.lot.item}, {link.lot.status} · {link.quantity} {link.uom} through order {link.orderNumber}
            {render(props.next(link), path)}
          </li>
        ))}
      </ul>
    );
  };
  return <div role="tree">{render(props.root, new Set()) ?? <p>Nothing.</p>}</div>;
}
