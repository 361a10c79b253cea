import type { Store } from '../core/ports/store.port';
import type { CommandSubmitter } from './command.submitter';
import { exceptionsResolvers } from './exceptions/exceptions.resolvers';
import { lotsResolvers } from './lots/lots.resolvers';
import { stalledResolvers } from './monitoring/stalled.resolvers';
import type { RuleBook } from '../core/rules/rule-set';
import { materialsResolvers } from './materials/materials.resolvers';
import { operationsResolvers } from './operations/operations.resolvers';
import { postingsResolvers } from './postings/postings.resolvers';
import { qualityResolvers } from './quality/quality.resolvers';
import { referenceResolvers } from './reference/reference.resolvers';
import { ordersResolvers } from './orders/orders.resolvers';
import { DateTimeScalar, JsonScalar } from './scalars';
import { transactionsResolvers } from './transactions/transactions.resolvers';

export interface ResolverDeps {
  store: Store;
  submit: CommandSubmitter;
  version: string;
  rules: RuleBook;
}

/** One resolver map per domain, mirroring schema/; merged by the gateway. */
export function createResolvers(deps: ResolverDeps) {
  return [
    {
      DateTime: DateTimeScalar,
      JSON: JsonScalar,
      Query: { serviceInfo: () => ({ name: 'plantgate', version: deps.version, time: new Date().toISOString() }) },
    },
    ordersResolvers(deps),
    transactionsResolvers(deps),
    exceptionsResolvers(deps),
    operationsResolvers(deps),
    materialsResolvers(deps),
    qualityResolvers(deps),
    lotsResolvers(deps),
    referenceResolvers(deps),
    postingsResolvers(deps),
    stalledResolvers(deps),
  ];
}
