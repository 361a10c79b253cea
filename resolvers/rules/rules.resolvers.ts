import { inPlantScope } from '../../core/auth/permissions';
import { DomainError } from '../../core/errors';
import type { RuleChange, RuleChangeStatus } from '../../core/rules/rule-change';
import type { ProposeRuleChangeInput, RuleGovernance } from '../../core/rules/rule-governance.service';
import type { RuleVersionView } from '../../core/rules/rule-governance.service';
import type { GatewayContext } from '../context';

function requirePlant(ctx: GatewayContext, plant: string) {
  if (!inPlantScope(ctx.principal, plant)) {
    throw new DomainError('FORBIDDEN', `${ctx.principal.name} may not see the rules of plant ${plant}`, {
      details: { plants: [plant] },
    });
  }
}

/** Change control of the rule parameters: proposals, decisions and every plant's versions. */
export function rulesResolvers({ governance }: { governance: RuleGovernance }) {
  return {
    Query: {
      ruleSets: async (_: unknown, args: { plant: string }, ctx: GatewayContext) => {
        requirePlant(ctx, args.plant);
        return governance.versions(args.plant);
      },
      ruleChanges: async (
        _: unknown,
        args: { plant: string; status?: RuleChangeStatus | null },
        ctx: GatewayContext,
      ) => {
        requirePlant(ctx, args.plant);
        return (await governance.changes(args.plant)).filter((c) => !args.status || c.status === args.status);
      },
    },
    Mutation: {
      proposeRuleChange: (_: unknown, args: { input: ProposeRuleChangeInput }, ctx: GatewayContext) =>
        governance.propose(ctx.principal, args.input),
      approveRuleChange: (_: unknown, args: { id: string; note?: string | null }, ctx: GatewayContext) =>
        governance.approve(ctx.principal, args.id, args.note ?? null),
      rejectRuleChange: (_: unknown, args: { id: string; note?: string | null }, ctx: GatewayContext) =>
        governance.reject(ctx.principal, args.id, args.note ?? null),
    },
    RuleSetVersion: {
      parameters: (v: RuleVersionView) => v.ruleSet,
    },
    RuleChange: {
      parameters: (c: RuleChange) => c.parameters,
    },
  };
}
