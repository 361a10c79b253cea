import fs from 'node:fs';
import path from 'node:path';
import { buildASTSchema, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTypeDefs } from '../../app/schema.loader';
import { PERMISSIONS } from '../../core/auth/permissions';
import { ROLES, type Role } from '../../core/auth/principal';
import { MESSAGE_SLICES, mutationOf } from '../../core/messages/message.registry';
import { submitMutationDocument } from '../../resolvers/submit-mutation';
import { bearer, createKey } from '../support/auth.fixture';
import { permissionTableRows } from './permission-table';
import {
  completion,
  consumption,
  inspection,
  nonconformance,
  operationEvent,
  postingAck,
} from '../support/event.fixture';
import { gql } from '../support/graphql-client';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { acknowledgeInput, releaseInput } from '../support/order.fixture';
import { referenceData } from '../support/reference.fixture';

const SUBMIT_INPUTS: Record<string, object> = {
  releaseProductionOrder: releaseInput(),
  acknowledgeProductionOrder: acknowledgeInput(releaseInput()),
  reportOperationEvent: operationEvent(),
  reportMaterialConsumption: consumption(),
  reportProductionCompletion: completion(),
  recordInspectionResult: inspection(),
  reportNonconformance: nonconformance(),
  upsertReferenceData: referenceData(),
  acknowledgePosting: postingAck('erp|confirmation|P100|PO-1000|10|x'),
  createProductionOrder: releaseInput({ orderNumber: 'PO-CREATE' }),
  changeProductionOrder: { ...releaseInput({ orderNumber: 'PO-CHANGE' }), orderVersion: 2, reason: 'r' },
  closeProductionOrder: { orderNumber: 'PO-1000', plant: 'P100', reason: 'r', closedAt: '2026-12-01T00:00:00Z' },
  cancelProductionOrder: { orderNumber: 'PO-1000', plant: 'P100', reason: 'r', cancelledAt: '2026-12-01T00:00:00Z' },
};

/** One call of every root field, well-typed so that only the permission check can refuse it. */
const CALLS: Record<string, { query: string; variables?: Record<string, unknown> }> = {
  'Query.serviceInfo': { query: '{ serviceInfo { name } }' },
  'Query.whoami': { query: '{ whoami { id } }' },
  'Query.productionOrder': { query: '{ productionOrder(orderNumber: "PO-1000", plant: "P100") { state } }' },
  'Query.productionOrders': { query: '{ productionOrders(first: 1) { totalCount } }' },
  'Query.transaction': { query: '{ transaction(correlationId: "nope") { status } }' },
  'Query.exceptions': { query: '{ exceptions(first: 1) { totalCount } }' },
  'Query.lot': { query: '{ lot(lotNumber: "L", plant: "P100") { item } }' },
  'Query.serial': { query: '{ serial(serialNumber: "S", plant: "P100") { item } }' },
  'Query.recall': { query: '{ recall(lotNumber: "L", plant: "P100") { truncated } }' },
  'Query.itemRevisions': { query: '{ itemRevisions(number: "FG-100") { revision } }' },
  'Query.stalledTransactions': { query: '{ stalledTransactions { totalCount } }' },
  'Query.apiKeys': { query: '{ apiKeys { id } }' },
  'Query.exception': { query: '{ exception(id: "nope") { id } }' },
  'Query.interfaceMonitor': { query: '{ interfaceMonitor { plant } }' },
  'Query.auditTrail': { query: '{ auditTrail(plant: "P100", orderNumber: "PO-1") { seq } }' },
  'Query.verifyAuditChain': { query: '{ verifyAuditChain(plant: "P100") { ok } }' },
  // The workbench's mutations on an exception that does not exist: allowed roles get NOT_FOUND, others FORBIDDEN.
  'Mutation.replayException': { query: 'mutation { replayException(id: "nope", input: { note: "n" }) { id } }' },
  'Mutation.overrideException': { query: 'mutation { overrideException(id: "nope", reason: "r") { id } }' },
  'Mutation.approveOverride': { query: 'mutation { approveOverride(id: "nope") { id } }' },
  'Mutation.resolveException': { query: 'mutation { resolveException(id: "nope", note: "n") { id } }' },
  'Mutation.discardException': { query: 'mutation { discardException(id: "nope", reason: "r") { id } }' },
  'Mutation.assignException': { query: 'mutation { assignException(id: "nope", assignee: "a") { id } }' },
  'Mutation.replayExceptions': {
    query:
      'mutation { replayExceptions(filter: { plant: "P100", orderNumber: "none" }, note: "n") { skipped { id } } }',
  },
  'Query.reconciliationRuns': { query: '{ reconciliationRuns(plant: "P100") { totalCount } }' },
  'Query.reconciliationRun': { query: '{ reconciliationRun(id: "nope") { id } }' },
  'Query.drifts': { query: '{ drifts(filter: { plant: "P100" }) { totalCount } }' },
  'Mutation.runReconciliation': { query: 'mutation { runReconciliation(plant: "P100", scope: FULL) { id status } }' },
  // On a drift that does not exist: allowed roles get NOT_FOUND, others FORBIDDEN.
  'Mutation.approveCorrection': { query: 'mutation { approveCorrection(driftId: "nope", note: "n") { id } }' },
  'Mutation.rejectCorrection': { query: 'mutation { rejectCorrection(driftId: "nope", note: "n") { id } }' },
  'Mutation.createApiKey': {
    query:
      'mutation { createApiKey(input: { name: "made in a test", roles: [VIEWER], plants: ["P100"] }) { apiKey { id } } }',
  },
  'Mutation.revokeApiKey': { query: 'mutation { revokeApiKey(id: "nope") { id } }' },
  'Query.ruleSets': { query: '{ ruleSets(plant: "P100") { version inForce } }' },
  'Query.ruleChanges': { query: '{ ruleChanges(plant: "P100") { id status } }' },
  'Mutation.proposeRuleChange': {
    query:
      'mutation { proposeRuleChange(input: { plant: "P100", parameters: { holdWindowMs: 600000 }, effectiveAt: "2099-01-01T06:00:00Z", reason: "permission test" }) { id } }',
  },
  // On a change that does not exist: allowed roles get NOT_FOUND, others FORBIDDEN.
  'Mutation.approveRuleChange': { query: 'mutation { approveRuleChange(id: "nope") { id } }' },
  'Mutation.rejectRuleChange': { query: 'mutation { rejectRuleChange(id: "nope") { id } }' },
  ...Object.fromEntries(
    MESSAGE_SLICES.map(({ messageType }) => [
      `Mutation.${mutationOf(messageType)}`,
      {
        query: submitMutationDocument(mutationOf(messageType)),
        variables: { input: SUBMIT_INPUTS[mutationOf(messageType)] },
      },
    ]),
  ),
};

/**
 * The permission table, table-driven through HTTP: every root field answers every role it lists, and refuses every
 * other role with FORBIDDEN naming the roles needed. A schema field without an entry in the table fails here.
 */
describe('the permission table', () => {
  const schema = buildASTSchema(parse(loadTypeDefs().join('\n')));
  const rootFields = (['Query', 'Mutation'] as const).flatMap((op) =>
    Object.keys((op === 'Query' ? schema.getQueryType() : schema.getMutationType())!.getFields()).map(
      (f) => [op, f] as const,
    ),
  );

  it('is the table the README shows', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const shown =
      /<!-- permission-table -->\n\| field \| roles \|\n\| --- \| --- \|\n([\s\S]*?)\n<!-- \/permission-table -->/.exec(
        readme,
      )?.[1];
    expect(shown?.split('\n')).toEqual(permissionTableRows());
  });

  it('has an entry for every root field of the schema, and no entry for a field that is gone', () => {
    for (const [op, field] of rootFields) expect(PERMISSIONS[op][field], `${op}.${field}`).toBeDefined();
    for (const op of ['Query', 'Mutation'] as const)
      for (const field of Object.keys(PERMISSIONS[op]))
        expect(rootFields, `${op}.${field}`).toContainEqual([op, field]);
  });

  describe('through HTTP', () => {
    let installation: TestInstallation;
    let url: string;
    const keyOf = new Map<Role, string>();
    beforeAll(async () => {
      installation = createTestInstallation('permissions');
      const gateway = await installation.start('gateway');
      url = gateway.url!;
      for (const role of ROLES) keyOf.set(role, (await createKey(gateway.store, [role], '*')).key);
    });
    afterAll(() => installation.cleanup());

    const cases = rootFields
      .filter(([, field]) => field !== '_noop')
      .flatMap(([op, field]) => ROLES.map((role) => [`${op}.${field}`, role] as const));
    it.each(cases)('%s as %s', async (name, role) => {
      const call = CALLS[name];
      expect(call, `a test call for ${name}`).toBeDefined();
      const [op, field] = name.split('.') as ['Query' | 'Mutation', string];
      const allowed = PERMISSIONS[op][field]!;
      const answer = await gql(url, call!.query, call!.variables ?? {}, bearer(keyOf.get(role)!));
      const forbidden = answer.errors?.find((e) => e.extensions?.code === 'FORBIDDEN');
      if (allowed.includes(role)) {
        expect(forbidden, JSON.stringify(answer.errors)).toBeUndefined();
      } else {
        expect(forbidden?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredRoles: [...allowed] });
        expect(forbidden?.message).toContain(allowed.length ? allowed.join(', ') : 'nobody');
        expect((answer.data as Record<string, unknown> | null)?.[field] ?? null).toBeNull();
      }
    });
  });
});
