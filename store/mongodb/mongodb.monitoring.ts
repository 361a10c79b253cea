import type { Db } from 'mongodb';
import type { Role } from '../../core/auth/principal';
import type { OrderState } from '../../core/orders/order.types';
import type { ExceptionType } from '../../core/ports/records';
import type { TransactionRecord } from '../../core/ports/transaction.record';
import { fromTransactionDoc, type TransactionDoc } from './mongodb.transactions';

/** The monitoring reads of the MongoDB store; parallel to sqlite.monitoring.ts. */
export function mongoMonitoringReads(db: Db) {
  const grouped = async <K extends string>(collection: string, match: object, keys: K[]) =>
    (
      await db
        .collection(collection)
        .aggregate([
          { $match: match },
          { $group: { _id: Object.fromEntries(keys.map((k) => [k, `$${k}`])), count: { $sum: 1 } } },
        ])
        .toArray()
    ).map((row) => ({ ...(row._id as Record<K, string>), count: row.count as number }));
  return {
    countOrdersByState: async () =>
      (await grouped('orders', {}, ['plant', 'state'])) as { plant: string; state: OrderState; count: number }[],
    countOpenExceptions: async (now: string) =>
      (
        await db
          .collection('exceptions')
          .aggregate([
            { $match: { status: { $in: ['OPEN', 'AWAITING_APPROVAL'] } } },
            {
              $group: {
                _id: { plant: '$plant', type: '$type', owner: '$owner' },
                count: { $sum: 1 },
                pastDue: { $sum: { $cond: [{ $lt: ['$dueAt', now] }, 1, 0] } },
                oldestCreatedAt: { $min: '$createdAt' },
              },
            },
          ])
          .toArray()
      ).map((row) => ({
        ...(row._id as { plant: string; type: ExceptionType; owner: Role }),
        count: row.count as number,
        pastDue: row.pastDue as number,
        oldestCreatedAt: row.oldestCreatedAt as string,
      })),
    countHeld: () => grouped('held_messages', {}, ['plant']),
    outboxBacklog: async () => {
      const pending = db.collection('outbox');
      const count = await pending.countDocuments({ publishedAt: null });
      const oldest = await pending.find({ publishedAt: null }).sort({ _id: 1 }).limit(1).next();
      return { count, oldestCreatedAt: (oldest?.createdAt as string | undefined) ?? null };
    },
    listOrdersInStateSince: async (
      state: OrderState,
      before: string,
      plants: readonly string[] | undefined,
      limit: number,
    ) =>
      (
        await db
          .collection('orders')
          .find(
            { state, stateSince: { $lt: before }, ...(plants ? { plant: { $in: [...plants] } } : {}) },
            { projection: { _id: 0, plant: 1, orderNumber: 1, state: 1, stateSince: 1 } },
          )
          .sort({ stateSince: 1 })
          .limit(limit)
          .toArray()
      ).map((d) => d as unknown as { plant: string; orderNumber: string; state: OrderState; stateSince: string }),
    listTransactionsInStatusSince: async (
      status: TransactionRecord['status'],
      before: string,
      plants: readonly string[] | undefined,
      limit: number,
    ) =>
      (
        await db
          .collection('transactions')
          .find(
            { status, updatedAt: { $lt: before }, ...(plants ? { plant: { $in: [...plants] } } : {}) },
            { projection: { _id: 0 } },
          )
          .sort({ updatedAt: 1 })
          .limit(limit)
          .toArray()
      ).map((d) => fromTransactionDoc(d as unknown as TransactionDoc)!),
  };
}
