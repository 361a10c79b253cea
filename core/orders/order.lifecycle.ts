import type { OrderState } from './order.types';

/**
 * The production order lifecycle as data: for each state, the states it may move to.
 * Every rule that changes an order's state asks this table first.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderState, readonly OrderState[]>> = {
  CREATED: ['RELEASED', 'CANCELLED'],
  RELEASED: ['ACKNOWLEDGED', 'CANCELLED'],
  // A change before execution starts: MES must acknowledge the new version.
  ACKNOWLEDGED: ['IN_PROCESS', 'RELEASED', 'CANCELLED'],
  IN_PROCESS: ['PARTIALLY_CONFIRMED', 'COMPLETED', 'CANCELLED'],
  PARTIALLY_CONFIRMED: ['COMPLETED', 'CANCELLED'],
  COMPLETED: ['QUALITY_PENDING'],
  QUALITY_PENDING: ['RECEIVED', 'QUALITY_HOLD'],
  QUALITY_HOLD: ['QUALITY_PENDING', 'RECEIVED', 'CANCELLED'],
  RECEIVED: ['FINANCIALLY_POSTED'],
  FINANCIALLY_POSTED: [],
  CANCELLED: [],
};

export function canTransition(from: OrderState, to: OrderState): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}
