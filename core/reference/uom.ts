import type { ItemRecord } from './reference.types';

/**
 * Converts a quantity into the item's base unit of measure, or returns null when the master has no way to.
 * Conversions are read in both directions (a factor from EA to BOX also converts BOX to EA) but never chained,
 * so every conversion used is one the master states.
 */
export function toBaseUom(quantity: number, uom: string, item: ItemRecord): number | null {
  if (uom === item.baseUom) return quantity;
  const direct = item.uomConversions.find((c) => c.fromUom === uom && c.toUom === item.baseUom);
  if (direct) return round(quantity * direct.factor);
  const inverse = item.uomConversions.find((c) => c.fromUom === item.baseUom && c.toUom === uom);
  if (inverse && inverse.factor !== 0) return round(quantity / inverse.factor);
  return null;
}

/** Quantities keep six decimals: enough for any plant unit, and free of binary noise in comparisons. */
export function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
