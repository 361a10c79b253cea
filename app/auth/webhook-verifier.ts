import { signaturesMatch, WEBHOOK_HEADERS, webhookSignature } from '../../core/auth/webhook-signature';

export type WebhookRefusal =
  'no_secret' | 'missing_signature' | 'bad_signature' | 'stale_signature' | 'replayed_signature';

/**
 * Checks signed webhooks: the system's secret, a timestamp within the replay window, and a signature not seen before
 * within that window (kept per gateway process: a replay through another gateway is still only a DUPLICATE, since
 * business keys decide idempotency).
 */
export function createWebhookVerifier(options: {
  secrets: Partial<Record<string, string>>;
  windowSeconds: number;
  now?: () => number;
}) {
  const now = options.now ?? (() => Date.now());
  const seen = new Map<string, number>();

  function forget(at: number) {
    for (const [signature, until] of seen) if (until < at) seen.delete(signature);
  }

  return {
    verify(
      system: string,
      headers: Record<string, string | string[] | undefined>,
      rawBody: string,
    ): { ok: true } | { ok: false; reason: WebhookRefusal } {
      const secret = options.secrets[system];
      if (!secret) return { ok: false, reason: 'no_secret' };
      const timestamp = headers[WEBHOOK_HEADERS.timestamp];
      const signature = headers[WEBHOOK_HEADERS.signature];
      if (typeof timestamp !== 'string' || typeof signature !== 'string')
        return { ok: false, reason: 'missing_signature' };
      if (!signaturesMatch(webhookSignature(secret, timestamp, rawBody), signature))
        return { ok: false, reason: 'bad_signature' };
      const at = now();
      if (!/^\d{1,12}$/.test(timestamp) || Math.abs(at - Number(timestamp) * 1000) > options.windowSeconds * 1000)
        return { ok: false, reason: 'stale_signature' };
      forget(at);
      if (seen.has(signature)) return { ok: false, reason: 'replayed_signature' };
      seen.set(signature, at + options.windowSeconds * 2000);
      return { ok: true };
    },
  };
}

export type WebhookVerifier = ReturnType<typeof createWebhookVerifier>;
