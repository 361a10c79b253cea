import type { AuditEntry, ExceptionType } from '../core/ports/records';
import type { InterfaceMonitorRow } from '../core/ports/store.port';
import type { TransactionRecord } from '../core/ports/transaction.record';

/** The audit scan's cursor: the last entry's chain and position, opaque to callers. Shared by both adapters. */
export function decodeAuditCursor(after: string | null): [string, number] {
  return after ? (JSON.parse(Buffer.from(after, 'base64url').toString()) as [string, number]) : ['', 0];
}

export function auditPage(entries: AuditEntry[], limit: number): { entries: AuditEntry[]; next: string | null } {
  const last = entries.at(-1);
  const next =
    entries.length === limit && last
      ? Buffer.from(JSON.stringify([last.subject, last.seq])).toString('base64url')
      : null;
  return { entries, next };
}

/** Groups of one plant, message type and sender, as each adapter counts them. */
export interface StatusGroup {
  plant: string;
  messageType: string;
  system: string;
  status: TransactionRecord['status'];
  count: number;
}
export interface OpenExceptionGroup {
  plant: string;
  messageType: string;
  system: string;
  type: ExceptionType;
  count: number;
  oldestCreatedAt: string;
}

/** Merges the two groupings into one row per interface, sorted by plant, message type and sender. */
export function interfaceRows(statuses: StatusGroup[], open: OpenExceptionGroup[]): InterfaceMonitorRow[] {
  const rows = new Map<string, InterfaceMonitorRow>();
  const rowOf = (g: { plant: string; messageType: string; system: string }) => {
    const key = JSON.stringify([g.plant, g.messageType, g.system]);
    const row = rows.get(key) ?? {
      plant: g.plant,
      messageType: g.messageType,
      system: g.system,
      byStatus: [],
      openExceptions: [],
    };
    rows.set(key, row);
    return row;
  };
  for (const s of statuses) rowOf(s).byStatus.push({ status: s.status, count: s.count });
  for (const e of open)
    rowOf(e).openExceptions.push({ type: e.type, count: e.count, oldestCreatedAt: e.oldestCreatedAt });
  return [...rows.values()].sort((a, b) =>
    `${a.plant}|${a.messageType}|${a.system}`.localeCompare(`${b.plant}|${b.messageType}|${b.system}`),
  );
}
