import { createHash } from 'node:crypto';
import { sliceOf, type Command } from '../messages/message.registry';

/**
 * Idempotency is decided on business identifiers, never on transport IDs: a resend with a new messageId but
 * the same business content is the same event. Each message type's slice names the fields that identify its
 * event; event times enter as a bucket of the plant's `timestampBucketMs`, so that a resend stamped a few
 * milliseconds later is still the same event.
 */
export function businessKeyOf(command: Command, timestampBucketMs: number): string {
  const parts = sliceOf(command.messageType).businessKey(command.payload, {
    bucket: (at) => String(Math.floor(Date.parse(at) / timestampBucketMs)),
    fingerprint: () => fingerprintOf(command),
  });
  return key(command.messageType, ...parts);
}

/**
 * Fields that do not make a message a different business event: the transport ID, and event times, which
 * identify an event through the key's timestamp bucket (a resend stamped 400 ms later is the same event).
 */
const NOT_CONTENT = new Set(['messageId', 'occurredAt', 'decidedAt', 'acknowledgedAt']);

/** A digest of the business content: equal for a resend, different when any business field differs. */
export function fingerprintOf(command: Command): string {
  return createHash('sha256').update(canonicalJson(command.payload, NOT_CONTENT)).digest('hex');
}

function key(...parts: string[]): string {
  return parts.map((part) => part.replaceAll('|', '\\|')).join('|');
}

/** JSON with object keys sorted, so that two equal payloads always give the same text. */
export function canonicalJson(value: unknown, omit: ReadonlySet<string> = new Set()): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v, omit)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k, v]) => !omit.has(k) && v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v, omit)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
