import type Database from 'better-sqlite3';
import type { AuditEntry } from '../../core/ports/records';
import type { AuditTrailRequest, ExceptionUpdate, InterfaceMonitorRow } from '../../core/ports/store.port';
import {
  auditPage,
  decodeAuditCursor,
  interfaceRows,
  type OpenExceptionGroup,
  type StatusGroup,
} from '../workbench-rows';
import { inPlants } from './sqlite.monitoring';
import { auditFromRow, exceptionToRow, type AuditRow } from './sqlite.rows';

/** The exception workbench's statements: exceptions changed at a version, audit trails, the interface monitor. */
export function sqliteWorkbenchStatements(db: Database.Database, onConflict: () => never) {
  const updateException = db.prepare(
    `UPDATE exceptions SET status = @status, reason = @reason, rule = @rule, owner = @owner, due_at = @due_at, assignee = @assignee,
       closed_at = @closed_at, version = @version, workbench = @workbench
     WHERE id = @id AND version = @expected_version`,
  );
  const republish = db.prepare(
    'UPDATE outbox SET published_at = NULL, lease_owner = NULL, lease_until = NULL WHERE id = ?',
  );
  const orderTrail = db.prepare<[string], AuditRow>('SELECT * FROM audit WHERE subject = ? ORDER BY seq');
  const lotTrail = db.prepare<[string, string], AuditRow>(
    "SELECT * FROM audit WHERE json_extract(detail, '$.concerns.lot') = ? AND subject LIKE ? ESCAPE '\\' ORDER BY seq",
  );
  const scan = db.prepare<[string, string, string, number, number], AuditRow>(
    `SELECT * FROM audit WHERE subject LIKE ? ESCAPE '\\' AND (subject > ? OR (subject = ? AND seq > ?))
     ORDER BY subject, seq LIMIT ?`,
  );

  return {
    /** Inside the caller's write transaction. */
    updateExceptions(updates: readonly ExceptionUpdate[]) {
      for (const { record, expectedVersion } of updates) {
        const changes = updateException.run({ ...exceptionToRow(record), expected_version: expectedVersion }).changes;
        if (changes === 0) onConflict();
      }
    },
    /** Inside the caller's write transaction. */
    republishOutbox(ids: readonly string[]) {
      ids.forEach((id) => republish.run(id));
    },
    auditTrail(request: AuditTrailRequest): AuditEntry[] {
      const rows =
        'lot' in request
          ? lotTrail.all(request.lot, `order:${likeEscape(request.plant)}:%`)
          : orderTrail.all(`order:${request.plant}:${request.orderNumber}`);
      return rows.map(auditFromRow);
    },
    scanAudit(subjectPrefix: string, after: string | null, limit: number) {
      const [subject, seq] = decodeAuditCursor(after);
      return auditPage(
        scan.all(`${likeEscape(subjectPrefix)}%`, subject, subject, seq, limit).map(auditFromRow),
        limit,
      );
    },
    interfaceMonitor(plants: readonly string[] | undefined): InterfaceMonitorRow[] {
      const sender = "json_extract(envelope, '$.principal.id')";
      const statuses = db
        .prepare(
          `SELECT plant, message_type AS messageType, ${sender} AS system, status, COUNT(*) AS count FROM transactions
           WHERE 1 = 1 ${inPlants(plants)} GROUP BY plant, message_type, system, status`,
        )
        .all(...(plants ?? [])) as StatusGroup[];
      const open = db
        .prepare(
          `SELECT e.plant, e.message_type AS messageType, COALESCE(${sender}, 'unknown') AS system, e.type,
             COUNT(*) AS count, MIN(e.created_at) AS oldestCreatedAt
           FROM exceptions e LEFT JOIN transactions t ON t.correlation_id = e.correlation_id
           WHERE e.status IN ('OPEN', 'AWAITING_APPROVAL') ${inPlants(plants, 'e.plant')}
           GROUP BY e.plant, e.message_type, system, e.type`,
        )
        .all(...(plants ?? [])) as OpenExceptionGroup[];
      return interfaceRows(statuses, open);
    },
  };
}

/** A literal prefix as a LIKE pattern: plant codes and order numbers may hold % or _. */
function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
