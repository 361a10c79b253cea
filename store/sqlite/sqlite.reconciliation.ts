import type Database from 'better-sqlite3';
import {
  UNCLOSED_DRIFT_STATUSES,
  type DriftFilter,
  type ReconciliationSummary,
} from '../../core/ports/reconciliation.port';
import type { Page } from '../../core/ports/records';
import type { PageRequest } from '../../core/ports/store.port';
import type { DriftRecord, ReconciliationRun } from '../../core/reconciliation/drift.types';
import type { LotRecord } from '../../core/reference/reference.types';
import { decodeCursor, encodeCursor } from '../paging';
import { orderFromRow, type OrderRow } from './sqlite.rows';

/** Reconciliation's runs and drifts in SQLite: the columns filter, the document holds the record. */
export function sqliteReconciliationStatements(db: Database.Database, onConflict: () => never) {
  const upsertRun = db.prepare(
    'INSERT INTO reconciliation_runs (id, plant, doc) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc',
  );
  const getRun = db.prepare<[string], { doc: string }>('SELECT doc FROM reconciliation_runs WHERE id = ?');
  const insertDrift = db.prepare(
    `INSERT INTO drifts (id, plant, system, status, field, order_number, lot, run_id, version, doc)
     VALUES (@id, @plant, @system, @status, @field, @order_number, @lot, @run_id, @version, @doc) ON CONFLICT DO NOTHING`,
  );
  const updateDrift = db.prepare(
    `UPDATE drifts SET status = @status, lot = @lot, run_id = @run_id, version = @version, doc = @doc
     WHERE id = @id AND version = @expected_version`,
  );
  const getDrift = db.prepare<[string], { doc: string }>('SELECT doc FROM drifts WHERE id = ?');
  const countRuns = db.prepare<[string], { n: number }>(
    'SELECT COUNT(*) AS n FROM reconciliation_runs WHERE plant = ?',
  );
  const lotsAfter = db.prepare<[string, string, number], { lot_number: string; doc: string; version: number }>(
    'SELECT lot_number, doc, version FROM lots WHERE plant = ? AND lot_number > ? ORDER BY lot_number LIMIT ?',
  );
  const row = (d: DriftRecord) => ({
    id: d.id,
    plant: d.plant,
    system: d.system,
    status: d.status,
    field: d.field,
    order_number: d.orderNumber,
    lot: d.lot,
    run_id: d.runId,
    version: d.version,
    doc: JSON.stringify(d),
  });

  return {
    /** Inside the caller's write transaction. */
    writeDrifts(drifts: readonly { record: DriftRecord; expectedVersion: number }[]) {
      for (const { record, expectedVersion } of drifts) {
        const changes =
          expectedVersion === 0
            ? insertDrift.run(row(record)).changes
            : updateDrift.run({ ...row(record), expected_version: expectedVersion }).changes;
        if (changes === 0) onConflict();
      }
    },
    saveRun(run: ReconciliationRun) {
      upsertRun.run(run.id, run.plant, JSON.stringify(run));
    },
    summary(): ReconciliationSummary {
      const drifts = db
        .prepare<[], ReconciliationSummary['drifts'][number]>(
          `SELECT plant, system,
             CASE WHEN instr(field, ':') > 0 THEN substr(field, 1, instr(field, ':') - 1) ELSE field END AS field,
             COUNT(*) AS count, MIN(json_extract(doc, '$.firstSeenAt')) AS oldestFirstSeenAt
           FROM drifts WHERE status IN (${UNCLOSED_DRIFT_STATUSES.map((s) => `'${s}'`).join(', ')})
           GROUP BY 1, 2, 3`,
        )
        .all();
      const lastSuccess = db
        .prepare<[], ReconciliationSummary['lastSuccess'][number]>(
          `SELECT plant, MAX(json_extract(doc, '$.finishedAt')) AS finishedAt FROM reconciliation_runs
           WHERE json_extract(doc, '$.status') = 'SUCCEEDED' GROUP BY plant`,
        )
        .all();
      return { drifts, lastSuccess };
    },
    getRun: (id: string): ReconciliationRun | null => parsed(getRun.get(id)),
    getDrift: (id: string): DriftRecord | null => parsed(getDrift.get(id)),
    /** Newest first: the cursor is the run's seq, going down. */
    listRuns(plant: string, request: PageRequest): Page<ReconciliationRun> {
      const before = decodeCursor(request.after, /^[1-9][0-9]{0,15}$/);
      const rows = db
        .prepare<unknown[], { seq: number; doc: string }>(
          `SELECT seq, doc FROM reconciliation_runs WHERE plant = ? ${before === null ? '' : 'AND seq < ?'}
           ORDER BY seq DESC LIMIT ?`,
        )
        .all(plant, ...(before === null ? [] : [Number(before)]), request.first + 1);
      const items = rows.slice(0, request.first);
      return {
        items: items.map((r) => JSON.parse(r.doc) as ReconciliationRun),
        cursors: items.map((r) => encodeCursor(r.seq)),
        totalCount: countRuns.get(plant)!.n,
        endCursor: items.length ? encodeCursor(items.at(-1)!.seq) : null,
        hasNextPage: rows.length > request.first,
      };
    },
    scanOrders(plant: string, after: string | null, limit: number, changedSince: string | null) {
      const rows = db
        .prepare<unknown[], OrderRow & { seq: number }>(
          `SELECT *, id AS seq FROM orders WHERE plant = ? AND id > ? ${changedSince ? 'AND updated_at >= ?' : ''}
           ORDER BY id LIMIT ?`,
        )
        .all(plant, Number(after ?? 0), ...(changedSince ? [changedSince] : []), limit);
      return { items: rows.map(orderFromRow), next: rows.length === limit ? String(rows.at(-1)!.seq) : null };
    },
    scanLots(plant: string, after: string, limit: number) {
      const rows = lotsAfter.all(plant, after, limit);
      return {
        items: rows.map((r): LotRecord => ({ ...(JSON.parse(r.doc) as LotRecord), version: r.version })),
        next: rows.length === limit ? rows.at(-1)!.lot_number : null,
      };
    },
    driftFilter(filter: DriftFilter): [string, unknown][] {
      return [
        ['plant', filter.plant],
        ['plant', filter.plants],
        ['system', filter.system],
        ['status', filter.status],
        ['field', filter.field],
        ['order_number', filter.orderNumber],
        ['lot', filter.lot],
        ['run_id', filter.runId],
      ];
    },
    driftsOf(plant: string, subjects: { orderNumbers: string[]; lots: string[] }): DriftRecord[] {
      const marks = (list: string[]) => list.map(() => '?').join(', ') || 'NULL';
      return db
        .prepare<unknown[], { doc: string }>(
          `SELECT doc FROM drifts WHERE plant = ?
             AND (order_number IN (${marks(subjects.orderNumbers)})
               OR (order_number IS NULL AND lot IN (${marks(subjects.lots)})))`,
        )
        .all(plant, ...subjects.orderNumbers, ...subjects.lots)
        .map((r) => JSON.parse(r.doc) as DriftRecord);
    },
  };
}

function parsed<T>(row: { doc: string } | undefined): T | null {
  return row ? (JSON.parse(row.doc) as T) : null;
}
