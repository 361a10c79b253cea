import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../core/auth/principal';
import type { Runtime } from '../../app/runtime';
import { submitMutationDocument } from '../../resolvers/submit-mutation';
import { bearer, createKey } from '../support/auth.fixture';
import { consumption, inspection, nonconformance, operationEvent } from '../support/event.fixture';
import { gql, ORDER } from '../support/graphql-client';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { referenceData, seedReferenceData } from '../support/reference.fixture';
import { acknowledgedOrder, completedOrder, settled, submit } from '../support/workflow-client';
import { waitFor } from '../support/wait';
import { writeRulesFile } from '../support/rules-file';

const EXCEPTION_FIELDS = `id type status rule owner dueAt assignee replayOf replayedAs overridableBy closedAt
  timeToResolutionSeconds actions { action actor at note } pendingOverride { rule requestedBy }`;
const EXCEPTION = `query E($id: ID!) { exception(id: $id) { ${EXCEPTION_FIELDS} } }`;
const REPLAY = `mutation R($id: ID!, $input: ReplayExceptionInput!) { replayException(id: $id, input: $input) { ${EXCEPTION_FIELDS} } }`;
const OVERRIDE = `mutation O($id: ID!, $reason: String!) { overrideException(id: $id, reason: $reason) { ${EXCEPTION_FIELDS} } }`;
const APPROVE = `mutation A($id: ID!) { approveOverride(id: $id) { ${EXCEPTION_FIELDS} } }`;
const RESOLVE = `mutation S($id: ID!, $note: String!) { resolveException(id: $id, note: $note) { ${EXCEPTION_FIELDS} } }`;
const DISCARD = `mutation D($id: ID!, $reason: String!) { discardException(id: $id, reason: $reason) { ${EXCEPTION_FIELDS} } }`;
const ASSIGN = `mutation G($id: ID!, $who: String!) { assignException(id: $id, assignee: $who) { ${EXCEPTION_FIELDS} } }`;
const BULK = `mutation B($filter: ExceptionFilter!, $note: String!) {
  replayExceptions(filter: $filter, note: $note) { replayed { id replayedAs } skipped { id reason } }
}`;
const TX = `query T($c: ID!) { transaction(correlationId: $c) { status replayOf supersededBy appliedVersion exception { id } } }`;

type ExceptionView = {
  id: string;
  type: string;
  status: string;
  rule: string;
  owner: string;
  dueAt: string;
  assignee: string | null;
  replayOf: string | null;
  replayedAs: string | null;
  overridableBy: string | null;
  closedAt: string | null;
  timeToResolutionSeconds: number | null;
  actions: { action: string; actor: string; note: string }[];
  pendingOverride: { rule: string; requestedBy: string } | null;
};

/**
 * The exception workbench through HTTP, broker and store: each action by the role that may take it, refused to the
 * others, recorded on the exception and in the order's hash chain; replays and corrections applied exactly once,
 * linked both ways; overrides past exactly the rule that refused, with four eyes where the plant requires them.
 */
describe('exception workbench', () => {
  let installation: TestInstallation;
  let runtime: Runtime;
  let url: string;
  let rules: { file: string; remove: () => void };
  const keys = new Map<string, { key: string; id: string }>();
  const as = (who: string) => bearer(keys.get(who)!.key);
  const actor = (who: string) => `key:${keys.get(who)!.id}`;
  const call = async <T>(who: string, query: string, variables: Record<string, unknown> = {}) =>
    gql<T>(url, query, variables, as(who));
  const ok = async <T>(who: string, query: string, variables: Record<string, unknown> = {}) => {
    const answer = await call<T>(who, query, variables);
    if (answer.errors?.length || !answer.data) throw new Error(JSON.stringify(answer.errors));
    return answer.data;
  };
  const exception = async (id: string) =>
    (await ok<{ exception: ExceptionView }>('admin', EXCEPTION, { id })).exception;
  const waitStatus = (id: string, status: string) =>
    waitFor(async () => ((await exception(id)).status === status ? exception(id) : undefined), {
      what: `exception ${id} to be ${status}`,
      timeoutMs: 30_000,
    });
  const submitAs = async (who: string, mutation: string, input: object) => {
    const answer = await call<Record<string, { correlationId: string; status: string; exception: unknown }>>(
      who,
      submitMutationDocument(mutation).replace(
        '{ correlationId status }',
        '{ correlationId status exception { id status } }',
      ),
      { input },
    );
    if (answer.errors?.length || !answer.data) throw new Error(JSON.stringify(answer.errors));
    return answer.data[mutation]!;
  };
  const txOf = async (correlationId: string) =>
    (
      await ok<{
        transaction: {
          status: string;
          replayOf: string | null;
          supersededBy: string | null;
          appliedVersion: number;
          exception: { id: string } | null;
        };
      }>('admin', TX, { c: correlationId })
    ).transaction;
  /** `npm run audit -- …` against this installation's store, as an operator runs it. */
  const auditCli = (args: string[]) =>
    spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'app/audit.cli.ts', ...args], {
      cwd: path.join(__dirname, '..', '..'),
      env: { ...process.env, ...installation.env },
      encoding: 'utf8',
      timeout: 60_000,
    });
  const settledAs = (correlationId: string, statuses: string[]) =>
    waitFor(async () => ((s) => (statuses.includes(s.status) ? s : undefined))(await txOf(correlationId)), {
      what: `${correlationId} to be ${statuses.join(' or ')}`,
      timeoutMs: 30_000,
    });
  const opEvent = (orderNumber: string, eventType: string, at: string, extra: object = {}) =>
    operationEvent({ orderNumber, plant: 'PS', eventType: eventType as 'START', occurredAt: at, ...extra });
  const order = async (orderNumber: string, plant = 'P100') =>
    (
      await ok<{ productionOrder: { materialConsumptions: { lot: string; quantity: number }[] } }>('admin', ORDER, {
        orderNumber,
        plant,
      })
    ).productionOrder;

  /** A consumption refused in the open local mode (before any key exists), and its exception. */
  const refused: Record<string, { correlationId: string; exceptionId: string; input: object }> = {};
  async function refuse(name: string, orderNumber: string, lot: string, plant = 'P100', extra: object = {}) {
    await acknowledgedOrder(url, { orderNumber, plant });
    const input = consumption({ orderNumber, plant, lot, quantity: 10, ...extra });
    const { correlationId } = await submit(url, 'reportMaterialConsumption', input);
    const t = await settled(url, correlationId, ['QUARANTINED']);
    refused[name] = { correlationId, exceptionId: t.exception!.id, input };
  }

  beforeAll(async () => {
    // Plant P4E requires a second person for every override.
    // Plant PS waits one second for a missing predecessor, so that an expiry (or its absence) can be watched.
    rules = writeRulesFile({
      plants: {
        P4E: { version: 3, fourEyesOverrides: true },
        PS: { version: 2, holdWindowMs: 1000 },
        // People replay P100's exceptions themselves: nothing is replayed automatically there.
        P100: { version: 4, autoReplayRules: [] },
      },
    });
    installation = createTestInstallation('workbench', { RULES_FILE: rules.file, HOLD_SWEEP_MS: '100' });
    runtime = await installation.start('all');
    url = runtime.url!;
    await seedReferenceData(url, referenceData(['P100', 'P4E', 'PS']));
    for (const orderNumber of ['PO-WB-Q1', 'PO-WB-Q2']) await completedOrder(url, `FG-${orderNumber}`, { orderNumber });
    for (const orderNumber of ['PO-WB-7', 'PO-WB-8', 'PO-WB-9', 'PO-WB-10'])
      await acknowledgedOrder(url, { orderNumber, plant: 'PS' });
    await refuse('expired', 'PO-WB-1', 'L-RM7-EXPIRED');
    await refuse('blocked', 'PO-WB-2', 'L-RM7-BLOCKED');
    await refuse('fourEyes', 'PO-WB-3', 'L-RM7-BLOCKED', 'P4E');
    await refuse('corrected', 'PO-WB-4', 'L-RM7-EXPIRED');
    await refuse('discarded', 'PO-WB-5', 'L-RM7-EXPIRED');
    await refuse('bulkFirst', 'PO-WB-6', 'L-RM7-EXPIRED', 'P100', { operationSequence: 10, quantity: 3 });
    const second = consumption({ orderNumber: 'PO-WB-6', lot: 'L-RM7-EXPIRED', operationSequence: 20, quantity: 4 });
    const secondId = (await submit(url, 'reportMaterialConsumption', second)).correlationId;
    refused.bulkSecond = {
      correlationId: secondId,
      exceptionId: (await settled(url, secondId, ['QUARANTINED'])).exception!.id,
      input: second,
    };
    // The first key ends the open local mode: from here on every request is someone's.
    const roles: [string, Role[], string[] | '*'][] = [
      ['admin', ['ADMIN'], '*'],
      ['integrator', ['INTEGRATOR'], '*'],
      ['supply', ['SUPPLY_CHAIN'], '*'],
      ['supply2', ['SUPPLY_CHAIN'], '*'],
      ['supplyElsewhere', ['SUPPLY_CHAIN'], ['P999']],
      ['quality', ['QUALITY'], '*'],
      ['quality2', ['QUALITY'], '*'],
      ['operations', ['OPERATIONS'], '*'],
      ['viewer', ['VIEWER'], '*'],
    ];
    for (const [name, r, plants] of roles) keys.set(name, await createKey(runtime.store, r, plants, { name }));
  });
  afterAll(async () => {
    await installation.cleanup();
    rules.remove();
  });

  it('tells an integrator that a resent refused event is parked: DUPLICATE with the exception', async () => {
    const { correlationId, exceptionId, input } = refused.expired!;
    expect(await submitAs('integrator', 'reportMaterialConsumption', { ...input, messageId: 'resend-1' })).toEqual({
      correlationId,
      status: 'DUPLICATE',
      exception: { id: exceptionId, status: 'OPEN' },
    });
  });

  it('gives each exception an owner from its rule, a triage deadline and the role that may override it', async () => {
    const e = await exception(refused.expired!.exceptionId);
    expect(e).toMatchObject({ status: 'OPEN', owner: 'SUPPLY_CHAIN', overridableBy: 'SUPPLY_CHAIN', actions: [] });
    // Default triage for VALIDATION: 4 hours.
    const created = Date.parse((await exception(refused.expired!.exceptionId)).dueAt) - 4 * 3600_000;
    expect(Math.abs(created - Date.now())).toBeLessThan(10 * 60_000);
  });

  it('refuses workbench actions to a viewer, to a role that does not own the exception, and outside the plants', async () => {
    const id = refused.expired!.exceptionId;
    const viewer = await call('viewer', REPLAY, { id, input: { note: 'try' } });
    expect(viewer.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    const quality = await call('quality', RESOLVE, { id, note: 'not mine' });
    expect(quality.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredRoles: ['SUPPLY_CHAIN', 'ADMIN'],
    });
    const elsewhere = await call('supplyElsewhere', REPLAY, { id, input: { note: 'other plant' } });
    expect(elsewhere.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
    const noNote = await call('supply', RESOLVE, { id, note: '  ' });
    expect(noNote.errors?.[0]?.message).toContain('note');
    expect((await exception(id)).status).toBe('OPEN');
  });

  it('replays with a corrected payload, applied exactly once and linked both ways', async () => {
    const { correlationId, exceptionId, input } = refused.expired!;
    const assigned = await ok<{ assignException: ExceptionView }>('supply', ASSIGN, { id: exceptionId, who: 'ana' });
    expect(assigned.assignException).toMatchObject({ assignee: 'ana', actions: [{ action: 'ASSIGNED' }] });
    const corrected = { ...input, lot: 'L-RM7-OK' };
    const { replayException } = await ok<{ replayException: ExceptionView }>('supply', REPLAY, {
      id: exceptionId,
      input: { payload: corrected, note: 'lot mislabelled at the line; the OK lot was used' },
    });
    expect(replayException.replayedAs).toBeTruthy();
    const closed = await waitStatus(exceptionId, 'REPLAYED');
    expect(closed.actions.map((a) => a.action)).toEqual(['ASSIGNED', 'REPLAY_SUBMITTED', 'REPLAYED']);
    expect(closed.actions[1]).toMatchObject({ actor: actor('supply') });
    expect(closed.closedAt).toBeTruthy();
    expect(closed.timeToResolutionSeconds).toBeGreaterThan(0);
    const replay = await txOf(replayException.replayedAs!);
    expect(replay).toMatchObject({ status: expect.stringMatching(/APPLIED|POSTED/), replayOf: correlationId });
    expect((await txOf(correlationId)).supersededBy).toBe(replayException.replayedAs);
    expect((await order('PO-WB-1')).materialConsumptions).toEqual([expect.objectContaining({ lot: 'L-RM7-OK' })]);
    // Closed: no second replay, and the corrected event resent is a duplicate of the replay, not a new posting.
    const again = await call('supply', REPLAY, { id: exceptionId, input: { note: 'again' } });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', status: 'REPLAYED' });
    const resend = await submitAs('integrator', 'reportMaterialConsumption', corrected);
    expect(resend).toMatchObject({ correlationId: replayException.replayedAs, status: 'DUPLICATE', exception: null });
    expect((await order('PO-WB-1')).materialConsumptions).toHaveLength(1);
  });

  it("applies an integrator's corrected event that names its exception, and closes the exception RESOLVED", async () => {
    const { correlationId, exceptionId, input } = refused.corrected!;
    const corrected = { ...input, lot: 'L-RM7-OK', correctsException: exceptionId };
    const answer = await submitAs('integrator', 'reportMaterialConsumption', corrected);
    expect(answer.status).toBe('ACCEPTED');
    const closed = await waitStatus(exceptionId, 'RESOLVED');
    expect(closed.replayedAs).toBe(answer.correlationId);
    expect((await txOf(answer.correlationId)).replayOf).toBe(correlationId);
    // Without the link, a same-key resend with other content stays a conflict.
    const { correlationId: other } = refused.discarded!;
    const conflict = await call('integrator', submitMutationDocument('reportMaterialConsumption'), {
      input: { ...refused.discarded!.input, quantity: 11 },
    });
    expect(conflict.errors?.[0]?.extensions).toMatchObject({
      code: 'DUPLICATE_CONFLICT',
      originalCorrelationId: other,
    });
  });

  it('overrides exactly the refusing rule, by the role the rule names only', async () => {
    const { exceptionId } = refused.blocked!;
    const operations = await call('operations', OVERRIDE, { id: exceptionId, reason: 'line is waiting' });
    expect(operations.errors?.[0]).toMatchObject({
      extensions: { code: 'FORBIDDEN', requiredRoles: ['SUPPLY_CHAIN'] },
    });
    await ok('supply', OVERRIDE, { id: exceptionId, reason: 'block was for a label check, released verbally' });
    const closed = await waitStatus(exceptionId, 'OVERRIDDEN');
    expect(closed.actions.map((a) => a.action)).toEqual(['OVERRIDE_SUBMITTED', 'OVERRIDDEN']);
    expect((await order('PO-WB-2')).materialConsumptions).toEqual([expect.objectContaining({ lot: 'L-RM7-BLOCKED' })]);
  });

  it('needs a second principal to approve an override where the plant requires four eyes', async () => {
    const { exceptionId } = refused.fourEyes!;
    const asked = await ok<{ overrideException: ExceptionView }>('supply', OVERRIDE, {
      id: exceptionId,
      reason: 'quarantine label applied by mistake',
    });
    expect(asked.overrideException, JSON.stringify(asked)).toMatchObject({
      status: 'AWAITING_APPROVAL',
      pendingOverride: { rule: 'consumption.lot-status', requestedBy: actor('supply') },
    });
    expect((await order('PO-WB-3', 'P4E')).materialConsumptions).toEqual([]);
    const self = await call('supply', APPROVE, { id: exceptionId });
    expect(self.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(self.errors?.[0]?.message).toContain('four eyes');
    await ok('supply2', APPROVE, { id: exceptionId });
    const closed = await waitStatus(exceptionId, 'OVERRIDDEN');
    expect(closed.actions.map((a) => [a.action, a.actor])).toEqual([
      ['OVERRIDE_REQUESTED', actor('supply')],
      ['OVERRIDE_APPROVED', actor('supply2')],
      ['OVERRIDDEN', actor('supply2')],
    ]);
    expect((await order('PO-WB-3', 'P4E')).materialConsumptions).toHaveLength(1);
  });

  it('discards and resolves with a reason, and refuses an override of a rule that is not overridable', async () => {
    const { exceptionId } = refused.discarded!;
    const discarded = await ok<{ discardException: ExceptionView }>('admin', DISCARD, {
      id: exceptionId,
      reason: 'entered twice by the operator; the other entry stands',
    });
    expect(discarded.discardException).toMatchObject({ status: 'DISCARDED', actions: [{ action: 'DISCARDED' }] });
    expect((await order('PO-WB-5')).materialConsumptions).toEqual([]);
    const conflictId = (await exception(refused.discarded!.exceptionId)).id;
    expect(conflictId).toBe(exceptionId);
    const { exceptions } = await ok<{ exceptions: { nodes: ExceptionView[] } }>(
      'admin',
      `{ exceptions(filter: { orderNumber: "PO-WB-5", type: DUPLICATE_CONFLICT }) { nodes { ${EXCEPTION_FIELDS} } } }`,
    );
    const conflict = exceptions.nodes[0]!;
    expect(conflict).toMatchObject({ owner: 'INTEGRATOR', overridableBy: null });
    const override = await call('supply', OVERRIDE, { id: conflict.id, reason: 'x' });
    expect(override.errors?.[0]?.extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION' });
    const resolved = await ok<{ resolveException: ExceptionView }>('integrator', RESOLVE, {
      id: conflict.id,
      note: 'adapter bug fixed; the resend was wrong',
    });
    expect(resolved.resolveException.status).toBe('RESOLVED');
  });

  it("replays in bulk in each order's original order once the master data is fixed", async () => {
    const data = referenceData(['P100']);
    const lots = data.lots.map((l) =>
      l.lotNumber === 'L-RM7-EXPIRED' ? { ...l, expiresAt: '2028-01-01T00:00:00.000Z' } : l,
    );
    await submitAs('supply', 'upsertReferenceData', { ...data, lots });
    await waitFor(
      async () =>
        (await runtime.store.getLot('P100', 'L-RM7-EXPIRED'))?.expiresAt?.startsWith('2028') ? true : undefined,
      { what: 'the lot expiry to be corrected' },
    );
    const { replayExceptions } = await ok<{
      replayExceptions: { replayed: { id: string; replayedAs: string }[]; skipped: unknown[] };
    }>('supply', BULK, { filter: { plant: 'P100', orderNumber: 'PO-WB-6' }, note: 'expiry corrected in MDM' });
    expect(replayExceptions.replayed.map((r) => r.id)).toEqual([
      refused.bulkFirst!.exceptionId,
      refused.bulkSecond!.exceptionId,
    ]);
    await waitStatus(refused.bulkSecond!.exceptionId, 'REPLAYED');
    await waitStatus(refused.bulkFirst!.exceptionId, 'REPLAYED');
    const [first, second] = await Promise.all(replayExceptions.replayed.map((r) => txOf(r.replayedAs)));
    expect(first!.appliedVersion).toBeLessThan(second!.appliedVersion);
    expect((await order('PO-WB-6')).materialConsumptions.map((c) => c.quantity)).toEqual([3, 4]);
  });

  it('keeps every action in the order and lot audit trail, and names the first tampered entry', async () => {
    const trail = await ok<{
      auditTrail: { seq: number; action: string; actor: string; detail: { exceptionId?: string } }[];
    }>('viewer', '{ auditTrail(plant: "P100", orderNumber: "PO-WB-1") { seq action actor detail } }');
    const actions = trail.auditTrail.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'message.quarantined',
        'exception.assigned',
        'exception.replay-submitted',
        'exception.replayed',
      ]),
    );
    expect(trail.auditTrail.find((e) => e.action === 'exception.replay-submitted')?.actor).toBe(actor('supply'));
    const lotTrail = await ok<{ auditTrail: { subject: string; action: string }[] }>(
      'viewer',
      '{ auditTrail(plant: "P100", lot: "L-RM7-BLOCKED") { subject action } }',
    );
    expect(lotTrail.auditTrail.map((e) => e.action)).toEqual(
      expect.arrayContaining(['message.quarantined', 'exception.overridden']),
    );
    expect(new Set(lotTrail.auditTrail.map((e) => e.subject))).toEqual(new Set(['order:P100:PO-WB-2']));

    const VERIFY = '{ verifyAuditChain(plant: "P100") { ok entriesChecked firstBrokenEntry { seq subject at } } }';
    const before = await ok<{ verifyAuditChain: { ok: boolean; entriesChecked: number } }>('viewer', VERIFY);
    expect(before.verifyAuditChain.ok).toBe(true);
    expect(before.verifyAuditChain.entriesChecked).toBeGreaterThan(20);

    const exported = path.join(path.dirname(rules.file), 'audit.jsonl');
    const exportRun = auditCli(['export', '--plant', 'P100', '--out', exported]);
    expect(exportRun.status, exportRun.stderr).toBe(0);
    const lines = fs
      .readFileSync(exported, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { subject: string; hash: string });
    expect(lines).toHaveLength(before.verifyAuditChain.entriesChecked);
    expect(lines.every((l) => l.subject.startsWith('order:P100:') && /^[0-9a-f]{64}$/.test(l.hash))).toBe(true);

    const db = new Database(installation.env.SQLITE_FILE!);
    try {
      const target = trail.auditTrail.find((e) => e.action === 'exception.replay-submitted')!;
      expect(() => db.prepare('UPDATE audit SET actor = ? WHERE seq = ?').run('someone-else', target.seq)).toThrow(
        /append-only/,
      );
      expect(() => db.prepare('DELETE FROM audit WHERE seq = ?').run(target.seq)).toThrow(/append-only/);
      // Someone with the file drops the guard and edits one entry.
      db.exec('DROP TRIGGER audit_no_update');
      db.prepare('UPDATE audit SET actor = ? WHERE seq = ?').run('someone-else', target.seq);
      const after = await ok<{ verifyAuditChain: { ok: boolean; firstBrokenEntry: { seq: number; subject: string } } }>(
        'viewer',
        VERIFY,
      );
      expect(after.verifyAuditChain).toMatchObject({
        ok: false,
        firstBrokenEntry: { seq: target.seq, subject: 'order:P100:PO-WB-1' },
      });
      const verifyRun = auditCli(['verify', '--plant', 'P100']);
      expect(verifyRun.status).toBe(1);
      expect(JSON.parse(verifyRun.stdout)).toMatchObject({ ok: false, firstBrokenEntry: { seq: target.seq } });
    } finally {
      db.close();
    }
  });

  it("shows per interface the transactions by status and the open exceptions, within the caller's plants", async () => {
    type Row = { plant: string; messageType: string; system: string; byStatus: { status: string; count: number }[] };
    const all = await ok<{ interfaceMonitor: Row[] }>(
      'viewer',
      '{ interfaceMonitor { plant messageType system byStatus { status count } openExceptions { type count oldestAgeSeconds } } }',
    );
    const consumptions = all.interfaceMonitor.filter(
      (r) => r.plant === 'P100' && r.messageType === 'ReportMaterialConsumption',
    );
    const count = (status: string) =>
      consumptions
        .flatMap((r) => r.byStatus)
        .filter((s) => s.status === status)
        .reduce((n, s) => n + s.count, 0);
    expect(count('QUARANTINED')).toBeGreaterThanOrEqual(6);
    expect(count('APPLIED') + count('POSTED')).toBeGreaterThanOrEqual(4);
    const elsewhere = await ok<{ interfaceMonitor: Row[] }>('supplyElsewhere', '{ interfaceMonitor { plant } }');
    expect(elsewhere.interfaceMonitor).toEqual([]);
  });
  it("holds an order's dependent events behind a refused one, without expiry, and drains them in order after the replay", async () => {
    const start = opEvent('PO-WB-7', 'START', '2026-12-01T07:00:00.000Z', { workCenter: 'WC-NOPE' });
    const refusedStart = await submitAs('integrator', 'reportOperationEvent', start);
    const startTx = await settledAs(refusedStart.correlationId, ['QUARANTINED']);
    const complete = await submitAs(
      'integrator',
      'reportOperationEvent',
      opEvent('PO-WB-7', 'COMPLETE', '2026-12-01T08:00:00.000Z', { yieldQuantity: 5 }),
    );
    await settledAs(complete.correlationId, ['HELD']);
    // An event that does not depend on the refused one goes on.
    const independent = await submitAs(
      'integrator',
      'reportMaterialConsumption',
      consumption({ orderNumber: 'PO-WB-7', plant: 'PS', lot: 'L-RM7-OK', quantity: 5 }),
    );
    await settledAs(independent.correlationId, ['APPLIED', 'POSTED']);
    // Ten hold windows later the dependent event still waits: it is exempt from expiry while the exception is open.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await txOf(complete.correlationId)).status).toBe('HELD');
    const held = await runtime.store.listHeld('PS', 'PO-WB-7');
    expect(held.map((h) => [h.correlationId, h.rule, h.blockedBy])).toEqual([
      [complete.correlationId, 'exception.open-predecessor', startTx.exception!.id],
    ]);

    await ok('operations', REPLAY, {
      id: startTx.exception!.id,
      input: { payload: { ...start, workCenter: 'WC-CUT' }, note: 'work centre renamed on the line' },
    });
    const replayed = await waitStatus(startTx.exception!.id, 'REPLAYED');
    const [replayTx, completeTx] = await Promise.all([
      settledAs(replayed.replayedAs!, ['APPLIED', 'POSTED']),
      settledAs(complete.correlationId, ['APPLIED', 'POSTED']),
    ]);
    expect(replayTx.appliedVersion).toBeLessThan(completeTx.appliedVersion);
  });

  it('drains the dependent events when the exception is resolved instead, and their hold window starts again', async () => {
    const start = opEvent('PO-WB-8', 'START', '2026-12-01T07:00:00.000Z', { workCenter: 'WC-NOPE' });
    const startTx = await settledAs((await submitAs('integrator', 'reportOperationEvent', start)).correlationId, [
      'QUARANTINED',
    ]);
    const complete = await submitAs(
      'integrator',
      'reportOperationEvent',
      opEvent('PO-WB-8', 'COMPLETE', '2026-12-01T08:00:00.000Z', { yieldQuantity: 5 }),
    );
    await settledAs(complete.correlationId, ['HELD']);
    await ok('operations', RESOLVE, { id: startTx.exception!.id, note: 'START never happened; MES will resend' });
    // No longer behind the exception: it waits for its START like any early event, and its window runs out.
    const expired = await settledAs(complete.correlationId, ['QUARANTINED']);
    expect(await exception(expired.exception!.id)).toMatchObject({ type: 'SEQUENCE', rule: 'operation.sequence' });
  });

  it('absorbs a late RESUME the completed operation already passed, and raises one that came after', async () => {
    for (const [type, at] of [
      ['START', '2026-12-01T07:00:00.000Z'],
      ['PAUSE', '2026-12-01T07:10:00.000Z'],
    ] as const) {
      await settledAs(
        (await submitAs('integrator', 'reportOperationEvent', opEvent('PO-WB-9', type, at))).correlationId,
        ['APPLIED', 'POSTED'],
      );
    }
    // The RESUME of 07:20 is delayed in MES: COMPLETE (07:50, from PAUSED) arrives first.
    const complete = opEvent('PO-WB-9', 'COMPLETE', '2026-12-01T07:50:00.000Z', { yieldQuantity: 5 });
    await settledAs((await submitAs('integrator', 'reportOperationEvent', complete)).correlationId, [
      'APPLIED',
      'POSTED',
    ]);
    const late = await submitAs(
      'integrator',
      'reportOperationEvent',
      opEvent('PO-WB-9', 'RESUME', '2026-12-01T07:20:00.000Z'),
    );
    const lateTx = await settledAs(late.correlationId, ['APPLIED', 'QUARANTINED']);
    expect(lateTx).toMatchObject({ status: 'APPLIED', exception: null });
    const timeline = await ok<{ productionOrder: { timeline: { cause: string }[] } }>(
      'admin',
      '{ productionOrder(orderNumber: "PO-WB-9", plant: "PS") { timeline { cause } } }',
    );
    expect(timeline.productionOrder.timeline.at(-1)!.cause).toMatch(/^late RESUME of operation 10 .*absorbed/);
    // A late CONFIRM carries quantities: applied while the order can still take them, the operation stays COMPLETED.
    const lateConfirm = opEvent('PO-WB-9', 'CONFIRM', '2026-12-01T07:30:00.000Z', {
      yieldQuantity: 2,
      scrapQuantity: 1,
      scrapReason: 'burr',
    });
    const confirmTx = await settledAs(
      (await submitAs('integrator', 'reportOperationEvent', lateConfirm)).correlationId,
      ['APPLIED', 'POSTED', 'QUARANTINED'],
    );
    expect(confirmTx.exception).toBeNull();
    const op = await ok<{
      productionOrder: {
        operations: { sequence: number; state: string; yieldQuantity: number; scrapQuantity: number }[];
      };
    }>(
      'admin',
      '{ productionOrder(orderNumber: "PO-WB-9", plant: "PS") { operations { sequence state yieldQuantity scrapQuantity } } }',
    );
    expect(op.productionOrder.operations[0]).toEqual({
      sequence: 10,
      state: 'COMPLETED',
      yieldQuantity: 7,
      scrapQuantity: 1,
    });
    const after = await submitAs(
      'integrator',
      'reportOperationEvent',
      opEvent('PO-WB-9', 'RESUME', '2026-12-01T09:00:00.000Z'),
    );
    expect(await settledAs(after.correlationId, ['APPLIED', 'QUARANTINED'])).toMatchObject({ status: 'QUARANTINED' });
  });
  it('replays by itself, as the system, an exception whose master data is supplied or corrected', async () => {
    const refusedUse = consumption({ orderNumber: 'PO-WB-10', plant: 'PS', lot: 'L-RM7-EXPIRED', quantity: 6 });
    const t = await settledAs((await submitAs('integrator', 'reportMaterialConsumption', refusedUse)).correlationId, [
      'QUARANTINED',
    ]);
    // Master data about something else replays nothing.
    const data = referenceData(['PS']);
    await submitAs('supply', 'upsertReferenceData', {
      ...data,
      lots: data.lots.filter((l) => l.lotNumber === 'L-RM8-OK'),
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await exception(t.exception!.id)).toMatchObject({ status: 'OPEN', replayedAs: null });
    const corrected = data.lots.map((l) =>
      l.lotNumber === 'L-RM7-EXPIRED' ? { ...l, expiresAt: '2028-01-01T00:00:00.000Z' } : l,
    );
    await submitAs('supply', 'upsertReferenceData', { ...data, lots: corrected });
    const replayed = await waitStatus(t.exception!.id, 'REPLAYED');
    expect(replayed.actions.map((a) => [a.action, a.actor])).toEqual([
      ['REPLAY_SUBMITTED', 'system:auto-replay'],
      ['REPLAYED', 'system:auto-replay'],
    ]);
    expect((await order('PO-WB-10', 'PS')).materialConsumptions).toEqual([
      expect.objectContaining({ lot: 'L-RM7-EXPIRED', quantity: 6 }),
    ]);
  });
  const holdOf = async (orderNumber: string) =>
    (
      await ok<{ exceptions: { nodes: (ExceptionView & { reason: string })[] } }>(
        'admin',
        `{ exceptions(filter: { orderNumber: "${orderNumber}", type: DEPENDENCY }) { nodes { reason ${EXCEPTION_FIELDS} } } }`,
      )
    ).exceptions.nodes;

  it('opens a quality hold as an exception of QUALITY, released under deviation only with four eyes, as RESTRICTED', async () => {
    const lot = 'FG-PO-WB-Q1';
    const fail = inspection({ orderNumber: 'PO-WB-Q1', lot, result: 'FAIL', disposition: 'REJECT' });
    await settledAs((await submitAs('integrator', 'recordInspectionResult', fail)).correlationId, ['APPLIED']);
    const [hold] = await holdOf('PO-WB-Q1');
    expect(hold).toMatchObject({
      status: 'OPEN',
      owner: 'QUALITY',
      overridableBy: 'QUALITY',
      rule: 'quality.release-hold',
    });
    expect(hold!.reason).toContain('REJECT');
    const replay = await call('quality', REPLAY, { id: hold!.id, input: { note: 'try' } });
    expect(replay.errors?.[0]?.extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION' });
    // The FAIL was applied: a "correction" naming the hold must not take over its business key.
    const correction = await call('integrator', submitMutationDocument('recordInspectionResult'), {
      input: { ...fail, result: 'PASS', disposition: 'ACCEPT', correctsException: hold!.id },
    });
    expect(correction.errors?.[0]?.extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION' });
    const supply = await call('supply', OVERRIDE, { id: hold!.id, reason: 'we need the stock' });
    expect(supply.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredRoles: ['QUALITY'] });

    // Plant P100 does not ask for four eyes on overrides; a release under deviation always does.
    const reason = 'deviation D-17: cosmetic only, customer agreed';
    const asked = await ok<{ overrideException: ExceptionView }>('quality', OVERRIDE, { id: hold!.id, reason });
    expect(asked.overrideException.status).toBe('AWAITING_APPROVAL');
    const self = await call('quality', APPROVE, { id: hold!.id });
    expect(self.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    const operations = await call('operations', APPROVE, { id: hold!.id });
    expect(operations.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredRoles: ['QUALITY'] });
    await ok('quality2', APPROVE, { id: hold!.id });
    const closed = await waitStatus(hold!.id, 'OVERRIDDEN');
    expect(closed.actions.map((a) => a.action)).toEqual(['OVERRIDE_REQUESTED', 'OVERRIDE_APPROVED', 'OVERRIDDEN']);
    const after = await ok<{
      productionOrder: { state: string; goodsReceipts: { lot: string; stockStatus: string }[] };
      lot: { status: string };
    }>(
      'admin',
      `{ productionOrder(orderNumber: "PO-WB-Q1", plant: "P100") { state goodsReceipts { lot stockStatus } }
         lot(lotNumber: "${lot}", plant: "P100") { status } }`,
    );
    expect(after.productionOrder.goodsReceipts).toEqual([{ lot, stockStatus: 'RESTRICTED' }]);
    expect(after.productionOrder.state).not.toBe('QUALITY_HOLD');
    expect(after.lot.status).toBe('RESTRICTED');
  });

  it('resolves a quality hold by itself when the nonconformance on the lot closes', async () => {
    const lot = 'FG-PO-WB-Q2';
    const open = nonconformance({ orderNumber: 'PO-WB-Q2', lot, nonconformanceId: 'NC-WB-2', status: 'OPEN' });
    await settledAs((await submitAs('integrator', 'reportNonconformance', open)).correlationId, ['APPLIED']);
    const [hold] = await holdOf('PO-WB-Q2');
    expect(hold).toMatchObject({ status: 'OPEN', owner: 'QUALITY' });
    const closedNc = {
      ...open,
      status: 'CLOSED' as const,
      occurredAt: '2026-12-01T12:00:00.000Z',
      messageId: 'nc-close',
    };
    await settledAs((await submitAs('integrator', 'reportNonconformance', closedNc)).correlationId, ['APPLIED']);
    const resolved = await waitStatus(hold!.id, 'RESOLVED');
    expect(resolved.actions).toEqual([expect.objectContaining({ action: 'RESOLVED', actor: actor('integrator') })]);
    expect(resolved.actions[0]!.note).toMatch(/^Hold lifted by ReportNonconformance /);
  });
});
