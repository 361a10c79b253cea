import type {
  DeliveryReceipt,
  DownstreamPort,
  OrderRef,
  OutboundMessage,
  QualityView,
} from '../core/ports/downstream.port';
import { DownstreamError } from '../core/errors';
import { originHeaders, refsParam, type SystemClient } from './system.client';

type Listing = {
  inspections: (QualityView['inspections'][number] & { plant: string; orderNumber: string })[];
  nonconformances: (QualityView['nonconformances'][number] & { plant: string; orderNumber: string })[];
};

/** QMS over HTTP: inspection requests out; inspections and nonconformances come back by webhook and on request. */
export function createQmsConnector(
  client: SystemClient,
): DownstreamPort & { quality(refs: OrderRef[]): Promise<QualityView[]> } {
  return {
    system: 'qms',
    async deliver(message: OutboundMessage): Promise<DeliveryReceipt> {
      if (message.messageType !== 'InspectionRequested')
        throw new DownstreamError('qms', `No QMS mapping for ${message.messageType}`, { retryable: false });
      await client.write({
        method: 'POST',
        path: '/api/inspection-requests',
        headers: originHeaders(message),
        body: message.payload,
      });
      return { documentNumber: null, replayed: false };
    },
    async quality(refs) {
      const listing = await client.read<Listing>(`/api/inspections?refs=${refsParam(refs)}`);
      return refs.map((ref) => {
        const mine = <T extends { plant: string; orderNumber: string }>(rows: T[]) =>
          rows.filter((r) => r.plant === ref.plant && r.orderNumber === ref.orderNumber);
        return {
          inspections: mine(listing.inspections).map(
            ({ inspectionId, lot, inspectionType, result, disposition, decidedAt }) => ({
              inspectionId,
              lot,
              inspectionType,
              result,
              disposition,
              decidedAt,
            }),
          ),
          nonconformances: mine(listing.nonconformances).map(({ nonconformanceId, lot, status }) => ({
            nonconformanceId,
            lot,
            status,
          })),
        };
      });
    },
  };
}
