import type { ClientSession, Db } from 'mongodb';
import type { UnitOfWork } from '../../core/ports/store.port';
import {
  enrichmentOf,
  type ItemRecord,
  type LotRecord,
  type PlantRecord,
  type WorkCenterRecord,
} from '../../core/reference/reference.types';
import type { HeldMessage } from '../../core/workflow/held-message';
import { strip } from './mongodb.docs';

type ItemDoc = ItemRecord & { _id: string; seq: number };
type LotDoc = LotRecord & { _id: string };
type HeldDoc = HeldMessage & { _id: string; seq: number };

/** Reference data, lots and parked messages in MongoDB; parallel to sqlite.reference.ts. */
export function mongoReference(db: Db) {
  const plants = db.collection<PlantRecord & { _id: string }>('plants');
  const workCenters = db.collection<WorkCenterRecord & { _id: string }>('work_centers');
  const items = db.collection<ItemDoc>('items');
  const lots = db.collection<LotDoc>('lots');
  const serials = db.collection<{ _id: string; plant: string; serialNumber: string; item: string; lotNumber: string }>(
    'serials',
  );
  const held = db.collection<HeldDoc>('held_messages');
  const transactions = db.collection<{ _id: string; status: string; updatedAt: string }>('transactions');

  return {
    async write(
      unit: Omit<UnitOfWork, 'transaction' | 'audit' | 'outbox' | 'exceptions'> & {
        transaction?: Pick<UnitOfWork['transaction'], 'updatedAt'>;
      },
      session: ClientSession,
      onConflict: (kind: 'lot-version' | 'held') => never,
    ) {
      if (unit.releaseHeld && (await held.deleteOne({ _id: unit.releaseHeld }, { session })).deletedCount === 0)
        onConflict('held');
      if (unit.hold) {
        await held.updateOne(
          { _id: unit.hold.correlationId },
          { $setOnInsert: { ...unit.hold, seq: Date.now() } },
          { upsert: true, session },
        );
      }
      if (unit.updateHeld) {
        const h = unit.updateHeld;
        const updated = await held.updateOne({ _id: h.correlationId }, { $set: { ...h } }, { session });
        if (updated.matchedCount === 0) onConflict('held');
      }
      for (const plant of unit.reference?.plants ?? [])
        await plants.replaceOne(
          { _id: plant.code },
          { code: plant.code, name: plant.name, ...enrichmentOf(plant) },
          { upsert: true, session },
        );
      for (const wc of unit.reference?.workCenters ?? [])
        await workCenters.replaceOne(
          { _id: `${wc.plant}|${wc.code}` },
          { plant: wc.plant, code: wc.code, ...enrichmentOf(wc) },
          { upsert: true, session },
        );
      for (const item of unit.reference?.items ?? []) {
        // seq keeps the order revisions were first seen in, as SQLite's autoincrement does.
        await items.updateOne(
          { _id: `${item.number}|${item.revision}` },
          { $set: { ...item }, $setOnInsert: { seq: Date.now() } },
          { upsert: true, session },
        );
      }
      for (const { record, expectedVersion } of unit.lots ?? []) {
        const _id = `${record.plant}|${record.lotNumber}`;
        if (expectedVersion === 0) {
          const result = await lots.updateOne({ _id }, { $setOnInsert: { ...record } }, { upsert: true, session });
          if (result.upsertedCount === 0) onConflict('lot-version');
        } else if ((await lots.replaceOne({ _id, version: expectedVersion }, record, { session })).matchedCount === 0) {
          onConflict('lot-version');
        }
        for (const serialNumber of record.serialNumbers ?? []) {
          const key = { plant: record.plant, serialNumber, item: record.item, lotNumber: record.lotNumber };
          await serials.updateOne(
            { _id: `${record.plant}|${serialNumber}|${record.item}` },
            { $setOnInsert: key },
            { upsert: true, session },
          );
        }
      }
      for (const related of unit.relatedTransactions ?? []) {
        await transactions.updateOne(
          { _id: related.correlationId },
          { $set: { status: related.status, updatedAt: unit.transaction?.updatedAt ?? new Date().toISOString() } },
          { session },
        );
      }
    },
    getPlant: async (code: string) => {
      const doc = await plants.findOne({ _id: code });
      return doc ? (strip(doc) as PlantRecord) : null;
    },
    listWorkCenters: async (plant: string) =>
      (await workCenters.find({ plant }).sort({ code: 1 }).toArray()).map((d) => strip(d) as WorkCenterRecord),
    listItemRevisions: async (number: string) =>
      (await items.find({ number }).sort({ seq: 1, _id: 1 }).toArray()).map((d) => {
        const { seq: _seq, ...rest } = strip(d);
        return rest as ItemRecord;
      }),
    findSerials: async (plant: string, serialNumber: string) =>
      (await serials.find({ plant, serialNumber }).sort({ item: 1 }).toArray()).map(({ item, lotNumber }) => ({
        item,
        lotNumber,
      })),
    usedSerials: async (plant: string, item: string, serialNumbers: readonly string[]) =>
      (await serials.find({ plant, item, serialNumber: { $in: [...serialNumbers] } }).toArray()).map(
        (s) => s.serialNumber,
      ),
    getLot: async (plant: string, lotNumber: string) => {
      const doc = await lots.findOne({ _id: `${plant}|${lotNumber}` });
      return doc ? (strip(doc) as LotRecord) : null;
    },
    listHeld: async (plant: string, orderNumber: string) =>
      (await held.find({ plant, orderNumber }).sort({ seq: 1, _id: 1 }).toArray()).map((d) => {
        const { seq: _seq, ...rest } = strip(d);
        return rest as HeldMessage;
      }),
    listExpiredHeld: async (now: string, limit: number) =>
      (
        await held
          .find({ heldUntil: { $lt: now } })
          .sort({ seq: 1 })
          .limit(limit)
          .toArray()
      ).map((d) => {
        const { seq: _seq, ...rest } = strip(d);
        return rest as HeldMessage;
      }),
    listOrdersUnblocked: async (limit: number) =>
      (
        await held
          .aggregate<{ _id: { plant: string; orderNumber: string } }>([
            { $match: { blockedBy: { $type: 'string' } } },
            { $lookup: { from: 'exceptions', localField: 'blockedBy', foreignField: 'id', as: 'blocker' } },
            { $match: { 'blocker.status': { $nin: ['OPEN', 'AWAITING_APPROVAL'] } } },
            { $group: { _id: { plant: '$plant', orderNumber: '$orderNumber' } } },
            { $limit: limit },
          ])
          .toArray()
      ).map((d) => d._id),
  };
}
