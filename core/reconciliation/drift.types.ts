import type { Role } from '../auth/principal';

export const DRIFT_SYSTEMS = ['ERP', 'MES', 'QMS'] as const;
export type DriftSystem = (typeof DRIFT_SYSTEMS)[number];

export const DRIFT_STATUSES = [
  'OPEN',
  'WITHIN_TOLERANCE',
  'CORRECTION_PROPOSED',
  'CORRECTED',
  'CLOSED',
  'REJECTED',
] as const;
export type DriftStatus = (typeof DRIFT_STATUSES)[number];

/** Drifts raised beyond tolerance that wait for a person: a correction to decide, or a fix in the system. */
export const RAISED_DRIFT_STATUSES: readonly DriftStatus[] = ['OPEN', 'CORRECTION_PROPOSED'];

export function isRaised(status: DriftStatus): boolean {
  return RAISED_DRIFT_STATUSES.includes(status);
}

export type DriftSeverity = 'LOW' | 'HIGH';

/** A value as compared: a quantity, a status, or nothing (the system does not know the record). */
export type DriftValue = number | string | null;

/** A message a correction sends to a system, under its own idempotency key. */
export interface CorrectionPosting {
  destination: 'erp' | 'mes' | 'qms';
  postingType: string;
  payload: Record<string, unknown>;
}

/**
 * What would bring the systems back together, applied only when a principal of the owning role approves it: a
 * posting to ERP of what it is missing, the release sent to MES again, the inspection asked of QMS again, or
 * Plantgate's lot ledger set to ERP's count.
 */
export type Correction =
  | {
      kind: 'POST_TO_ERP' | 'RESEND_RELEASE_TO_MES' | 'REQUEST_INSPECTION';
      description: string;
      postings: CorrectionPosting[];
    }
  | { kind: 'ADJUST_LOT_LEDGER'; description: string; lot: string; quantity: number };

/** One difference a reconciliation run found, before it is compared with what earlier runs found. */
export interface Finding {
  system: DriftSystem;
  orderNumber: string | null;
  lot: string | null;
  field: string;
  plantgateValue: DriftValue;
  systemValue: DriftValue;
  correction: Correction | null;
}

export interface DriftDecision {
  action: 'FOUND' | 'APPROVED' | 'REJECTED' | 'REOPENED' | 'CLOSED';
  actor: string;
  at: string;
  note: string;
}

/**
 * A difference between Plantgate's record and a system's, kept across runs under one id (plant, system, subject,
 * field): a run that finds it again updates it; a run that checks its subject and no longer finds it closes it.
 */
export interface DriftRecord {
  id: string;
  plant: string;
  orderNumber: string | null;
  lot: string | null;
  system: DriftSystem;
  field: string;
  plantgateValue: DriftValue;
  systemValue: DriftValue;
  /** systemValue − plantgateValue for quantities; null for statuses. */
  difference: number | null;
  severity: DriftSeverity;
  status: DriftStatus;
  owner: Role;
  correction: Correction | null;
  /** Corrections applied so far: each gets its own idempotency key, `<drift id>:<n>`. */
  correctionsApplied: number;
  exceptionId: string | null;
  runId: string;
  firstSeenAt: string;
  lastSeenAt: string;
  closedAt: string | null;
  decisions: DriftDecision[];
  version: number;
}

export type RunScope = 'FULL' | 'INCREMENTAL';
export type RunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED';

/** One reconciliation run of a plant: what it checked, how far it got, what it found. */
export interface ReconciliationRun {
  id: string;
  plant: string;
  scope: RunScope;
  status: RunStatus;
  requestedBy: string;
  startedAt: string;
  finishedAt: string | null;
  /** Orders changed since this instant were checked (INCREMENTAL); null for FULL. */
  changedSince: string | null;
  ordersChecked: number;
  lotsChecked: number;
  /** Pages of orders and lots read from the store, and batched calls made per system. */
  pages: number;
  calls: { erp: number; mes: number; qms: number };
  driftsFound: number;
  driftsWithinTolerance: number;
  driftsClosed: number;
  error: string | null;
}

/** A run as it starts: RUNNING, nothing checked yet. */
export function newRun(
  fields: Pick<ReconciliationRun, 'id' | 'plant' | 'scope' | 'requestedBy' | 'startedAt' | 'changedSince'>,
): ReconciliationRun {
  return {
    ...fields,
    status: 'RUNNING',
    finishedAt: null,
    ordersChecked: 0,
    lotsChecked: 0,
    pages: 0,
    calls: { erp: 0, mes: 0, qms: 0 },
    driftsFound: 0,
    driftsWithinTolerance: 0,
    driftsClosed: 0,
    error: null,
  };
}

export function driftId(plant: string, system: DriftSystem, finding: Pick<Finding, 'orderNumber' | 'lot' | 'field'>) {
  const subject = finding.orderNumber ? `order:${finding.orderNumber}` : `lot:${finding.lot}`;
  return `drift:${plant}:${system}:${subject}:${finding.field}`;
}

/** The idempotency key of a correction's posting: its own, never one of Plantgate's decisions. */
export function correctionPostingKey(destination: string, driftId: string, n: number, index: number): string {
  return `${destination}|correction|${driftId}|${n}|${index}`;
}

/** A correction's posting moves no order through its lifecycle: it only brings ERP's figures level. */
export function isCorrectionPosting(postingKey: string): boolean {
  return postingKey.startsWith('erp|correction|');
}
