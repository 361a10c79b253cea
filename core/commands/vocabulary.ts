/**
 * The canonical vocabulary every message type shares: enumerations and the parts several payloads contain.
 * Each message type's own payload, input shape and rules live in its slice (see core/messages).
 * Dates are ISO-8601 strings; quantities are numbers with a unit of measure.
 */

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

export const OPERATION_EVENT_TYPES = ['START', 'PAUSE', 'RESUME', 'CONFIRM', 'COMPLETE'] as const;
export type OperationEventType = (typeof OPERATION_EVENT_TYPES)[number];

export const INSPECTION_TYPES = ['FIRST_ARTICLE', 'IN_PROCESS', 'FINAL'] as const;
export type InspectionType = (typeof INSPECTION_TYPES)[number];
export const INSPECTION_RESULTS = ['PASS', 'FAIL'] as const;
export type InspectionResult = (typeof INSPECTION_RESULTS)[number];
export const DISPOSITIONS = ['ACCEPT', 'CONDITIONAL_RELEASE', 'REJECT', 'REWORK', 'SCRAP'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

export const NONCONFORMANCE_STATUSES = ['OPEN', 'UNDER_REVIEW', 'CLOSED'] as const;
export type NonconformanceStatus = (typeof NONCONFORMANCE_STATUSES)[number];

export const LOT_STATUSES = ['UNRESTRICTED', 'RESTRICTED', 'BLOCKED'] as const;
export type LotStatus = (typeof LOT_STATUSES)[number];

export interface UomConversion {
  fromUom: string;
  toUom: string;
  factor: number;
}
