import type { Logger } from '../../core/ports/logger.port';
import type { BrokerApi, ShovelDefinition } from '../../messaging/broker-api';
import { redact } from '../../messaging/broker.connection';
import type { EdgeTopology } from '../../messaging/edge.topology';
import { StartRefusedError } from '../auth/identity';

const APPEAR_WITHIN_MS = 5_000;

/**
 * Declares the edge's two shovels on the plant broker and checks them: each stored as this configuration describes
 * it, each run by the shovel plugin. A definition already as wanted is left alone (redeclaring restarts a shovel).
 * Refuses to start, naming what to enable, when the broker has no shovel plugin.
 */
export async function declareEdgeShovels(deps: {
  api: BrokerApi;
  vhost: string;
  topology: EdgeTopology;
  centralUrl: string;
  reconnectDelayS: number;
  logger: Logger;
}): Promise<void> {
  const wanted = deps.topology.shovels({
    vhost: deps.vhost,
    centralUrl: deps.centralUrl,
    reconnectDelayS: deps.reconnectDelayS,
  });
  for (const [name, value] of Object.entries(wanted)) {
    if (sameDefinition(await deps.api.getShovel(deps.vhost, name), value)) continue;
    await deps.api.putShovel(deps.vhost, name, value).catch((error: unknown) => {
      throw new StartRefusedError(
        `Cannot declare shovel ${name} on the plant broker: ${(error as Error).message}. ` +
          'Enable the shovel plugin there: rabbitmq-plugins enable rabbitmq_shovel rabbitmq_shovel_management',
      );
    });
    if (!sameDefinition(await deps.api.getShovel(deps.vhost, name), value)) {
      throw new StartRefusedError(`Shovel ${name} is not stored as declared on the plant broker`);
    }
    deps.logger.info({ shovel: name, to: redact(deps.centralUrl) }, 'edge shovel declared');
  }
  const deadline = Date.now() + APPEAR_WITHIN_MS;
  for (;;) {
    const statuses = await deps.api.shovelStatuses(deps.vhost);
    const missing = Object.keys(wanted).filter((name) => !statuses.some((s) => s.name === name));
    // Past its first connection attempt (running, or terminated for a link that is down), the link's state means
    // something: the start-up line and the first health answer report it. A link that hangs is reported as it is.
    const settled = statuses.some((s) => s.name === deps.topology.names.forwardShovel && s.state !== 'starting');
    if (missing.length === 0 && (settled || Date.now() > deadline)) return;
    if (missing.length > 0 && Date.now() > deadline) {
      throw new StartRefusedError(
        `The plant broker stores shovel ${missing.join(', ')} but does not run it: enable ` +
          'rabbitmq_shovel and rabbitmq_shovel_management (rabbitmq-plugins enable rabbitmq_shovel rabbitmq_shovel_management)',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Removes the edge's shovels (tests, benchmarks and `npm run topology -- delete` own theirs). */
export async function deleteEdgeShovels(api: BrokerApi, vhost: string, topology: EdgeTopology): Promise<void> {
  for (const name of [topology.names.forwardShovel, topology.names.mesShovel]) await api.deleteShovel(vhost, name);
}

function sameDefinition(stored: ShovelDefinition | null, wanted: ShovelDefinition): boolean {
  if (!stored) return false;
  return Object.entries(wanted).every(([key, value]) => stored[key] === value);
}
