import { ruleSetFor, type RuleBook } from '../../core/rules/rule-set';
import { DomainError } from '../../core/errors';
import { overridePolicy } from '../../core/exceptions/exception.policy';
import type { Workbench } from '../../core/exceptions/workbench.service';
import type { ExceptionRecord } from '../../core/ports/records';
import type { ExceptionFilter, Store } from '../../core/ports/store.port';
import { inPlantScope, visiblePlants } from '../../core/auth/permissions';
import { pageRequest, toConnection } from '../connection';
import { listScope, withinScope } from '../auth/plant-scope';
import type { GatewayContext } from '../context';
import { withoutNulls } from '../orders/orders.resolvers';

export function exceptionsResolvers({
  store,
  workbench,
  rules,
}: {
  store: Pick<Store, 'listExceptions' | 'getException' | 'interfaceMonitor' | 'auditTrail' | 'verifyAuditChain'>;
  workbench: Workbench;
  rules: RuleBook;
}) {
  return {
    Query: {
      exceptions: async (
        _: unknown,
        args: { filter?: ExceptionFilter | null; first?: number | null; after?: string | null },
        ctx: GatewayContext,
      ) => {
        const filter = withoutNulls(args.filter ?? {});
        return toConnection(
          await store.listExceptions(
            { ...filter, ...listScope(ctx.principal, filter.plant) },
            pageRequest(args.first, args.after),
          ),
        );
      },
      exception: async (_: unknown, args: { id: string }, ctx: GatewayContext) =>
        withinScope(ctx.principal, await store.getException(args.id)),
      interfaceMonitor: async (_: unknown, args: { plant?: string | null }, ctx: GatewayContext) => {
        const now = Date.now();
        const rows = await store.interfaceMonitor(visiblePlants(ctx.principal, args.plant));
        return rows.map((row) => ({
          ...row,
          openExceptions: row.openExceptions.map((e) => {
            const oldestAgeSeconds = Math.max(0, (now - Date.parse(e.oldestCreatedAt)) / 1000);
            const triageMinutes = ruleSetFor(rules, row.plant).triageMinutes[e.type];
            return { ...e, oldestAgeSeconds, triageMinutes, pastSla: oldestAgeSeconds > triageMinutes * 60 };
          }),
        }));
      },
      auditTrail: async (
        _: unknown,
        args: { plant: string; orderNumber?: string | null; lot?: string | null },
        ctx: GatewayContext,
      ) => {
        if (!inPlantScope(ctx.principal, args.plant)) return [];
        if (args.orderNumber) return store.auditTrail({ plant: args.plant, orderNumber: args.orderNumber });
        if (args.lot) return store.auditTrail({ plant: args.plant, lot: args.lot });
        throw new DomainError('INVALID_INPUT', 'auditTrail needs an orderNumber or a lot', {
          details: { argument: 'orderNumber' },
        });
      },
      verifyAuditChain: async (_: unknown, args: { plant: string }, ctx: GatewayContext) => {
        if (!inPlantScope(ctx.principal, args.plant)) {
          throw new DomainError('FORBIDDEN', `${ctx.principal.name} may not read plant ${args.plant}'s audit trail`, {
            details: { plants: [args.plant] },
          });
        }
        // The plant's orders' chains and its rule changes' chain (rules:<plant>:changes).
        const [orders, rules] = await Promise.all([
          store.verifyAuditChain(`order:${args.plant}:`),
          store.verifyAuditChain(`rules:${args.plant}:`),
        ]);
        return {
          ok: orders.ok && rules.ok,
          entriesChecked: orders.entriesChecked + rules.entriesChecked,
          firstBrokenEntry: orders.firstBrokenEntry ?? rules.firstBrokenEntry,
        };
      },
    },
    Mutation: {
      replayException: (
        _: unknown,
        args: { id: string; input: { payload?: unknown; note: string } },
        ctx: GatewayContext,
      ) => workbench.replay(ctx.principal, args.id, args.input),
      overrideException: (_: unknown, args: { id: string; reason: string }, ctx: GatewayContext) =>
        workbench.override(ctx.principal, args.id, args.reason),
      approveOverride: (_: unknown, args: { id: string }, ctx: GatewayContext) =>
        workbench.approveOverride(ctx.principal, args.id),
      resolveException: (_: unknown, args: { id: string; note: string }, ctx: GatewayContext) =>
        workbench.resolve(ctx.principal, args.id, args.note),
      discardException: (_: unknown, args: { id: string; reason: string }, ctx: GatewayContext) =>
        workbench.discard(ctx.principal, args.id, args.reason),
      assignException: (_: unknown, args: { id: string; assignee: string }, ctx: GatewayContext) =>
        workbench.assign(ctx.principal, args.id, args.assignee),
      replayExceptions: (_: unknown, args: { filter: ExceptionFilter; note: string }, ctx: GatewayContext) =>
        workbench.replayMany(ctx.principal, withoutNulls(args.filter), args.note),
    },
    Exception: {
      overridableBy: (e: ExceptionRecord) => overridePolicy(e.rule)?.role ?? null,
      timeToResolutionSeconds: (e: ExceptionRecord) =>
        e.closedAt ? (Date.parse(e.closedAt) - Date.parse(e.createdAt)) / 1000 : null,
    },
  };
}
