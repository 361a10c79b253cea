import type { Command } from '../messages/message.registry';
import type { CodeMappings } from '../rules/rule-set';
import type { Decision, OutboxRequest } from '../workflow/decision';

/** The kinds of code a plant may name differently from the canonical codes. */
export type CodeTable = 'items' | 'uoms' | 'workCenters' | 'lots';

export interface Unmapped {
  table: CodeTable;
  code: string;
}

type Direction = 'inbound' | 'outbound';

const KIND: Record<CodeTable, string> = { items: 'Item', uoms: 'Unit', workCenters: 'Work centre', lots: 'Lot' };

/**
 * One code in the other direction: inbound from the plant's code to the canonical one, outbound back. Without a table
 * for its kind a code maps to itself; with one, a code it does not name is unmapped. Lot numbers map by prefix.
 */
function mapCode(mappings: CodeMappings, table: CodeTable, code: string, direction: Direction): string | Unmapped {
  if (table === 'lots') {
    const prefix = mappings.lotPrefix;
    if (!prefix) return code;
    const [from, to] = direction === 'inbound' ? [prefix.plant, prefix.canonical] : [prefix.canonical, prefix.plant];
    return code.startsWith(from) ? `${to}${code.slice(from.length)}` : { table, code };
  }
  const entries = mappings[table];
  if (!entries) return code;
  if (direction === 'inbound') return entries[code] ?? { table, code };
  const plantCode = Object.entries(entries).find(([, canonical]) => canonical === code)?.[0];
  return plantCode ?? { table, code };
}

/** Maps the named fields of one object, collecting the first code that has no mapping. */
function mapFields<T extends Record<string, unknown>>(
  value: T,
  fields: Partial<Record<keyof T & string, CodeTable>>,
  mappings: CodeMappings,
  direction: Direction,
  unmapped: Unmapped[],
): T {
  const out: Record<string, unknown> = { ...value };
  for (const [field, table] of Object.entries(fields) as [string, CodeTable | undefined][]) {
    const code = value[field];
    if (!table || typeof code !== 'string') continue;
    const mapped = mapCode(mappings, table, code, direction);
    if (typeof mapped === 'string') out[field] = mapped;
    else unmapped.push(mapped);
  }
  return out as T;
}

/** What the plant's systems send, per message type: the coded fields to map to canonical codes at intake. */
const INBOUND: Partial<Record<Command['messageType'], Record<string, CodeTable>>> = {
  ReportOperationEvent: { workCenter: 'workCenters' },
  ReportMaterialConsumption: { item: 'items', lot: 'lots', uom: 'uoms' },
  ReportProductionCompletion: { lot: 'lots', uom: 'uoms' },
  RecordInspectionResult: { lot: 'lots' },
  ReportNonconformance: { lot: 'lots' },
};

/**
 * A command from the plant's MES or QMS in canonical codes, by the plant's mapping tables. ERP speaks canonical codes
 * already. A first-article result names no real lot, so its "lot" is not mapped.
 */
export function toCanonical(command: Command, mappings: CodeMappings): { command: Command } | { unmapped: Unmapped } {
  const fields = INBOUND[command.messageType];
  if (!fields || Object.keys(mappings).length === 0) return { command };
  const payload = command.payload as unknown as Record<string, unknown>;
  const skipLot = payload.inspectionType === 'FIRST_ARTICLE';
  const unmapped: Unmapped[] = [];
  const mapped = mapFields(payload, skipLot ? { ...fields, lot: undefined } : fields, mappings, 'inbound', unmapped);
  if (unmapped[0]) return { unmapped: unmapped[0] };
  return { command: { ...command, payload: mapped } as Command };
}

/** What Plantgate sends the plant's MES and QMS, in the plant's codes. */
function toPlantPayload(request: OutboxRequest, mappings: CodeMappings, unmapped: Unmapped[]): object {
  const p = request.payload as Record<string, unknown>;
  const map = (value: Record<string, unknown>, fields: Record<string, CodeTable>) =>
    mapFields(value, fields, mappings, 'outbound', unmapped);
  const list = (key: string, fields: Record<string, CodeTable>) =>
    Array.isArray(p[key]) ? { [key]: (p[key] as Record<string, unknown>[]).map((v) => map(v, fields)) } : {};
  switch (request.messageType) {
    case 'OrderReleased':
    case 'OrderChanged':
      return {
        ...map(p, { item: 'items', uom: 'uoms' }),
        ...list('operations', { workCenter: 'workCenters' }),
        ...list('components', { item: 'items', uom: 'uoms' }),
      };
    case 'OrderCancelled':
      return { ...p, ...list('releasedReservations', { item: 'items', uom: 'uoms' }) };
    case 'InspectionRequested':
      return map(
        p,
        p.inspectionType === 'FIRST_ARTICLE'
          ? { item: 'items', uom: 'uoms' }
          : { item: 'items', lot: 'lots', uom: 'uoms' },
      );
    default:
      return p;
  }
}

/**
 * A decision's messages to MES and QMS in the plant's codes. A canonical code the plant's tables do not name cannot be
 * sent: the decision is refused as VALIDATION `mapping.<table>`, naming the code and the table.
 */
export function toPlantCodes(decision: Decision, mappings: CodeMappings, plant: string, version: number): Decision {
  if (decision.kind !== 'apply' || Object.keys(mappings).length === 0) return decision;
  const unmapped: Unmapped[] = [];
  const outbox = decision.outbox.map((request) =>
    request.destination === 'erp' ? request : { ...request, payload: toPlantPayload(request, mappings, unmapped) },
  );
  if (unmapped[0]) return unmappedRefusal(unmapped[0], plant, version, 'outbound');
  return { ...decision, outbox };
}

/** The refusal of a code a plant's mapping table does not name. */
export function unmappedRefusal(
  unmapped: Unmapped,
  plant: string,
  version: number,
  direction: Direction,
): Extract<Decision, { kind: 'quarantine' }> {
  const which = direction === 'inbound' ? "plant's code" : 'canonical code';
  return {
    kind: 'quarantine',
    type: 'VALIDATION',
    rule: `mapping.${unmapped.table}`,
    reason: `${KIND[unmapped.table]} ${unmapped.code} (a ${which}) has no entry in plant ${plant}'s ${unmapped.table} mapping (rule set version ${version}); add it to the plant's mappings.`,
  };
}
