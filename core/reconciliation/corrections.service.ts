import { inPlantScope, requireOwnerOrAdmin } from '../auth/permissions';
import { principalRef, type Principal } from '../auth/principal';
import { DomainError } from '../errors';
import { changeException, isActive } from '../exceptions/exception.transitions';
import { childTraceparent } from '../intake/trace-context';
import type { OrderRecord } from '../orders/order.types';
import type { OutboxDraft } from '../ports/records';
import type { ReconciliationUnit } from '../ports/reconciliation.port';
import type { Store } from '../ports/store.port';
import { driftAudit } from './drift-ledger';
import { correctionPostingKey, RAISED_DRIFT_STATUSES, type DriftRecord, type DriftStatus } from './drift.types';
import { noteOf } from '../exceptions/required-note';
import { LOST_RACE, untilWritten } from '../write-races';

export interface CorrectionsDeps {
  store: Pick<Store, 'getDrift' | 'getOrder' | 'getLot' | 'getException' | 'commitReconciliation'>;
  now: () => Date;
}

/**
 * People decide drifts: a proposed correction is applied only when a principal of the drift's owning role (or
 * ADMIN) approves it, in one store commit with the drift's new status, its RECONCILIATION exception closed and the
 * audit entry. A posting to ERP goes out through the outbox under the key `erp|correction|<drift>|<n>`: approving
 * twice finds the drift CORRECTED (refused), and two approvals racing meet at the drift's version (one wins).
 */
export function createCorrections(deps: CorrectionsDeps) {
  const { store } = deps;

  async function load(principal: Principal, id: string, what: string): Promise<DriftRecord> {
    const drift = await store.getDrift(id);
    if (!drift || !inPlantScope(principal, drift.plant)) {
      throw new DomainError('NOT_FOUND', `No drift ${id}`, { details: { driftId: id } });
    }
    requireOwnerOrAdmin(principal, drift.owner, `${what} drift ${id}`);
    return drift;
  }

  function requireStatus(drift: DriftRecord, allowed: DriftStatus[], what: string) {
    if (allowed.includes(drift.status)) return;
    const last = drift.decisions.at(-1);
    throw new DomainError(
      'ILLEGAL_TRANSITION',
      `Drift ${drift.id} is ${drift.status}${last ? ` (${last.action.toLowerCase()} by ${last.actor})` : ''}; only ${allowed.join(' or ')} drifts can be ${what}`,
      { details: { driftId: drift.id, status: drift.status } },
    );
  }

  /** The drift decided, its exception closed with the same note, and the audit entry: one unit. */
  async function decided(drift: DriftRecord, principal: Principal, status: DriftStatus, note: string) {
    const at = deps.now().toISOString();
    const action = status === 'CORRECTED' ? 'APPROVED' : 'REJECTED';
    const record: DriftRecord = {
      ...drift,
      status,
      correctionsApplied: drift.correctionsApplied + (status === 'CORRECTED' ? 1 : 0),
      decisions: [...drift.decisions, { action, actor: principal.id, at, note }],
      version: drift.version + 1,
    };
    const exception = drift.exceptionId ? await store.getException(drift.exceptionId) : null;
    const closing =
      exception && isActive(exception)
        ? changeException(
            exception,
            { action: 'RESOLVED', actor: principal.id, at, note: `Correction ${action.toLowerCase()}: ${note}` },
            { status: 'RESOLVED' },
          )
        : null;
    const unit: ReconciliationUnit = {
      drifts: [{ record, expectedVersion: drift.version }],
      outbox: [],
      exceptions: [],
      exceptionUpdates: closing ? [closing.update] : [],
      audit: [
        driftAudit(
          record,
          `correction-${action.toLowerCase()}`,
          { at, actor: principal.id, correlationId: drift.id },
          { note, correction: drift.correction },
        ),
        ...(closing ? [closing.audit] : []),
      ],
    };
    return { record, unit, at };
  }

  async function applied(unit: ReconciliationUnit, drift: DriftRecord, principal: Principal, at: string) {
    const correction = drift.correction!;
    const n = drift.correctionsApplied + 1;
    if (correction.kind === 'ADJUST_LOT_LEDGER') {
      const lot = await store.getLot(drift.plant, correction.lot);
      if (!lot) throw new DomainError('NOT_FOUND', `No lot ${correction.lot} in plant ${drift.plant}`);
      // The difference found is applied, not the count: a consumption booked on both sides since the run stays.
      const quantity = lot.quantity + (correction.quantity - Number(drift.plantgateValue));
      unit.lots = [
        { record: { ...lot, quantity, version: lot.version + 1, updatedAt: at }, expectedVersion: lot.version },
      ];
      return;
    }
    const order = drift.orderNumber ? await store.getOrder(drift.plant, drift.orderNumber) : null;
    if (!order) throw new DomainError('NOT_FOUND', `No order ${drift.orderNumber} in plant ${drift.plant}`);
    const correlationId = `${drift.id}:${n}`;
    const drafts: OutboxDraft[] = correction.postings.map((posting, i) => ({
      id: `${correlationId}:${i}`,
      destination: posting.destination,
      messageType: posting.postingType,
      correlationId,
      scope: { plant: drift.plant, orderNumber: order.orderNumber },
      idempotencyKey: correctionPostingKey(posting.destination, drift.id, n, i),
      payload: { ...posting.payload, postingKey: correctionPostingKey(posting.destination, drift.id, n, i) },
      createdAt: at,
      traceparent: childTraceparent(undefined),
      principal: principalRef(principal),
    }));
    const next: OrderRecord = {
      ...order,
      // ERP's acknowledgement of a correction posting finds it on the order, like any posting Plantgate asked for.
      postings: [
        ...order.postings,
        ...drafts
          .filter((d) => d.destination === 'erp')
          .map((d) => ({
            postingKey: d.idempotencyKey,
            system: 'erp' as const,
            postingType: d.messageType,
            status: 'REQUESTED' as const,
            correlationId,
            requestedAt: at,
            postedAt: null,
            documentNumber: null,
          })),
      ],
      version: order.version + 1,
      updatedAt: at,
    };
    unit.order = { record: next, expectedVersion: order.version };
    unit.outbox = drafts;
  }

  const kept = (id: string) => `Drift ${id} kept changing; read it again and retry`;

  async function approve(principal: Principal, id: string, note: string): Promise<DriftRecord> {
    const why = noteOf(note);
    return untilWritten(
      async () => {
        const drift = await load(principal, id, 'approve a correction of');
        requireStatus(drift, ['CORRECTION_PROPOSED'], 'corrected');
        const { record, unit, at } = await decided(drift, principal, 'CORRECTED', why);
        await applied(unit, drift, principal, at);
        return (await store.commitReconciliation(unit)).ok ? record : LOST_RACE;
      },
      kept(id),
      5,
    );
  }

  async function reject(principal: Principal, id: string, note: string): Promise<DriftRecord> {
    const why = noteOf(note);
    return untilWritten(
      async () => {
        const drift = await load(principal, id, 'reject a correction of');
        requireStatus(drift, [...RAISED_DRIFT_STATUSES], 'rejected');
        const { record, unit } = await decided(drift, principal, 'REJECTED', why);
        return (await store.commitReconciliation(unit)).ok ? record : LOST_RACE;
      },
      kept(id),
      5,
    );
  }

  return { approve, reject };
}

export type Corrections = ReturnType<typeof createCorrections>;
