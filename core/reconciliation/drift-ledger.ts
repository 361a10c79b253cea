import { openException } from '../exceptions/exception.factory';
import { round } from '../reference/uom';
import { changeException, isActive, type ExceptionChange } from '../exceptions/exception.transitions';
import { ownerOf } from '../exceptions/exception.policy';
import type { AuditDraft, ExceptionRecord } from '../ports/records';
import type { RuleSet, Tolerance } from '../rules/rule-set';
import { driftId, isRaised, type DriftRecord, type DriftSystem, type Finding } from './drift.types';

/** Field kinds name tolerances: `goodsIssued:L-1` is a `goodsIssued`. */
export function fieldKind(field: string): string {
  return field.split(':')[0]!;
}

function differenceOf(finding: Pick<Finding, 'plantgateValue' | 'systemValue'>): number | null {
  const { plantgateValue: a, systemValue: b } = finding;
  return typeof a === 'number' && typeof b === 'number' ? round(b - a) : null;
}

export function withinTolerance(finding: Finding, tolerance: Tolerance | undefined): boolean {
  const difference = differenceOf(finding);
  if (difference === null || !tolerance) return false;
  const base = Math.abs(typeof finding.plantgateValue === 'number' ? finding.plantgateValue : 0);
  return Math.abs(difference) <= Math.max(tolerance.absolute, (base * tolerance.percent) / 100);
}

export interface RunContext {
  plant: string;
  runId: string;
  now: string;
  actor: string;
  rules: RuleSet;
}

/** What one finding (or its absence) changes: the drift, the exception it opens or closes, the audit entries. */
export interface DriftChange {
  drift: { record: DriftRecord; expectedVersion: number };
  exceptions: ExceptionRecord[];
  exceptionUpdates: ExceptionChange['update'][];
  audit: AuditDraft[];
}

const ruleOf = (system: DriftSystem, field: string) => `reconciliation.${system.toLowerCase()}.${fieldKind(field)}`;

export function auditSubject(drift: Pick<DriftRecord, 'plant' | 'orderNumber' | 'lot'>): string {
  return drift.orderNumber ? `order:${drift.plant}:${drift.orderNumber}` : `lot:${drift.plant}:${drift.lot}`;
}

/** An audit entry about a drift, in its order's (or lot's) chain: what differed, and what was decided, by whom. */
export function driftAudit(
  drift: DriftRecord,
  action: string,
  entry: { at: string; actor: string; correlationId: string },
  detail: { note: string; correction?: DriftRecord['correction'] },
): AuditDraft {
  return {
    ...entry,
    subject: auditSubject(drift),
    action: `reconciliation.${action}`,
    detail: {
      driftId: drift.id,
      system: drift.system,
      field: drift.field,
      plantgateValue: drift.plantgateValue,
      systemValue: drift.systemValue,
      status: drift.status,
      ...detail,
      concerns: drift.lot ? { lot: drift.lot } : {},
    },
  };
}

const runEntry = (ctx: Pick<RunContext, 'now' | 'actor' | 'runId'>) => ({
  at: ctx.now,
  actor: ctx.actor,
  correlationId: ctx.runId,
});

function describe(
  drift: Pick<DriftRecord, 'system' | 'field' | 'plantgateValue' | 'systemValue' | 'orderNumber' | 'lot'>,
) {
  const subject = drift.orderNumber ? `order ${drift.orderNumber}` : `lot ${drift.lot}`;
  return `${drift.system} disagrees with Plantgate on ${subject}, ${drift.field}: Plantgate ${String(drift.plantgateValue)}, ${drift.system} ${String(drift.systemValue)}`;
}

function raise(drift: DriftRecord, ctx: RunContext): ExceptionRecord {
  return openException(
    {
      id: `${drift.id}@${ctx.now}`,
      type: 'RECONCILIATION',
      reason: `${describe(drift)}${drift.correction ? `. Proposed: ${drift.correction.description}` : ''}`,
      plant: drift.plant,
      orderNumber: drift.orderNumber ?? '',
      correlationId: ctx.runId,
      messageType: 'Reconciliation',
      payload: { driftId: drift.id, field: drift.field, lot: drift.lot, correction: drift.correction },
      rule: ruleOf(drift.system, drift.field),
      createdAt: ctx.now,
    },
    ctx.rules,
  );
}

/**
 * A difference a run found, against what earlier runs recorded under the same id. New or back after a correction:
 * within tolerance it is only recorded; beyond it, it opens a RECONCILIATION exception with the proposed correction.
 * Found again unchanged: nothing is written (a plant of 100,000 orders does not rewrite its standing drifts).
 * A REJECTED drift stays rejected: a person accepted the difference.
 */
export function assessFinding(finding: Finding, prior: DriftRecord | null, ctx: RunContext): DriftChange | null {
  const id = driftId(ctx.plant, finding.system, finding);
  const tolerable = withinTolerance(finding, ctx.rules.reconciliation.tolerances[fieldKind(finding.field)]);
  const status = tolerable ? 'WITHIN_TOLERANCE' : finding.correction ? 'CORRECTION_PROPOSED' : 'OPEN';
  const rule = ruleOf(finding.system, finding.field);
  const values = { plantgateValue: finding.plantgateValue, systemValue: finding.systemValue };
  const same = prior && prior.plantgateValue === finding.plantgateValue && prior.systemValue === finding.systemValue;
  const standing = prior && ['OPEN', 'CORRECTION_PROPOSED', 'WITHIN_TOLERANCE', 'REJECTED'].includes(prior.status);
  if (prior?.status === 'REJECTED' && same) return null;
  if (prior && standing && same && prior.status === status) return null;
  const base: DriftRecord = prior ?? {
    id,
    plant: ctx.plant,
    orderNumber: finding.orderNumber,
    lot: finding.lot,
    system: finding.system,
    field: finding.field,
    ...values,
    difference: null,
    severity: 'LOW',
    status,
    owner: ownerOf('RECONCILIATION', rule),
    correction: null,
    correctionsApplied: 0,
    exceptionId: null,
    runId: ctx.runId,
    firstSeenAt: ctx.now,
    lastSeenAt: ctx.now,
    closedAt: null,
    decisions: [],
    version: 0,
  };
  const difference = differenceOf(finding);
  const base100 = Math.abs(typeof finding.plantgateValue === 'number' ? finding.plantgateValue : 0);
  const record: DriftRecord = {
    ...base,
    ...values,
    lot: finding.lot ?? base.lot,
    difference,
    // A status that differs, or a quantity more than a tenth off, is HIGH.
    severity: difference === null || Math.abs(difference) > base100 / 10 ? 'HIGH' : 'LOW',
    status: prior?.status === 'REJECTED' ? 'REJECTED' : status,
    correction: tolerable ? null : finding.correction,
    runId: ctx.runId,
    lastSeenAt: ctx.now,
    closedAt: null,
    decisions: [
      ...base.decisions,
      {
        action: prior && !standing ? 'REOPENED' : 'FOUND',
        actor: ctx.actor,
        at: ctx.now,
        note: describe({ ...base, ...values }),
      },
    ],
    version: base.version + 1,
  };
  const change: DriftChange = {
    drift: { record, expectedVersion: base.version },
    exceptions: [],
    exceptionUpdates: [],
    audit: [],
  };
  // Raised now, and not already raised with its exception: the exception opens.
  if (isRaised(record.status) && !(prior && isRaised(prior.status) && prior.exceptionId)) {
    const exception = raise(record, ctx);
    record.exceptionId = exception.id;
    change.exceptions.push(exception);
  }
  change.audit.push(
    driftAudit(record, prior && !standing ? 'drift-reopened' : 'drift-found', runEntry(ctx), {
      note: describe(record),
    }),
  );
  return change;
}

/** A standing drift whose subject a run checked and found in agreement: closed, and its exception with it. */
export function closeDrift(
  drift: DriftRecord,
  exception: ExceptionRecord | null,
  ctx: Pick<RunContext, 'now' | 'actor' | 'runId'>,
): DriftChange {
  const note = `Run ${ctx.runId} finds Plantgate and ${drift.system} in agreement`;
  const record: DriftRecord = {
    ...drift,
    status: 'CLOSED',
    closedAt: ctx.now,
    runId: ctx.runId,
    decisions: [...drift.decisions, { action: 'CLOSED', actor: ctx.actor, at: ctx.now, note }],
    version: drift.version + 1,
  };
  const closing =
    exception && isActive(exception)
      ? changeException(exception, { action: 'RESOLVED', actor: ctx.actor, at: ctx.now, note }, { status: 'RESOLVED' })
      : null;
  return {
    drift: { record, expectedVersion: drift.version },
    exceptions: [],
    exceptionUpdates: closing ? [closing.update] : [],
    audit: [driftAudit(record, 'drift-closed', runEntry(ctx), { note }), ...(closing ? [closing.audit] : [])],
  };
}
