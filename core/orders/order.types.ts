import type { ComponentInput } from '../commands/command.types';

export const ORDER_STATES = [
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
export interface OrderRecord {
  plant: string;
  orderNumber: string;
  state: OrderState;
  stateSince: string;
  version: number;
  item: string;
  itemRevision: string;
  routingRevision: string;
  specRevision: string;
  quantity: number;
  uom: string;
  dueAt: string;
  producedQuantity: number;
  scrapQuantity: number;
  operations: OperationRecord[];
  components: ComponentInput[];
  timeline: TimelineEntry[];
  createdAt: string;
  updatedAt: string;
}
