import type {
  DeliveryReceipt,
  DownstreamPort,
  MesOrderView,
  OrderRef,
  OutboundMessage,
} from '../core/ports/downstream.port';
import { DownstreamError } from '../core/errors';
import { originHeaders, refsParam, type SystemClient } from './system.client';

/** Where each message goes in MES: a released order to the floor, its changes, a cancellation or a
 * close to stop it. */
const MES_PATHS: Record<string, string> = {
  OrderReleased: '/api/orders',
  OrderChanged: '/api/orders/change',
  OrderCancelled: '/api/orders/cancel',
  OrderClosed: '/api/orders/close',
};

/** MES over HTTP: released orders go to the floor; the floor's view of operations comes back. */
export function createMesConnector(
  client: SystemClient,
): DownstreamPort & { orders(refs: OrderRef[]): Promise<(MesOrderView | null)[]> } {
  return {
    system: 'mes',
    async deliver(message: OutboundMessage): Promise<DeliveryReceipt> {
      const path = MES_PATHS[message.messageType];
      if (!path) throw new DownstreamError('mes', `No MES mapping for ${message.messageType}`, { retryable: false });
      await client.write({
        method: 'POST',
        path,
        headers: originHeaders(message),
        body: message.payload,
      });
      return { documentNumber: null, replayed: false };
    },
    async orders(refs) {
      return (await client.read<{ orders: (MesOrderView | null)[] }>(`/api/orders?refs=${refsParam(refs)}`)).orders;
    },
  };
}
