import type {
  DeliveryReceipt,
  DownstreamPort,
  ErpLotStock,
  ErpOrderView,
  OrderRef,
  OutboundMessage,
} from '../core/ports/downstream.port';
import { DownstreamError } from '../core/errors';
import { isErpPosting } from '../core/postings/posting-acknowledgement';
import { originHeaders, refsParam, type SystemClient } from './system.client';

/** ERP over HTTP: postings with an Idempotency-Key, master data, and the order and lot look-ups. */
export function createErpConnector(client: SystemClient): DownstreamPort & {
  orders(refs: OrderRef[]): Promise<(ErpOrderView | null)[]>;
  lotStock(plant: string, lot: string): Promise<ErpLotStock | null>;
  lots(plant: string, lots: string[]): Promise<(ErpLotStock | null)[]>;
} {
  return {
    system: 'erp',
    async deliver(message: OutboundMessage): Promise<DeliveryReceipt> {
      if (message.messageType === 'MasterData') {
        await client.write({
          method: 'POST',
          path: '/api/master-data',
          body: message.payload,
          headers: originHeaders(message),
        });
        return { documentNumber: null, replayed: false };
      }
      if (!isErpPosting(message.messageType)) {
        throw new DownstreamError('erp', `No ERP mapping for ${message.messageType}`, { retryable: false });
      }
      const body = await client.write<{ documentNumber: string; replayed?: boolean }>({
        method: 'POST',
        path: '/api/postings',
        headers: originHeaders(message),
        body: { postingType: message.messageType, ...message.payload },
      });
      return { documentNumber: body.documentNumber, replayed: body.replayed === true };
    },
    async orders(refs) {
      return (await client.read<{ orders: (ErpOrderView | null)[] }>(`/api/orders?refs=${refsParam(refs)}`)).orders;
    },
    async lots(plant, lots) {
      type Stock = { stock: Record<'UNRESTRICTED' | 'RESTRICTED' | 'BLOCKED', number> } | null;
      const query = `plant=${encodeURIComponent(plant)}&lots=${lots.map(encodeURIComponent).join(',')}`;
      return (await client.read<{ lots: Stock[] }>(`/api/lots?${query}`)).lots.map((lot) =>
        lot
          ? { unrestricted: lot.stock.UNRESTRICTED, restricted: lot.stock.RESTRICTED, blocked: lot.stock.BLOCKED }
          : null,
      );
    },
    async lotStock(plant, lot) {
      try {
        const body = await client.read<{ stock: Record<'UNRESTRICTED' | 'RESTRICTED' | 'BLOCKED', number> }>(
          `/api/lots/${encodeURIComponent(plant)}/${encodeURIComponent(lot)}`,
        );
        return {
          unrestricted: body.stock.UNRESTRICTED,
          restricted: body.stock.RESTRICTED,
          blocked: body.stock.BLOCKED,
        };
      } catch (error) {
        // ERP does not stock the lot: that is an answer, not a failure.
        if (error instanceof DownstreamError && error.status === 404) return null;
        throw error;
      }
    },
  };
}
