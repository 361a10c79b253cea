import { systemPrincipal, type Principal } from '../auth/principal';
import type { Logger } from '../ports/logger.port';
import type { ExceptionRecord } from '../ports/records';
import type { Store } from '../ports/store.port';
import type { UpsertReferenceData } from '../reference/upsert-reference-data.command';
import { ruleSetFor, type RuleBook } from '../rules/rule-set';
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
  const replayed: string[] = [];
  for (const exception of candidates.sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
    try {
      await deps.workbench.replay(AUTO_REPLAY_PRINCIPAL, exception.id, {
        note: 'Master data it was refused for was supplied or corrected: replayed automatically',
      });
      replayed.push(exception.id);
    } catch (error) {
      deps.logger.warn({ exceptionId: exception.id, err: (error as Error).message }, 'automatic replay skipped');
    }
  }
  return replayed;
}
