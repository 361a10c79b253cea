/**
 * Canonical commands: what an integrator submits, after shape validation, as it travels through the broker.
 * Dates are ISO-8601 strings; quantities are numbers with a unit of measure.
 */
export const MESSAGE_TYPES = [
  'ReleaseProductionOrder',
  'AcknowledgeProductionOrder',
  'ReportOperationEvent',
  'ReportMaterialConsumption',
  'ReportProductionCompletion',
  'RecordInspectionResult',
  'ReportNonconformance',
  'UpsertReferenceData',
  'AcknowledgePosting',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** Bumped when a payload changes incompatibly; workers refuse versions they do not know. */
export const SCHEMA_VERSION = 1;

export interface OperationInput {
  sequence: number;
  workCenter: string;
  description: string;
}

export interface ComponentInput {
  item: string;
  quantity: number;
  uom: string;
  operationSequence: number;
}

export interface ReleaseProductionOrder {
  orderNumber: string;
  plant: string;
  item: string;
  itemRevision: string;
  routingRevision: string;
  specRevision: string;
  quantity: number;
  uom: string;
  dueAt: string;
  operations: OperationInput[];
  components: ComponentInput[];
}

export interface AcknowledgeProductionOrder {
  orderNumber: string;
  plant: string;
  routingRevision: string;
  specRevision: string;
  acknowledgedAt: string;
  messageId: string;
}

export const OPERATION_EVENT_TYPES = ['START', 'PAUSE', 'RESUME', 'CONFIRM', 'COMPLETE'] as const;
export type OperationEventType = (typeof OPERATION_EVENT_TYPES)[number];

export interface ReportOperationEvent {
  orderNumber: string;
  plant: string;
  operationSequence: number;
  eventType: OperationEventType;
  yieldQuantity: number;
  scrapQuantity: number;
  scrapReason: string | null;
  workCenter: string;
  equipment: string;
  operator: string;
  occurredAt: string;
  messageId: string;
}

export interface ReportMaterialConsumption {
  orderNumber: string;
  plant: string;
  operationSequence: number;
  item: string;
  lot: string;
  quantity: number;
  uom: string;
  occurredAt: string;
  messageId: string;
}

export interface ReportProductionCompletion {
  orderNumber: string;
  plant: string;
  lot: string;
  quantity: number;
  uom: string;
  occurredAt: string;
  messageId: string;
}

export const INSPECTION_TYPES = ['FIRST_ARTICLE', 'IN_PROCESS', 'FINAL'] as const;
export type InspectionType = (typeof INSPECTION_TYPES)[number];
export const INSPECTION_RESULTS = ['PASS', 'FAIL'] as const;
export type InspectionResult = (typeof INSPECTION_RESULTS)[number];
export const DISPOSITIONS = ['ACCEPT', 'CONDITIONAL_RELEASE', 'REJECT', 'REWORK', 'SCRAP'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

export interface RecordInspectionResult {
  inspectionId: string;
  orderNumber: string;
  plant: string;
  lot: string;
  inspectionType: InspectionType;
  result: InspectionResult;
  disposition: Disposition;
  inspector: string;
  decidedAt: string;
  messageId: string;
}

export const NONCONFORMANCE_STATUSES = ['OPEN', 'UNDER_REVIEW', 'CLOSED'] as const;
export type NonconformanceStatus = (typeof NONCONFORMANCE_STATUSES)[number];

export interface ReportNonconformance {
  nonconformanceId: string;
  plant: string;
  orderNumber: string;
  lot: string;
  status: NonconformanceStatus;
  severity: string;
  description: string;
  occurredAt: string;
  messageId: string;
}

export const LOT_STATUSES = ['UNRESTRICTED', 'RESTRICTED', 'BLOCKED'] as const;
export type LotStatus = (typeof LOT_STATUSES)[number];

export interface UomConversion {
  fromUom: string;
  toUom: string;
  factor: number;
}

export interface UpsertReferenceData {
  plants: { code: string; name: string }[];
  workCenters: { plant: string; code: string }[];
  items: { number: string; revision: string; baseUom: string; lotControlled: boolean; uomConversions: UomConversion[] }[];
  lots: { lotNumber: string; item: string; plant: string; status: LotStatus; expiresAt: string | null; quantity: number; uom: string }[];
}

/** A downstream system (ERP today) confirming that a posting Plantgate requested was booked. */
export interface AcknowledgePosting {
  plant: string;
  orderNumber: string;
  /** The idempotency key the posting was sent with. */
  postingKey: string;
  documentNumber: string;
  acknowledgedAt: string;
  messageId: string;
}

export interface PayloadByType {
  ReleaseProductionOrder: ReleaseProductionOrder;
  AcknowledgeProductionOrder: AcknowledgeProductionOrder;
  ReportOperationEvent: ReportOperationEvent;
  ReportMaterialConsumption: ReportMaterialConsumption;
  ReportProductionCompletion: ReportProductionCompletion;
  RecordInspectionResult: RecordInspectionResult;
  ReportNonconformance: ReportNonconformance;
  UpsertReferenceData: UpsertReferenceData;
  AcknowledgePosting: AcknowledgePosting;
}

export type Command = {
  [T in MessageType]: { messageType: T; payload: PayloadByType[T] };
}[MessageType];

/** Reference data is not about one order; all of it travels in one scope so that upserts apply in order. */
export const REFERENCE_DATA_SCOPE = { plant: '*', orderNumber: '' } as const;

/**
 * The production order a command belongs to: the unit of ordering (one partition) and of the audit chain.
 */
export function scopeOf(command: Command): { plant: string; orderNumber: string } {
  if (command.messageType === 'UpsertReferenceData') return REFERENCE_DATA_SCOPE;
  return { plant: command.payload.plant, orderNumber: command.payload.orderNumber };
}

export function isMessageType(value: unknown): value is MessageType {
  return typeof value === 'string' && (MESSAGE_TYPES as readonly string[]).includes(value);
}
