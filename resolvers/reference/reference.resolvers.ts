import type { Store } from '../../core/ports/store.port';

export function referenceResolvers({ store }: { store: Pick<Store, 'listItemRevisions'> }) {
  return {
    Query: { itemRevisions: (_: unknown, args: { number: string }) => store.listItemRevisions(args.number) },
  };
}
