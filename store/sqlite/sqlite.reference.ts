import type Database from 'better-sqlite3';
import type { HeldMessage } from '../../core/workflow/held-message';
import {
  enrichmentOf,
  type ItemRecord,
  type LotRecord,
  type PlantEnrichment,
  type PlantRecord,
  type WorkCenterEnrichment,
  type WorkCenterRecord,
} from '../../core/reference/reference.types';
import type { UnitOfWork } from '../../core/ports/store.port';

/**
 * Reference data, lots and parked messages in SQLite: the statements the store's unit of work and reads use.
 * Conflicts are reported through `onConflict`, which throws inside the surrounding transaction.
 */
export function sqliteReferenceStatements(db: Database.Database) {
  const stmt = {
    upsertPlant: db.prepare(
      'INSERT INTO plants (code, name, enrichment) VALUES (?, ?, ?) ON CONFLICT (code) DO UPDATE SET name = excluded.name, enrichment = excluded.enrichment',
    ),
    upsertWorkCenter: db.prepare(
      'INSERT INTO work_centers (plant, code, enrichment) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET enrichment = excluded.enrichment',
    ),
    upsertItem: db.prepare(
      'INSERT INTO items (number, revision, doc) VALUES (?, ?, ?) ON CONFLICT (number, revision) DO UPDATE SET doc = excluded.doc',
    ),
    insertLot: db.prepare('INSERT INTO lots VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    insertSerial: db.prepare('INSERT INTO serials VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    findSerials: db.prepare<[string, string], { item: string; lotNumber: string }>(
      'SELECT item, lot_number AS lotNumber FROM serials WHERE plant = ? AND serial_number = ? ORDER BY item',
    ),
    updateLot: db.prepare(
      'UPDATE lots SET item = ?, status = ?, version = ?, doc = ? WHERE plant = ? AND lot_number = ? AND version = ?',
    ),
    insertHeld: db.prepare(
      'INSERT INTO held_messages (correlation_id, plant, order_number, held_until, doc) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    deleteHeld: db.prepare('DELETE FROM held_messages WHERE correlation_id = ?'),
    updateHeld: db.prepare('UPDATE held_messages SET held_until = ?, doc = ? WHERE correlation_id = ?'),
    ordersUnblocked: db.prepare<[number], { plant: string; orderNumber: string }>(
      `SELECT DISTINCT h.plant, h.order_number AS orderNumber FROM held_messages h
       JOIN exceptions e ON e.id = json_extract(h.doc, '$.blockedBy')
       WHERE e.status NOT IN ('OPEN', 'AWAITING_APPROVAL') LIMIT ?`,
    ),
    setStatus: db.prepare('UPDATE transactions SET status = ?, updated_at = ? WHERE correlation_id = ?'),
    getPlant: db.prepare<[string], { code: string; name: string; enrichment: string }>(
      'SELECT code, name, enrichment FROM plants WHERE code = ?',
    ),
    listWorkCenters: db.prepare<[string], { plant: string; code: string; enrichment: string }>(
      'SELECT plant, code, enrichment FROM work_centers WHERE plant = ? ORDER BY code',
    ),
    listItemRevisions: db.prepare<[string], { doc: string }>('SELECT doc FROM items WHERE number = ? ORDER BY seq'),
    getLot: db.prepare<[string, string], { doc: string; version: number }>(
      'SELECT doc, version FROM lots WHERE plant = ? AND lot_number = ?',
    ),
    listHeld: db.prepare<[string, string], { doc: string }>(
      'SELECT doc FROM held_messages WHERE plant = ? AND order_number = ? ORDER BY seq',
    ),
    listExpiredHeld: db.prepare<[string, number], { doc: string }>(
      'SELECT doc FROM held_messages WHERE held_until < ? ORDER BY seq LIMIT ?',
    ),
  };

  return {
    /** Writes the unit's reference data, lots, parked messages and related statuses. */
    write(
      unit: Omit<UnitOfWork, 'transaction' | 'audit' | 'outbox' | 'exceptions'> & {
        transaction?: Pick<UnitOfWork['transaction'], 'updatedAt'>;
      },
      onConflict: (kind: 'lot-version' | 'held') => never,
    ) {
      if (unit.releaseHeld && stmt.deleteHeld.run(unit.releaseHeld).changes === 0) onConflict('held');
      if (unit.hold) {
        const h = unit.hold;
        stmt.insertHeld.run(h.correlationId, h.plant, h.orderNumber, h.heldUntil, JSON.stringify(h));
      }
      if (unit.updateHeld) {
        const h = unit.updateHeld;
        if (stmt.updateHeld.run(h.heldUntil, JSON.stringify(h), h.correlationId).changes === 0) onConflict('held');
      }
      for (const plant of unit.reference?.plants ?? [])
        stmt.upsertPlant.run(plant.code, plant.name, JSON.stringify(enrichmentOf(plant)));
      for (const wc of unit.reference?.workCenters ?? [])
        stmt.upsertWorkCenter.run(wc.plant, wc.code, JSON.stringify(enrichmentOf(wc)));
      for (const item of unit.reference?.items ?? [])
        stmt.upsertItem.run(item.number, item.revision, JSON.stringify(item));
      for (const { record, expectedVersion } of unit.lots ?? []) {
        const doc = JSON.stringify(record);
        const changes =
          expectedVersion === 0
            ? stmt.insertLot.run(record.plant, record.lotNumber, record.item, record.status, record.version, doc)
                .changes
            : stmt.updateLot.run(
                record.item,
                record.status,
                record.version,
                doc,
                record.plant,
                record.lotNumber,
                expectedVersion,
              ).changes;
        if (changes === 0) onConflict('lot-version');
        for (const serial of record.serialNumbers ?? [])
          stmt.insertSerial.run(record.plant, serial, record.item, record.lotNumber);
      }
      for (const related of unit.relatedTransactions ?? [])
        stmt.setStatus.run(
          related.status,
          unit.transaction?.updatedAt ?? new Date().toISOString(),
          related.correlationId,
        );
    },
    getPlant: (code: string): PlantRecord | null => {
      const row = stmt.getPlant.get(code);
      return row ? { code: row.code, name: row.name, ...(JSON.parse(row.enrichment) as PlantEnrichment) } : null;
    },
    listWorkCenters: (plant: string): WorkCenterRecord[] =>
      stmt.listWorkCenters
        .all(plant)
        .map((row) => ({ plant: row.plant, code: row.code, ...(JSON.parse(row.enrichment) as WorkCenterEnrichment) })),
    listItemRevisions: (number: string): ItemRecord[] =>
      stmt.listItemRevisions.all(number).map((r) => JSON.parse(r.doc) as ItemRecord),
    findSerials: (plant: string, serialNumber: string) => stmt.findSerials.all(plant, serialNumber),
    usedSerials: (plant: string, item: string, serialNumbers: readonly string[]): string[] => {
      const used: string[] = [];
      // In chunks: SQLite binds at most 32766 parameters per statement.
      for (let i = 0; i < serialNumbers.length; i += 500) {
        const chunk = serialNumbers.slice(i, i + 500);
        const rows = db
          .prepare<unknown[], { serial: string }>(
            `SELECT serial_number AS serial FROM serials WHERE plant = ? AND item = ? AND serial_number IN (${chunk.map(() => '?').join(',')})`,
          )
          .all(plant, item, ...chunk);
        used.push(...rows.map((r) => r.serial));
      }
      return used;
    },
    getLot: (plant: string, lotNumber: string): LotRecord | null => {
      const row = stmt.getLot.get(plant, lotNumber);
      return row ? { ...(JSON.parse(row.doc) as LotRecord), version: row.version } : null;
    },
    listHeld: (plant: string, orderNumber: string): HeldMessage[] =>
      stmt.listHeld.all(plant, orderNumber).map((r) => JSON.parse(r.doc) as HeldMessage),
    listOrdersUnblocked: (limit: number) => stmt.ordersUnblocked.all(limit),
    listExpiredHeld: (now: string, limit: number): HeldMessage[] =>
      stmt.listExpiredHeld.all(now, limit).map((r) => JSON.parse(r.doc) as HeldMessage),
  };
}
