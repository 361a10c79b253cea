import { systemPrincipal, type Principal } from '../auth/principal';
import type { Logger } from '../ports/logger.port';
import type { ExceptionRecord } from '../ports/records';
import type { Store } from '../ports/store.port';
import type { UpsertReferenceData } from '../reference/upsert-reference-data.command';
import { ruleSetFor, type RuleBook } from '../rules/rule-set';
import { deliveryRetryPending, unavailableRule } from './downstream-retry';
import type { Workbench } from './workbench.service';

/** Plantgate replaying on its own account, audited under this id: it may work any exception, in every plant. */
export const AUTO_REPLAY_PRINCIPAL: Principal = {
  ...systemPrincipal('system:auto-replay', 'Plantgate automatic replay'),
  roles: ['ADMIN'],
};

/**
 * The master data whose arrival may clear an exception: the kind its rule is about (plant, item, work centre or lot),
 * as named by the refused event. A lot refusal is not cleared by an upsert of its item, and so on.
 */
function clearingKeys(exception: ExceptionRecord): string[] {
  const p = (exception.payload ?? {}) as Record<string, unknown>;
  const plant = exception.plant;
  const strings = (...values: unknown[]) => values.filter((v): v is string => typeof v === 'string');
  const components = ((p.components as { item?: unknown }[] | undefined) ?? []).map((c) => c.item);
  const operations = ((p.operations as { workCenter?: unknown }[] | undefined) ?? []).map((o) => o.workCenter);
  if (exception.rule === 'reference.plant') return [`plant:${plant}`];
  // Enrichment comes from the plant's record or any of its work centres.
  if (exception.rule === 'reference.enrichment') return [`plant:${plant}`, `workCentersOf:${plant}`];
  if (exception.rule === 'reference.work-center')
    return strings(p.workCenter, ...operations).map((wc) => `workCenter:${plant}|${wc}`);
  if (exception.rule.startsWith('reference.')) return strings(p.item, ...components).map((item) => `item:${item}`);
  if (exception.rule.startsWith('consumption.lot-')) return strings(p.lot).map((lot) => `lot:${plant}|${lot}`);
  return [];
}

function suppliedKeys(data: Pick<UpsertReferenceData, 'plants' | 'workCenters' | 'items' | 'lots'>): Set<string> {
  return new Set([
    ...data.plants.map((x) => `plant:${x.code}`),
    ...data.workCenters.map((x) => `workCenter:${x.plant}|${x.code}`),
    ...data.workCenters.map((x) => `workCentersOf:${x.plant}`),
    ...data.items.map((x) => `item:${x.number}`),
    ...data.lots.map((x) => `lot:${x.plant}|${x.lotNumber}`),
  ]);
}

export interface AutoReplayDeps {
  store: Pick<Store, 'listExceptions'>;
  workbench: Pick<Workbench, 'replay'>;
  rules: RuleBook;
  logger: Logger;
}

/**
 * After master data is applied: replays every OPEN exception refused for master data this upsert supplies or
 * corrects (per the plant's `autoReplayRules`), oldest first, as the system principal. One whose cause has not
 * cleared is refused again into a new, linked exception. Idempotent: an exception already replayed is skipped, so
 * running it again after a crash (the upsert redelivered) does nothing twice.
 */
export async function replayClearedExceptions(
  deps: AutoReplayDeps,
  data: Pick<UpsertReferenceData, 'plants' | 'workCenters' | 'items' | 'lots'>,
): Promise<string[]> {
  const supplied = suppliedKeys(data);
  const candidates = (await deps.store.listExceptions({ status: 'OPEN' }, { first: 1000 })).items.filter(
    (e) =>
      ruleSetFor(deps.rules, e.plant).autoReplayRules.includes(e.rule) &&
      e.replayedAs === null &&
      clearingKeys(e).some((key) => supplied.has(key)),
  );
  return replayAll(
    deps,
    candidates,
    'Master data it was refused for was supplied or corrected: replayed automatically',
  );
}

/**
 * After a system's circuit closed (it answers again): sends every OPEN posting that did not reach it while it was
 * unavailable (rule `downstream.<system>.unavailable`, where the plant's `autoReplayRules` list it) again, oldest
 * first, as the system principal. Refusals (4xx) are left to people: they would be refused again.
 */
export async function retryUnavailableDeliveries(deps: AutoReplayDeps, system: string): Promise<string[]> {
  const candidates = (await missedPostings(deps, system)).filter((e) => !deliveryRetryPending(e));
  return replayAll(deps, candidates, `${system.toUpperCase()} answers again (its circuit closed): posting sent again`);
}

/**
 * A circuit that opened closes only on a call, and a quiet night makes none: sends the oldest OPEN posting that did
 * not reach the system again (when none is on its way already). Taken, it tells that the system answers again.
 */
export async function probeUnavailableSystem(deps: AutoReplayDeps, system: string): Promise<string[]> {
  const missed = await missedPostings(deps, system);
  if (!missed.length || missed.some(deliveryRetryPending)) return [];
  const oldest = missed.reduce((a, b) => (a.createdAt <= b.createdAt ? a : b));
  return replayAll(
    deps,
    [oldest],
    `Is ${system.toUpperCase()} answering again? The oldest posting it missed is sent again`,
  );
}

/** The OPEN exceptions of postings a system missed while unavailable, where the plant's rules retry them by itself. */
async function missedPostings(deps: AutoReplayDeps, system: string): Promise<ExceptionRecord[]> {
  const rule = unavailableRule(system);
  const open = await deps.store.listExceptions({ status: 'OPEN', type: 'DOWNSTREAM', rule }, { first: 1000 });
  return open.items.filter((e) => ruleSetFor(deps.rules, e.plant).autoReplayRules.includes(rule));
}

async function replayAll(deps: AutoReplayDeps, exceptions: ExceptionRecord[], note: string): Promise<string[]> {
  const replayed: string[] = [];
  for (const exception of [...exceptions].sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
    try {
      await deps.workbench.replay(AUTO_REPLAY_PRINCIPAL, exception.id, { note });
      replayed.push(exception.id);
    } catch (error) {
      deps.logger.warn({ exceptionId: exception.id, err: (error as Error).message }, 'automatic replay skipped');
    }
  }
  return replayed;
}
