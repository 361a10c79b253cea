import type { Connection } from 'rabbitmq-client';
import {
  createSubmissionService,
  type SubmissionService,
  type SubmissionServiceDeps,
} from '../core/intake/submission.service';
import type { Logger } from '../core/ports/logger.port';
import type { Store } from '../core/ports/store.port';
import type { RuleBook } from '../core/rules/rule-set';
import { createCommandPublisher, type CommandTopology } from '../messaging/command.publisher';
import type { PlantgateMetrics } from '../monitoring/metrics';
import type { Config } from './config';
import { every } from './periodic';
import type { StopList } from './stop-list';

/**
 * The process's one submission service, publishing to `topology` (the central commands, or an edge's backlog), with
 * its sweeper: what a dead process recorded but never published goes out after INTAKE_GRACE_MS.
 */
export function startIntake(deps: {
  config: Config;
  connection: Connection;
  topology: CommandTopology;
  store: Store;
  rules: RuleBook;
  logger: Logger;
  metrics: PlantgateMetrics;
  stops: StopList;
  options?: Pick<SubmissionServiceDeps, 'hooks' | 'servesPlants' | 'admit'>;
}): SubmissionService {
  const publisher = createCommandPublisher(deps.connection, deps.topology);
  deps.stops.add(() => publisher.close());
  const intake = createSubmissionService({
    store: deps.store,
    publisher,
    rules: deps.rules,
    now: () => new Date(),
    logger: deps.logger,
    observer: deps.metrics.intakeObserver,
    ...deps.options,
  });
  const sweeper = every(
    deps.config.INTAKE_SWEEP_MS,
    async () => void (await intake.publishStranded(deps.config.INTAKE_GRACE_MS)),
    deps.logger,
    'stranded-submission sweep',
  );
  deps.stops.add(() => sweeper.close());
  return intake;
}
