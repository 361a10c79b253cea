import type Database from 'better-sqlite3';
import type { Role } from '../../core/auth/principal';
import type { OrderState } from '../../core/orders/order.types';
import type { ExceptionType } from '../../core/ports/records';
import type { TransactionRecord } from '../../core/ports/transaction.record';
import { transactionFromRow, type TransactionRow } from './sqlite.rows';

/** The monitoring reads of the SQLite store: grouped counts on indexed columns. */
export function sqliteMonitoringReads(db: Database.Database) {
  const stmt = {
    ordersByState: db.prepare<[], { plant: string; state: OrderState; count: number }>(
      'SELECT plant, state, COUNT(*) AS count FROM orders GROUP BY plant, state',
    ),
    openExceptions: db.prepare<
      [string],
      { plant: string; type: ExceptionType; owner: Role; count: number; pastDue: number; oldestCreatedAt: string }
    >(
      `SELECT plant, type, owner, COUNT(*) AS count, SUM(due_at < ?) AS pastDue, MIN(created_at) AS oldestCreatedAt
       FROM exceptions WHERE status IN ('OPEN', 'AWAITING_APPROVAL') GROUP BY plant, type, owner`,
    ),
    held: db.prepare<[], { plant: string; count: number }>(
      'SELECT plant, COUNT(*) AS count FROM held_messages GROUP BY plant',
    ),
    backlog: db.prepare<[], { count: number; oldest: string | null }>(
      'SELECT COUNT(*) AS count, MIN(created_at) AS oldest FROM outbox WHERE published_at IS NULL',
    ),
  };
  return {
    countOrdersByState: () => stmt.ordersByState.all(),
    countOpenExceptions: (now: string) => stmt.openExceptions.all(now),
    countHeld: () => stmt.held.all(),
    outboxBacklog: () => {
      const row = stmt.backlog.get()!;
      return { count: row.count, oldestCreatedAt: row.oldest };
    },
    listOrdersInStateSince: (state: OrderState, before: string, plants: readonly string[] | undefined, limit: number) =>
      db
        .prepare(
          `SELECT plant, order_number AS orderNumber, state, state_since AS stateSince FROM orders WHERE state = ? AND state_since < ? ${inPlants(plants)} ORDER BY state_since LIMIT ?`,
        )
        .all(state, before, ...(plants ?? []), limit) as {
        plant: string;
        orderNumber: string;
        state: OrderState;
        stateSince: string;
      }[],
    listTransactionsInStatusSince: (
      status: TransactionRecord['status'],
      before: string,
      plants: readonly string[] | undefined,
      limit: number,
    ) =>
      (
        db
          .prepare(
            `SELECT * FROM transactions WHERE status = ? AND updated_at < ? ${inPlants(plants)} ORDER BY updated_at LIMIT ?`,
          )
          .all(status, before, ...(plants ?? []), limit) as TransactionRow[]
      ).map(transactionFromRow),
  };
}

/** The clause narrowing a query to some plants (`plants` bound after the other values), or nothing for every plant. */
export function inPlants(plants: readonly string[] | undefined, column = 'plant'): string {
  return plants === undefined ? '' : `AND ${column} IN (${plants.map(() => '?').join(', ')})`;
}
