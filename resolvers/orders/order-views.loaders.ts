import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import type { OrderRef, OrderViewsPort } from '../../core/ports/downstream.port';

const SOURCES = { erp: 'ERP', mes: 'MES', quality: 'QMS' } as const;
type Source = keyof typeof SOURCES;

/**
 * One DataLoader per source per request: every order a query touches is fetched from each system in one
 * batched call. A failing source fails only its own fields, with an error that names it.
 */
export function createOrderViewLoaders(views: OrderViewsPort) {
  const loader = <T>(source: Source, fetch: (refs: OrderRef[]) => Promise<T[]>) =>
    new DataLoader<string, T, string>(
      async (keys) => {
        const refs = keys.map((key) => {
          const [plant, orderNumber] = key.split('\u0000') as [string, string];
          return { plant, orderNumber };
        });
        try {
          return await fetch(refs);
        } catch (error) {
          const failure = new GraphQLError(`${SOURCES[source]} is unavailable: ${(error as Error).message}`, {
            extensions: { code: 'DOWNSTREAM_UNAVAILABLE', source: SOURCES[source].toLowerCase() },
          });
          return keys.map(() => failure);
        }
      },
      { maxBatchSize: 200 },
    );
  return {
    erpLotStock: loader('erp', (refs) => Promise.all(refs.map((ref) => views.erpLotStock(ref.plant, ref.orderNumber)))),
    erp: loader('erp', views.erp),
    mes: loader('mes', views.mes),
    quality: loader('quality', views.quality),
  };
}

export type OrderViewLoaders = ReturnType<typeof createOrderViewLoaders>;

export function viewKey(plant: string, orderNumber: string): string {
  return `${plant}\u0000${orderNumber}`;
}
