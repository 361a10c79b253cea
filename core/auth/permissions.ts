import { DomainError } from '../errors';
import { ROLES, type Principal, type Role } from './principal';

/** EDGE is a plant gateway's own credential at the central one: it copies API keys and reads nothing else. */
const EVERY_ROLE: readonly Role[] = ROLES.filter((role) => role !== 'EDGE');
const WORKBENCH_ROLES: readonly Role[] = ['INTEGRATOR', 'OPERATIONS', 'QUALITY', 'SUPPLY_CHAIN', 'ADMIN'];

/**
 * Who may call what: for every root field of the schema, the roles allowed. One table for the whole API, enforced
 * by one mechanism at the gateway; a test fails when a schema field has no entry. Reads are open to every role (each
 * only within its plants); changes need the role that owns them.
 */
export const PERMISSIONS: { Query: Record<string, readonly Role[]>; Mutation: Record<string, readonly Role[]> } = {
  Query: {
    serviceInfo: EVERY_ROLE,
    whoami: ROLES,
    productionOrder: EVERY_ROLE,
    productionOrders: EVERY_ROLE,
    transaction: EVERY_ROLE,
    exceptions: EVERY_ROLE,
    lot: EVERY_ROLE,
    serial: EVERY_ROLE,
    recall: EVERY_ROLE,
    itemRevisions: EVERY_ROLE,
    stalledTransactions: EVERY_ROLE,
    exception: EVERY_ROLE,
    interfaceMonitor: EVERY_ROLE,
    auditTrail: EVERY_ROLE,
    verifyAuditChain: EVERY_ROLE,
    reconciliationRuns: EVERY_ROLE,
    reconciliationRun: EVERY_ROLE,
    drifts: EVERY_ROLE,
    apiKeys: ['ADMIN'],
    ruleSets: EVERY_ROLE,
    ruleChanges: EVERY_ROLE,
  },
  Mutation: {
    // The placeholder that lets domain SDL files extend Mutation: nobody calls it.
    _noop: [],
    releaseProductionOrder: ['INTEGRATOR'],
    cancelProductionOrder: ['INTEGRATOR'],
    createProductionOrder: ['INTEGRATOR'],
    changeProductionOrder: ['INTEGRATOR'],
    closeProductionOrder: ['INTEGRATOR'],
    acknowledgeProductionOrder: ['INTEGRATOR'],
    reportOperationEvent: ['INTEGRATOR'],
    reportMaterialConsumption: ['INTEGRATOR'],
    reportProductionCompletion: ['INTEGRATOR'],
    // QMS sends them; a quality engineer may also record a decision by hand (quality owns dispositions).
    recordInspectionResult: ['INTEGRATOR', 'QUALITY'],
    reportNonconformance: ['INTEGRATOR', 'QUALITY'],
    // Master data from the MDM; lots are supply chain's inventory.
    upsertReferenceData: ['INTEGRATOR', 'SUPPLY_CHAIN', 'ADMIN'],
    acknowledgePosting: ['INTEGRATOR'],
    // The workbench: each exception narrows these further to its owner role (or ADMIN), and an override to the one
    // role its rule names (core/exceptions/exception.policy).
    replayException: WORKBENCH_ROLES,
    replayExceptions: WORKBENCH_ROLES,
    resolveException: WORKBENCH_ROLES,
    discardException: WORKBENCH_ROLES,
    assignException: WORKBENCH_ROLES,
    overrideException: ['OPERATIONS', 'QUALITY', 'SUPPLY_CHAIN'],
    approveOverride: ['OPERATIONS', 'QUALITY', 'SUPPLY_CHAIN'],
    // Supply chain owns reconciliation; each drift narrows a decision further to its owner role (or ADMIN).
    runReconciliation: ['SUPPLY_CHAIN', 'ADMIN'],
    approveCorrection: ['OPERATIONS', 'QUALITY', 'SUPPLY_CHAIN', 'ADMIN'],
    rejectCorrection: ['OPERATIONS', 'QUALITY', 'SUPPLY_CHAIN', 'ADMIN'],
    createApiKey: ['ADMIN'],
    revokeApiKey: ['ADMIN'],
    // Each owns some parameters; the change itself names whose approval it needs (core/rules/rule-change.ts).
    proposeRuleChange: ['OPERATIONS', 'QUALITY', 'SUPPLY_CHAIN', 'ADMIN'],
    approveRuleChange: ['OPERATIONS', 'QUALITY', 'SUPPLY_CHAIN', 'ADMIN'],
    rejectRuleChange: ['OPERATIONS', 'QUALITY', 'SUPPLY_CHAIN', 'ADMIN'],
  },
};

/** The roles a root field needs, or undefined when the table has no entry (which the schema test forbids). */
export function rolesFor(operation: 'Query' | 'Mutation', field: string): readonly Role[] | undefined {
  return PERMISSIONS[operation][field];
}

export function hasAnyRole(principal: Principal, roles: readonly Role[]): boolean {
  return roles.some((role) => principal.roles.includes(role));
}

/** Whether a principal may see or act on a plant's data. */
export function inPlantScope(principal: Pick<Principal, 'plants'>, plant: string): boolean {
  return principal.plants === '*' || principal.plants.includes(plant);
}

/**
 * The plants a list may show to a principal, narrowed by what the caller asked for: undefined means every plant;
 * an empty list means none (a plant outside the principal's scope was asked for).
 */
export function visiblePlants(
  principal: Pick<Principal, 'plants'>,
  asked?: string | null,
): readonly string[] | undefined {
  if (asked !== undefined && asked !== null) return inPlantScope(principal, asked) ? [asked] : [];
  return principal.plants === '*' ? undefined : principal.plants;
}

/**
 * What a role owns (an exception, a drift), its owner or an ADMIN may act on; anyone else is told which roles may.
 * `what` names the action and the record, e.g. "resolve exception X".
 */
export function requireOwnerOrAdmin(principal: Principal, owner: Role, what: string): void {
  if (hasAnyRole(principal, [owner, 'ADMIN'])) return;
  throw new DomainError('FORBIDDEN', `${principal.name} may not ${what}: it is owned by ${owner} (or ADMIN)`, {
    details: { requiredRoles: [owner, 'ADMIN'] },
  });
}
