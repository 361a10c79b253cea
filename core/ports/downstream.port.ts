import type { PrincipalRef } from '../auth/principal';
import type { DownstreamSystem } from '../errors';

/** A message the outbox relay sent towards ERP, MES or QMS, as a connector receives it. */
export interface OutboundMessage {
  id: string;
  system: DownstreamSystem;
  messageType: string;
  correlationId: string;
  idempotencyKey: string;
  payload: Record<string, unknown>;
  /** 1 for the first delivery; increased each time it comes back from a retry queue. */
  attempt: number;
  /** When the change that produced it was committed. */
  createdAt: string | null;
  /** A span of the trace of the message that caused it; sent on as the call's traceparent. */
  traceparent: string;
  /** Who submitted the message that caused it; sent on in the call's headers. */
  principal: PrincipalRef | null;
}

export interface DeliveryReceipt {
  /** The receiving system's document for a posting, when it books one. */
  documentNumber: string | null;
  /** The system had already applied this idempotency key and answered with the original result. */
  replayed: boolean;
}

/** Delivers outbound messages to one external system. Throws DownstreamError. */
export interface DownstreamPort {
  readonly system: DownstreamSystem;
  deliver(message: OutboundMessage): Promise<DeliveryReceipt>;
}

export interface OrderRef {
  plant: string;
  orderNumber: string;
}

/** ERP's view of an order: its status, quantities and the stock it booked. */
export interface ErpOrderView {
  status: string;
  quantity: number | null;
  confirmedYield: number;
  scrap: number;
  goodsIssued: number;
  goodsReceived: number;
  receiptStockStatus: string | null;
  /** Yield ERP booked per operation sequence. */
  operationYield?: Record<number, number>;
  /** Quantity ERP issued to the order per lot. */
  goodsIssuedByLot?: Record<string, number>;
}

export interface MesOrderView {
  acknowledged: boolean;
  routingRevision?: string;
  /** CANCELLED when the floor cancelled the order. */
  status?: string;
  operations: { sequence: number; workCenter: string; state: string; yieldQuantity: number; scrapQuantity: number }[];
}

export interface QualityView {
  inspections: {
    inspectionId: string;
    lot: string;
    inspectionType: string;
    result: string | null;
    disposition: string | null;
    decidedAt: string | null;
  }[];
  nonconformances: { nonconformanceId: string; lot: string; status: string }[];
}

/** ERP's stock of one lot, by stock status. */
export interface ErpLotStock {
  unrestricted: number;
  restricted: number;
  blocked: number;
}

/** Live views of many orders at once, one call per system; null where the system does not know the order. */
export interface OrderViewsPort {
  /** ERP's stock of a lot; null where ERP does not stock it. */
  erpLotStock(plant: string, lot: string): Promise<ErpLotStock | null>;
  /** ERP's stock of many lots of a plant in one call; null where ERP does not stock one. */
  erpLots(plant: string, lots: string[]): Promise<(ErpLotStock | null)[]>;
  erp(refs: OrderRef[]): Promise<(ErpOrderView | null)[]>;
  mes(refs: OrderRef[]): Promise<(MesOrderView | null)[]>;
  quality(refs: OrderRef[]): Promise<QualityView[]>;
}

/** Why a posting did not reach its system. */
export interface DeliveryFailure {
  reason: string;
  /** The system was unavailable (outage, open circuit, 5xx, 429) rather than refusing the posting. */
  retryable: boolean;
}
