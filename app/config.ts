import path from 'node:path';
import { z } from 'zod';
import { edgeSettings } from './config.edge';
import { int, url } from './config.types';

const delays = z
  .string()
  .transform((value) => value.split(',').map((part) => Number(part.trim())))
  .refine(
    (list) => list.length > 0 && list.every((n) => Number.isInteger(n) && n >= 10 && n <= 3_600_000),
    'must be comma-separated milliseconds between 10 and 3600000',
  )
  .refine((list) => list.every((n, i) => i === 0 || n > list[i - 1]!), 'must be increasing');

/** Where one external system is and how to authenticate; unset URL means the embedded reference system. */
function systemSettings<S extends 'ERP' | 'MES' | 'QMS'>(system: S) {
  return {
    [`${system}_URL`]: url.optional(),
    [`${system}_TOKEN_URL`]: url.optional(),
    [`${system}_CLIENT_ID`]: z.string().min(1).optional(),
    [`${system}_CLIENT_SECRET`]: z.string().min(1).optional(),
    [`${system}_RATE_LIMIT_PER_S`]: int(1, 10_000).default(50),
    /** This system's budget for a live read; READ_TIMEOUT_MS when unset. */
    [`${system}_READ_TIMEOUT_MS`]: int(10, 600_000).optional(),
  } as {
    [K in `${S}_URL` | `${S}_TOKEN_URL` | `${S}_CLIENT_ID` | `${S}_CLIENT_SECRET`]: z.ZodOptional<z.ZodType<string>>;
  } & { [K in `${S}_RATE_LIMIT_PER_S`]: z.ZodDefault<z.ZodCoercedNumber<unknown>> } & {
    [K in `${S}_READ_TIMEOUT_MS`]: z.ZodOptional<z.ZodCoercedNumber<unknown>>;
  };
}

/** Per-plant endpoints, `P2=https://mes.p2.example.com,P3=…`: a plant named here has its own system. */
const plantUrls = z.string().transform((value, ctx) => {
  const entries: [string, string][] = [];
  for (const part of value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [plant, address] = part.split(/=(.*)/s) as [string, string | undefined];
    const parsed = url.safeParse(address ?? '');
    if (!plant || !parsed.success) {
      ctx.addIssue({ code: 'custom', message: `must be PLANT=URL pairs separated by commas (not "${part}")` });
      return z.NEVER;
    }
    entries.push([plant, parsed.data]);
  }
  return Object.fromEntries(entries) as Record<string, string>;
});

const secret = z.string().min(16, 'must be at least 16 characters');

/** Algorithms a JWT may be signed with: asymmetric only, so that the gateway never holds a signing secret. */
const JWT_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

/** People: bearer JWTs from the plant's identity provider. Machines: API keys (configured here, or created). */
const identitySettings = {
  JWT_JWKS_URL: url.optional(),
  /** A PEM public key (SPKI) instead of a JWKS URL. */
  JWT_PUBLIC_KEY: z
    .string()
    .includes('BEGIN PUBLIC KEY', { message: 'must be a PEM public key (-----BEGIN PUBLIC KEY-----)' })
    .optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  JWT_ALGORITHMS: z
    .string()
    .transform((value) => value.split(',').map((a) => a.trim()))
    .refine(
      (list) => list.every((a) => (JWT_ALGORITHMS as readonly string[]).includes(a)),
      `must be a comma-separated list of ${JWT_ALGORITHMS.join(', ')} (never none or HS*)`,
    )
    .default(['RS256', 'ES256']),
  JWT_ROLES_CLAIM: z.string().min(1).default('roles'),
  JWT_PLANTS_CLAIM: z.string().min(1).default('plants'),
  JWT_NAME_CLAIM: z.string().min(1).default('name'),
  /** Keys given by configuration, as `npm run keys -- create --config` prints them: JSON, secrets only as hashes. */
  API_KEYS: z.string().min(2).optional(),
  /** How long a gateway reuses a key's lookup: a revoked key stops working within this time. */
  AUTH_CACHE_MS: int(0, 5000).default(2000),
  /** When set, /metrics requires `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: secret.optional(),
};

/** What protects the gateway from hostile or careless requests; defaults fit every query of the README and tests. */
const gatewayLimits = {
  /** Requests per second and principal (per gateway process); past it, 429 with Retry-After. */
  RATE_LIMIT_PER_S: int(1, 1_000_000).default(500),
  GRAPHQL_MAX_DEPTH: int(1, 100).default(10),
  GRAPHQL_MAX_ALIASES: int(0, 1000).default(15),
  GRAPHQL_MAX_TOKENS: int(10, 1_000_000).default(2000),
  GRAPHQL_MAX_DIRECTIVES: int(0, 1000).default(20),
  /** Largest cost of one operation: a list field costs its `first` (or 10) times what each element costs. */
  GRAPHQL_MAX_COST: int(1, 100_000_000).default(20_000),
  /** "Did you mean …?" in validation errors tells a stranger the schema; off unless asked for. */
  GRAPHQL_FIELD_SUGGESTIONS: z.enum(['on', 'off']).default('off'),
};

/** Every setting, with its environment variable, default and rule. The README's table mirrors this. */
const schema = z
  .object({
    AMQP_URL: z
      .string()
      .regex(/^amqps?:\/\/.+/, 'must be an amqp:// or amqps:// URL')
      .default('amqp://guest:guest@127.0.0.1:5672'),
    AMQP_CONNECT_TIMEOUT_MS: int(100, 600_000).default(15_000),
    TOPOLOGY_PREFIX: z
      .string()
      .regex(/^[a-zA-Z0-9_.-]{1,60}$/, 'must be 1-60 letters, digits, dots, dashes or underscores')
      .default('plantgate'),
    QUEUE_TYPE: z.enum(['quorum', 'classic']).default('quorum'),
    PARTITIONS: int(1, 256).default(8),
    RETRY_BUDGET: int(1, 100).default(5),
    RETRY_DELAYS_MS: delays.default([1000, 5000, 30000]),
    IN_PROCESS_RETRIES: int(0, 10).default(3),
    /** Redelivered starts of a message (each one a worker that died processing it) before it is isolated as poison. */
    POISON_DELIVERY_LIMIT: int(1, 100).default(5),
    WORKER_PREFETCH: int(1, 1000).default(64),
    /** Most messages of one partition a worker applies in one store transaction (1: each in its own). */
    WORKER_BATCH_SIZE: int(1, 1000).default(32),
    /** How often a worker tells the others it is alive; three missed beats and they take over its partitions. */
    WORKER_HEARTBEAT_MS: int(100, 60_000).default(1000),
    OUTBOX_POLL_MS: int(50, 60_000).default(1000),
    HOLD_SWEEP_MS: int(50, 600_000).default(5000),
    /** How often gateways and workers look for submissions recorded but never confirmed by the broker (0: never). */
    INTAKE_SWEEP_MS: int(0, 600_000).default(2000),
    /** How old such a submission must be before a sweeper publishes it (its own request may still be publishing). */
    INTAKE_GRACE_MS: int(100, 600_000).default(5000),
    RULES_FILE: z.string().min(1).optional(),
    /**
     * How often every process reloads the approved rule changes; a change must take effect at least twice this long
     * after its approval, so that every process judges by it from the same instant.
     */
    RULES_REFRESH_MS: int(100, 600_000).default(5000),
    /** Plants with their own MES (a plant-level MES per site), `P2=https://…,P3=…`; the others use MES_URL. */
    PLANT_MES_URLS: plantUrls.default({}),
    /** Plants with their own QMS, as PLANT_MES_URLS; the others use QMS_URL. */
    PLANT_QMS_URLS: plantUrls.default({}),
    STORE: z.enum(['sqlite', 'mongodb']).default('sqlite'),
    SQLITE_FILE: z.string().min(1).default(path.join('data', 'plantgate.db')),
    SQLITE_SYNCHRONOUS: z.enum(['full', 'normal']).default('full'),
    MONGODB_URL: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\/.+/, 'must be a mongodb:// or mongodb+srv:// URL')
      .optional(),
    MONGODB_DATABASE: z
      .string()
      .regex(/^[a-zA-Z0-9_-]{1,60}$/, 'must be a valid database name')
      .default('plantgate'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: int(0, 65535).default(4000),
    /** A worker process serves /healthz, /readyz and /metrics only when given a port of its own. */
    WORKER_METRICS_PORT: int(0, 65535).optional(),
    SHUTDOWN_TIMEOUT_MS: int(100, 600_000).default(15_000),
    /** GraphQL and webhook requests a gateway works on at once; past it, 503 with Retry-After (load shedding). */
    GATEWAY_MAX_INFLIGHT: int(1, 100_000).default(256),
    /** Largest request body a gateway accepts, in bytes; past it, 413. */
    MAX_BODY_BYTES: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ...systemSettings('ERP'),
    ...systemSettings('MES'),
    ...systemSettings('QMS'),
    CONNECTOR_TIMEOUT_MS: int(10, 600_000).default(5000),
    CONNECTOR_MAX_ATTEMPTS: int(1, 20).default(3),
    CONNECTOR_RETRY_BASE_MS: int(1, 60_000).default(200),
    CONNECTOR_RETRY_MAX_MS: int(1, 600_000).default(10_000),
    BREAKER_THRESHOLD: int(1, 1000).default(5),
    BREAKER_HALF_OPEN_MS: int(10, 600_000).default(5000),
    READ_TIMEOUT_MS: int(10, 600_000).default(2000),
    /** Deliveries of one outbound message, the first included, before it is dead-lettered with a DOWNSTREAM exception. */
    OUTBOUND_RETRY_BUDGET: int(1, 1000).default(10),
    /** Pauses between those deliveries (at least what a Retry-After asks), increasing; the last repeats. */
    OUTBOUND_RETRY_DELAYS_MS: delays.default([1000, 5000, 30000, 60000]),
    /**
     * How often a worker sends the oldest posting that did not reach a system again, to learn whether it answers: a
     * circuit that opened closes only on a call, and a quiet night makes none. 0 turns it off.
     */
    DOWNSTREAM_PROBE_MS: int(0, 86_400_000).default(300_000),
    /** How often a worker looks whether a plant is due for reconciliation (its interval is in the rule parameters). */
    RECONCILE_CHECK_S: int(1, 3600).default(30),
    /** Orders (and lots) per reconciliation page: one store read and one batched call per system each. */
    RECONCILE_PAGE_SIZE: int(1, 1000).default(200),
    /** Outbound partitions per system: deliveries of different orders in parallel, each order's in sequence. */
    OUTBOUND_PARTITIONS: int(1, 64).default(4),
    SIMULATORS: z.enum(['embedded', 'off']).default('embedded'),
    SIM_AUTOMATION: z.enum(['on', 'off']).default('off'),
    /** Where the embedded reference systems keep their state; next to the SQLite file when unset. */
    SIM_DATA_DIR: z.string().min(1).optional(),
    ...identitySettings,
    ...gatewayLimits,
    ...edgeSettings,
    /** Per-system webhook secrets (HMAC-SHA256); WEBHOOK_SECRET serves the systems without one of their own. */
    ERP_WEBHOOK_SECRET: secret.optional(),
    MES_WEBHOOK_SECRET: secret.optional(),
    QMS_WEBHOOK_SECRET: secret.optional(),
    WEBHOOK_SECRET: secret.optional(),
    /** How old a signed webhook's timestamp may be, and how long its signature is remembered against replays. */
    WEBHOOK_REPLAY_WINDOW_S: int(10, 3600).default(300),
  })
  .superRefine((config, ctx) => {
    if (config.STORE === 'mongodb' && !config.MONGODB_URL) {
      ctx.addIssue({ code: 'custom', path: ['MONGODB_URL'], message: 'is required when STORE=mongodb' });
    }
    if (config.JWT_JWKS_URL && config.JWT_PUBLIC_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_PUBLIC_KEY'],
        message: 'must not be set together with JWT_JWKS_URL: choose one',
      });
    }
    if (config.JWT_JWKS_URL || config.JWT_PUBLIC_KEY) {
      for (const name of ['JWT_ISSUER', 'JWT_AUDIENCE'] as const) {
        if (!config[name])
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: 'is required when JWT_JWKS_URL or JWT_PUBLIC_KEY is set',
          });
      }
    }
    for (const system of ['ERP', 'MES', 'QMS'] as const) {
      if (config[`${system}_CLIENT_ID`] && !config[`${system}_CLIENT_SECRET`]) {
        ctx.addIssue({
          code: 'custom',
          path: [`${system}_CLIENT_SECRET`],
          message: `is required when ${system}_CLIENT_ID is set`,
        });
      }
    }
  });

export type Config = z.output<typeof schema>;

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
    value: string | undefined,
  ) {
    super(
      `Invalid configuration: ${variable} ${detail}${value === undefined ? '' : ` (got ${JSON.stringify(value)})`}`,
    );
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment once. Empty variables count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const relevant = Object.fromEntries(
    Object.keys(schema.shape ?? {}).flatMap((name) =>
      env[name] === undefined || env[name] === '' ? [] : [[name, env[name]]],
    ),
  );
  const result = schema.safeParse(relevant);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const variable = String(issue.path[0] ?? 'environment');
  throw new ConfigError(variable, issue.message, env[variable]);
}
