import { randomUUID } from 'node:crypto';
import type { Logger } from '../ports/logger.port';
import type { OrderViewsPort } from '../ports/downstream.port';
import type { ReconciliationUnit } from '../ports/reconciliation.port';
import type { Store } from '../ports/store.port';
import { ruleSetFor, type RuleBook } from '../rules/rule-set';
import { LOST_RACE, untilWritten } from '../write-races';
import { compareLot, compareLotQuality } from './compare-lot';
import { compareOrder, type OrderViews } from './compare-order';
import { assessFinding, closeDrift, type DriftChange, type RunContext } from './drift-ledger';
import {
  driftId,
  isRaised,
  newRun,
  type DriftSystem,
  type Finding,
  type ReconciliationRun,
  type RunScope,
} from './drift.types';

export interface ReconciliationObserver {
  runFinished(run: ReconciliationRun): void;
  progressed(plant: string, orders: number, lots: number): void;
}

export interface ReconcilerDeps {
  store: Pick<
    Store,
    'saveRun' | 'listRuns' | 'scanOrders' | 'scanLots' | 'driftsOf' | 'commitReconciliation' | 'getException' | 'getRun'
  >;
  views: OrderViewsPort;
  /** The systems this process can read; the others are not compared (their drifts stay as they are). */
  connected: readonly DriftSystem[];
  rules: RuleBook;
  now: () => Date;
  logger: Logger;
  /** Orders (and lots) per page: one store read and one batched call per system each. */
  pageSize: number;
  observer?: ReconciliationObserver;
}

/** A subject's standing drifts of the compared systems that its findings no longer include are closed. */
interface PageResult {
  findings: Finding[];
  /** The subjects and systems whose comparison ran (comparedKey). */
  compared: Set<string>;
  orderNumbers: string[];
  lots: string[];
}

/**
 * Compares a plant's records with ERP's, MES's and QMS's, page by page (never the whole plant in memory), with one
 * batched call per system per page. Each page's drifts are committed with the run's progress, so a run that fails
 * half-way keeps what it found and says how far it got.
 */
export function createReconciler(deps: ReconcilerDeps) {
  const { store } = deps;
  const running = new Map<string, Promise<void>>();
  let stopping = false;
  /** A run stops between pages when its process shuts down: FAILED with what it checked, the next one starts over. */
  const stillRunning = () => {
    if (stopping) throw new Error('stopped before the end: the process shut down');
  };

  async function start(plant: string, scope: RunScope, requestedBy: string): Promise<ReconciliationRun> {
    const changedSince = scope === 'INCREMENTAL' ? await lastSuccessfulStart(plant) : null;
    const run = newRun({
      id: `run:${plant}:${randomUUID()}`,
      plant,
      scope,
      requestedBy,
      startedAt: deps.now().toISOString(),
      changedSince,
    });
    await store.saveRun(run);
    const work = execute(run).finally(() => running.delete(run.id));
    running.set(run.id, work);
    return run;
  }

  /** Incremental runs check what changed since the last run that finished; the first one checks everything. */
  async function lastSuccessfulStart(plant: string): Promise<string | null> {
    const recent = await store.listRuns(plant, { first: 50, after: null });
    return recent.items.find((r) => r.status === 'SUCCEEDED')?.startedAt ?? null;
  }

  async function execute(run: ReconciliationRun): Promise<void> {
    try {
      // Compared with nothing, a run would say the systems agree: it says what is missing instead.
      if (!deps.connected.length)
        throw new Error('no system is connected to compare with: set ERP_URL, MES_URL or QMS_URL');
      let after: string | null = null;
      do {
        stillRunning();
        const page = await store.scanOrders(run.plant, after, deps.pageSize, run.changedSince);
        after = page.next;
        if (page.items.length) await commitPage(run, await compareOrders(run, page.items), page.items.length, 0);
      } while (after);
      let lotsAfter: string | null = '';
      while (lotsAfter !== null && (deps.connected.includes('ERP') || deps.connected.includes('QMS'))) {
        stillRunning();
        const page = await store.scanLots(run.plant, lotsAfter, deps.pageSize);
        lotsAfter = page.next;
        if (page.items.length) await commitPage(run, await compareLots(run, page.items), 0, page.items.length);
      }
      await finish(run, 'SUCCEEDED', null);
    } catch (error) {
      deps.logger.error({ runId: run.id, err: (error as Error).message }, 'reconciliation run failed');
      await finish(run, 'FAILED', (error as Error).message).catch(() => undefined);
    }
  }

  async function compareOrders(run: ReconciliationRun, orders: Parameters<typeof compareOrder>[0][]) {
    const refs = orders.map((o) => ({ plant: o.plant, orderNumber: o.orderNumber }));
    const [erp, mes, quality] = await Promise.all([
      deps.connected.includes('ERP') ? (run.calls.erp++, deps.views.erp(refs)) : undefined,
      deps.connected.includes('MES') ? (run.calls.mes++, deps.views.mes(refs)) : undefined,
      deps.connected.includes('QMS') ? (run.calls.qms++, deps.views.quality(refs)) : undefined,
    ]);
    const now = deps.now().toISOString();
    const grace = ruleSetFor(deps.rules, run.plant).reconciliation.graceSeconds;
    const result: PageResult = { findings: [], compared: new Set(), orderNumbers: [], lots: [] };
    orders.forEach((order, i) => {
      const views: OrderViews = { erp: erp?.[i], mes: mes?.[i], quality: quality?.[i] };
      const compared = compareOrder(order, views, now, grace);
      result.findings.push(...compared.findings);
      compared.compared.forEach((system) =>
        result.compared.add(comparedKey({ orderNumber: order.orderNumber, lot: null }, system)),
      );
      result.orderNumbers.push(order.orderNumber);
    });
    return result;
  }

  async function compareLots(run: ReconciliationRun, lots: Parameters<typeof compareLot>[0][]) {
    // Produced lots' nonconformances are QMS's, asked per producing order: one batched call for the page.
    const producers = [...new Set(lots.flatMap((l) => (l.producedBy ? [l.producedBy.orderNumber] : [])))];
    const withQms = deps.connected.includes('QMS') && producers.length > 0;
    const [stock, quality] = await Promise.all([
      deps.connected.includes('ERP')
        ? (run.calls.erp++,
          deps.views.erpLots(
            run.plant,
            lots.map((l) => l.lotNumber),
          ))
        : undefined,
      withQms
        ? (run.calls.qms++, deps.views.quality(producers.map((orderNumber) => ({ plant: run.plant, orderNumber }))))
        : undefined,
    ]);
    const now = deps.now().toISOString();
    const grace = ruleSetFor(deps.rules, run.plant).reconciliation.graceSeconds;
    const result: PageResult = { findings: [], compared: new Set(), orderNumbers: [], lots: [] };
    lots.forEach((lot, i) => {
      if (stock) {
        const compared = compareLot(lot, stock[i] ?? null, now, grace);
        result.findings.push(...compared.findings);
        if (compared.compared) result.compared.add(comparedKey({ orderNumber: null, lot: lot.lotNumber }, 'ERP'));
      }
      const producer = lot.producedBy ? producers.indexOf(lot.producedBy.orderNumber) : -1;
      if (quality && producer >= 0) {
        const compared = compareLotQuality(lot, quality[producer]!, now, grace);
        result.findings.push(...compared.findings);
        if (compared.compared) result.compared.add(comparedKey({ orderNumber: null, lot: lot.lotNumber }, 'QMS'));
      }
      result.lots.push(lot.lotNumber);
    });
    return result;
  }

  /** The page's drift changes and the run's progress, in one commit; a drift changed meanwhile: the page again. */
  async function commitPage(run: ReconciliationRun, page: PageResult, orders: number, lots: number) {
    await untilWritten(
      async () => {
        const changes = await driftChanges(run, page);
        const progressed = progressOf(run, changes, orders, lots);
        const unit: ReconciliationUnit = {
          drifts: changes.map((c) => c.drift),
          run: progressed,
          outbox: [],
          exceptions: changes.flatMap((c) => c.exceptions),
          exceptionUpdates: changes.flatMap((c) => c.exceptionUpdates),
          audit: changes.flatMap((c) => c.audit),
        };
        if (!(await store.commitReconciliation(unit)).ok) return LOST_RACE;
        Object.assign(run, progressed);
        deps.observer?.progressed(run.plant, orders, lots);
      },
      `drifts of run ${run.id} kept changing under it`,
      5,
    );
  }

  /** What the page's findings change against the drifts recorded on its subjects: new, changed, or closed ones. */
  async function driftChanges(run: ReconciliationRun, page: PageResult): Promise<DriftChange[]> {
    const ctx: RunContext = {
      plant: run.plant,
      runId: run.id,
      now: deps.now().toISOString(),
      actor: 'system:reconciliation',
      rules: ruleSetFor(deps.rules, run.plant),
    };
    const recorded = await store.driftsOf(run.plant, { orderNumbers: page.orderNumbers, lots: page.lots });
    const byId = new Map(recorded.map((d) => [d.id, d]));
    const found = new Set(page.findings.map((f) => driftId(run.plant, f.system, f)));
    const changes = page.findings.flatMap((finding) => {
      const change = assessFinding(finding, byId.get(driftId(run.plant, finding.system, finding)) ?? null, ctx);
      return change ? [change] : [];
    });
    // A standing drift of a subject and system this page compared, and no longer found: the systems agree again.
    const agreed = recorded.filter(
      (d) => d.status !== 'CLOSED' && !found.has(d.id) && page.compared.has(comparedKey(d, d.system)),
    );
    for (const drift of agreed)
      changes.push(closeDrift(drift, drift.exceptionId ? await store.getException(drift.exceptionId) : null, ctx));
    return changes;
  }

  async function finish(run: ReconciliationRun, status: 'SUCCEEDED' | 'FAILED', error: string | null) {
    Object.assign(run, { status, error, finishedAt: deps.now().toISOString() });
    await store.saveRun(run);
    deps.observer?.runFinished(run);
    deps.logger.info(
      { runId: run.id, plant: run.plant, status, orders: run.ordersChecked, drifts: run.driftsFound },
      'reconciliation run finished',
    );
  }

  return {
    start,
    /** Stops the runs in progress at their next page and waits for them to record it (a graceful stop). */
    async close() {
      stopping = true;
      await Promise.all(running.values());
    },
    /** Whether a run of the plant is in progress in this process (a scheduled run is skipped then). */
    busy: (plant: string) => [...running.keys()].some((id) => id.startsWith(`run:${plant}:`)),
    /** Whether this process can compare with anything at all. */
    connected: () => deps.connected.length > 0,
  };
}

export type Reconciler = ReturnType<typeof createReconciler>;

/** The run record after a page: what it checked, and what the page's changes raised, recorded and closed. */
function progressOf(run: ReconciliationRun, changes: DriftChange[], orders: number, lots: number): ReconciliationRun {
  const counted = (status: string) => changes.filter((c) => c.drift.record.status === status).length;
  return {
    ...run,
    ordersChecked: run.ordersChecked + orders,
    lotsChecked: run.lotsChecked + lots,
    pages: run.pages + 1,
    driftsFound: run.driftsFound + changes.filter((c) => isRaised(c.drift.record.status)).length,
    driftsWithinTolerance: run.driftsWithinTolerance + counted('WITHIN_TOLERANCE'),
    driftsClosed: run.driftsClosed + counted('CLOSED'),
  };
}

/** The key under which a page notes that it compared a subject (an order or a lot) with a system. */
function comparedKey(subject: { orderNumber: string | null; lot: string | null }, system: DriftSystem): string {
  return `${subject.orderNumber ? `order:${subject.orderNumber}` : `lot:${subject.lot}`}|${system}`;
}
