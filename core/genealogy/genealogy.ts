import type { OrderRecord } from '../orders/order.types';
import { round } from '../reference/uom';
import type { LotRecord } from '../reference/reference.types';

/** What a genealogy walk reads: lots and the orders that link them. */
export interface GenealogyReads {
  getLot(plant: string, lotNumber: string): Promise<LotRecord | null>;
  getOrder(plant: string, orderNumber: string): Promise<OrderRecord | null>;
}

/**
 * One link of a lot's genealogy: `fromLot` went into `toLot` through `orderNumber`, `quantity` of it (in `uom`, the
 * component's base unit). `depth` counts the links from the lot the walk started at (1: a direct link).
 */
export interface GenealogyLink {
  depth: number;
  fromLot: string;
  toLot: string;
  orderNumber: string;
  quantity: number;
  uom: string;
  /** The lot this link reaches, as the walk found it (its item, status, quantity on hand). */
  lot: LotRecord;
}

export interface GenealogyLimits {
  /** Links from the start, at most. */
  maxDepth: number;
  /** Links in all, at most: the walk stops there and says it was cut. */
  maxLinks: number;
}

export interface Genealogy {
  links: GenealogyLink[];
  /** The walk reached `maxLinks` before its end: what it answers is incomplete. */
  truncated: boolean;
}

/** How much of `componentLot` the order consumed, in its base unit. */
function consumedFrom(order: OrderRecord, componentLot: string): { quantity: number; uom: string } {
  const used = order.materialConsumptions.filter((c) => c.lot === componentLot);
  return { quantity: round(used.reduce((sum, c) => sum + c.quantity, 0)), uom: used[0]?.uom ?? '' };
}

/**
 * Where a lot went: every lot made from it (the completion lots of each order that consumed it), and on through the
 * orders that consumed those, up to `maxDepth` levels. Each lot is visited once, so a loop in the data ends the walk.
 */
export async function whereUsed(reads: GenealogyReads, start: LotRecord, limits: GenealogyLimits): Promise<Genealogy> {
  return walk(start, limits, async (lot) => {
    const next: Omit<GenealogyLink, 'depth'>[] = [];
    for (const orderNumber of new Set(lot.consumedBy.map((c) => c.orderNumber))) {
      const order = await reads.getOrder(lot.plant, orderNumber);
      if (!order) continue;
      const used = consumedFrom(order, lot.lotNumber);
      for (const completion of order.completions) {
        const made = await reads.getLot(lot.plant, completion.lot);
        if (made) next.push({ fromLot: lot.lotNumber, toLot: made.lotNumber, orderNumber, ...used, lot: made });
      }
    }
    return next;
  });
}

/**
 * Where a lot came from: every component lot its producing order consumed, and on through the orders that produced
 * those, down to raw material (lots no order produced), up to `maxDepth` levels.
 */
export async function madeFrom(reads: GenealogyReads, start: LotRecord, limits: GenealogyLimits): Promise<Genealogy> {
  return walk(start, limits, async (lot) => {
    if (!lot.producedBy) return [];
    const order = await reads.getOrder(lot.plant, lot.producedBy.orderNumber);
    if (!order) return [];
    const next: Omit<GenealogyLink, 'depth'>[] = [];
    for (const lotNumber of new Set(order.materialConsumptions.map((c) => c.lot))) {
      const component = await reads.getLot(lot.plant, lotNumber);
      if (!component) continue;
      const used = consumedFrom(order, lotNumber);
      next.push({ fromLot: lotNumber, toLot: lot.lotNumber, orderNumber: order.orderNumber, ...used, lot: component });
    }
    return next;
  });
}

/** Breadth first from `start`, one level per round, each lot expanded once. */
async function walk(
  start: LotRecord,
  limits: GenealogyLimits,
  expand: (lot: LotRecord) => Promise<Omit<GenealogyLink, 'depth'>[]>,
): Promise<Genealogy> {
  const links: GenealogyLink[] = [];
  const seen = new Set([start.lotNumber]);
  let frontier = [start];
  for (let depth = 1; depth <= limits.maxDepth && frontier.length > 0; depth++) {
    const reached: LotRecord[] = [];
    for (const lot of frontier) {
      for (const link of await expand(lot)) {
        if (links.length >= limits.maxLinks) return { links, truncated: true };
        links.push({ ...link, depth });
        if (!seen.has(link.lot.lotNumber)) {
          seen.add(link.lot.lotNumber);
          reached.push(link.lot);
        }
      }
    }
    frontier = reached;
  }
  return { links, truncated: false };
}

/** The end of a where-used walk: lots nothing further was made from (finished goods, or not used yet). */
export function finishedLots(genealogy: Genealogy): GenealogyLink[] {
  const expanded = new Set(genealogy.links.map((l) => l.fromLot));
  const byLot = new Map<string, GenealogyLink>();
  for (const link of genealogy.links)
    if (!expanded.has(link.toLot) && !byLot.has(link.toLot)) byLot.set(link.toLot, link);
  return [...byLot.values()];
}
