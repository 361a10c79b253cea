import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { OrderRecord } from '../core/orders/order.types';
import { createSqliteStore } from '../store/sqlite/sqlite.store';

/**
 * Orders written straight into a store file in bulk, 50,000 per transaction: the file a plant has after months of
 * operation, in seconds instead of hours. `orderAt(i)` gives the i-th order.
 */
export function bulkInsertOrders(file: string, count: number, orderAt: (i: number) => Partial<OrderRecord>) {
  // Creates the file with every migration applied.
  createSqliteStore({ file })
    .close()
    .catch(() => undefined);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insert = db.prepare(
    'INSERT INTO orders (plant, order_number, state, state_since, item, version, updated_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const o = orderAt(i);
      insert.run(o.plant, o.orderNumber, o.state, o.stateSince, o.item, o.version, o.updatedAt, JSON.stringify(o));
    }
  });
  for (let i = 0; i < count; i += 50_000) batch(i, Math.min(count, i + 50_000));
  db.close();
  // On disk before the measurement starts, as a plant's file is: written without syncing, gigabytes would still be
  // waiting in the OS's cache, and the worker's first synchronous checkpoint would pay for writing them all.
  const fd = fs.openSync(file, 'r+');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
}
