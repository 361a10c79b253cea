import { inPlantScope, visiblePlants } from '../../core/auth/permissions';
import type { Principal } from '../../core/auth/principal';
import { sliceOf } from '../../core/messages/message.registry';
import type { TransactionRecord } from '../../core/ports/transaction.record';

/**
 * Plant scope on reads: a record of a plant outside the principal's scope is answered exactly as a record that does
 * not exist (null, or left out of a list), so that nobody learns whether an order exists in another plant.
 */
export function withinScope<T extends { plant: string }>(principal: Principal, record: T | null): T | null {
  return record && inPlantScope(principal, record.plant) ? record : null;
}

/** A transaction is visible when every plant its message acts on is (reference data can name several). */
export function transactionWithinScope(
  principal: Principal,
  transaction: TransactionRecord | null,
): TransactionRecord | null {
  if (!transaction) return null;
  const { command, scope } = transaction.envelope;
  const plants = sliceOf(command.messageType).plantsTouched?.(command.payload) ?? [scope.plant];
  return plants.every((plant) => inPlantScope(principal, plant)) ? transaction : null;
}

/** The `plants` a store list is narrowed to for a principal, given the plant the caller filtered on, if any. */
export function listScope(principal: Principal, askedPlant: string | null | undefined): { plants?: readonly string[] } {
  const plants = visiblePlants(principal, askedPlant);
  return plants === undefined ? {} : { plants };
}
