import { z } from 'zod';
import { int, plantCode, url } from './config.types';

/**
 * An edge gateway (`main.ts edge`) next to a plant broker, and the central settings that serve edges. The edge's own
 * broker is AMQP_URL; its store is its own SQLite file (SQLITE_FILE, data/edge.db by default for this role).
 */
export const edgeSettings = {
  /** The one plant an edge gateway serves. Required for the edge role. */
  EDGE_PLANT: plantCode.optional(),
  /** How the plant broker's shovel reaches the central broker (amqp[s]://user:password@host:port/vhost). */
  CENTRAL_AMQP_URL: z
    .string()
    .regex(/^amqps?:\/\/.+/, 'must be an amqp:// or amqps:// URL')
    .optional(),
  /** The central installation's TOPOLOGY_PREFIX, when it differs from this edge's. */
  CENTRAL_TOPOLOGY_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9_.-]{1,60}$/, 'must be 1-60 letters, digits, dots, dashes or underscores')
    .optional(),
  /** The central gateway: where the edge copies its plant's API keys from and asks about transactions. */
  CENTRAL_URL: url.optional(),
  /** The edge's own API key at the central gateway (role EDGE in its plant): used only to copy API keys. */
  CENTRAL_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  /** The plant broker's management API (rabbitmq_management), where the edge declares and checks its shovels. */
  BROKER_API_URL: url.default('http://127.0.0.1:15672'),
  /** Messages the edge holds for the central plane at most; past it, new submissions get 503 BACKLOG_FULL. */
  EDGE_BACKLOG_LIMIT: int(1, 100_000_000).default(100_000),
  /** How often the edge reads its link state and backlog. */
  EDGE_LINK_CHECK_MS: int(100, 600_000).default(1000),
  /** How often the edge copies its plant's API keys from the central gateway (a revocation reaches it within). */
  EDGE_KEY_SYNC_MS: int(1000, 86_400_000).default(30_000),
  /** Seconds a shovel waits before reconnecting a link that dropped. */
  EDGE_RECONNECT_S: int(1, 3600).default(1),
  /** How long the edge waits for the central gateway before answering from what it holds itself. */
  CENTRAL_TIMEOUT_MS: int(50, 60_000).default(2000),
  /** Central side: plants with an edge gateway, `P1,P2`; their MES-bound messages go to their edge. */
  EDGE_PLANTS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .pipe(z.array(plantCode))
    .default([]),
};
