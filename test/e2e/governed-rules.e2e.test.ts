import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../app/runtime';
import { bearer, createKey } from '../support/auth.fixture';
import { submitWithKey } from '../support/edge-client';
import { operationEvent } from '../support/event.fixture';
import { gql } from '../support/graphql-client';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { acknowledgeInput, releaseInput } from '../support/order.fixture';
import { referenceData, seedReferenceData } from '../support/reference.fixture';
import { waitFor } from '../support/wait';

const CHANGE_FIELDS = 'id plant version status owners effectiveAt revertsTo proposedBy { id } decidedBy { id } note';
const PROPOSE = `mutation($input: ProposeRuleChangeInput!) { proposeRuleChange(input: $input) { ${CHANGE_FIELDS} } }`;
const APPROVE = `mutation($id: ID!, $note: String) { approveRuleChange(id: $id, note: $note) { ${CHANGE_FIELDS} } }`;
const REJECT = `mutation($id: ID!, $note: String) { rejectRuleChange(id: $id, note: $note) { ${CHANGE_FIELDS} } }`;
const RULE_SETS = `query($plant: String!) { ruleSets(plant: $plant) {
  version effectiveAt inForce parameters change { proposedBy { id } decidedBy { id } reason }
} }`;
/** Plant P100's MES speaks its own work centre codes once the mappings change takes effect. */
const P100_CODES = { workCenters: { SAEGE: 'WC-CUT', MONTAGE: 'WC-ASSY' } };

type Change = { id: string; version: number; status: string; owners: string[]; proposedBy: { id: string } };
type Keys = Record<
  'supplyA' | 'supplyB' | 'quality' | 'adminA' | 'adminB' | 'mes' | 'viewer',
  { key: string; id: string }
>;

describe('governed rule changes', () => {
  let installation: TestInstallation;
  let runtime: Runtime;
  let url: string;
  let keys: Keys;

  beforeAll(async () => {
    installation = createTestInstallation('governed-rules', { RULES_REFRESH_MS: '200' });
    runtime = await installation.start('all');
    url = runtime.url!;
    await seedReferenceData(url, referenceData(['P100', 'P200']));
    const key = (roles: Parameters<typeof createKey>[1], plants: string[] | '*', name: string) =>
      createKey(runtime.store, roles, plants, { name });
    keys = {
      supplyA: await key(['SUPPLY_CHAIN'], ['P100'], 'Sam Supply'),
      supplyB: await key(['SUPPLY_CHAIN'], ['P100'], 'Sue Supply'),
      quality: await key(['QUALITY'], ['P100'], 'Quinn Quality'),
      adminA: await key(['ADMIN'], '*', 'Ada Admin'),
      adminB: await key(['ADMIN'], ['P100', 'P200'], 'Abe Admin'),
      mes: await key(['INTEGRATOR'], '*', 'MES adapter'),
      viewer: await key(['VIEWER'], '*', 'Vic Viewer'),
    };
  });
  afterAll(() => installation.cleanup());

  const call = async <T>(who: keyof Keys, query: string, variables: Record<string, unknown>) =>
    gql<T>(url, query, variables, bearer(keys[who].key));
  const propose = (who: keyof Keys, input: Record<string, unknown>) =>
    call<{ proposeRuleChange: Change }>(who, PROPOSE, { input: { plant: 'P100', reason: 'a test', ...input } });
  const decide = (who: keyof Keys, mutation: string, id: string) =>
    call<Record<string, Change>>(who, mutation, { id, note: `decided by ${who}` });
  const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
  const versionsOf = async (plant: string) =>
    (
      await call<{
        ruleSets: { version: number; inForce: boolean; parameters: Record<string, unknown>; change: unknown }[];
      }>('viewer', RULE_SETS, { plant })
    ).data!.ruleSets;

  it('needs approval by someone else holding the role that owns the parameter, and keeps every version', async () => {
    const proposed = (await propose('supplyA', { parameters: { yieldTolerancePct: 5 }, effectiveAt: inSeconds(2) }))
      .data!.proposeRuleChange;
    expect(proposed).toMatchObject({ status: 'PENDING', owners: ['SUPPLY_CHAIN'], version: 0 });

    const byProposer = await decide('supplyA', APPROVE, proposed.id);
    expect(byProposer.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(byProposer.errors?.[0]?.message).toMatch(
      /Sam Supply proposed rule change .*someone else holding SUPPLY_CHAIN/,
    );
    const byWrongRole = await decide('quality', APPROVE, proposed.id);
    expect(byWrongRole.errors?.[0]?.message).toMatch(/Quinn Quality may not approve .*owned by SUPPLY_CHAIN/);
    const approved = (await decide('supplyB', APPROVE, proposed.id)).data!.approveRuleChange!;
    expect(approved).toMatchObject({ status: 'APPROVED', version: 2 });
    expect((await decide('supplyB', APPROVE, proposed.id)).errors?.[0]?.extensions?.code).toBe('ILLEGAL_TRANSITION');

    // A mapping change is ADMIN's: a supply chain approver is refused; a rejection by an admin is final.
    const mapping = (await propose('adminA', { mappings: P100_CODES, effectiveAt: inSeconds(60) })).data!
      .proposeRuleChange;
    expect(mapping.owners).toEqual(['ADMIN']);
    expect((await decide('supplyB', APPROVE, mapping.id)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await decide('adminB', REJECT, mapping.id)).data!.rejectRuleChange!.status).toBe('REJECTED');
    expect((await decide('adminB', APPROVE, mapping.id)).errors?.[0]?.extensions?.code).toBe('ILLEGAL_TRANSITION');
    // Too soon to reach every process, or not a parameter at all: refused, naming the field.
    const soon = await propose('supplyA', { parameters: { yieldTolerancePct: 6 }, effectiveAt: inSeconds(0) });
    expect(soon.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.effectiveAt' });
    const unknown = await propose('supplyA', { parameters: { yieldTolerance: 6 }, effectiveAt: inSeconds(60) });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    // Version 1 (the file's defaults) stays in force until version 2's time, then version 2 is.
    const before = await versionsOf('P100');
    expect(before.map((v) => [v.version, v.inForce])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(before[1]!.change).toMatchObject({
      proposedBy: { id: `key:${keys.supplyA.id}` },
      decidedBy: { id: `key:${keys.supplyB.id}` },
    });
    expect(before[1]!.parameters.yieldTolerancePct).toBe(5);
    await waitFor(async () => (await versionsOf('P100'))[1]!.inForce, { what: 'version 2 in force' });

    const trail = await waitFor(
      async () => {
        const entries = await runtime.store.listAudit('rules:P100:changes');
        return entries.some((e) => e.action === 'RULE_SET_ACTIVATED') ? entries : undefined;
      },
      { what: 'the activation in the audit chain' },
    );
    expect(trail.map((e) => [e.action, e.actor])).toEqual([
      ['RULE_CHANGE_PROPOSED', `key:${keys.supplyA.id}`],
      ['RULE_CHANGE_APPROVED', `key:${keys.supplyB.id}`],
      ['RULE_CHANGE_PROPOSED', `key:${keys.adminA.id}`],
      ['RULE_CHANGE_REJECTED', `key:${keys.adminB.id}`],
      ['RULE_SET_ACTIVATED', 'system:rules'],
    ]);
    expect(await runtime.store.verifyAuditChain('rules:P100:')).toMatchObject({ ok: true, entriesChecked: 5 });
    const verified = await call<{ verifyAuditChain: { ok: boolean; entriesChecked: number } }>(
      'viewer',
      'query($plant: String!) { verifyAuditChain(plant: $plant) { ok entriesChecked } }',
      { plant: 'P100' },
    );
    expect(verified.data!.verifyAuditChain).toEqual({ ok: true, entriesChecked: 5 });
  });

  it('judges each event by the version in force when it was received; a canary plant first; rollback is one change', async () => {
    const submit = async (mutation: string, input: object) => {
      const answer = await submitWithKey(url, keys.mes.key, mutation, input);
      if (!answer.result) throw new Error(JSON.stringify(answer.error));
      return answer.result.correlationId;
    };
    const settled = (id: string) =>
      waitFor(
        async () => {
          const t = await runtime.store.getTransaction(id);
          return t && !['RECEIVED', 'HELD'].includes(t.status) ? t : undefined;
        },
        { what: `${id} decided` },
      );
    const versionOfDecision = async (plant: string, orderNumber: string, correlationId: string) =>
      (
        (await runtime.store.listAudit(`order:${plant}:${orderNumber}`)).find((e) => e.correlationId === correlationId)
          ?.detail as { ruleSetVersion: number }
      ).ruleSetVersion;
    const acknowledged = async (plant: string, orderNumber: string) => {
      const release = releaseInput({ plant, orderNumber });
      await settled(await submit('releaseProductionOrder', release));
      await settled(await submit('acknowledgeProductionOrder', acknowledgeInput(release)));
    };
    const startAt = (plant: string, orderNumber: string) =>
      submit('reportOperationEvent', operationEvent({ plant, orderNumber, eventType: 'START', workCenter: 'SAEGE' }));

    // P100's MES is to speak its own work centre codes from `effectiveAt`; P200 stays on its version.
    const effectiveAt = inSeconds(8);
    const mapping = (await propose('adminA', { mappings: P100_CODES, effectiveAt })).data!.proposeRuleChange;
    const approved = (await decide('adminB', APPROVE, mapping.id)).data!.approveRuleChange!;
    expect(approved.version).toBe(3);

    await acknowledged('P100', 'PO-G1');
    const beforeRefused = await settled(await startAt('P100', 'PO-G1'));
    // Received before the change, decided after it: it waits for its order's acknowledgement across effectiveAt.
    const release = releaseInput({ orderNumber: 'PO-G2' });
    await settled(await submit('releaseProductionOrder', release));
    const heldAcross = await startAt('P100', 'PO-G2');
    await waitFor(async () => (await runtime.store.getTransaction(heldAcross))?.status === 'HELD', {
      what: 'the start to wait for the acknowledgement',
    });
    expect(new Date().toISOString() < effectiveAt).toBe(true);
    await waitFor(() => new Date().toISOString() > effectiveAt, {
      what: 'the change to take effect',
      timeoutMs: 10_000,
    });
    await settled(await submit('acknowledgeProductionOrder', acknowledgeInput(release)));

    await acknowledged('P100', 'PO-G3');
    const after = await settled(await startAt('P100', 'PO-G3'));
    await acknowledged('P200', 'PO-G4');
    const canaryOther = await settled(await startAt('P200', 'PO-G4'));

    expect(beforeRefused.status).toBe('QUARANTINED');
    expect(await versionOfDecision('P100', 'PO-G1', beforeRefused.envelope.correlationId)).toBe(2);
    const decidedLate = await settled(heldAcross);
    expect(decidedLate.status).toBe('QUARANTINED');
    expect(await versionOfDecision('P100', 'PO-G2', heldAcross)).toBe(2);
    expect(after.status).toBe('APPLIED');
    expect(await versionOfDecision('P100', 'PO-G3', after.envelope.correlationId)).toBe(3);
    expect(canaryOther.status).toBe('QUARANTINED');
    expect(await versionOfDecision('P200', 'PO-G4', canaryOther.envelope.correlationId)).toBe(1);

    // Rolling back: one change putting version 2's parameters back, owned by ADMIN alone (only the mappings differ).
    const mixed = await propose('adminB', { revertsTo: 2, mappings: P100_CODES, effectiveAt: inSeconds(60) });
    expect(mixed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.revertsTo' });
    const rollback = (await propose('adminB', { revertsTo: 2, effectiveAt: inSeconds(1) })).data!.proposeRuleChange;
    expect(rollback).toMatchObject({ owners: ['ADMIN'], revertsTo: 2 });
    expect((await decide('adminA', APPROVE, rollback.id)).data!.approveRuleChange!.version).toBe(4);
    await waitFor(async () => (await versionsOf('P100')).at(-1)!.inForce, { what: 'version 4 in force' });
    expect((await versionsOf('P100')).at(-1)!.parameters.mappings).toEqual({});
    await acknowledged('P100', 'PO-G5');
    const rolledBack = await settled(await startAt('P100', 'PO-G5'));
    expect(rolledBack.status).toBe('QUARANTINED');
    expect(await versionOfDecision('P100', 'PO-G5', rolledBack.envelope.correlationId)).toBe(4);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/plantgate_rules_version_in_force\{plant="P100"\} 4/);
  });
});
