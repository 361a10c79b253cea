import type { ClientSession, Db } from 'mongodb';
import type { AuditEntry, ExceptionRecord, ExceptionType } from '../../core/ports/records';
import type { AuditTrailRequest, ExceptionUpdate, InterfaceMonitorRow } from '../../core/ports/store.port';
import type { TransactionRecord } from '../../core/ports/transaction.record';
import { auditPage, decodeAuditCursor, interfaceRows } from '../workbench-rows';

/** The exception workbench's reads and writes on MongoDB; parallel to sqlite.workbench.ts. */
export function mongoWorkbench(db: Db, onConflict: () => never) {
  const exceptions = db.collection<ExceptionRecord>('exceptions');
  const audit = db.collection<AuditEntry>('audit');
  const withoutId = { projection: { _id: 0 } };

  return {
    async updateExceptions(updates: readonly ExceptionUpdate[], session: ClientSession) {
      for (const { record, expectedVersion } of updates) {
        const result = await exceptions.replaceOne({ id: record.id, version: expectedVersion }, record, { session });
        if (result.matchedCount === 0) onConflict();
      }
    },
    async republishOutbox(ids: readonly string[], session: ClientSession) {
      await db
        .collection('outbox')
        .updateMany(
          { id: { $in: [...ids] } },
          { $set: { publishedAt: null, leaseOwner: null, leaseUntil: null } },
          { session },
        );
    },
    async auditTrail(request: AuditTrailRequest): Promise<AuditEntry[]> {
      const query =
        'lot' in request
          ? { 'detail.concerns.lot': request.lot, subject: { $regex: `^order:${escapeRegex(request.plant)}:` } }
          : { subject: `order:${request.plant}:${request.orderNumber}` };
      return (await audit.find(query, withoutId).sort({ subject: 1, seq: 1 }).toArray()) as AuditEntry[];
    },
    async scanAudit(subjectPrefix: string, after: string | null, limit: number) {
      const [subject, seq] = decodeAuditCursor(after);
      const entries = (await audit
        .find(
          {
            subject: { $regex: `^${escapeRegex(subjectPrefix)}` },
            $or: [{ subject: { $gt: subject } }, { subject, seq: { $gt: seq } }],
          },
          withoutId,
        )
        .sort({ subject: 1, seq: 1 })
        .limit(limit)
        .toArray()) as AuditEntry[];
      return auditPage(entries, limit);
    },
    async interfaceMonitor(plants: readonly string[] | undefined): Promise<InterfaceMonitorRow[]> {
      const inPlants = plants === undefined ? {} : { plant: { $in: [...plants] } };
      const statuses = await db
        .collection('transactions')
        .aggregate<{
          _id: { plant: string; messageType: string; system: string; status: TransactionRecord['status'] };
          count: number;
        }>([
          { $match: inPlants },
          {
            $group: {
              _id: {
                plant: '$plant',
                messageType: '$envelope.command.messageType',
                system: '$envelope.principal.id',
                status: '$status',
              },
              count: { $sum: 1 },
            },
          },
        ])
        .toArray();
      const open = await db
        .collection('exceptions')
        .aggregate<{
          _id: { plant: string; messageType: string; system: string | null; type: ExceptionType };
          count: number;
          oldest: string;
        }>([
          { $match: { ...inPlants, status: { $in: ['OPEN', 'AWAITING_APPROVAL'] } } },
          { $lookup: { from: 'transactions', localField: 'correlationId', foreignField: '_id', as: 't' } },
          {
            $group: {
              _id: {
                plant: '$plant',
                messageType: '$messageType',
                system: { $first: '$t.envelope.principal.id' },
                type: '$type',
              },
              count: { $sum: 1 },
              oldest: { $min: '$createdAt' },
            },
          },
        ])
        .toArray();
      return interfaceRows(
        statuses.map(({ _id, count }) => ({ ..._id, count })),
        open.map(({ _id, count, oldest }) => ({
          ..._id,
          system: _id.system ?? 'unknown',
          count,
          oldestCreatedAt: oldest,
        })),
      );
    },
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
