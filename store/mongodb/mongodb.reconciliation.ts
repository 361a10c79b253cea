import { ObjectId, type ClientSession, type Db } from 'mongodb';
import type { OrderRecord } from '../../core/orders/order.types';
import type { Page } from '../../core/ports/records';
import type { PageRequest } from '../../core/ports/store.port';
import { UNCLOSED_DRIFT_STATUSES, type ReconciliationSummary } from '../../core/ports/reconciliation.port';
import type { DriftRecord, ReconciliationRun } from '../../core/reconciliation/drift.types';
import type { LotRecord } from '../../core/reference/reference.types';
import { decodeCursor, encodeCursor } from '../paging';
import { strip } from './mongodb.docs';

type Doc<T> = T & { _id?: ObjectId | string };

/** Reconciliation's runs and drifts on MongoDB, and a plant's orders and lots page by page; parallel to SQLite's. */
export function mongoReconciliation(db: Db, onConflict: () => never) {
  const runs = db.collection<Doc<ReconciliationRun>>('reconciliation_runs');
  const drifts = db.collection<Doc<DriftRecord>>('drifts');

  return {
    async writeDrifts(list: readonly { record: DriftRecord; expectedVersion: number }[], session: ClientSession) {
      for (const { record, expectedVersion } of list) {
        const ok =
          expectedVersion === 0
            ? (await drifts.updateOne({ id: record.id }, { $setOnInsert: { ...record } }, { upsert: true, session }))
                .upsertedCount === 1
            : (await drifts.replaceOne({ id: record.id, version: expectedVersion }, record, { session }))
                .matchedCount === 1;
        if (!ok) onConflict();
      }
    },
    async saveRun(run: ReconciliationRun, session?: ClientSession) {
      await runs.updateOne({ id: run.id }, { $set: { ...run } }, { upsert: true, session });
    },
    async summary(): Promise<ReconciliationSummary> {
      const drifted = await drifts
        .aggregate<{ _id: { plant: string; system: string; field: string }; count: number; oldest: string }>([
          { $match: { status: { $in: [...UNCLOSED_DRIFT_STATUSES] } } },
          {
            $group: {
              _id: { plant: '$plant', system: '$system', field: { $arrayElemAt: [{ $split: ['$field', ':'] }, 0] } },
              count: { $sum: 1 },
              oldest: { $min: '$firstSeenAt' },
            },
          },
        ])
        .toArray();
      const succeeded = await runs
        .aggregate<{ _id: string; finishedAt: string }>([
          { $match: { status: 'SUCCEEDED' } },
          { $group: { _id: '$plant', finishedAt: { $max: '$finishedAt' } } },
        ])
        .toArray();
      return {
        drifts: drifted.map((d) => ({ ...d._id, count: d.count, oldestFirstSeenAt: d.oldest })),
        lastSuccess: succeeded.map((r) => ({ plant: r._id, finishedAt: r.finishedAt })),
      };
    },
    getRun: async (id: string) => strip(await runs.findOne({ id })),
    async listRuns(plant: string, request: PageRequest): Promise<Page<ReconciliationRun>> {
      const before = decodeCursor(request.after, /^[0-9a-f]{24}$/);
      const query = before === null ? { plant } : { plant, _id: { $lt: new ObjectId(before) } };
      const docs = await runs
        .find(query)
        .sort({ _id: -1 })
        .limit(request.first + 1)
        .toArray();
      const items = docs.slice(0, request.first);
      const cursor = (d: Doc<ReconciliationRun>) => encodeCursor((d._id as ObjectId).toHexString());
      return {
        items: items.map((d) => strip(d)),
        cursors: items.map(cursor),
        totalCount: await runs.countDocuments({ plant }),
        endCursor: items.length ? cursor(items.at(-1)!) : null,
        hasNextPage: docs.length > request.first,
      };
    },
    getDrift: async (id: string) => strip(await drifts.findOne({ id })),
    async driftsOf(plant: string, subjects: { orderNumbers: string[]; lots: string[] }) {
      const docs = await drifts
        .find({
          plant,
          $or: [{ orderNumber: { $in: subjects.orderNumbers } }, { orderNumber: null, lot: { $in: subjects.lots } }],
        })
        .toArray();
      return docs.map((d) => strip(d));
    },
    async scanOrders(plant: string, after: string | null, limit: number, changedSince: string | null) {
      const query = {
        plant,
        ...(after ? { _id: { $gt: new ObjectId(after) } } : {}),
        ...(changedSince ? { updatedAt: { $gte: changedSince } } : {}),
      };
      const docs = await db.collection<Doc<OrderRecord>>('orders').find(query).sort({ _id: 1 }).limit(limit).toArray();
      return {
        items: docs.map((d) => strip(d) as OrderRecord),
        next: docs.length === limit ? (docs.at(-1)!._id as ObjectId).toHexString() : null,
      };
    },
    async scanLots(plant: string, after: string, limit: number) {
      const docs = await db
        .collection<Doc<LotRecord>>('lots')
        .find({ plant, lotNumber: { $gt: after } })
        .sort({ lotNumber: 1 })
        .limit(limit)
        .toArray();
      return { items: docs.map((d) => strip(d)), next: docs.length === limit ? docs.at(-1)!.lotNumber : null };
    },
  };
}
