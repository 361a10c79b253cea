import { randomUUID } from 'node:crypto';
import { WEBHOOK_HEADERS, webhookSignature } from '../core/auth/webhook-signature';
import { postJson } from './http-kit';
import type { FaultSettings } from './faults';

export interface WebhookMessage {
  messageType: string;
  payload: Record<string, unknown>;
}

/**
 * Delivers a reference system's events to Plantgate's webhook, in order, retrying while Plantgate is away.
 * Injected faults: a share of deliveries is sent twice (a resend with a new messageId), and a share is held back
 * and sent after the next one (out of order).
 */
export function createWebhookSender(options: {
  url: () => string | null;
  secret?: string;
  faults: () => FaultSettings;
  random?: () => number;
}) {
  const random = options.random ?? Math.random;
  let delivered = 0;
  let duplicated = 0;
  let reordered = 0;
  const failures: string[] = [];

  async function deliver(message: WebhookMessage): Promise<void> {
    const url = options.url();
    if (!url) return;
    for (let attempt = 1; ; attempt++) {
      try {
        const body = JSON.stringify(message);
        const response = await postJson(url, body, options.secret ? signatureHeaders(options.secret, body) : {});
        if (response.status < 500) {
          if (response.status >= 400)
            failures.push(`${message.messageType}: ${response.status} ${JSON.stringify(response.body)}`);
          delivered += 1;
          return;
        }
      } catch {
        // Plantgate unreachable: try again below.
      }
      if (attempt >= 20) {
        failures.push(`${message.messageType}: gave up after ${attempt} attempts`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * attempt)));
    }
  }

  /** Sends a sequence of one order's events, in order unless faults say otherwise. */
  async function sendSequence(messages: WebhookMessage[]): Promise<void> {
    const queue = [...messages];
    while (queue.length) {
      const faults = options.faults();
      let next = queue.shift()!;
      if (queue.length && random() < faults.reorderRate) {
        queue.splice(1, 0, next);
        next = queue.shift()!;
        reordered += 1;
      }
      await deliver(next);
      if (random() < faults.duplicateRate && 'messageId' in next.payload) {
        duplicated += 1;
        await deliver({ ...next, payload: { ...next.payload, messageId: randomUUID() } });
      }
    }
  }

  return {
    send: (message: WebhookMessage) => sendSequence([message]),
    sendSequence,
    stats: () => ({ delivered, duplicated, reordered, failures }),
  };
}

/** Signed per delivery attempt: a retry carries a fresh timestamp, so a slow retry is not refused as stale. */
function signatureHeaders(secret: string, body: string): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return {
    [WEBHOOK_HEADERS.timestamp]: timestamp,
    [WEBHOOK_HEADERS.signature]: webhookSignature(secret, timestamp, body),
  };
}
