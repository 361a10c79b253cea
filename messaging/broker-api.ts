/**
 * The few calls Plantgate makes to RabbitMQ's management HTTP API (plugin rabbitmq_management, with
 * rabbitmq_shovel_management for shovel status): declaring and checking dynamic shovels, and reading a queue's depth
 * and the age of its oldest message, which AMQP does not tell.
 */
export interface BrokerApiOptions {
  /** http(s)://host:15672, optionally with user:password; otherwise `credentials` are used. */
  url: string;
  credentials: { username: string; password: string };
  timeoutMs?: number;
}

/** The broker's management API refused or could not be reached; the message says which and what to do. */
export class BrokerApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'BrokerApiError';
  }
}

/** A dynamic shovel as RabbitMQ stores it (parameter component "shovel"). */
export type ShovelDefinition = Record<string, string | number | boolean>;

/** running: linked and moving messages; starting: (re)connecting; terminated: failed, retried after its delay. */
export interface ShovelStatus {
  name: string;
  state: 'running' | 'starting' | 'terminated' | string;
  reason?: string;
}

export interface QueueInfo {
  messages: number;
  /** The `timestamp` property (seconds) of the message at the head of a classic queue; null when empty or unknown. */
  headMessageTimestamp: number | null;
  /** Messages delivered and not yet acknowledged (a shovel's in flight), sampled by the broker every few seconds. */
  unacknowledged: number;
  /** Messages acknowledged off the queue since it was declared (sampled likewise). */
  acknowledged: number;
}

export function createBrokerApi(options: BrokerApiOptions) {
  const parsed = new URL(options.url);
  const username = decodeURIComponent(parsed.username) || options.credentials.username;
  const password = decodeURIComponent(parsed.password) || options.credentials.password;
  parsed.username = '';
  parsed.password = '';
  const base = parsed.toString().replace(/\/+$/, '');
  const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const v = encodeURIComponent;

  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${base}/api${path}`, {
        method,
        headers: { authorization, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      });
    } catch (error) {
      throw new BrokerApiError(
        `RabbitMQ's management API does not answer at ${base} (${(error as Error).message}): enable it with ` +
          '`rabbitmq-plugins enable rabbitmq_management rabbitmq_shovel rabbitmq_shovel_management`, or set BROKER_API_URL',
        null,
      );
    }
    const text = await response.text();
    if (response.status === 404 && method === 'GET') return null;
    if (!response.ok) {
      throw new BrokerApiError(
        `RabbitMQ's management API refused ${method} ${path}: ${response.status} ${text.slice(0, 300)}`,
        response.status,
      );
    }
    return text ? JSON.parse(text) : null;
  }

  return {
    /** Declares (or redeclares, restarting it) a dynamic shovel in a virtual host. */
    async putShovel(vhost: string, name: string, value: ShovelDefinition): Promise<void> {
      await call('PUT', `/parameters/shovel/${v(vhost)}/${v(name)}`, { value });
    },
    async getShovel(vhost: string, name: string): Promise<ShovelDefinition | null> {
      const found = (await call('GET', `/parameters/shovel/${v(vhost)}/${v(name)}`)) as {
        value: ShovelDefinition;
      } | null;
      return found?.value ?? null;
    },
    async deleteShovel(vhost: string, name: string): Promise<void> {
      await call('DELETE', `/parameters/shovel/${v(vhost)}/${v(name)}`).catch((error: unknown) => {
        if ((error as BrokerApiError).status !== 404) throw error;
      });
    },
    /** The running state of every shovel of a virtual host (needs rabbitmq_shovel_management). */
    async shovelStatuses(vhost: string): Promise<ShovelStatus[]> {
      const list = (await call('GET', `/shovels/${v(vhost)}`)) as
        { name: string; state: string; reason?: string }[] | null;
      return (list ?? []).map((s) => ({ name: s.name, state: s.state, ...(s.reason ? { reason: s.reason } : {}) }));
    },
    async queueInfo(vhost: string, queue: string): Promise<QueueInfo | null> {
      const info = (await call('GET', `/queues/${v(vhost)}/${v(queue)}`)) as {
        messages?: number;
        messages_unacknowledged?: number;
        head_message_timestamp?: number | null;
        message_stats?: { ack?: number };
      } | null;
      if (!info) return null;
      return {
        messages: info.messages ?? 0,
        headMessageTimestamp: info.head_message_timestamp ?? null,
        unacknowledged: info.messages_unacknowledged ?? 0,
        acknowledged: info.message_stats?.ack ?? 0,
      };
    },
  };
}

export type BrokerApi = ReturnType<typeof createBrokerApi>;

/** The virtual host an AMQP URL names ('/' when it names none). */
export function vhostOf(amqpUrl: string): string {
  const path = new URL(amqpUrl).pathname.replace(/^\//, '');
  return path ? decodeURIComponent(path) : '/';
}

/** The user and password of an AMQP URL (RabbitMQ's guest/guest when it has none). */
export function credentialsOf(amqpUrl: string): { username: string; password: string } {
  const parsed = new URL(amqpUrl);
  return {
    username: decodeURIComponent(parsed.username) || 'guest',
    password: decodeURIComponent(parsed.password) || 'guest',
  };
}
