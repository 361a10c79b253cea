import type { ComponentInput, Disposition, InspectionResult, InspectionType, LotStatus } from '../commands/vocabulary';

export const ORDER_STATES = [
  'CREATED',
  'RELEASED',
  'ACKNOWLEDGED',
  'IN_PROCESS',
  'PARTIALLY_CONFIRMED',
  'COMPLETED',
  'QUALITY_PENDING',
  'RECEIVED',
  'FINANCIALLY_POSTED',
  'QUALITY_HOLD',
  'CANCELLED',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export const OPERATION_STATES = ['PENDING', 'STARTED', 'PAUSED', 'CONFIRMED', 'COMPLETED'] as const;
export type OperationState = (typeof OPERATION_STATES)[number];

export interface OperationRecord {
  sequence: number;
  workCenter: string;
  description: string;
  state: OperationState;
  yieldQuantity: number;
  scrapQuantity: number;
  /** When the last event applied to it happened (its occurredAt): tells a late event from a wrong one. */
  lastEventAt?: string;
  /** The first-article inspection the plant's rules asked for at its start, and how QMS decided it. */
  firstArticle?: { inspectionId: string; status: 'REQUESTED' | 'PASSED' | 'FAILED' };
}

export interface MaterialConsumptionRecord {
  item: string;
  lot: string;
  /** In the item's base unit of measure. */
  quantity: number;
  uom: string;
  operationSequence: number;
  occurredAt: string;
  correlationId: string;
}

/** Where a completion lot stands in quality: waiting for its final inspection, held, or released for receipt. */
export type LotQualityStatus = 'PENDING' | 'HELD' | 'RELEASED';

/** One completion lot of the order: each has its own final inspection and its own gated receipt. */
/** A component reserved for one operation of the order, in the component's base unit. */
export interface ReservationRecord {
  item: string;
  operationSequence: number;
  quantity: number;
  uom: string;
}

export interface CompletionRecord {
  lot: string;
  quantity: number;
  uom: string;
  occurredAt: string;
  correlationId: string;
  /** Serial numbers of the pieces in the lot, for serialised items; empty otherwise. */
  serialNumbers?: string[];
  /** Absent on lots recorded before lots had their own quality state (see qualityOf). */
  qualityStatus?: LotQualityStatus;
}

export interface InspectionRecord {
  inspectionId: string;
  inspectionType: InspectionType;
  lot: string;
  result: InspectionResult;
  disposition: Disposition;
  inspector: string;
  decidedAt: string;
}

/** An inspection Plantgate asked QMS for, and whether a result answered it. */
export interface InspectionRequestRecord {
  inspectionId: string;
  inspectionType: InspectionType;
  lot: string;
  status: 'REQUESTED' | 'DECIDED';
  requestedAt: string;
  decidedAt: string | null;
}

export type PostingStatus = 'REQUESTED' | 'POSTED';

/** A posting Plantgate asked a downstream system for, and whether that system confirmed it. */
export interface PostingRecord {
  postingKey: string;
  system: 'erp' | 'mes' | 'qms';
  postingType: string;
  status: PostingStatus;
  correlationId: string;
  requestedAt: string;
  postedAt: string | null;
  documentNumber: string | null;
}

export interface GoodsReceiptRecord {
  lot: string;
  quantity: number;
  uom: string;
  stockStatus: LotStatus;
  status: PostingStatus;
  postingKey: string;
  requestedAt: string;
  postedAt: string | null;
}

/** What ERP says an order is, besides its routing and components: the order and each of its versions hold it. */
export interface OrderContent {
  itemRevision: string;
  routingRevision: string;
  specRevision: string;
  /** In the item's base unit of measure. */
  quantity: number;
  uom: string;
  dueAt: string;
  /** ERP's version of this content: 1 for the release, then the version each change carried. */
  orderVersion: number;
}

/**
 * One version of what ERP said the order is: the release is version 1, each change (changeProductionOrder) the
 * version it carries. MES executes a version only once it acknowledged it.
 */
export interface OrderVersionRecord extends OrderContent {
  operations: { sequence: number; workCenter: string; description: string }[];
  components: ComponentInput[];
  /** Why ERP changed it; null for the release. */
  reason: string | null;
  at: string;
  correlationId: string;
  /** When MES acknowledged this version; null until it did. */
  acknowledgedAt: string | null;
}

/** One lifecycle transition: when, into which state, which message caused it and why. */
export interface TimelineEntry {
  at: string;
  state: OrderState;
  correlationId: string;
  cause: string;
}

/**
 * A production order as Plantgate tracks it. `state` and `version` are the control data, kept apart from the
 * released payload; `version` increases with every applied change and guards concurrent writers.
 */
export interface OrderRecord extends OrderContent {
  plant: string;
  orderNumber: string;
  state: OrderState;
  stateSince: string;
  /** Plantgate's write counter (not ERP's orderVersion). */
  version: number;
  item: string;
  /** Every version ERP sent, oldest first; the last is the order's current content. */
  versions: OrderVersionRecord[];
  /** A version changed after MES acknowledged an earlier one: the floor's events wait for its acknowledgement. */
  awaitingAcknowledgement: number | null;
  producedQuantity: number;
  scrapQuantity: number;
  operations: OperationRecord[];
  components: ComponentInput[];
  /** The components in their base units, per operation; absent on orders released before it was kept. */
  reservations?: ReservationRecord[];
  materialConsumptions: MaterialConsumptionRecord[];
  completions: CompletionRecord[];
  /** What QMS was asked to inspect; a final result must answer one of these. */
  inspectionRequests: InspectionRequestRecord[];
  inspections: InspectionRecord[];
  goodsReceipts: GoodsReceiptRecord[];
  postings: PostingRecord[];
  timeline: TimelineEntry[];
  createdAt: string;
  updatedAt: string;
}
