import type { Db } from 'mongodb';

/** Created at start; idempotent. The unique indexes are what make business keys and order versions safe under races. */
export async function ensureIndexes(db: Db): Promise<void> {
  await Promise.all([
    db.collection('orders').createIndex({ plant: 1, orderNumber: 1 }, { unique: true }),
    db.collection('orders').createIndex({ plant: 1, state: 1 }),
    db.collection('transactions').createIndex({ plant: 1, orderNumber: 1 }),
    db.collection('transactions').createIndex({ status: 1, updatedAt: 1 }),
    db.collection('submissions').createIndex({ correlationId: 1 }, { unique: true }),
    db.collection('submissions').createIndex({ published: 1, receivedAt: 1 }),
    db.collection('audit').createIndex({ subject: 1, seq: 1 }, { unique: true }),
    db.collection('outbox').createIndex({ id: 1 }, { unique: true }),
    db.collection('outbox').createIndex({ publishedAt: 1, _id: 1 }),
    db.collection('exceptions').createIndex({ id: 1 }, { unique: true }),
    db.collection('exceptions').createIndex({ plant: 1, status: 1, type: 1 }),
    db.collection('exceptions').createIndex({ plant: 1, orderNumber: 1 }),
    db.collection('exceptions').createIndex({ status: 1, dueAt: 1 }),
    db.collection('audit').createIndex({ 'detail.concerns.lot': 1, subject: 1, seq: 1 }),
    db.collection('items').createIndex({ number: 1, seq: 1 }),
    db.collection('work_centers').createIndex({ plant: 1, code: 1 }),
    db.collection('held_messages').createIndex({ plant: 1, orderNumber: 1, seq: 1 }),
    db.collection('held_messages').createIndex({ heldUntil: 1 }),
    db.collection('drifts').createIndex({ id: 1 }, { unique: true }),
    db.collection('drifts').createIndex({ plant: 1, orderNumber: 1 }),
    db.collection('drifts').createIndex({ plant: 1, lot: 1 }),
    db.collection('drifts').createIndex({ plant: 1, status: 1 }),
    db.collection('drifts').createIndex({ runId: 1 }),
    db.collection('reconciliation_runs').createIndex({ id: 1 }, { unique: true }),
    db.collection('rule_changes').createIndex({ plant: 1, proposedAt: 1 }),
    db.collection('reconciliation_runs').createIndex({ plant: 1, _id: -1 }),
    db.collection('orders').createIndex({ plant: 1, updatedAt: 1 }),
    db.collection('lots').createIndex({ plant: 1, lotNumber: 1 }),
  ]);
}
