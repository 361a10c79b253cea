import { randomUUID } from 'node:crypto';
import type { Logger } from '../core/ports/logger.port';
import type { Store } from '../core/ports/store.port';
import { createRuleGovernance, type RuleGovernance } from '../core/rules/rule-governance.service';
import { ruleSetFor, type RuleBook } from '../core/rules/rule-set';
import type { Config } from './config';
import { every } from './periodic';
import { parseRuleParameters } from './rules.loader';
import type { StopList } from './stop-list';

/**
 * The rule governance of a process: its rule book loaded with every plant's approved versions now and every
 * RULES_REFRESH_MS; a worker also writes each version's activation to the audit chain when its time comes.
 */
export async function startRuleGovernance(deps: {
  config: Config;
  store: Store;
  rules: RuleBook;
  logger: Logger;
  stops: StopList;
  activates: boolean;
  /** Told after each refresh, per plant known to the rule book or to governance. */
  observe?: (plant: string, versionInForce: number, pending: number) => void;
}): Promise<RuleGovernance> {
  const governance = createRuleGovernance({
    store: deps.store,
    rules: deps.rules,
    validate: parseRuleParameters,
    now: () => new Date(),
    newId: randomUUID,
    minLeadMs: 2 * deps.config.RULES_REFRESH_MS,
  });
  const refresh = async () => {
    // One read of the changes per refresh: the rule book and the gauges both come from it.
    const changes = await governance.refresh();
    if (!deps.observe) return;
    const plants = new Set([...Object.keys(deps.rules.plants), ...changes.map((c) => c.plant)]);
    for (const plant of plants) {
      const pending = changes.filter((c) => c.plant === plant && c.status === 'PENDING').length;
      deps.observe(plant, ruleSetFor(deps.rules, plant).version, pending);
    }
  };
  await refresh();
  const watch = every(
    deps.config.RULES_REFRESH_MS,
    async () => {
      await refresh();
      if (deps.activates) await governance.activateDue();
    },
    deps.logger,
    'rule refresh',
  );
  deps.stops.add(() => watch.close());
  return governance;
}
