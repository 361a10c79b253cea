import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names of a signed webhook. */
export const WEBHOOK_HEADERS = { timestamp: 'x-plantgate-timestamp', signature: 'x-plantgate-signature' } as const;

/**
 * The signature of a webhook: HMAC-SHA256 with the sending system's secret over `<timestamp>.<raw body>`, as
 * `sha256=<hex>`. The timestamp (Unix seconds) is signed too, so that an old request cannot be sent again as new.
 */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Compares two signatures in constant time. */
export function signaturesMatch(expected: string, presented: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
