import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../core/auth/principal';
import type { Runtime } from '../../app/runtime';
import type { ErpSimulator } from '../../simulators/erp.simulator';
import type { ReconciliationRun } from '../../core/reconciliation/drift.types';
import { submitMutationDocument } from '../../resolvers/submit-mutation';
import { bearer, createKey } from '../support/auth.fixture';
import { consumption, operationEvent } from '../support/event.fixture';
import { gql } from '../support/graphql-client';
import { createTestInstallation, referenceSystemsEnv, type TestInstallation } from '../support/harness';
import { referenceData, seedReferenceData } from '../support/reference.fixture';
import { waitFor } from '../support/wait';
import { writeRulesFile } from '../support/rules-file';
import { acknowledgedOrder, inspectedOrder, submitAndSettle, TOOK_EFFECT } from '../support/workflow-client';

const DRIFT_FIELDS = `id plant orderNumber lot system field plantgateValue systemValue difference severity status owner
  correctionsApplied correction { kind description postings lot quantity } exception { id status } decisions { action actor }`;
const RUN_FIELDS = `id status scope changedSince ordersChecked lotsChecked pages calls { erp mes qms } driftsFound
  driftsWithinTolerance driftsClosed error durationSeconds`;
const RUN = `mutation R($plant: String!, $scope: ReconciliationScope) { runReconciliation(plant: $plant, scope: $scope) { ${RUN_FIELDS} } }`;
const RUN_BY_ID = `query Q($id: ID!) { reconciliationRun(id: $id) { ${RUN_FIELDS} drifts(first: 100) { totalCount } } }`;
const RUNS = `query Q($plant: String!) { reconciliationRuns(plant: $plant) { totalCount nodes { id status scope requestedBy startedAt } } }`;
const DRIFTS = `query D($filter: DriftFilter) { drifts(filter: $filter, first: 100) { totalCount nodes { ${DRIFT_FIELDS} } } }`;
const APPROVE = `mutation A($id: ID!, $note: String!) { approveCorrection(driftId: $id, note: $note) { ${DRIFT_FIELDS} } }`;
const REJECT = `mutation J($id: ID!, $note: String!) { rejectCorrection(driftId: $id, note: $note) { ${DRIFT_FIELDS} } }`;
const EXCEPTION = `query E($id: ID!) { exception(id: $id) { id type status owner rule reason } }`;
const TRAIL = `query T($orderNumber: String!) {
  auditTrail(plant: "P100", orderNumber: $orderNumber) { action actor }
  verifyAuditChain(plant: "P100") { ok }
}`;

type Drift = {
  id: string;
  orderNumber: string | null;
  lot: string | null;
  system: string;
  field: string;
  plantgateValue: unknown;
  systemValue: unknown;
  difference: number | null;
  severity: string;
  status: string;
  owner: string;
  correctionsApplied: number;
  correction: { kind: string; description: string; postings: { postingType: string; payload: object }[] | null } | null;
  exception: { id: string; status: string } | null;
  decisions: { action: string; actor: string }[];
};
type Run = Omit<ReconciliationRun, 'plant' | 'requestedBy' | 'startedAt' | 'finishedAt'> & {
  durationSeconds: number | null;
};

/**
 * Reconciliation through HTTP, store and the reference systems: edits made in ERP, MES and QMS behind Plantgate's
 * back are found with both values, raised as RECONCILIATION exceptions for the owning role (or recorded within
 * tolerance), corrected only on that role's approval, exactly once, and closed by the next run.
 */
describe('reconciliation', () => {
  let installation: TestInstallation;
  let runtime: Runtime;
  let url: string;
  let erp: ErpSimulator;
  let rules: { file: string; remove: () => void };
  const keys = new Map<string, string>();
  const call = <T>(who: string, query: string, variables: Record<string, unknown> = {}) =>
    gql<T>(url, query, variables, bearer(keys.get(who)!));
  const ok = async <T>(who: string, query: string, variables: Record<string, unknown> = {}) => {
    const answer = await call<T>(who, query, variables);
    if (answer.errors?.length || !answer.data) throw new Error(JSON.stringify(answer.errors));
    return answer.data;
  };
  const admin = (path: string, system: 'erp' | 'mes' | 'qms', body: object) =>
    fetch(`${runtime.endpoints[system]!.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(async (r) => {
      if (!r.ok) throw new Error(`${system} ${path}: ${r.status} ${await r.text()}`);
    });
  /** Runs reconciliation as supply chain and waits for the run to end. */
  async function reconcile(scope: 'FULL' | 'INCREMENTAL' = 'FULL'): Promise<Run> {
    const started = (await ok<{ runReconciliation: Run }>('supply', RUN, { plant: 'P100', scope })).runReconciliation;
    expect(started).toMatchObject({ status: 'RUNNING', scope });
    return waitFor(
      async () => {
        const run = (await ok<{ reconciliationRun: Run }>('viewer', RUN_BY_ID, { id: started.id })).reconciliationRun;
        return run.status === 'RUNNING' ? undefined : run;
      },
      { what: `run ${started.id} to end`, timeoutMs: 30_000 },
    );
  }
  const drifts = async (filter: object) =>
    (await ok<{ drifts: { nodes: Drift[] } }>('viewer', DRIFTS, { filter: { plant: 'P100', ...filter } })).drifts.nodes;
  const driftOf = async (field: string, extra: object = {}) => {
    const [drift] = await drifts({ field, ...extra });
    if (!drift) throw new Error(`no drift on ${field}`);
    return drift;
  };
  const booked = (key: string) => erp.journal.filter((j) => j.idempotencyKey === key).length;

  beforeAll(async () => {
    // No grace, so that what was just done is compared at once; on demand only; lots may differ by 5 in P100.
    rules = writeRulesFile({
      plants: {
        // P200 is reconciled on a schedule: every 0.6 s, FULL every second run.
        P200: { version: 2, reconciliation: { intervalMinutes: 0.01, fullSweepEvery: 2 } },
        P100: {
          version: 7,
          reconciliation: {
            graceSeconds: 0,
            intervalMinutes: 0,
            tolerances: { lotBalance: { absolute: 5, percent: 0 } },
          },
        },
      },
    });
    installation = createTestInstallation('reconciliation', {
      SIMULATORS: 'embedded',
      RULES_FILE: rules.file,
      // Two orders (or lots) per page: a run goes through the plant page by page, one call per system each.
      RECONCILE_PAGE_SIZE: '2',
    });
    runtime = await installation.start('all');
    url = runtime.url!;
    erp = runtime.referenceSystems!.erp!;
    await seedReferenceData(url, referenceData(['P100', 'P200']));
    // PO-R-1 confirms 10 on operation 10; PO-R-2 is completed into lot FG-R-2 (QMS is asked to inspect it); PO-R-3
    // is only acknowledged.
    await acknowledgedOrder(url, { orderNumber: 'PO-R-1' });
    for (const eventType of ['START', 'CONFIRM'] as const)
      await submitAndSettle(
        url,
        'reportOperationEvent',
        operationEvent({ orderNumber: 'PO-R-1', eventType, yieldQuantity: eventType === 'CONFIRM' ? 10 : 0 }),
        TOOK_EFFECT,
      );
    await inspectedOrder(url, 'FG-R-2', 'PASS', { orderNumber: 'PO-R-2' });
    await acknowledgedOrder(url, { orderNumber: 'PO-R-3' });
    // Every ERP posting booked and acknowledged before the first run.
    await waitFor(
      async () =>
        (await Promise.all(['PO-R-1', 'PO-R-2'].map((o) => runtime.store.getOrder('P100', o)))).every((o) =>
          o!.postings.filter((p) => p.system === 'erp').every((p) => p.status === 'POSTED'),
        ),
      { what: 'every ERP posting acknowledged' },
    );
    // The first key ends the open local mode.
    const roles: [string, Role[], string[] | '*'][] = [
      ['supply', ['SUPPLY_CHAIN'], '*'],
      ['integrator', ['INTEGRATOR'], '*'],
      ['supplyElsewhere', ['SUPPLY_CHAIN'], ['P999']],
      ['quality', ['QUALITY'], '*'],
      ['operations', ['OPERATIONS'], '*'],
      ['viewer', ['VIEWER'], '*'],
    ];
    for (const [name, r, plants] of roles) keys.set(name, (await createKey(runtime.store, r, plants, { name })).key);
  });
  afterAll(async () => {
    await installation.cleanup();
    rules.remove();
  });

  it('finds no drift where the systems agree, going through the plant page by page', async () => {
    const run = await reconcile('FULL');
    expect(run).toMatchObject({ status: 'SUCCEEDED', error: null, driftsFound: 0, driftsClosed: 0 });
    expect(run.ordersChecked).toBe(3);
    // Every lot of the plant: the seeded ones and the finished lot.
    expect(run.lotsChecked).toBeGreaterThanOrEqual(4);
    expect(run.pages).toBe(Math.ceil(run.ordersChecked / 2) + Math.ceil(run.lotsChecked / 2));
    // One batched call per system per page of orders, one ERP call per page of lots, and one QMS call for the page
    // holding the finished lot FG-R-2 (its nonconformances): never one per order.
    const orderPages = Math.ceil(run.ordersChecked / 2);
    expect(run.calls).toEqual({ erp: run.pages, mes: orderPages, qms: orderPages + 1 });
    expect(run.durationSeconds).toBeGreaterThanOrEqual(0);
    expect(await drifts({})).toEqual([]);
  });

  it('finds each direct edit with both values, raises it to its owner, and keeps a difference within tolerance quiet', async () => {
    await admin('/admin/drift', 'erp', {
      kind: 'drop-confirmation',
      plant: 'P100',
      orderNumber: 'PO-R-1',
      operationSequence: 10,
      quantity: 4,
    });
    await admin('/admin/drift', 'erp', { kind: 'lot-stock', plant: 'P100', lot: 'L-RM7-EXPIRED', quantity: 480 });
    await admin('/admin/drift', 'erp', { kind: 'lot-stock', plant: 'P100', lot: 'L-RM8-OK', quantity: 197 });
    await admin('/admin/drift', 'erp', { kind: 'lot-stock', plant: 'P100', lot: 'L-RM7-OK', quantity: 99990 });
    await admin('/admin/drift', 'mes', { kind: 'cancel-order', plant: 'P100', orderNumber: 'PO-R-3' });
    const inspectionId = (await runtime.store.getOrder('P100', 'PO-R-2'))!.inspections[0]!.inspectionId;
    await admin('/admin/drift', 'qms', { kind: 'change-result', inspectionId, result: 'FAIL', disposition: 'REJECT' });
    await admin('/admin/drift', 'qms', {
      kind: 'nonconformance',
      nonconformanceId: 'NC-R-2',
      plant: 'P100',
      orderNumber: 'PO-R-2',
      lot: 'FG-R-2',
      status: 'OPEN',
    });

    const run = await reconcile('FULL');
    expect(run).toMatchObject({ status: 'SUCCEEDED', driftsWithinTolerance: 1 });
    expect(run.driftsFound).toBe(7);

    expect(await driftOf('operationYield:10', { system: 'ERP' })).toMatchObject({
      orderNumber: 'PO-R-1',
      plantgateValue: 10,
      systemValue: 6,
      difference: -4,
      severity: 'HIGH',
      status: 'CORRECTION_PROPOSED',
      owner: 'SUPPLY_CHAIN',
      correction: { kind: 'POST_TO_ERP' },
      exception: { status: 'OPEN' },
    });
    expect(await driftOf('lotBalance', { lot: 'L-RM7-EXPIRED' })).toMatchObject({
      system: 'ERP',
      plantgateValue: 500,
      systemValue: 480,
      status: 'CORRECTION_PROPOSED',
      correction: { kind: 'ADJUST_LOT_LEDGER', lot: 'L-RM7-EXPIRED', quantity: 480, postings: null },
    });
    // 3 KG off, within P100's tolerance of 5: recorded, not raised.
    expect(await driftOf('lotBalance', { lot: 'L-RM8-OK' })).toMatchObject({
      plantgateValue: 200,
      systemValue: 197,
      status: 'WITHIN_TOLERANCE',
      correction: null,
      exception: null,
    });
    expect(await driftOf('status', { system: 'MES' })).toMatchObject({
      orderNumber: 'PO-R-3',
      plantgateValue: 'ACKNOWLEDGED',
      systemValue: 'CANCELLED',
      status: 'OPEN',
      owner: 'OPERATIONS',
      correction: null,
    });
    const quality = await driftOf(`inspectionResult:${inspectionId}`);
    expect(quality).toMatchObject({ system: 'QMS', plantgateValue: 'PASS', systemValue: 'FAIL', owner: 'QUALITY' });
    // A nonconformance QMS holds on the finished lot that Plantgate never heard of.
    expect(await driftOf('nonconformance:NC-R-2')).toMatchObject({
      system: 'QMS',
      orderNumber: null,
      lot: 'FG-R-2',
      plantgateValue: null,
      systemValue: 'OPEN',
      status: 'OPEN',
      owner: 'QUALITY',
    });

    // Each raised drift is a RECONCILIATION exception in the workbench, owned like the drift, saying what to do.
    const exception = (
      await ok<{ exception: { type: string; status: string; owner: string; rule: string; reason: string } }>(
        'supply',
        EXCEPTION,
        { id: (await driftOf('operationYield:10', { system: 'ERP' })).exception!.id },
      )
    ).exception;
    expect(exception).toMatchObject({
      type: 'RECONCILIATION',
      status: 'OPEN',
      owner: 'SUPPLY_CHAIN',
      rule: 'reconciliation.erp.operationYield',
    });
    expect(exception.reason).toContain('Plantgate 10, ERP 6');
    expect(exception.reason).toContain('Proposed: Post 4');
  });

  it('applies a correction only for the owning role in its plant, once, and the next run closes the drift', async () => {
    const drift = await driftOf('operationYield:10', { system: 'ERP' });
    const wrongRole = await call('quality', APPROVE, { id: drift.id, note: 'not mine' });
    expect(wrongRole.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredRoles: ['SUPPLY_CHAIN', 'ADMIN'],
    });
    const wrongPlant = await call('supplyElsewhere', APPROVE, { id: drift.id, note: 'not my plant' });
    expect(wrongPlant.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
    const forbiddenRun = await call('operations', RUN, { plant: 'P100', scope: 'FULL' });
    expect(forbiddenRun.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });

    // Two approvals at once: one applies the correction, the other is told.
    const [first, second] = await Promise.all(
      [1, 2].map(() =>
        call<{ approveCorrection: Drift }>('supply', APPROVE, { id: drift.id, note: 'reversed in ERP by mistake' }),
      ),
    );
    const answers = [first!, second!];
    const applied = answers.filter((a) => a.data?.approveCorrection);
    expect(applied).toHaveLength(1);
    expect(applied[0]!.data!.approveCorrection).toMatchObject({ status: 'CORRECTED', correctionsApplied: 1 });
    expect(answers.find((a) => a.errors)?.errors?.[0]?.extensions?.code).toMatch(
      /ILLEGAL_TRANSITION|CONCURRENT_MODIFICATION/,
    );
    const again = await call('supply', APPROVE, { id: drift.id, note: 'again' });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', status: 'CORRECTED' });
    const exception = await ok<{ exception: { status: string } }>('supply', EXCEPTION, { id: drift.exception!.id });
    expect(exception.exception.status).toBe('RESOLVED');

    // The correction posts the missing 4 to ERP under its own key, once; ERP's acknowledgement lands on the order.
    const key = `erp|correction|${drift.id}|1|0`;
    await waitFor(async () => booked(key) === 1, { what: 'the correction booked in ERP' });
    expect(erp.orders.get('P100|PO-R-1')!.operationYield[10]).toBe(10);
    await waitFor(
      async () =>
        (await runtime.store.getOrder('P100', 'PO-R-1'))!.postings.find((p) => p.postingKey === key)?.status ===
        'POSTED',
      { what: 'the correction acknowledged' },
    );

    const lot = await driftOf('lotBalance', { lot: 'L-RM7-EXPIRED' });
    await ok('supply', APPROVE, { id: lot.id, note: 'counted: ERP is right' });
    expect((await runtime.store.getLot('P100', 'L-RM7-EXPIRED'))!.quantity).toBe(480);
    // Between the run and the approval, 10 of lot L-RM7-OK are consumed and issued in ERP: the correction applies the
    // difference the run found (−10), not the count it saw, so the consumption is not undone.
    const okLot = await driftOf('lotBalance', { lot: 'L-RM7-OK' });
    expect(okLot).toMatchObject({ plantgateValue: 100000, systemValue: 99990, status: 'CORRECTION_PROPOSED' });
    const consumed = (
      await ok<{ reportMaterialConsumption: { correlationId: string } }>(
        'integrator',
        submitMutationDocument('reportMaterialConsumption'),
        { input: consumption({ orderNumber: 'PO-R-3', lot: 'L-RM7-OK', quantity: 10 }) },
      )
    ).reportMaterialConsumption;
    await waitFor(async () => (await runtime.store.getTransaction(consumed.correlationId))?.status === 'POSTED', {
      what: 'the goods issue booked in ERP',
    });
    await ok('supply', APPROVE, { id: okLot.id, note: 'counted: ERP is right' });
    expect((await runtime.store.getLot('P100', 'L-RM7-OK'))!.quantity).toBe(99980);
    expect(erp.lots.get('P100|L-RM7-OK')!.stock.UNRESTRICTED).toBe(99980);

    const run = await reconcile('FULL');
    expect(run.driftsClosed).toBe(3);
    expect(await driftOf('operationYield:10', { system: 'ERP' })).toMatchObject({ status: 'CLOSED' });
    expect(await driftOf('lotBalance', { lot: 'L-RM7-EXPIRED' })).toMatchObject({ status: 'CLOSED' });
    // Repeating runs posts nothing again.
    await reconcile('FULL');
    expect(booked(key)).toBe(1);
    expect(erp.integrity()).toMatchObject({ duplicatePostings: 0 });

    const trail = await ok<{ auditTrail: { action: string; actor: string }[]; verifyAuditChain: { ok: boolean } }>(
      'viewer',
      TRAIL,
      { orderNumber: 'PO-R-1' },
    );
    const actions = trail.auditTrail.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'reconciliation.drift-found',
        'reconciliation.correction-approved',
        'reconciliation.drift-closed',
      ]),
    );
    expect(trail.verifyAuditChain.ok).toBe(true);
  });

  it('reopens a drift that comes back, with a new exception and a correction under a new key', async () => {
    await admin('/admin/drift', 'erp', {
      kind: 'drop-confirmation',
      plant: 'P100',
      orderNumber: 'PO-R-1',
      operationSequence: 10,
      quantity: 2,
    });
    expect(await reconcile('FULL')).toMatchObject({ status: 'SUCCEEDED', error: null, driftsFound: 1 });
    const drift = await driftOf('operationYield:10', { system: 'ERP' });
    expect(drift).toMatchObject({ status: 'CORRECTION_PROPOSED', correctionsApplied: 1, systemValue: 8 });
    expect(drift.decisions.map((d) => d.action)).toContain('REOPENED');
    expect(drift.exception).toMatchObject({ status: 'OPEN' });
    await ok('supply', APPROVE, { id: drift.id, note: 'reversed again' });
    await waitFor(async () => booked(`erp|correction|${drift.id}|2|0`) === 1, { what: 'the second correction' });
    expect(booked(`erp|correction|${drift.id}|1|0`)).toBe(1);
  });

  it('lets the owning role reject a drift it accepts, and an INCREMENTAL run check only what changed', async () => {
    const mes = await driftOf('status', { system: 'MES' });
    // Decided on the drift, not by closing its exception alone.
    const resolve = await call('operations', 'mutation R($id: ID!) { resolveException(id: $id, note: "n") { id } }', {
      id: mes.exception!.id,
    });
    expect(resolve.errors?.[0]?.extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', driftId: mes.id });
    const notOwner = await call('supply', REJECT, { id: mes.id, note: 'not mine' });
    expect(notOwner.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    const rejected = await ok<{ rejectCorrection: Drift }>('operations', REJECT, {
      id: mes.id,
      note: 'cancelled on the floor by mistake; the order goes on',
    });
    expect(rejected.rejectCorrection).toMatchObject({ status: 'REJECTED' });
    expect(
      (await ok<{ exception: { status: string } }>('operations', EXCEPTION, { id: mes.exception!.id })).exception
        .status,
    ).toBe('RESOLVED');
    // Nothing to correct: approving is refused, saying so.
    const approve = await call('operations', APPROVE, { id: mes.id, note: 'n' });
    expect(approve.errors?.[0]?.extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION' });

    const runs = (await ok<{ reconciliationRuns: { nodes: Run[] } }>('viewer', RUNS, { plant: 'P100' }))
      .reconciliationRuns.nodes;
    const incremental = await reconcile('INCREMENTAL');
    expect(incremental.changedSince).not.toBeNull();
    expect(runs[0]!.status).toBe('SUCCEEDED');
    // Only PO-R-1 changed since the last run (the second correction's acknowledgement).
    expect(incremental.ordersChecked).toBeLessThan(3);
    // A rejected drift stays rejected while the difference stands.
    expect(await driftOf('status', { system: 'MES' })).toMatchObject({ status: 'REJECTED' });
  });

  it('sends MES the release and asks QMS for the inspection they lost, on approval by OPERATIONS and QUALITY', async () => {
    const inspectionId = (await runtime.store.getOrder('P100', 'PO-R-2'))!.inspectionRequests[0]!.inspectionId;
    await admin('/admin/drift', 'mes', { kind: 'forget-order', plant: 'P100', orderNumber: 'PO-R-1' });
    await admin('/admin/drift', 'qms', { kind: 'forget-inspection', inspectionId });
    await reconcile('FULL');
    const released = await driftOf('released', { system: 'MES' });
    expect(released).toMatchObject({
      orderNumber: 'PO-R-1',
      plantgateValue: 'R3',
      systemValue: null,
      status: 'CORRECTION_PROPOSED',
      owner: 'OPERATIONS',
      correction: { kind: 'RESEND_RELEASE_TO_MES', postings: [{ destination: 'mes', postingType: 'OrderReleased' }] },
    });
    const requested = await driftOf(`inspectionRequested:${inspectionId}`);
    expect(requested).toMatchObject({
      system: 'QMS',
      lot: 'FG-R-2',
      status: 'CORRECTION_PROPOSED',
      owner: 'QUALITY',
      correction: {
        kind: 'REQUEST_INSPECTION',
        postings: [{ destination: 'qms', postingType: 'InspectionRequested' }],
      },
    });
    // The result QMS changed is gone with the inspection: that drift closes.
    expect(await driftOf(`inspectionResult:${inspectionId}`)).toMatchObject({ status: 'CLOSED' });

    expect(
      (await call('supply', APPROVE, { id: released.id, note: 'not mine' })).errors?.[0]?.extensions,
    ).toMatchObject({
      code: 'FORBIDDEN',
    });
    await ok('operations', APPROVE, { id: released.id, note: 'MES lost the order in a restore' });
    await ok('quality', APPROVE, { id: requested.id, note: 'QMS lost the request in a restore' });
    const mes = runtime.referenceSystems!.mes!;
    const qms = runtime.referenceSystems!.qms!;
    await waitFor(() => mes.orders.get('P100|PO-R-1')?.routingRevision === 'R3', { what: 'MES knows PO-R-1 again' });
    await waitFor(() => [...qms.inspections.values()].some((i) => i.inspectionId === inspectionId), {
      what: 'QMS knows the inspection again',
    });
    await reconcile('FULL');
    expect(await driftOf('released', { system: 'MES' })).toMatchObject({ status: 'CLOSED' });
    expect(await driftOf(`inspectionRequested:${inspectionId}`)).toMatchObject({ status: 'CLOSED' });
  });

  it('reconciles a plant on the schedule of its rule parameters, FULL once in fullSweepEvery runs', async () => {
    type Listed = { scope: string; requestedBy: string; startedAt: string; status: string };
    const listed = async (plant: string) =>
      (await ok<{ reconciliationRuns: { nodes: Listed[] } }>('viewer', RUNS, { plant })).reconciliationRuns.nodes;
    const p100Before = (await listed('P100')).length;
    // A worker that looks at the schedule every second.
    await installation.start('worker', { env: { RECONCILE_CHECK_S: '1', ...referenceSystemsEnv(runtime) } });
    const runs = await waitFor(async () => ((r) => (r.length >= 3 ? r : undefined))(await listed('P200')), {
      what: 'three scheduled runs of P200',
      timeoutMs: 30_000,
    });
    expect(runs.every((r) => r.requestedBy === 'system:reconciliation-schedule')).toBe(true);
    expect(runs.map((r) => r.scope)).toContain('FULL');
    expect(runs.map((r) => r.scope)).toContain('INCREMENTAL');
    // Newest first, and never closer together than the plant's interval.
    const starts = runs.map((r) => Date.parse(r.startedAt));
    for (let i = 1; i < starts.length; i++) expect(starts[i - 1]! - starts[i]!).toBeGreaterThanOrEqual(600);
    // P100's interval is 0: on demand only.
    expect((await listed('P100')).length).toBe(p100Before);
  });

  it('refuses to call a plant reconciled when it could compare with no system at all', async () => {
    // A gateway with no ERP, MES or QMS configured (only the `all` role starts the embedded ones).
    const alone = await installation.start('gateway');
    const answer = await gql<{ runReconciliation: { id: string } }>(
      alone.url!,
      'mutation { runReconciliation(plant: "P100", scope: FULL) { id } }',
      {},
      bearer(keys.get('supply')!),
    );
    const run = await waitFor(
      async () =>
        ((r) => (r?.status === 'RUNNING' ? undefined : r))(
          await runtime.store.getRun(answer.data!.runReconciliation.id),
        ),
      { what: 'the run to end' },
    );
    expect(run).toMatchObject({ status: 'FAILED', ordersChecked: 0 });
    expect(run!.error).toContain('no system is connected');
  });
});
