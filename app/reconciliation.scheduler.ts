import { Cron } from 'croner';
import type { Logger } from '../core/ports/logger.port';
import type { Store } from '../core/ports/store.port';
import type { Reconciler } from '../core/reconciliation/reconciliation.runner';
import type { RunScope } from '../core/reconciliation/drift.types';
import { ruleSetFor, type RuleBook } from '../core/rules/rule-set';

export interface SchedulerDeps {
  store: Pick<Store, 'listPlants' | 'listRuns'>;
  reconciler: Reconciler;
  rules: RuleBook;
  logger: Logger;
  /** How often the schedule is looked at, seconds. */
  checkEverySeconds: number;
  now: () => Date;
}

/** A run that has said nothing for this long is taken for dead (its process stopped): the schedule goes on. */
const STALE_RUN_MS = 6 * 3_600_000;

/**
 * Scheduled reconciliation: every plant the reference data names is reconciled every `intervalMinutes` of its rule
 * parameters (0: on demand only), INCREMENTAL, and FULL once in `fullSweepEvery` runs. The runs themselves are the
 * schedule's memory, so that several workers, or a restarted one, do not run a plant again before its time.
 */
export function startReconciliationSchedule(deps: SchedulerDeps) {
  const every = deps.checkEverySeconds;
  // The first look comes one interval after the start, not at once: a process starting does its own work first.
  const startAt = new Date(deps.now().getTime() + every * 1000);
  const job = new Cron('* * * * * *', { interval: every, startAt, protect: true, unref: true }, async () => {
    try {
      for (const { code } of await deps.store.listPlants()) {
        const scope = await due(code);
        if (scope) await deps.reconciler.start(code, scope, 'system:reconciliation-schedule');
      }
    } catch (error) {
      deps.logger.warn({ err: (error as Error).message }, 'reconciliation schedule check failed; will try again');
    }
  });

  /** The scope of the run a plant is due for, or null when it is not due. */
  async function due(plant: string): Promise<RunScope | null> {
    const params = ruleSetFor(deps.rules, plant).reconciliation;
    if (params.intervalMinutes <= 0 || !deps.reconciler.connected() || deps.reconciler.busy(plant)) return null;
    const recent = (await deps.store.listRuns(plant, { first: Math.min(params.fullSweepEvery, 200), after: null }))
      .items;
    const last = recent[0];
    const now = deps.now().getTime();
    if (last?.status === 'RUNNING' && now - Date.parse(last.startedAt) < STALE_RUN_MS) return null;
    if (last && now - Date.parse(last.startedAt) < params.intervalMinutes * 60_000) return null;
    return recent.length < params.fullSweepEvery || recent.some((r) => r.scope === 'FULL') ? 'INCREMENTAL' : 'FULL';
  }

  return {
    close() {
      job.stop();
    },
  };
}
