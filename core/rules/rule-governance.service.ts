import { hasAnyRole, inPlantScope } from '../auth/permissions';
import { principalRef, type Principal } from '../auth/principal';
import { DomainError } from '../errors';
import type { AuditDraft } from '../ports/records';
import type { Store } from '../ports/store.port';
import { ownersOf, type RuleChange, type RuleParameters } from './rule-change';
import { mergeRuleSet, type RuleOverlay } from './rule-merge';
import type { RuleBook, RuleSet, RuleVersion } from './rule-set';

export interface ProposeRuleChangeInput {
  plant: string;
  parameters?: unknown;
  /** The plant's code mappings: a parameter like the others, owned by ADMIN. */
  mappings?: unknown;
  /** Put an earlier version's parameters back (a rollback), instead of `parameters`. */
  revertsTo?: number | null;
  effectiveAt: string;
  reason: string;
}

export interface RuleGovernanceDeps {
  store: Pick<Store, 'saveRuleChange' | 'listRuleChanges'>;
  /** The process's rule book: `refresh` keeps its history of approved versions current. */
  rules: RuleBook;
  /** Checks proposed parameters as RULES_FILE's are checked: INVALID_INPUT naming the parameter. */
  validate: (parameters: unknown) => RuleParameters;
  now: () => Date;
  newId: () => string;
  /**
   * How far ahead of its approval a change must take effect: every process has loaded it by then (they reload every
   * RULES_REFRESH_MS), so no event received after its effective time is judged by the version before.
   */
  minLeadMs: number;
}

/** A plant's versions, the file's first, each with the change that made it (none for the file's). */
export interface RuleVersionView extends RuleVersion {
  change: RuleChange | null;
  inForce: boolean;
}

const subject = (plant: string) => `rules:${plant}:changes`;

/**
 * Change control of the rule parameters: a change is proposed for one plant with the time it takes effect, approved
 * or rejected by someone else holding every role that owns what it changes, and takes effect at its time in every
 * process; each step is in the plant's audit chain `rules:<plant>:changes`. A new version reaches one plant at a time: the
 * first plant to get one is its canary, and rolling back is one more approved change (`revertsTo`).
 */
export function createRuleGovernance(deps: RuleGovernanceDeps) {
  const seedOf = (plant: string): RuleSet => deps.rules.plants[plant] ?? deps.rules.defaults;
  const nowIso = () => deps.now().toISOString();

  function audit(change: RuleChange, action: string, actor: string, detail: Record<string, unknown>): AuditDraft {
    return { at: nowIso(), subject: subject(change.plant), action, actor, correlationId: change.id, detail };
  }

  /** The plant's versions from approved changes, each laid over the one before. */
  function buildVersions(plant: string, changes: readonly RuleChange[]): RuleVersion[] {
    let ruleSet = seedOf(plant);
    return changes
      .filter((c) => c.plant === plant && c.status === 'APPROVED')
      .sort((a, b) => a.version - b.version)
      .map((c) => {
        ruleSet = { ...mergeRuleSet(ruleSet, c.parameters as RuleOverlay), version: c.version };
        return { version: c.version, effectiveAt: c.effectiveAt, ruleSet };
      });
  }

  async function changesOf(plant: string) {
    return deps.store.listRuleChanges(plant);
  }

  async function getChange(id: string): Promise<RuleChange> {
    const change = (await deps.store.listRuleChanges()).find((c) => c.id === id);
    if (!change) throw new DomainError('NOT_FOUND', `No rule change ${id}`, { details: { argument: 'id' } });
    return change;
  }

  function decided(change: RuleChange, principal: Principal, status: 'APPROVED' | 'REJECTED', note: string | null) {
    return { ...change, status, decidedBy: principalRef(principal), decidedAt: nowIso(), note, rev: change.rev + 1 };
  }

  function requireDecider(principal: Principal, change: RuleChange, action: 'approve' | 'reject') {
    if (!inPlantScope(principal, change.plant) || !change.owners.every((role) => hasAnyRole(principal, [role]))) {
      throw new DomainError(
        'FORBIDDEN',
        `${principal.name} may not ${action} rule change ${change.id}: it changes parameters owned by ${change.owners.join(' and ')}, in plant ${change.plant}`,
        { details: { requiredRoles: change.owners } },
      );
    }
    if (principal.id === change.proposedBy.id) {
      throw new DomainError(
        'FORBIDDEN',
        `${principal.name} proposed rule change ${change.id}: someone else holding ${change.owners.join(' and ')} must ${action} it`,
        { details: { requiredRoles: change.owners, proposer: change.proposedBy.id } },
      );
    }
    if (change.status !== 'PENDING') {
      throw new DomainError('ILLEGAL_TRANSITION', `Rule change ${change.id} is ${change.status} already`, {
        details: { status: change.status },
      });
    }
  }

  function parametersOf(input: ProposeRuleChangeInput, versions: RuleVersion[]): RuleParameters {
    if (input.revertsTo !== undefined && input.revertsTo !== null) {
      if ((input.parameters ?? input.mappings ?? null) !== null) {
        throw new DomainError(
          'INVALID_INPUT',
          'A rollback (revertsTo) takes its parameters from that version: give no others',
          {
            field: 'revertsTo',
          },
        );
      }
      const target =
        input.revertsTo === seedOf(input.plant).version
          ? seedOf(input.plant)
          : versions.find((v) => v.version === input.revertsTo)?.ruleSet;
      if (!target) {
        throw new DomainError('INVALID_INPUT', `Plant ${input.plant} has no version ${input.revertsTo} to go back to`, {
          field: 'revertsTo',
        });
      }
      // Only what differs from the version before it: its owners approve the rollback, nobody else is needed.
      const latest = versions.at(-1)?.ruleSet ?? seedOf(input.plant);
      const differing = (Object.keys(target) as (keyof RuleSet)[]).filter(
        (key) => key !== 'version' && JSON.stringify(target[key]) !== JSON.stringify(latest[key]),
      );
      if (differing.length === 0) {
        throw new DomainError(
          'INVALID_INPUT',
          `Version ${input.revertsTo}'s parameters are the latest version's already`,
          {
            field: 'revertsTo',
          },
        );
      }
      return Object.fromEntries(differing.map((key) => [key, target[key]])) as RuleParameters;
    }
    const parameters = deps.validate({
      ...(input.parameters as object | undefined),
      ...(input.mappings === undefined || input.mappings === null ? {} : { mappings: input.mappings }),
    });
    if (Object.keys(parameters).length === 0) {
      throw new DomainError('INVALID_INPUT', 'A rule change must change at least one parameter or the mappings', {
        field: 'parameters',
      });
    }
    return parameters;
  }

  function effectiveAtOf(value: string): string {
    const at = new Date(value);
    if (Number.isNaN(at.getTime())) {
      throw new DomainError('INVALID_INPUT', 'effectiveAt must be an ISO-8601 date-time', { field: 'effectiveAt' });
    }
    return at.toISOString();
  }

  /** Refuses a time too close (processes would not all know the change) or before the plant's last version. */
  function requireEffectiveLater(effectiveAt: string, versions: RuleVersion[], field = 'effectiveAt') {
    const earliest = new Date(deps.now().getTime() + deps.minLeadMs).toISOString();
    const last = versions.at(-1);
    if (effectiveAt < earliest) {
      throw new DomainError(
        'INVALID_INPUT',
        `effectiveAt ${effectiveAt} is too soon: a change takes effect ${deps.minLeadMs} ms after its approval at the earliest (${earliest}), so that every process applies it from the same instant`,
        { field },
      );
    }
    if (last && effectiveAt <= last.effectiveAt) {
      throw new DomainError(
        'INVALID_INPUT',
        `effectiveAt ${effectiveAt} is not after version ${last.version}'s (${last.effectiveAt}): versions take effect in order`,
        { field },
      );
    }
  }

  return {
    async propose(principal: Principal, input: ProposeRuleChangeInput): Promise<RuleChange> {
      if (!inPlantScope(principal, input.plant)) {
        throw new DomainError('FORBIDDEN', `${principal.name} may not change the rules of plant ${input.plant}`, {
          details: { plants: [input.plant] },
        });
      }
      if (!input.reason?.trim())
        throw new DomainError('INVALID_INPUT', 'A rule change needs a reason', { field: 'reason' });
      const changes = await changesOf(input.plant);
      const versions = buildVersions(input.plant, changes);
      const parameters = parametersOf(input, versions);
      const effectiveAt = effectiveAtOf(input.effectiveAt);
      requireEffectiveLater(effectiveAt, versions);
      const change: RuleChange = {
        id: deps.newId(),
        plant: input.plant,
        version: 0,
        status: 'PENDING',
        parameters,
        owners: ownersOf(parameters),
        effectiveAt,
        reason: input.reason.trim(),
        revertsTo: input.revertsTo ?? null,
        proposedBy: principalRef(principal),
        proposedAt: nowIso(),
        decidedBy: null,
        decidedAt: null,
        note: null,
        activatedAt: null,
        rev: 1,
      };
      await deps.store.saveRuleChange(change, 0, [
        audit(change, 'RULE_CHANGE_PROPOSED', principal.id, {
          parameters,
          owners: change.owners,
          effectiveAt,
          reason: change.reason,
          revertsTo: change.revertsTo,
        }),
      ]);
      return change;
    },

    async approve(principal: Principal, id: string, note: string | null): Promise<RuleChange> {
      const change = await getChange(id);
      requireDecider(principal, change, 'approve');
      const versions = buildVersions(change.plant, await changesOf(change.plant));
      requireEffectiveLater(change.effectiveAt, versions);
      const version = Math.max(seedOf(change.plant).version, ...versions.map((v) => v.version)) + 1;
      const approved: RuleChange = { ...decided(change, principal, 'APPROVED', note), version };
      await deps.store.saveRuleChange(approved, change.rev, [
        audit(approved, 'RULE_CHANGE_APPROVED', principal.id, { version, effectiveAt: change.effectiveAt, note }),
      ]);
      await this.refresh();
      return approved;
    },

    async reject(principal: Principal, id: string, note: string | null): Promise<RuleChange> {
      const change = await getChange(id);
      requireDecider(principal, change, 'reject');
      const rejected = decided(change, principal, 'REJECTED', note);
      await deps.store.saveRuleChange(rejected, change.rev, [
        audit(rejected, 'RULE_CHANGE_REJECTED', principal.id, { note }),
      ]);
      return rejected;
    },

    /** Every version of a plant's rule set, the file's first, with which is in force now. */
    async versions(plant: string): Promise<RuleVersionView[]> {
      const changes = await changesOf(plant);
      const seed = seedOf(plant);
      const all: RuleVersionView[] = [
        { version: seed.version, effectiveAt: new Date(0).toISOString(), ruleSet: seed, change: null, inForce: false },
        ...buildVersions(plant, changes).map((v) => ({
          ...v,
          change: changes.find((c) => c.status === 'APPROVED' && c.version === v.version) ?? null,
          inForce: false,
        })),
      ];
      const now = nowIso();
      const current = all.filter((v) => v.effectiveAt <= now).at(-1);
      return all.map((v) => ({ ...v, inForce: v === current }));
    },

    changes: (plant?: string) => deps.store.listRuleChanges(plant),

    /** Loads every plant's approved versions into the process's rule book; returns every change it read. */
    async refresh(): Promise<RuleChange[]> {
      const changes = await deps.store.listRuleChanges();
      const plants = [...new Set(changes.filter((c) => c.status === 'APPROVED').map((c) => c.plant))];
      deps.rules.history = Object.fromEntries(plants.map((plant) => [plant, buildVersions(plant, changes)]));
      return changes;
    },

    /** Writes the activation of every approved change whose time has come to its plant's audit chain, once. */
    async activateDue(): Promise<number> {
      const now = nowIso();
      const due = (await deps.store.listRuleChanges()).filter(
        (c) => c.status === 'APPROVED' && c.activatedAt === null && c.effectiveAt <= now,
      );
      for (const change of due) {
        const activated = { ...change, activatedAt: now, rev: change.rev + 1 };
        await deps.store
          .saveRuleChange(activated, change.rev, [
            audit(activated, 'RULE_SET_ACTIVATED', 'system:rules', {
              version: change.version,
              effectiveAt: change.effectiveAt,
            }),
          ])
          // Another process activated it first: its entry is the one.
          .catch((error: unknown) => {
            if ((error as DomainError).code !== 'CONCURRENT_MODIFICATION') throw error;
          });
      }
      return due.length;
    },
  };
}

export type RuleGovernance = ReturnType<typeof createRuleGovernance>;
