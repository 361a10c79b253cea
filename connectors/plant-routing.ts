import { DownstreamError, type DownstreamSystem } from '../core/errors';
import type { DeliveryReceipt, DownstreamPort, OrderRef, OutboundMessage } from '../core/ports/downstream.port';

/**
 * One system's port over several endpoints: a plant with its own system (a plant-level MES per site) gets its
 * messages, the others go to the shared one. Each endpoint keeps its own breaker and rate limit.
 */
export function routeByPlant(
  system: DownstreamSystem,
  shared: DownstreamPort | undefined,
  byPlant: ReadonlyMap<string, DownstreamPort>,
): DownstreamPort | undefined {
  if (!shared && byPlant.size === 0) return undefined;
  return {
    system,
    deliver(message: OutboundMessage): Promise<DeliveryReceipt> {
      const plant = String(message.payload.plant ?? '');
      const port = byPlant.get(plant) ?? shared;
      if (!port) {
        throw new DownstreamError(system, `No ${system.toUpperCase()} is configured for plant ${plant}`, {
          retryable: false,
        });
      }
      return port.deliver(message);
    },
  };
}

/** Reads a list of orders from each plant's own endpoint, or the shared one, answering in the order asked. */
export async function readByPlant<V>(
  refs: readonly OrderRef[],
  readerFor: (plant: string) => ((refs: OrderRef[]) => Promise<V[]>) | undefined,
): Promise<V[]> {
  const answers = new Array<V>(refs.length);
  const byPlant = new Map<string, number[]>();
  refs.forEach((ref, i) => byPlant.set(ref.plant, [...(byPlant.get(ref.plant) ?? []), i]));
  await Promise.all(
    [...byPlant.entries()].map(async ([plant, indexes]) => {
      const read = readerFor(plant);
      if (!read) throw new Error(`No system is configured for plant ${plant}`);
      const views = await read(indexes.map((i) => refs[i]!));
      indexes.forEach((index, k) => (answers[index] = views[k]!));
    }),
  );
  return answers;
}
