/**
 * Which partition queue carries an order's messages. All messages of one order land on one partition, which
 * one consumer at a time drains, so they are applied in the order they were published.
 * FNV-1a: stable across processes and releases, which a partition assignment must be.
 */
export function partitionOf(plant: string, orderNumber: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (const char of `${plant}\u0000${orderNumber}`) {
    hash ^= char.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}
