import type { ExceptionObserver } from '../core/exceptions/exception.observer';
import { createWorkbench } from '../core/exceptions/workbench.service';
import type { SubmissionService } from '../core/intake/submission.service';
import type { Store } from '../core/ports/store.port';
import type { RuleBook } from '../core/rules/rule-set';
import { authResolvers, type IdentityDeps } from './auth/auth.resolvers';
import { exceptionsResolvers } from './exceptions/exceptions.resolvers';
import { lotsResolvers } from './lots/lots.resolvers';
import { stalledResolvers } from './monitoring/stalled.resolvers';
import { ordersResolvers } from './orders/orders.resolvers';
import { referenceResolvers } from './reference/reference.resolvers';
import { DateTimeScalar, JsonScalar } from './scalars';
import { submitMutations } from './submit-mutation';
import { transactionsResolvers, type TransactionLookup } from './transactions/transactions.resolvers';
import { reconciliationResolvers } from './reconciliation/reconciliation.resolvers';
import { createCorrections } from '../core/reconciliation/corrections.service';
import type { Reconciler } from '../core/reconciliation/reconciliation.runner';
import type { RuleGovernance } from '../core/rules/rule-governance.service';
import { rulesResolvers } from './rules/rules.resolvers';

export interface ResolverDeps {
  store: Store;
  intake: SubmissionService;
  version: string;
  rules: RuleBook;
  identity: IdentityDeps;
  exceptionObserver?: ExceptionObserver;
  /** Runs reconciliation in this process when asked for. */
  reconciler: Reconciler;
  /** Where `transaction` is answered from when not this process's store (an edge asks the central plane). */
  transactionLookup?: TransactionLookup;
  /** Change control of the rule parameters. */
  governance: RuleGovernance;
}

/** One resolver map per domain, mirroring schema/; merged by the gateway. Submit mutations come from the registry. */
export function createResolvers(deps: ResolverDeps) {
  const workbench = createWorkbench({
    store: deps.store,
    intake: deps.intake,
    rules: deps.rules,
    now: () => new Date(),
    observer: deps.exceptionObserver,
  });
  return [
    {
      DateTime: DateTimeScalar,
      JSON: JsonScalar,
      Query: { serviceInfo: () => ({ name: 'plantgate', version: deps.version, time: new Date().toISOString() }) },
      Mutation: submitMutations(deps.intake),
    },
    ordersResolvers(deps),
    transactionsResolvers(deps),
    exceptionsResolvers({ store: deps.store, workbench, rules: deps.rules }),
    lotsResolvers(deps),
    referenceResolvers(deps),
    stalledResolvers(deps),
    authResolvers(deps),
    rulesResolvers({ governance: deps.governance }),
    reconciliationResolvers({
      store: deps.store,
      reconciler: deps.reconciler,
      corrections: createCorrections({ store: deps.store, now: () => new Date() }),
    }),
  ];
}
