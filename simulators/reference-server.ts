import { serve, type SimRequest, type SimResponse } from './http-kit';
import { withFaults } from './faults';
import { createWebhookSender } from './webhook.sender';

/**
 * What every reference system shares: its API behind fault injection and a call log, POST /admin/faults to change
 * the faults, and (for MES and QMS) a webhook sender towards Plantgate that tracks the sequences in flight.
 */
export async function startReferenceServer(options: {
  router: (req: SimRequest) => Promise<SimResponse>;
  port?: number;
  /** Where to listen: loopback unless told otherwise (a container listens on every interface). */
  host?: string;
  random?: () => number;
  webhookUrl?: string | null;
  webhookSecret?: string;
  /** More admin routes, answered before the fault layer. */
  admin?: (req: SimRequest) => SimResponse | null;
}) {
  const faults = withFaults(options.router, options.random);
  let webhookUrl = options.webhookUrl ?? null;
  const webhook = createWebhookSender({
    url: () => webhookUrl,
    secret: options.webhookSecret,
    faults: () => faults.faults,
    random: options.random,
  });
  const running: Promise<void>[] = [];
  const server = await serve(
    async (req) => {
      if (req.method === 'POST' && req.path === '/admin/faults')
        return (faults.setFaults(req.body as never), { status: 200, body: faults.faults });
      return options.admin?.(req) ?? faults.handle(req);
    },
    options.port,
    options.host,
  );
  return {
    webhook,
    /** Tracks a generated event sequence, so that idle() can wait for it. */
    track: (work: Promise<void>) => void running.push(work),
    controls: {
      url: server.url,
      calls: faults.calls,
      setFaults: faults.setFaults,
      setWebhookUrl: (url: string | null) => void (webhookUrl = url),
      webhookStats: webhook.stats,
      /** Resolves when every generated event sequence has been delivered. */
      idle: async () => void (await Promise.all(running)),
      close: server.close,
    },
  };
}
