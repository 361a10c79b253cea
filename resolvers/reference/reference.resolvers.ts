import type { ItemRecord } from '../../core/reference/reference.types';
import type { Store } from '../../core/ports/store.port';

export function referenceResolvers({ store }: { store: Pick<Store, 'listItemRevisions'> }) {
  return {
    Query: { itemRevisions: (_: unknown, args: { number: string }) => store.listItemRevisions(args.number) },
    // Items recorded before serial numbers were tracked are not serialised.
    ItemRevision: { serialized: (item: ItemRecord) => item.serialized === true },
  };
}
