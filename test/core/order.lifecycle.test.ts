import { describe, expect, it } from 'vitest';
import { canTransition, ORDER_TRANSITIONS } from '../../core/orders/order.lifecycle';
import { ORDER_STATES, type OrderState } from '../../core/orders/order.types';

/** Every pair of states, allowed or refused: the table is the specification, and this reads it back. */
const ALLOWED: [OrderState, OrderState][] = [
  ['CREATED', 'RELEASED'],
  ['CREATED', 'CANCELLED'],
  ['RELEASED', 'ACKNOWLEDGED'],
  ['RELEASED', 'CANCELLED'],
  ['ACKNOWLEDGED', 'IN_PROCESS'],
  ['ACKNOWLEDGED', 'RELEASED'],
  ['ACKNOWLEDGED', 'CANCELLED'],
  ['IN_PROCESS', 'PARTIALLY_CONFIRMED'],
  ['IN_PROCESS', 'COMPLETED'],
  ['IN_PROCESS', 'CANCELLED'],
  ['PARTIALLY_CONFIRMED', 'COMPLETED'],
  ['PARTIALLY_CONFIRMED', 'CANCELLED'],
  ['COMPLETED', 'QUALITY_PENDING'],
  ['QUALITY_PENDING', 'RECEIVED'],
  ['QUALITY_PENDING', 'QUALITY_HOLD'],
  ['QUALITY_HOLD', 'QUALITY_PENDING'],
  ['QUALITY_HOLD', 'RECEIVED'],
  ['QUALITY_HOLD', 'CANCELLED'],
  ['RECEIVED', 'FINANCIALLY_POSTED'],
];

const allPairs = ORDER_STATES.flatMap((from) => ORDER_STATES.map((to) => [from, to] as [OrderState, OrderState]));
const isAllowed = (from: OrderState, to: OrderState) => ALLOWED.some(([f, t]) => f === from && t === to);

describe('production order lifecycle', () => {
  it.each(allPairs.filter(([f, t]) => isAllowed(f, t)))('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  it.each(allPairs.filter(([f, t]) => !isAllowed(f, t)))('refuses %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it('has an entry for every state and no transition out of the final states', () => {
    expect(Object.keys(ORDER_TRANSITIONS).sort()).toEqual([...ORDER_STATES].sort());
    expect(ORDER_TRANSITIONS.FINANCIALLY_POSTED).toEqual([]);
    expect(ORDER_TRANSITIONS.CANCELLED).toEqual([]);
  });
});
