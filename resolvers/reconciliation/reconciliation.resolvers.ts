import { inPlantScope } from '../../core/auth/permissions';
import { DomainError } from '../../core/errors';
import type { DriftFilter } from '../../core/ports/reconciliation.port';
import type { Store } from '../../core/ports/store.port';
import type { Corrections } from '../../core/reconciliation/corrections.service';
import type { DriftRecord, ReconciliationRun, RunScope } from '../../core/reconciliation/drift.types';
import type { Reconciler } from '../../core/reconciliation/reconciliation.runner';
import { listScope, withinScope } from '../auth/plant-scope';
import { pageRequest, toConnection } from '../connection';
import type { GatewayContext } from '../context';
import { withoutNulls } from '../orders/orders.resolvers';

export interface ReconciliationResolverDeps {
  store: Pick<Store, 'getRun' | 'listRuns' | 'getDrift' | 'listDrifts' | 'getException'>;
  reconciler: Reconciler;
  corrections: Corrections;
}

const seconds = (from: string, to: string | null) =>
  Math.max(0, ((to ? Date.parse(to) : Date.now()) - Date.parse(from)) / 1000);

export function reconciliationResolvers({ store, reconciler, corrections }: ReconciliationResolverDeps) {
  return {
    Query: {
      reconciliationRuns: async (
        _: unknown,
        args: { plant: string; first?: number | null; after?: string | null },
        ctx: GatewayContext,
      ) => {
        const request = pageRequest(args.first, args.after);
        if (!inPlantScope(ctx.principal, args.plant))
          return toConnection({ items: [], cursors: [], totalCount: 0, endCursor: null, hasNextPage: false });
        return toConnection(await store.listRuns(args.plant, request));
      },
      reconciliationRun: async (_: unknown, args: { id: string }, ctx: GatewayContext) =>
        withinScope(ctx.principal, await store.getRun(args.id)),
      drifts: async (
        _: unknown,
        args: { filter?: DriftFilter | null; first?: number | null; after?: string | null },
        ctx: GatewayContext,
      ) => {
        const filter = withoutNulls(args.filter ?? {});
        return toConnection(
          await store.listDrifts(
            { ...filter, ...listScope(ctx.principal, filter.plant) },
            pageRequest(args.first, args.after),
          ),
        );
      },
    },
    Mutation: {
      runReconciliation: async (_: unknown, args: { plant: string; scope?: RunScope | null }, ctx: GatewayContext) => {
        if (!inPlantScope(ctx.principal, args.plant)) {
          throw new DomainError('FORBIDDEN', `${ctx.principal.name} may not reconcile plant ${args.plant}`, {
            details: { plant: args.plant },
          });
        }
        return reconciler.start(args.plant, args.scope ?? 'INCREMENTAL', ctx.principal.id);
      },
      approveCorrection: (_: unknown, args: { driftId: string; note: string }, ctx: GatewayContext) =>
        corrections.approve(ctx.principal, args.driftId, args.note),
      rejectCorrection: (_: unknown, args: { driftId: string; note: string }, ctx: GatewayContext) =>
        corrections.reject(ctx.principal, args.driftId, args.note),
    },
    ReconciliationRun: {
      durationSeconds: (run: ReconciliationRun) => (run.finishedAt ? seconds(run.startedAt, run.finishedAt) : null),
      drifts: async (run: ReconciliationRun, args: { first?: number | null; after?: string | null }) =>
        toConnection(await store.listDrifts({ plant: run.plant, runId: run.id }, pageRequest(args.first, args.after))),
    },
    Drift: {
      ageSeconds: (drift: DriftRecord) => seconds(drift.firstSeenAt, drift.closedAt),
      exception: async (drift: DriftRecord) => (drift.exceptionId ? store.getException(drift.exceptionId) : null),
    },
  };
}
